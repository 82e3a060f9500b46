package web

import (
	"net/http"
	"time"

	"duban/domain"
	"duban/store"
)

type dashboardData struct {
	Totals      []lightCount
	Units       []store.UnitLights
	Total       store.UnitLights
	Chart       chart
	Pending     *pendingQueue
	Escalations []store.Escalation
	Mine        []*store.RegisterRow
	Loc         *time.Location
}

type lightCount struct {
	Light domain.Light
	N     int
}

// dashboard is the office's overview: totals by light, a table and chart
// by unit, the 待核销 queue and this week's escalations. An official sees
// the same totals over their own items, and the items themselves.
func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	v := viewer(r)
	ctx := r.Context()
	d := dashboardData{Loc: s.Loc}
	if !supervises(v) {
		rows, err := s.registerPage(ctx, v, store.RegisterQuery{Sort: store.SortDueAsc, Limit: 200})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		counts := map[domain.Light]int{}
		for _, row := range rows {
			counts[row.Light(s.Now(), s.Loc, s.WarnDays)]++
		}
		for _, l := range domain.Lights {
			d.Totals = append(d.Totals, lightCount{l, counts[l]})
		}
		d.Mine = rows
		s.render(w, r, "dashboard", "dashboard", d)
		return
	}
	units, err := s.DB.DashboardByUnit(ctx, s.today(), s.WarnDays, s.Loc)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Units = units
	for _, u := range units {
		t := &d.Total
		t.Total += u.Total
		t.Active += u.Active
		t.Red += u.Red
		t.Yellow += u.Yellow
		t.Green += u.Green
		t.Done += u.Done
		t.Cancelled += u.Cancelled
		t.DueByToday += u.DueByToday
		t.OnTime += u.OnTime
	}
	d.Totals = []lightCount{{domain.Red, d.Total.Red}, {domain.Yellow, d.Total.Yellow}, {domain.Green, d.Total.Green},
		{domain.LDone, d.Total.Done}, {domain.Grey, d.Total.Cancelled}}
	d.Chart = unitChart(units)
	if d.Pending, err = s.pendingQueue(r); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Escalations, err = s.DB.EscalationsSince(ctx, s.Now().AddDate(0, 0, -7), 50); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "dashboard", "dashboard", d)
}

// fail logs an unexpected error and shows a short page; a domain error
// keeps its meaning (not found is the one 404).
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch domain.ErrorCode(err) {
	case domain.ENOTFOUND:
		s.notFound(w, r)
		return
	case domain.EFORBIDDEN:
		s.renderError(w, r, http.StatusForbidden, "forbidden")
		return
	case domain.EINVALID, domain.ECONFLICT:
		s.renderStatus(w, r, http.StatusBadRequest, "error", "error.bad", "bad:"+domain.ErrorMessage(err))
		return
	}
	s.Logger.Error("web", "path", r.URL.Path, "err", err.Error())
	http.Error(w, "internal error", http.StatusInternalServerError)
}
