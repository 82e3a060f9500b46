package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"duban/domain"
)

// actionLinkData is the page of a signed action link.
type actionLinkData struct {
	*itemData
	Token, LinkCSRF string
	Done            bool
}

// linkTarget checks an action link and returns its contact and the item's
// page data, seen as that contact. A bad signature, an expiry passed, or an
// item the contact may no longer see all give errLink.
func (s *Server) linkTarget(ctx context.Context, token string) (*domain.Contact, *itemData, error) {
	cid, mid, err := s.links.CheckAction(token)
	if err != nil {
		return nil, nil, errLink
	}
	ct, err := s.DB.ContactByID(ctx, cid)
	if err != nil {
		return nil, nil, errLink
	}
	d, err := s.itemData(ctx, ct, mid)
	if err != nil {
		if domain.ErrorCode(err) == domain.ENOTFOUND {
			return nil, nil, errLink
		}
		return nil, nil, err
	}
	return ct, d, nil
}

// Item is the page's item, for the item partial.
func (d actionLinkData) Item() *itemData { return d.itemData }

var errLink = errors.New("action link refused")

// actionLinkPage opens one item for one contact, without a password: its
// state and a form to report progress (with a photo) or mark it done.
func (s *Server) actionLinkPage(w http.ResponseWriter, r *http.Request) {
	tok := r.PathValue("token")
	ct, d, err := s.linkTarget(r.Context(), tok)
	if err != nil {
		s.linkRefused(w, r, err)
		return
	}
	d.Flash = r.URL.Query().Get("ok")
	s.renderLink(w, r, ct, http.StatusOK, actionLinkData{itemData: d, Token: tok, LinkCSRF: s.links.actionCSRF(tok)})
}

func (s *Server) renderLink(w http.ResponseWriter, r *http.Request, ct *domain.Contact, status int, d actionLinkData) {
	// The page speaks the link's contact's language, whoever is signed in.
	l := langOf(ct)
	v := view{L: l, Title: l.T("actionlink"), Nav: "link", Data: d}
	s.renderView(w, status, "actionlink", v)
}

func (s *Server) linkRefused(w http.ResponseWriter, r *http.Request, err error) {
	if !errors.Is(err, errLink) {
		s.fail(w, r, err)
		return
	}
	s.renderError(w, r, http.StatusForbidden, "link")
}

// actionLinkEvidence serves the evidence of the link's item, for the
// images on the link's page; nothing of any other item.
func (s *Server) actionLinkEvidence(w http.ResponseWriter, r *http.Request) {
	_, d, err := s.linkTarget(r.Context(), r.PathValue("token"))
	if err != nil {
		s.linkRefused(w, r, err)
		return
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 0 {
		s.notFound(w, r)
		return
	}
	s.serveEvidence(w, r, d.C.ID, n)
}
