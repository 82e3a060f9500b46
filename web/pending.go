package web

import (
	"net/http"

	"duban/domain"
	"duban/store"
)

// pendingQueue is the supervision office's queue: done items awaiting 销号,
// oldest first, and extension requests awaiting a decision.
type pendingQueue struct {
	Done []pendingDone
	Ext  []pendingExt
}

type pendingDone struct {
	ID          int64
	Title, Unit string
	By          string
	Days        int
}

type pendingExt struct {
	ID        int64
	Title     string
	Requested domain.Date
	Reason    string
	By        string
	Days      int
	Late      bool
}

// pendingQueue reads the queue for a supervisor.
func (s *Server) pendingQueue(r *http.Request) (*pendingQueue, error) {
	v := viewer(r)
	rows, err := s.registerPage(r.Context(), v, store.RegisterQuery{Statuses: []domain.Status{domain.Done}, Sort: store.SortIDAsc, Limit: 200})
	if err != nil {
		return nil, err
	}
	q := &pendingQueue{}
	for _, row := range rows {
		q.Done = append(q.Done, pendingDone{ID: row.ID, Title: row.Title, Unit: row.Unit,
			Days: domain.DateOf(row.UpdatedAt, s.Loc).DaysUntil(s.today())})
	}
	return q, nil
}
