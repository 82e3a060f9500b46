package web

import (
	"net/http"

	"duban/web/form"
)

// unit is a unit's page: its figures and its part of the register.
func (s *Server) unit(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	q := r.URL.Query()
	q.Set("unit", name)
	f, err := form.ParseFilter(q)
	if err != nil {
		s.renderStatus(w, r, http.StatusBadRequest, "error", "error.bad", "bad:"+err.Error())
		return
	}
	d, err := s.registerData(r, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	known := false
	for _, u := range d.Units {
		known = known || u == name
	}
	if !known || (len(d.Rows) == 0 && !supervises(viewer(r))) {
		s.notFound(w, r)
		return
	}
	d.Fixed = name
	if supervises(viewer(r)) {
		units, err := s.DB.DashboardByUnit(r.Context(), s.today(), s.WarnDays, s.Loc)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for i := range units {
			if units[i].Unit == name {
				d.Unit = &units[i]
			}
		}
	}
	s.render(w, r, "register", "unit", d)
}
