package web

import (
	"context"
	"crypto/subtle"
	"net/http"
	"net/url"
	"os"
	"strconv"

	"duban/domain"
	"duban/web/form"
	"duban/workflow"
)

// view returns commitment id, with its owners, if v may see it; an id out
// of scope is the same not-found error as a missing one.
func (s *Server) view(ctx context.Context, v *domain.Contact, id int64) (*domain.Commitment, error) {
	if _, err := s.DB.ScopedCommitment(ctx, s.scopeOf(v), id); err != nil {
		return nil, err
	}
	return s.DB.Commitment(ctx, id)
}

// allowed names the actions v may take on c, for the page's forms: the
// workflow decides.
func (s *Server) allowed(v *domain.Contact, c *domain.Commitment) map[string]bool {
	can := map[string]bool{}
	if v == nil {
		return can
	}
	for _, act := range s.Workflow.Allowed(workflow.Actor{Contact: v, Channel: workflow.ChannelWeb}, c) {
		can[string(act)] = true
	}
	return can
}

// webActor is the signed-in viewer acting through the web, with the
// session recorded in the history.
func webActor(r *http.Request) workflow.Actor {
	a := workflow.Actor{Contact: viewer(r), Channel: workflow.ChannelWeb}
	if sess := session(r); sess != nil {
		a.WebSession = sess.IDHash
	}
	return a
}

// itemActionRoutes adds the item page's actions. Each parses its form,
// asks the workflow, and goes back to the item.
func (s *Server) itemActionRoutes(auth func(string, http.HandlerFunc)) {
	auth("POST /commitments/{id}/progress", s.itemAction(s.actProgress))
	auth("POST /commitments/{id}/extend", s.itemAction(s.actExtend))
	auth("POST /commitments/{id}/verify", s.itemAction(s.actVerify))
	auth("POST /commitments/{id}/send-back", s.itemAction(s.actSendBack))
	auth("POST /commitments/{id}/decide", s.itemAction(s.actDecide))
	auth("POST /commitments/{id}/reopen", s.itemAction(s.actReopen))
	auth("POST /commitments/{id}/cancel", s.itemAction(s.actCancel))
	auth("POST /commitments/{id}/edit", s.itemAction(s.actEdit))
}

type actionFunc func(r *http.Request, a workflow.Actor, id int64) error

// itemAction runs one action and redirects to the item; a refusal shows
// one page and changes nothing.
func (s *Server) itemAction(do actionFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := parseID(r)
		if !ok {
			s.notFound(w, r)
			return
		}
		if err := do(r, webActor(r), id); err != nil {
			s.actionFail(w, r, err)
			return
		}
		http.Redirect(w, r, "/commitments/"+strconv.FormatInt(id, 10)+"?ok=1", http.StatusSeeOther)
	}
}

// actionFail renders a refused action: invalid input and illegal moves as
// a bad request, a role refusal as forbidden, out of scope as not found.
func (s *Server) actionFail(w http.ResponseWriter, r *http.Request, err error) {
	if form.IsInvalid(err) {
		s.renderStatus(w, r, http.StatusBadRequest, "error", "error.bad", "bad:"+err.Error())
		return
	}
	if err == errUploadType {
		s.renderStatus(w, r, http.StatusBadRequest, "error", "error.bad", "bad:"+err.Error())
		return
	}
	s.fail(w, r, err)
}

// progressOrDone takes the progress form (with its file) for a or marks
// the item done. The file is kept before the workflow's transaction and
// removed again when the workflow refuses.
func (s *Server) progressOrDone(r *http.Request, a workflow.Actor, id int64) error {
	if _, err := s.view(r.Context(), a.Contact, id); err != nil {
		return err
	}
	path, err := s.saveUpload(r, id)
	if err != nil {
		return err
	}
	f, err := form.ParseProgress(r.Form)
	if err != nil {
		removeFile(path)
		return err
	}
	var ev []string
	if path != "" {
		ev = []string{path}
	}
	if f.Done {
		_, err = s.Workflow.Done(r.Context(), a, id, f.Note, ev)
	} else {
		_, err = s.Workflow.Progress(r.Context(), a, id, f.Percent, f.Note, ev)
	}
	if err != nil {
		removeFile(path)
	}
	return err
}

func removeFile(path string) {
	if path != "" {
		os.Remove(path)
	}
}

func (s *Server) actProgress(r *http.Request, a workflow.Actor, id int64) error {
	return s.progressOrDone(r, a, id)
}

func postForm(r *http.Request) url.Values {
	r.ParseForm()
	return r.PostForm
}

func (s *Server) actExtend(r *http.Request, a workflow.Actor, id int64) error {
	f, err := form.ParseExtension(postForm(r))
	if err != nil {
		return err
	}
	_, err = s.Workflow.RequestExtension(r.Context(), a, id, f.Due, f.Reason)
	return err
}

func (s *Server) actVerify(r *http.Request, a workflow.Actor, id int64) error {
	_, err := s.Workflow.Verify(r.Context(), a, id)
	return err
}

func (s *Server) actSendBack(r *http.Request, a workflow.Actor, id int64) error {
	f, err := form.ParseReason(postForm(r), false)
	if err != nil {
		return err
	}
	_, err = s.Workflow.SendBack(r.Context(), a, id, f.Reason)
	return err
}

func (s *Server) actDecide(r *http.Request, a workflow.Actor, id int64) error {
	v := postForm(r)
	approve := v.Has("approve")
	f, err := form.ParseReason(v, approve)
	if err != nil {
		return err
	}
	_, err = s.Workflow.DecidePending(r.Context(), a, id, approve, f.Reason)
	return err
}

func (s *Server) actReopen(r *http.Request, a workflow.Actor, id int64) error {
	f, err := form.ParseReason(postForm(r), false)
	if err != nil {
		return err
	}
	_, err = s.Workflow.Reopen(r.Context(), a, id, f.Reason)
	return err
}

func (s *Server) actCancel(r *http.Request, a workflow.Actor, id int64) error {
	f, err := form.ParseReason(postForm(r), false)
	if err != nil {
		return err
	}
	_, err = s.Workflow.Cancel(r.Context(), a, id, f.Reason)
	return err
}

func (s *Server) actEdit(r *http.Request, a workflow.Actor, id int64) error {
	f, err := form.ParseEdit(postForm(r))
	if err != nil {
		return err
	}
	_, err = s.Workflow.Edit(r.Context(), a, id, workflow.Edit{Due: f.Due, Precision: f.Precision, Owners: f.Owners,
		Unit: f.Unit, Title: f.Title, Reason: f.Reason})
	return err
}

// actionLinkSubmit takes the action link's form: progress (with a photo)
// or done, as the link's contact, for the link's item only. The form's
// token is bound to the link.
func (s *Server) actionLinkSubmit(w http.ResponseWriter, r *http.Request) {
	tok := r.PathValue("token")
	ct, d, err := s.linkTarget(r.Context(), tok)
	if err != nil {
		s.linkRefused(w, r, err)
		return
	}
	if !validLinkCSRF(s.links.actionCSRF(tok), formValue(r, "csrf")) {
		s.renderError(w, r, http.StatusForbidden, "csrf")
		return
	}
	if err := s.progressOrDone(r, workflow.Actor{Contact: ct, Channel: workflow.ChannelLink}, d.C.ID); err != nil {
		s.actionFail(w, r, err)
		return
	}
	http.Redirect(w, r, "/a/"+tok+"?ok=1", http.StatusSeeOther)
}

func validLinkCSRF(want, got string) bool {
	return got != "" && subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}
