package report

import (
	"context"
	"fmt"
	"html"
	"log/slog"
	"sort"
	"strings"
	"time"

	"duban/config"
	"duban/domain"
	"duban/store"
)

// digestPerUnit is how many red and yellow items the digest names per unit.
const digestPerUnit = 5

// digest is what the weekly digest says, gathered before it is worded.
type digest struct {
	now, asOf     time.Time
	loc           *time.Location
	escalateAfter int
	units         []Stats
	items         map[string][]*store.ReportItem // by unit name, red first
	escalated     []*store.ReportItem
	nEscalated    int
	unreachable   []store.ReportOwner
	pending       []store.PendingExtensionItem
	nPending      int
	owed          []store.ReportSource
}

// Digest returns the weekly digest at now (SPEC §3, schedule.digest): the
// red and yellow commitments by unit, worst unit first; the escalations
// (overdue reminders.escalate_after_days or more), which every digest
// repeats; the owners who cannot be reached (flagged unreachable, no linked
// chat, or a message given up on for that in the last week); the extension
// requests waiting for a decision; and the B-class sources owing their
// second reply. It fits one Telegram message (MaxText). The text is plain:
// HTML-escape it for Telegram.
func Digest(ctx context.Context, db *store.DB, cfg *config.Config, now time.Time) (string, error) {
	loc := cfg.Location
	if loc == nil {
		loc = time.UTC
	}
	week := 7 * 24 * time.Hour
	p := store.ReportParams{
		Cur:      store.ReportPeriod{From: now.Add(-week), To: now},
		Prev:     store.ReportPeriod{From: now.Add(-2 * week), To: now.Add(-week)},
		Loc:      loc,
		WarnDays: cfg.Reminders.WarnDays,
	}
	r := &Report{Lang: cfg.Language, Loc: loc, AsOf: now, db: db, params: p, log: slog.New(slog.DiscardHandler)}
	if r.Lang != "en" {
		r.Lang = "zh"
	}
	if err := r.count(ctx, cfg.ClassificationScheme); err != nil {
		return "", err
	}
	d := &digest{now: now, loc: loc, escalateAfter: cfg.Reminders.EscalateAfterDays, units: r.Units, items: map[string][]*store.ReportItem{}}
	err := db.ReportItems(ctx, p, store.ReportItemFilter{Lights: []domain.Light{domain.Red, domain.Yellow}, Order: store.OrderByOverdue},
		func(it *store.ReportItem) error {
			if it.Light == domain.Red && it.DaysOverdue >= d.escalateAfter {
				d.nEscalated++
				if len(d.escalated) < 15 {
					d.escalated = append(d.escalated, it)
				}
			}
			if l := d.items[it.Unit]; len(l) < digestPerUnit {
				d.items[it.Unit] = append(l, it)
			}
			return nil
		})
	if err != nil {
		return "", err
	}
	dead, err := db.DeadUnreachable(ctx, now.Add(-week))
	if err != nil {
		return "", err
	}
	seen := map[int64]bool{}
	for _, o := range append(r.Unreachable, dead...) {
		if !seen[o.ContactID] {
			seen[o.ContactID] = true
			d.unreachable = append(d.unreachable, o)
		}
	}
	sort.Slice(d.unreachable, func(i, j int) bool { return d.unreachable[i].Key < d.unreachable[j].Key })
	if d.pending, d.nPending, err = db.PendingExtensions(ctx, 10); err != nil {
		return "", err
	}
	if d.owed, err = db.ReportSecondReplyOwed(ctx, p); err != nil {
		return "", err
	}
	w := wordsFor(r.Lang)
	lim := textLimits{units: 15, red: 15, owed: 5, classes: 10}
	for {
		s := d.text(w, lim)
		if utf16Len(html.EscapeString(s)) <= MaxText || lim == (textLimits{}) {
			return s, nil
		}
		switch {
		case lim.red > 5:
			lim.red--
		case lim.units > 5:
			lim.units--
		case lim.classes > 3:
			lim.classes-- // pending extensions
		case lim.owed > 1:
			lim.owed--
		default:
			lim = textLimits{}
		}
	}
}

// EnqueueDigest puts the weekly digest at now in the outbox for the
// supervision chat, once per ISO week (dedup key digest/2024-W27). It
// returns how many rows it wrote (0 when this week's is already there).
func EnqueueDigest(ctx context.Context, db *store.DB, cfg *config.Config, now time.Time) (int, error) {
	loc := cfg.Location
	if loc == nil {
		loc = time.UTC
	}
	y, wk := now.In(loc).ISOWeek()
	key := fmt.Sprintf("digest/%04d-W%02d", y, wk)
	have, err := db.ExistingDedupKeys(ctx, key)
	if err != nil || have[key] {
		return 0, err
	}
	text, err := Digest(ctx, db, cfg, now)
	if err != nil {
		return 0, err
	}
	n := store.Notification{ChatID: cfg.Telegram.SupervisionChatID, Kind: store.KindDigest, DedupKey: key, Body: html.EscapeString(text)}
	if n.ChatID == 0 {
		n.DeadReason = noSupervisionChat
	}
	return db.Enqueue(ctx, n)
}

func (d *digest) text(w words, lim textLimits) string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	var red, yellow int
	for _, u := range d.units {
		red += u.Cur.Red
		yellow += u.Cur.Yellow
	}
	y, wk := d.now.In(d.loc).ISOWeek()
	stamp := w.day(domain.DateOf(d.now, d.loc)) + " " + d.now.In(d.loc).Format("15:04")
	line("%s", w.pick(fmt.Sprintf("督办周报 %d年第%d周（%s）", y, wk, stamp), fmt.Sprintf("Weekly digest, %d-W%02d (%s)", y, wk, stamp)))
	line("%s", w.pick(fmt.Sprintf("红灯 %d 项，黄灯 %d 项；升级督办（逾期 %d 天及以上）%d 项", red, yellow, d.escalateAfter, d.nEscalated),
		fmt.Sprintf("%d red, %d yellow; %d escalated (overdue %d days or more)", red, yellow, d.nEscalated, d.escalateAfter)))

	if d.nEscalated > 0 && lim.red > 0 {
		line("")
		line("%s", w.pick(fmt.Sprintf("【升级督办】逾期 %d 天及以上，逾期最久的在前：", d.escalateAfter), fmt.Sprintf("ESCALATED, overdue %d days or more, longest first:", d.escalateAfter)))
		for i, it := range d.escalated {
			if i == lim.red {
				break
			}
			line("%s", w.pick(fmt.Sprintf("#%d %s｜%s｜%s｜逾期 %d 天", it.ID, clip(it.Title, 30), clip(w.unit(it.Unit), 20), clip(w.ownerList(it.Owners), 12), it.DaysOverdue),
				fmt.Sprintf("#%d %s | %s | %s | %d days overdue", it.ID, clip(it.Title, 30), clip(w.unit(it.Unit), 20), clip(w.ownerList(it.Owners), 12), it.DaysOverdue)))
		}
		if more := d.nEscalated - min(lim.red, len(d.escalated)); more > 0 {
			line("%s", w.pick(fmt.Sprintf("……另有 %d 项", more), fmt.Sprintf("… %d more", more)))
		}
	}

	listed := 0
	for _, u := range d.units {
		if u.Cur.Red+u.Cur.Yellow > 0 {
			listed++
		}
	}
	if listed > 0 && lim.units > 0 {
		line("")
		line("%s", w.pick("【按单位】红灯多者在前", "BY UNIT, worst first"))
		shown := 0
		for _, u := range d.units {
			if u.Cur.Red+u.Cur.Yellow == 0 {
				continue
			}
			if shown == lim.units {
				line("%s", w.pick(fmt.Sprintf("……另有 %d 个单位", listed-shown), fmt.Sprintf("… %d more units", listed-shown)))
				break
			}
			shown++
			line("%s", w.pick(fmt.Sprintf("%s：红 %d，黄 %d", clip(w.unit(u.Name), 30), u.Cur.Red, u.Cur.Yellow),
				fmt.Sprintf("%s: %d red, %d yellow", clip(w.unit(u.Name), 30), u.Cur.Red, u.Cur.Yellow)))
			items := d.items[u.Name]
			for _, it := range items {
				if it.Light == domain.Red {
					line("%s", w.pick(fmt.Sprintf("  红 #%d %s｜期限 %s，逾期 %d 天", it.ID, clip(it.Title, 30), w.day(it.Due), it.DaysOverdue),
						fmt.Sprintf("  red #%d %s | due %s, %d days overdue", it.ID, clip(it.Title, 30), it.Due, it.DaysOverdue)))
				} else {
					left := domain.DateOf(d.now, d.loc).DaysUntil(it.Due)
					line("%s", w.pick(fmt.Sprintf("  黄 #%d %s｜期限 %s，还有 %d 天", it.ID, clip(it.Title, 30), w.day(it.Due), left),
						fmt.Sprintf("  yellow #%d %s | due %s, in %d days", it.ID, clip(it.Title, 30), it.Due, left)))
				}
			}
			if more := u.Cur.Red + u.Cur.Yellow - len(items); more > 0 {
				line("%s", w.pick(fmt.Sprintf("  ……另有 %d 项", more), fmt.Sprintf("  … %d more", more)))
			}
		}
	}

	if n := len(d.unreachable); n > 0 {
		line("")
		names := make([]string, 0, 10)
		for i, o := range d.unreachable {
			if i == 10 {
				names = append(names, "…")
				break
			}
			names = append(names, o.Name)
		}
		line("%s", w.pick(fmt.Sprintf("【联系不上】%d 位责任人联系不上：%s", n, strings.Join(names, "、")),
			fmt.Sprintf("UNREACHABLE: %d owners unreachable: %s", n, strings.Join(names, ", "))))
	}

	if d.nPending > 0 && lim.classes > 0 {
		line("")
		line("%s", w.pick(fmt.Sprintf("【待审批延期申请】%d 项：", d.nPending), fmt.Sprintf("EXTENSION REQUESTS waiting: %d", d.nPending)))
		for i, e := range d.pending {
			if i == lim.classes {
				break
			}
			late := ""
			if e.Late {
				late = w.pick("，逾期申请", ", filed late")
			}
			line("%s", w.pick(fmt.Sprintf("#%d %s｜申请延至 %s（原 %s%s）", e.CommitmentID, clip(e.Title, 30), w.day(e.RequestedDue), w.day(e.OldDue), late),
				fmt.Sprintf("#%d %s | to %s (was %s%s)", e.CommitmentID, clip(e.Title, 30), e.RequestedDue, e.OldDue, late)))
		}
		if more := d.nPending - min(lim.classes, len(d.pending)); more > 0 {
			line("%s", w.pick(fmt.Sprintf("……另有 %d 项", more), fmt.Sprintf("… %d more", more)))
		}
	}

	if len(d.owed) > 0 && lim.owed > 0 {
		line("")
		line("%s", w.pick("【待二次答复】以下B类来源的事项已全部销号，承办单位应向代表二次答复：", "SECOND REPLY OWED by the handling unit to the deputies:"))
		for i, s := range d.owed {
			if i == lim.owed {
				line("%s", w.pick(fmt.Sprintf("……另有 %d 件", len(d.owed)-i), fmt.Sprintf("… %d more", len(d.owed)-i)))
				break
			}
			line("%s", owedLine(w, s))
		}
	}
	if red+yellow == 0 && len(d.unreachable) == 0 && d.nPending == 0 && len(d.owed) == 0 {
		line("")
		line("%s", w.pick("本周无红灯、黄灯事项。", "Nothing red or yellow this week."))
	}
	return b.String()
}
