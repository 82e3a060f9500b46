package web

import (
	"net/http"
	"net/url"
	"time"

	"duban/domain"
	"duban/store"
	"duban/web/form"
	"duban/workflow"
)

type sourceData struct {
	S *domain.Source
	// Edit shows the follow-up form (supervisors); Satisfactions are its
	// choices.
	Edit          bool
	Satisfactions []string
	Rows          []*store.RegisterRow
	Now           time.Time
	Loc           *time.Location
	Warn          int
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
	s.render(w, r, "source", "source", sourceData{S: src, Rows: rows, Now: s.Now(), Loc: s.Loc, Warn: s.WarnDays,
		Edit: supervises(viewer(r)), Satisfactions: domain.Satisfactions})
}

// sourceEdit records the letter's second reply and the deputy's
// satisfaction, through the workflow (supervisors only; an official gets
// the same 404 as for a missing page).
func (s *Server) sourceEdit(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("key")
	v := viewer(r)
	if !supervises(v) {
		s.notFound(w, r)
		return
	}
	f, err := form.ParseSourceEdit(postForm(r))
	if err != nil {
		s.actionFail(w, r, err)
		return
	}
	if err := s.Workflow.EditSource(r.Context(), webActor(r), key, workflow.SourceEdit{SecondReplyOn: f.SecondReplyOn, Satisfaction: f.Satisfaction}); err != nil {
		s.actionFail(w, r, err)
		return
	}
	http.Redirect(w, r, "/sources/"+url.PathEscape(key)+"?ok=1", http.StatusSeeOther)
}
