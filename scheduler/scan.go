// Package scheduler runs duban's timed work: the reminder scan, the weekly
// digest and the monthly report, on robfig/cron in the configured time
// zone, on one replica at a time.
package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"time"

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
			ns := s.notifications(it, now)
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
			n, err := s.DB.RecordScan(ctx, recs)
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
func (s *Scanner) notifications(it store.ScanItem, now time.Time) []store.Notification {
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
		}
		n.Body = remind.Text(r, it.Commitment, lang, now, s.Policy.Loc)
		n.Buttons = remind.Buttons(r, it.Commitment, lang)
		out = append(out, n)
	}
	return out
}
