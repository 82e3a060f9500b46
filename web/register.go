package web

import (
	"net/http"
	"time"

	"duban/domain"
	"duban/store"
	"duban/web/form"
)

type registerData struct {
	F       form.Filter
	Rows    []*store.RegisterRow
	Next    string
	Query   string
	Units   []string
	Owners  []*domain.Contact
	Sources []*domain.Source
	Scheme  []string
	Now     time.Time
	Loc     *time.Location
	Warn    int
	// Fixed names a filter the page stands for (a unit's page).
	Fixed string
	Unit  *store.UnitLights
}

// Light is a row's light now.
func (d registerData) Light(r *store.RegisterRow) domain.Light { return r.Light(d.Now, d.Loc, d.Warn) }

// Overdue is a row's days overdue now.
func (d registerData) Overdue(r *store.RegisterRow) int {
	if !r.Status.Active() {
		return 0
	}
	return domain.DaysOverdue(r.Due, d.Now, d.Loc)
}

// register is the 督办台账: filters, keyword search, sorting and paging by
// key; the filter's links export the same set.
func (s *Server) register(w http.ResponseWriter, r *http.Request) {
	f, err := form.ParseFilter(r.URL.Query())
	if err != nil {
		s.renderStatus(w, r, http.StatusBadRequest, "error", "error.bad", "bad:"+err.Error())
		return
	}
	d, err := s.registerData(r, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "register", "register", d)
}

func (s *Server) registerData(r *http.Request, f form.Filter) (*registerData, error) {
	ctx := r.Context()
	q := f.Query()
	q.Limit = form.PageSize + 1
	rows, err := s.registerPage(ctx, viewer(r), q)
	if err != nil {
		return nil, err
	}
	d := &registerData{F: f, Now: s.Now(), Loc: s.Loc, Warn: s.WarnDays, Scheme: s.Scheme, Query: f.Values().Encode()}
	if len(rows) > form.PageSize {
		rows = rows[:form.PageSize]
		v := f.Values()
		v.Set("after", form.Cursor(rows[len(rows)-1]))
		d.Next = v.Encode()
	}
	d.Rows = rows
	if d.Units, err = s.DB.Units(ctx); err != nil {
		return nil, err
	}
	if supervises(viewer(r)) {
		if d.Owners, err = s.DB.Contacts(ctx); err != nil {
			return nil, err
		}
		if d.Sources, err = s.DB.Sources(ctx); err != nil {
			return nil, err
		}
	}
	return d, nil
}
