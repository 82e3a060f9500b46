package web

import (
	"context"
	"net/http"

	"duban/domain"
)

// view returns commitment id, with its owners, if v may see it; an id out
// of scope is the same not-found error as a missing one.
func (s *Server) view(ctx context.Context, v *domain.Contact, id int64) (*domain.Commitment, error) {
	if _, err := s.DB.ScopedCommitment(ctx, s.scopeOf(v), id); err != nil {
		return nil, err
	}
	return s.DB.Commitment(ctx, id)
}

// allowed names the actions v may take on c, for the page's forms.
func (s *Server) allowed(v *domain.Contact, c *domain.Commitment) map[string]bool {
	return map[string]bool{}
}

// itemActionRoutes adds the item page's actions.
func (s *Server) itemActionRoutes(auth func(string, http.HandlerFunc)) {}

// actionLinkSubmit takes the action link's form.
func (s *Server) actionLinkSubmit(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, http.StatusServiceUnavailable, "bad")
}
