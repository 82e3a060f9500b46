package web

import (
	"net/http"
	"time"

	"duban/domain"
	"duban/store"
)

type sourceData struct {
	S    *domain.Source
	Rows []*store.RegisterRow
	Now  time.Time
	Loc  *time.Location
	Warn int
}

// Light is a row's light now.
func (d sourceData) Light(r *store.RegisterRow) domain.Light { return r.Light(d.Now, d.Loc, d.Warn) }

// source is a letter's metadata and its commitments that the viewer may
// see. An official sees a source only through their items in it.
func (s *Server) source(w http.ResponseWriter, r *http.Request) {
	src, err := s.DB.Source(r.Context(), r.PathValue("key"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows, err := s.registerPage(r.Context(), viewer(r), store.RegisterQuery{SourceKey: src.Key, Sort: store.SortIDAsc, Limit: 1000})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(rows) == 0 && !supervises(viewer(r)) {
		s.notFound(w, r)
		return
	}
	s.render(w, r, "source", "source", sourceData{S: src, Rows: rows, Now: s.Now(), Loc: s.Loc, Warn: s.WarnDays})
}
