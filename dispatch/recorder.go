package dispatch

import (
	"context"
	"fmt"
	"sync"

	"duban/store"
)

// maxGroup bounds how many deliveries one commit records.
const maxGroup = 256

// flushers is how many commits may run at once: while one waits for the
// database, the next group gathers and goes.
const flushers = 2

// recorder writes deliveries down by group commit. A worker hands its
// delivery over and waits until it is committed before it sends anything
// else, so a crash still loses the record of at most one message per
// worker; but deliveries that arrive while a commit is running share the
// next one, which is what lets PostgreSQL keep up with many workers.
type recorder struct {
	db   *store.DB
	ctx  context.Context
	reqs chan recordReq
	quit chan struct{}
	done chan struct{}
}

type recordReq struct {
	d   store.Delivery
	err chan error
}

func startRecorder(ctx context.Context, db *store.DB) *recorder {
	r := &recorder{db: db, ctx: ctx, reqs: make(chan recordReq), quit: make(chan struct{}), done: make(chan struct{})}
	var wg sync.WaitGroup
	for range flushers {
		wg.Go(r.loop)
	}
	go func() {
		wg.Wait()
		close(r.done)
	}()
	return r
}

// markSent records d and returns once it is committed: nil, an error
// wrapping store.ErrNotPending if the row was already recorded, or the
// database's error.
func (r *recorder) markSent(d store.Delivery) error {
	req := recordReq{d: d, err: make(chan error, 1)}
	select {
	case r.reqs <- req:
		return <-req.err
	case <-r.done:
		return fmt.Errorf("mark sent #%d: recorder stopped", d.ID)
	}
}

// stop ends the loop once the workers are done.
func (r *recorder) stop() {
	close(r.quit)
	<-r.done
}

func (r *recorder) loop() {
	for {
		var group []recordReq
		select {
		case req := <-r.reqs:
			group = append(group, req)
		case <-r.quit:
			return
		}
	more:
		for len(group) < maxGroup {
			select {
			case req := <-r.reqs:
				group = append(group, req)
			default:
				break more
			}
		}
		ds := make([]store.Delivery, len(group))
		for i, req := range group {
			ds[i] = req.d
		}
		notPending, err := r.db.MarkSentAll(r.ctx, ds)
		stale := make(map[int64]bool, len(notPending))
		for _, id := range notPending {
			stale[id] = true
		}
		for _, req := range group {
			switch {
			case err != nil:
				req.err <- err
			case stale[req.d.ID]:
				req.err <- fmt.Errorf("mark sent #%d: %w", req.d.ID, store.ErrNotPending)
			default:
				req.err <- nil
			}
		}
	}
}
