package web

import (
	"net/http"
	"time"

	"duban/domain"
	"duban/store"
)

type contactRow struct {
	C      *domain.Contact
	Signin *store.WebSignin
}

type contactsData struct {
	Rows []contactRow
	Loc  *time.Location
}

// contacts lists every contact with their linking, last sign-in and
// reachability: for the supervision office.
func (s *Server) contacts(w http.ResponseWriter, r *http.Request) {
	if !supervises(viewer(r)) {
		s.notFound(w, r)
		return
	}
	cs, err := s.DB.Contacts(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := contactsData{Loc: s.Loc}
	for _, c := range cs {
		si, err := s.DB.LastWebSignin(r.Context(), c.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Rows = append(d.Rows, contactRow{C: c, Signin: si})
	}
	s.render(w, r, "contacts", "contacts", d)
}
