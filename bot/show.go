package bot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"duban/domain"
	"duban/store"
)

// show is a commitment's detail, history, evidence and pending extension.
func (h *Handler) show(ctx context.Context, r *request, id int64) []Out {
	if _, outs := h.find(ctx, r, id); outs != nil {
		return outs
	}
	c, err := h.db.Commitment(ctx, id) // with its owners
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return r.notFound(id)
	}
	if err != nil {
		return h.fail(r.In, r.w, err)
	}
	hist, err := h.db.History(ctx, id)
	if err != nil {
		return h.fail(r.In, r.w, err)
	}
	var pending *store.Extension
	if p, err := h.db.PendingExtension(ctx, id); err == nil {
		pending = p
	} else if domain.ErrorCode(err) != domain.ENOTFOUND {
		return h.fail(r.In, r.w, err)
	}
	return append(r.reply(h.showText(r.w, c, hist, pending)), evidencePhotos(r.w, hist, r.ct, r.ChatID, h.cfg.Location)...)
}

// maxShown is how many history entries /show lists, the latest.
const maxShown = 10

func (h *Handler) showText(w *words, c *domain.Commitment, hist []store.Event, pending *store.Extension) string {
	now := h.db.Now()
	light := c.Light(now, h.cfg.Location, h.cfg.WarnDays)
	lines := []string{
		ref(c),
		fmt.Sprintf(w.showStatus, esc(w.status[c.Status]), c.Progress, w.lights[light]),
		fmt.Sprintf(w.showDue, h.dueText(w, c)),
	}
	if c.Unit != "" {
		lines = append(lines, fmt.Sprintf(w.showUnit, esc(c.Unit)))
	}
	if len(c.Owners) > 0 {
		lines = append(lines, fmt.Sprintf(w.showOwners, esc(strings.Join(h.namesOf(c.Owners), "、"))))
	}
	if c.Target != "" {
		lines = append(lines, fmt.Sprintf(w.showTarget, esc(cut(c.Target, 200))))
	}
	if pending != nil {
		lines = append(lines, fmt.Sprintf(w.showPending, dateOr(w, pending.OldDue), day(w, pending.RequestedDue), esc(cut(pending.Reason, 200))))
	}
	if len(hist) > 0 {
		lines = append(lines, w.showHistory)
		if len(hist) > maxShown {
			lines = append(lines, fmt.Sprintf(w.showOlder, len(hist)-maxShown))
			hist = hist[len(hist)-maxShown:]
		}
		for _, e := range hist {
			lines = append(lines, h.eventLine(w, e)...)
		}
	}
	return strings.Join(lines, "\n")
}

// eventLine renders one history entry, with its evidence on lines below.
func (h *Handler) eventLine(w *words, e store.Event) []string {
	var what string
	switch e.Kind {
	case "progress":
		pct := 0
		if e.Percent != nil {
			pct = *e.Percent
		}
		what = fmt.Sprintf(w.evProgress, pct)
	case "status":
		what = fmt.Sprintf(w.evStatus, esc(w.status[domain.Status(e.From)]), esc(w.status[domain.Status(e.To)]))
	case "extension":
		return h.extensionLines(w, e)
	default:
		// "overdue overdue-882" is said in words: 已发送逾期提醒.
		kind, _, _ := strings.Cut(e.Note, " ")
		what = fmt.Sprintf(w.evSent, esc(domain.KindName(kind, langCode(w))))
		e.Note = ""
	}
	line := "· " + stamp(w, e.At, h.cfg.Location) + " " + what
	if e.Actor != "" {
		line += " (" + esc(h.namesOf([]string{e.Actor})[0]) + ")"
	}
	if e.Note != "" {
		line += " " + esc(cut(e.Note, 200))
	}
	out := []string{line}
	for _, ev := range e.Evidence {
		if _, _, ok := domain.TelegramFile(ev); ok {
			out = append(out, w.showEvidencePhoto)
			continue
		}
		out = append(out, fmt.Sprintf(w.showEvidence, esc(cut(ev, 200))))
	}
	return out
}

// extensionLines renders an extension request: who asked for which date
// and why, and, once decided, who approved or rejected it and why, each on
// its own line with its own time (SPEC §11: the history records who asked
// and who decided).
func (h *Handler) extensionLines(w *words, e store.Event) []string {
	asker := w.evCommandLine
	if e.Actor != "" {
		asker = h.namesOf([]string{e.Actor})[0]
	}
	asked := fmt.Sprintf(w.evExtAsked, esc(asker), esc(dayText(w, e.OldDue)), esc(dayText(w, e.NewDue)), esc(cut(e.Note, 200)))
	if e.Late {
		asked += w.lateNote
	}
	if e.State == store.ExtPending || e.DecidedAt == nil {
		return []string{"· " + stamp(w, e.At, h.cfg.Location) + " " + asked + " · " + w.stateWord(e.State)}
	}
	out := []string{"· " + stamp(w, e.At, h.cfg.Location) + " " + asked}
	decider := w.evCommandLine
	if e.DecidedBy != "" {
		decider = h.namesOf([]string{e.DecidedBy})[0]
	}
	why := ""
	if e.DecisionReason != "" {
		why = fmt.Sprintf(w.evExtWhy, esc(cut(e.DecisionReason, 200)))
	}
	decided := fmt.Sprintf(w.evExtDecided, esc(decider), esc(strings.ToLower(w.stateWord(e.State))), why)
	return append(out, "· "+stamp(w, *e.DecidedAt, h.cfg.Location)+" "+decided)
}

// namesOf gives the people behind contact keys by name, as everything a
// person reads does; a key with no contact stays as it is.
func (h *Handler) namesOf(keys []string) []string {
	cs, err := h.db.ContactsByKey(context.Background(), keys)
	byKey := map[string]string{}
	if err == nil {
		for _, c := range cs {
			byKey[c.Key] = c.Name
		}
	}
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k
		if n, ok := byKey[k]; ok {
			out[i] = n
		}
	}
	return out
}

// evidencePhotos are the files Telegram holds among the evidence of the
// latest entries, sent to a supervisor as themselves (at most 5).
func evidencePhotos(w *words, hist []store.Event, ct *domain.Contact, chatID int64, loc *time.Location) []Out {
	if !supervises(ct) {
		return nil
	}
	var outs []Out
	for i := len(hist) - 1; i >= 0 && len(outs) < 5; i-- {
		for _, ev := range hist[i].Evidence {
			if id, doc, ok := domain.TelegramFile(ev); ok && len(outs) < 5 {
				outs = append(outs, Out{ChatID: chatID, Text: "📎 " + day(w, domain.DateOf(hist[i].At, loc)), PhotoFileID: id, PhotoIsDocument: doc})
			}
		}
	}
	return outs
}

// dateOr formats a due date, or "ongoing" for none.
func dateOr(w *words, d domain.Date) string {
	if d.IsZero() {
		return w.ongoing
	}
	return day(w, d)
}

// day writes a date for a person: 2024年6月30日 in Chinese, ISO in English
// (domain.Date.For).
func day(w *words, d domain.Date) string { return d.For(langCode(w)) }

// dayText is day for a date stored as text (YYYY-MM-DD), which stays as
// it is when it does not parse; "" is "ongoing".
func dayText(w *words, s string) string {
	if s == "" {
		return w.ongoing
	}
	d, err := domain.ParseDate(s)
	if err != nil {
		return s
	}
	return day(w, d)
}

// stamp writes an instant's local day and time of day.
func stamp(w *words, t time.Time, loc *time.Location) string {
	return day(w, domain.DateOf(t, loc)) + " " + t.In(loc).Format("15:04")
}
