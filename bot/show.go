package bot

import (
	"context"
	"fmt"
	"strings"

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
	return r.reply(h.showText(r.w, c, hist, pending))
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
		lines = append(lines, fmt.Sprintf(w.showOwners, esc(strings.Join(c.Owners, ", "))))
	}
	if c.Target != "" {
		lines = append(lines, fmt.Sprintf(w.showTarget, esc(cut(c.Target, 200))))
	}
	if pending != nil {
		lines = append(lines, fmt.Sprintf(w.showPending, dateOr(w, pending.OldDue), pending.RequestedDue, esc(cut(pending.Reason, 200))))
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
		what = fmt.Sprintf(w.evExtension, esc(e.OldDue), esc(e.NewDue), esc(w.stateWord(e.State)))
	default:
		what = fmt.Sprintf(w.evNotification, esc(e.Note))
		e.Note = ""
	}
	line := "· " + e.At.In(h.cfg.Location).Format("2006-01-02 15:04") + " " + what
	if e.Actor != "" {
		line += " (" + esc(e.Actor) + ")"
	}
	if e.Note != "" {
		line += " " + esc(cut(e.Note, 200))
	}
	out := []string{line}
	for _, ev := range e.Evidence {
		out = append(out, fmt.Sprintf(w.showEvidence, esc(cut(ev, 200))))
	}
	return out
}

// dateOr formats a due date, or "ongoing" for none.
func dateOr(w *words, d domain.Date) string {
	if d.IsZero() {
		return w.ongoing
	}
	return d.String()
}
