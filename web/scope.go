package web

import (
	"context"

	"duban/domain"
	"duban/store"
)

// scopeOf is what the viewer may see, for lists. Single items are asked of
// the workflow (view).
func (s *Server) scopeOf(c *domain.Contact) store.Scope {
	return store.Scope{ContactID: c.ID, All: c.Role == domain.Supervisor || c.Role == domain.Admin, Unit: s.UnitScope}
}

// supervises reports whether the contact works for the supervision office.
func supervises(c *domain.Contact) bool {
	return c != nil && (c.Role == domain.Supervisor || c.Role == domain.Admin)
}

func (s *Server) today() domain.Date { return domain.DateOf(s.Now(), s.Loc) }

// registerPage returns one page of the register for the viewer.
func (s *Server) registerPage(ctx context.Context, c *domain.Contact, q store.RegisterQuery) ([]*store.RegisterRow, error) {
	q.Scope, q.Today, q.WarnDays = s.scopeOf(c), s.today(), s.WarnDays
	var rows []*store.RegisterRow
	err := s.DB.Register(ctx, q, func(r *store.RegisterRow) error {
		rows = append(rows, r)
		return nil
	})
	return rows, err
}
