package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"duban/domain"
	"duban/store"
)

// listLimit caps the items of one list reply; the total is still shown.
const listLimit = 25

// mine is the scope of "my" lists: owned commitments (or the unit's),
// even for supervisors, whose "all" view is /overdue.
func (r *request) mine() store.Scope {
	s := r.scope
	s.All = false
	return s
}

// list shows the contact's open commitments, most urgent first.
func (h *Handler) list(ctx context.Context, r *request) []Out {
	items, total, err := h.db.ScopedList(ctx, store.ScopedQuery{Scope: r.mine(), Limit: listLimit})
	if err != nil {
		return h.fail(r.In, r.w, err)
	}
	if total == 0 {
		return r.reply(r.w.listEmpty)
	}
	return r.reply(h.itemList(r.w, fmt.Sprintf(r.w.listHead, total), items, total))
}

// due shows the contact's commitments due within days (today included).
func (h *Handler) due(ctx context.Context, r *request, days int) []Out {
	today := h.today()
	items, total, err := h.db.ScopedList(ctx, store.ScopedQuery{Scope: r.mine(), DueFrom: today, DueTo: today.AddDays(days), Limit: listLimit})
	if err != nil {
		return h.fail(r.In, r.w, err)
	}
	if total == 0 {
		return r.reply(fmt.Sprintf(r.w.dueEmpty, days))
	}
	return r.reply(h.itemList(r.w, fmt.Sprintf(r.w.dueHead, days, total), items, total))
}

// overdue shows the contact's overdue commitments; for supervisors, all of
// them, counted by unit, with the longest overdue listed.
func (h *Handler) overdue(ctx context.Context, r *request) []Out {
	yesterday := h.today().AddDays(-1)
	if !r.scope.All {
		items, total, err := h.db.ScopedList(ctx, store.ScopedQuery{Scope: r.scope, DueTo: yesterday, Limit: listLimit})
		if err != nil {
			return h.fail(r.In, r.w, err)
		}
		if total == 0 {
			return r.reply(r.w.overEmpty)
		}
		return r.reply(h.itemList(r.w, fmt.Sprintf(r.w.overHead, total), items, total))
	}
	units, err := h.db.OverdueByUnit(ctx, h.today())
	if err != nil {
		return h.fail(r.In, r.w, err)
	}
	total := 0
	for _, u := range units {
		total += u.Count
	}
	if total == 0 {
		return r.reply(r.w.overEmpty)
	}
	var b strings.Builder
	b.WriteString(fmt.Sprintf(r.w.allOverHead, total))
	for i, u := range units {
		if i == listLimit {
			b.WriteString("\n" + fmt.Sprintf(r.w.more, len(units)-i))
			break
		}
		name := u.Unit
		if name == "" {
			name = r.w.noUnit
		}
		b.WriteString("\n" + fmt.Sprintf(r.w.allOverUnit, esc(cut(name, 40)), u.Count))
	}
	items, _, err := h.db.ScopedList(ctx, store.ScopedQuery{Scope: r.scope, DueTo: yesterday, Limit: 10, NoTotal: true})
	if err != nil {
		return h.fail(r.In, r.w, err)
	}
	b.WriteString("\n\n" + r.w.allOverTop)
	for _, c := range items {
		b.WriteString("\n" + h.itemLine(r.w, c))
	}
	return r.reply(b.String())
}

// itemList renders a heading and one line per commitment.
func (h *Handler) itemList(w *words, head string, items []*domain.Commitment, total int) string {
	var b strings.Builder
	b.WriteString(head)
	for _, c := range items {
		b.WriteString("\n" + h.itemLine(w, c))
	}
	if total > len(items) {
		b.WriteString("\n" + fmt.Sprintf(w.more, total-len(items)))
	}
	return b.String()
}

// itemLine is "🔴 #12 <b>title</b> · due 2024-06-30 (5 days overdue) · 40%".
func (h *Handler) itemLine(w *words, c *domain.Commitment) string {
	now := h.db.Now()
	light := c.Light(now, h.cfg.Location, h.cfg.WarnDays)
	mark, _, _ := strings.Cut(w.lights[light], " ")
	short := *c
	short.Title = cut(c.Title, 80)
	due := w.ongoing
	if !c.Due.IsZero() {
		due = fmt.Sprintf(w.due, h.dueText(w, c))
	}
	return mark + " " + ref(&short) + " · " + due + " · " + strconv.Itoa(c.Progress) + "%"
}

// dueText is the due date with how far off it is, or "ongoing".
func (h *Handler) dueText(w *words, c *domain.Commitment) string {
	if c.Due.IsZero() {
		return w.ongoing
	}
	s := day(w, c.Due)
	if !c.Status.Active() {
		return s
	}
	left := h.today().DaysUntil(c.Due)
	switch {
	case left < 0:
		s += fmt.Sprintf(w.overdueDays, -left)
	case left == 0:
		s += w.dueToday
	case left <= h.cfg.WarnDays:
		s += fmt.Sprintf(w.dueIn, left)
	}
	return s
}
