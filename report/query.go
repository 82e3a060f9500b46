package report

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"golang.org/x/sync/errgroup"

	"duban/domain"
	"duban/store"
)

// Build computes the report of opts.Month from db. The counting happens in
// the database; Build keeps only one line per unit and classification, the
// TopRed longest-overdue items and the short lists.
func Build(ctx context.Context, db *store.DB, opts Options) (*Report, error) {
	opts.defaults()
	m := opts.Month
	p := store.ReportParams{
		Cur:      store.ReportPeriod{From: m.Start(opts.Loc), To: m.End(opts.Loc)},
		Prev:     store.ReportPeriod{From: m.Prev().Start(opts.Loc), To: m.Prev().End(opts.Loc)},
		Loc:      opts.Loc,
		WarnDays: opts.WarnDays,
		Rebuild:  opts.Rebuild,
	}
	now := opts.Now
	if now.IsZero() {
		now = db.Now()
	}
	partial := false
	if now.Before(p.Cur.To) {
		w := wordsFor(opts.Lang)
		if !opts.Partial {
			return nil, domain.Errorf(domain.EINVALID, "%s", w.pick(
				fmt.Sprintf("报告：%s尚未结束，月报要到月底 24:00 之后才有；要看截至现在的数字，请加 --partial", w.monthTitle(m)),
				fmt.Sprintf("report: %s is not over yet; use --partial for the figures so far", w.monthTitle(m))))
		}
		if now.Before(p.Cur.From) {
			return nil, domain.Errorf(domain.EINVALID, "%s", w.pick(
				fmt.Sprintf("报告：%s尚未开始", w.monthTitle(m)), fmt.Sprintf("report: %s has not begun", w.monthTitle(m))))
		}
		p.Cur.To = now
		partial = true
	}
	p.Snapshot = !partial
	r := &Report{Month: m, Lang: opts.Lang, Loc: opts.Loc, AsOf: p.Cur.To, Partial: partial, db: db, params: p, log: opts.Logger}
	// The queries are independent reads: run side by side, a report takes
	// as long as its longest query, not their sum.
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return r.count(gctx, opts.Scheme) })
	g.Go(func() error {
		return db.ReportTopRed(gctx, p, opts.TopRed,
			func(it *store.ReportItem) error {
				r.TopRed = append(r.TopRed, it)
				return nil
			})
	})
	g.Go(func() (err error) {
		r.Owed, err = db.ReportSecondReplyOwed(gctx, p)
		return err
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return r, nil
}

// Items streams the month's commitments, as they were at its end and
// selected by f, to fn.
func (r *Report) Items(ctx context.Context, f store.ReportItemFilter, fn func(*store.ReportItem) error) error {
	return r.db.ReportItems(ctx, r.params, f, fn)
}

// Day returns the calendar day on which the report's lights are computed:
// the first day of the next month (24:00 on the month's last day).
func (r *Report) Day() domain.Date { return r.params.Day(r.params.Cur) }

// count fills the totals, the unit lines, the classification lines and
// the unreachable owners.
func (r *Report) count(ctx context.Context, scheme []string) error {
	p := r.params
	var owners []store.ReportOwner
	unreachable := make(chan error, 1)
	go func() {
		var err error
		owners, err = r.db.ReportUnreachable(ctx, p)
		unreachable <- err
	}()
	units, err := r.db.ReportUnits(ctx)
	if err != nil {
		return err
	}
	names := make(map[int64]string, len(units))
	for _, u := range units {
		names[u.ID] = u.Name
	}
	byUnit := map[int64]*Stats{}
	unit := func(id int64) *Stats {
		s, ok := byUnit[id]
		if !ok {
			s = &Stats{Name: names[id]}
			byUnit[id] = s
		}
		return s
	}
	byClass := map[string]*ClassStats{}
	class := func(c string) *ClassStats {
		s, ok := byClass[c]
		if !ok {
			s = &ClassStats{Class: c}
			byClass[c] = s
		}
		return s
	}
	sources, err := r.db.Sources(ctx)
	if err != nil {
		return err
	}
	srcs := make(map[int64]*domain.Source, len(sources))
	for _, s := range sources {
		srcs[s.ID] = s
	}
	// Satisfaction is per source: a unit counts each of its sources once,
	// the total each source once.
	rated := map[int64]bool{}
	day := p.Day(p.Cur)
	err = r.db.ReportGroups(ctx, p, func(g *store.ReportGroup) error {
		cur := Counts{Items: g.Items, Open: g.Open, Red: g.Red, Yellow: g.Yellow, Green: g.Green, NewlyRed: g.NewlyRed,
			Closed: g.Closed, Cancelled: g.Cancelled, Done: g.Done, Verified: g.Verified, DueByEnd: g.DueByEnd, OnTime: g.OnTime}
		if !g.OldestRedDue.IsZero() {
			cur.MaxDaysOverdue = g.OldestRedDue.DaysUntil(day)
		}
		prev := Counts{Items: g.PrevItems, Open: g.PrevOpen, Red: g.PrevRed, Done: g.PrevDone, Verified: g.PrevVerified,
			DueByEnd: g.PrevDueByEnd, OnTime: g.PrevOnTime}
		src := srcs[g.SourceID]
		cls := ""
		if src != nil {
			cls = src.Classification
		}
		u, c := unit(g.UnitID), class(cls)
		for _, dst := range []*Counts{&u.Cur, &c.Cur, &r.Total.Cur} {
			dst.add(cur)
		}
		for _, dst := range []*Counts{&u.Prev, &c.Prev, &r.Total.Prev} {
			dst.add(prev)
		}
		if src != nil && src.Satisfaction != "" {
			ok := src.Satisfaction == "satisfied"
			u.Rated++
			if ok {
				u.Satisfied++
			}
			if !rated[src.ID] {
				rated[src.ID] = true
				r.Total.Rated++
				if ok {
					r.Total.Satisfied++
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	exts, err := r.db.ReportExtensions(ctx, p)
	if err != nil {
		return err
	}
	for _, e := range exts {
		x := Counts{Extensions: e.Count, LateExtensions: e.Late}
		if e.Prev {
			unit(e.UnitID).Prev.add(x)
			class(e.Class).Prev.add(x)
			r.Total.Prev.add(x)
		} else {
			unit(e.UnitID).Cur.add(x)
			class(e.Class).Cur.add(x)
			r.Total.Cur.add(x)
		}
	}
	if err := <-unreachable; err != nil {
		return err
	}
	seen := map[int64]bool{}
	for _, o := range owners {
		unit(o.UnitID).Unreachable++
		if !seen[o.ContactID] {
			seen[o.ContactID] = true
			r.Unreachable = append(r.Unreachable, o)
		}
	}
	sort.Slice(r.Unreachable, func(i, j int) bool { return r.Unreachable[i].Key < r.Unreachable[j].Key })
	r.Total.Unreachable = len(r.Unreachable)

	for _, s := range byUnit {
		if s.Cur.Items > 0 || s.Prev.Items > 0 {
			r.Units = append(r.Units, *s)
		}
	}
	sort.Slice(r.Units, func(i, j int) bool { return worse(&r.Units[i], &r.Units[j]) })
	for _, c := range byClass {
		if c.Cur.Items > 0 || c.Prev.Items > 0 {
			r.Classes = append(r.Classes, *c)
		}
	}
	rank := func(c string) int {
		if i := slices.Index(scheme, c); i >= 0 {
			return i
		}
		if c == "" {
			return len(scheme) + 1
		}
		return len(scheme)
	}
	sort.Slice(r.Classes, func(i, j int) bool {
		a, b := r.Classes[i].Class, r.Classes[j].Class
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra < rb
		}
		return a < b
	})
	return nil
}

// worse orders units worst first: most red, longest overdue, most newly
// red, most open, then by name.
func worse(a, b *Stats) bool {
	switch {
	case a.Cur.Red != b.Cur.Red:
		return a.Cur.Red > b.Cur.Red
	case a.Cur.MaxDaysOverdue != b.Cur.MaxDaysOverdue:
		return a.Cur.MaxDaysOverdue > b.Cur.MaxDaysOverdue
	case a.Cur.NewlyRed != b.Cur.NewlyRed:
		return a.Cur.NewlyRed > b.Cur.NewlyRed
	case a.Cur.Open != b.Cur.Open:
		return a.Cur.Open > b.Cur.Open
	}
	return strings.Compare(a.Name, b.Name) < 0
}

// add adds the counts of x to c; MaxDaysOverdue takes the larger.
func (c *Counts) add(x Counts) {
	c.Items += x.Items
	c.Open += x.Open
	c.Red += x.Red
	c.Yellow += x.Yellow
	c.Green += x.Green
	c.NewlyRed += x.NewlyRed
	c.Closed += x.Closed
	c.Cancelled += x.Cancelled
	c.Done += x.Done
	c.Verified += x.Verified
	c.DueByEnd += x.DueByEnd
	c.OnTime += x.OnTime
	c.Extensions += x.Extensions
	c.LateExtensions += x.LateExtensions
	c.MaxDaysOverdue = max(c.MaxDaysOverdue, x.MaxDaysOverdue)
}
