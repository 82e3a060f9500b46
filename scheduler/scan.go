// Package scheduler runs duban's timed work: the reminder scan, the weekly
// digest and the monthly report, on robfig/cron in the configured time
// zone, on one replica at a time.
package scheduler

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"time"

	"duban/notify"
	"duban/remind"
	"duban/store"
)

// Scanner turns due reminders into outbox rows.
type Scanner struct {
	DB     *store.DB
	Policy remind.Policy
	Logger *slog.Logger
	// Batch is how many due commitments one query reads and one
	// transaction records (default 1000).
	Batch int
	// Observe, if set, is told each scan's duration and how many rows it
	// enqueued (metrics).
	Observe func(took time.Duration, enqueued int)
}

// ScanResult says what a scan did.
type ScanResult struct {
	Commitments int // commitments looked at
	Enqueued    int // outbox rows written (dead ones included)
	Reminders   []store.Notification
}

// Scan looks at every commitment whose next reminder time is at or before
// now, enqueues the reminders the policy says are due, and stores each
// commitment's next reminder time. With dryRun it computes the same
// reminders and writes nothing.
func (s *Scanner) Scan(ctx context.Context, now time.Time, dryRun bool) (ScanResult, error) {
	var res ScanResult
	if s.Observe != nil && !dryRun {
		start := time.Now()
		defer func() { s.Observe(time.Since(start), res.Enqueued) }()
	}
	batch := s.Batch
	if batch <= 0 {
		batch = 1000
	}
	seen := map[int64]bool{}
	for {
		shown := map[string]batchItem{}
		items, err := s.DB.DueForScan(ctx, now, batch)
		if err != nil {
			return res, err
		}
		progressed := false
		var recs []store.ScanRecord
		for _, it := range items {
			if seen[it.Commitment.ID] {
				continue // dry run, or changed under us: next scan
			}
			seen[it.Commitment.ID] = true
			progressed = true
			res.Commitments++
			ns := s.notifications(it, now, shown)
			if dryRun {
				res.Reminders = append(res.Reminders, ns...)
				continue
			}
			next := s.Policy.Next(remind.Item{Commitment: it.Commitment, Owners: it.Owners}, now)
			recs = append(recs, store.ScanRecord{Item: it, Notifications: ns, Next: next})
		}
		if len(recs) > 0 {
			// One transaction per batch: the reminders and the next times of
			// up to Batch commitments commit together.
			n, err := s.DB.RecordScanBatched(ctx, recs, func(written []store.Notification) ([]store.Batch, []store.Dropped) {
				return s.batches(written, shown)
			})
			if err != nil {
				return res, fmt.Errorf("scan: %w", err)
			}
			res.Enqueued += n
			for _, r := range recs {
				res.Reminders = append(res.Reminders, r.Notifications...)
			}
		}
		if len(items) < batch || !progressed {
			return res, nil
		}
	}
}

// notifications renders the policy's due reminders for one commitment as
// outbox rows.
func (s *Scanner) notifications(it store.ScanItem, now time.Time, items map[string]batchItem) []store.Notification {
	rs := s.Policy.Due(remind.Item{Commitment: it.Commitment, Owners: it.Owners}, now)
	out := make([]store.Notification, 0, len(rs))
	for _, r := range rs {
		lang := "zh"
		n := store.Notification{CommitmentID: it.Commitment.ID, ChatID: r.ChatID, Kind: r.Kind, Stage: r.Stage,
			DedupKey: r.DedupKey, DeadReason: r.DeadReason()}
		if r.Contact != nil {
			n.ContactID = r.Contact.ID
			if r.Contact.Language != "" {
				lang = r.Contact.Language
			}
			if r.Contact.Unreachable && n.DeadReason == "" {
				n.DeadReason = "unreachable: " + r.Contact.UnreachableWhy
			}
			if r.Contact.Routed() {
				// Reached by their channels in order: the dispatcher picks
				// one when it sends (SPEC §14).
				n.Channel, n.DeadReason = store.ChannelAuto, ""
			}
		}
		n.Body = remind.Text(r, it.Commitment, lang, now, s.Policy.Loc)
		n.Buttons = remind.Buttons(r, it.Commitment, lang)
		out = append(out, n)
		if items != nil {
			due := time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC) // ongoing: last
			if !it.Commitment.Due.IsZero() {
				due = it.Commitment.Due.Start(time.UTC)
			}
			items[n.DedupKey] = batchItem{text: remind.ItemText(r, it.Commitment, lang, now, s.Policy.Loc),
				buttons: remind.ItemButtons(r, it.Commitment, lang), rank: remind.Rank(r.Kind), due: due,
				lang: lang, owner: r.Contact != nil}
		}
	}
	return out
}

// batchItem is how one reminder looks inside a batch.
type batchItem struct {
	text    string
	buttons [][]store.Button
	rank    int       // remind.Rank: red first
	due     time.Time // then the earliest deadline
	lang    string
	owner   bool // for an owner (who answers), not the supervision chat
}

// maxBatchItems bounds the items of one batched message: with three
// buttons each, well under Telegram's 100 buttons, and a message a person
// still reads to the end.
const maxBatchItems = 20

// batches bundles the reminders a scan wrote for one chat into one message
// (SPEC §11): red first, each item on its own lines with its own buttons.
// Items that would not fit in one Telegram message go on in another, so
// that parts are cut between items, never inside one. A chat with a single
// reminder gets it as it is. A progress check written beside a deadline
// reminder (lead, due, overdue) for the same item and chat is dropped: the
// deadline reminder asks for progress already.
func (s *Scanner) batches(written []store.Notification, items map[string]batchItem) ([]store.Batch, []store.Dropped) {
	type itemChat struct{ commitment, chat int64 }
	deadline := map[itemChat]bool{}
	for _, n := range written {
		if n.Kind == remind.KindLead || n.Kind == remind.KindDue || n.Kind == remind.KindOverdue {
			deadline[itemChat{n.CommitmentID, recipient(n)}] = true
		}
	}
	var drop []store.Dropped
	byChat := map[int64][]store.Notification{}
	var chats []int64
	for _, n := range written {
		if n.Kind == remind.KindProgressCheck && deadline[itemChat{n.CommitmentID, recipient(n)}] {
			drop = append(drop, store.Dropped{ID: n.ID, Why: "a deadline reminder about the item goes the same day"})
			continue
		}
		who := recipient(n)
		if who == 0 || n.DeadReason != "" {
			continue
		}
		if _, ok := items[n.DedupKey]; !ok {
			continue
		}
		if byChat[who] == nil {
			chats = append(chats, who)
		}
		byChat[who] = append(byChat[who], n)
	}
	var out []store.Batch
	for _, chat := range chats {
		ns := byChat[chat]
		if len(ns) < 2 {
			continue
		}
		slices.SortStableFunc(ns, func(a, b store.Notification) int {
			ia, ib := items[a.DedupKey], items[b.DedupKey]
			if c := cmp.Compare(ia.rank, ib.rank); c != 0 {
				return c
			}
			if c := ia.due.Compare(ib.due); c != 0 {
				return c
			}
			return cmp.Compare(a.CommitmentID, b.CommitmentID)
		})
		for len(ns) > 0 {
			k := s.fit(ns, items)
			if k >= 2 {
				out = append(out, carrier(ns[:k], items))
			}
			ns = ns[k:]
		}
	}
	return out, drop
}

// fit is how many of ns, from the first, go in one message (at least one).
func (s *Scanner) fit(ns []store.Notification, items map[string]batchItem) int {
	k := 1
	for k < len(ns) && k < maxBatchItems {
		if notify.UTF16Len(carrier(ns[:k+1], items).Carrier.Body) > notify.MaxTextLen {
			break
		}
		k++
	}
	return k
}

// recipient names who a row goes to, for batching: its chat, or for a
// contact reached by their channels without a chat, the contact (a key no
// chat id takes); 0 for nobody.
func recipient(n store.Notification) int64 {
	if n.ChatID != 0 {
		return n.ChatID
	}
	if n.Channel == store.ChannelAuto && n.ContactID != 0 {
		return -(1 << 62) - n.ContactID
	}
	return 0
}

// carrier builds the batch message for ns, all to one chat.
func carrier(ns []store.Notification, items map[string]batchItem) store.Batch {
	first := items[ns[0].DedupKey]
	texts := make([]string, len(ns))
	var buttons [][]store.Button
	ids := make([]int64, len(ns))
	owner := false
	contact, channel := ns[0].ContactID, ns[0].Channel
	for i, n := range ns {
		it := items[n.DedupKey]
		texts[i] = it.text
		buttons = append(buttons, it.buttons...)
		ids[i] = n.ID
		owner = owner || it.owner
		if n.ContactID != contact {
			contact = 0
		}
		if n.Channel != channel {
			channel = ""
		}
	}
	return store.Batch{Members: ids, Carrier: store.Notification{
		ChatID: ns[0].ChatID, ContactID: contact, Channel: channel, Kind: store.KindBatch, Stage: strconv.Itoa(len(ns)),
		DedupKey: "batch/" + ns[0].DedupKey, Body: remind.BatchText(texts, first.lang, owner), Buttons: buttons,
	}}
}
