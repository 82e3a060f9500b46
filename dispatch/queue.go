package dispatch

import (
	"cmp"
	"container/heap"
	"slices"
	"sync"
	"time"

	"duban/store"
)

// chatQueue is the claimed rows of one chat, in id order. Only the worker
// that took it from the scheduler touches it, which is what keeps a chat's
// messages in order while the workers serve many chats at once.
type chatQueue struct {
	chat  int64
	rows  []store.Notification
	ready time.Time // when the chat's limiter lets the head go
	moves int       // migrations followed for the head row
	index int       // in the heap
}

// pop drops the head row.
func (q *chatQueue) pop() {
	q.rows = q.rows[1:]
	q.moves = 0
}

// ids returns the ids of the rows left.
func (q *chatQueue) ids() []int64 {
	out := make([]int64, len(q.rows))
	for i, n := range q.rows {
		out[i] = n.ID
	}
	return out
}

// scheduler hands chat queues to workers, the one that may go soonest
// first (then the oldest head row). A queue is out of the heap while a
// worker holds it, so no two workers ever send to one chat at once.
type scheduler struct {
	mu     sync.Mutex
	cond   sync.Cond
	heap   queueHeap
	busy   int  // queues held by workers
	closed bool // shutdown or kill: hand out nothing more
}

// newScheduler groups a batch by chat; ready tells when each chat may go.
func newScheduler(rows []store.Notification, ready func(chat int64) time.Time) *scheduler {
	s := &scheduler{}
	s.cond.L = &s.mu
	byChat := map[int64]*chatQueue{}
	for _, n := range rows {
		q := byChat[n.ChatID]
		if q == nil {
			q = &chatQueue{chat: n.ChatID, ready: ready(n.ChatID)}
			byChat[n.ChatID] = q
			s.heap = append(s.heap, q)
		}
		q.rows = append(q.rows, n)
	}
	for _, q := range s.heap {
		slices.SortFunc(q.rows, func(a, b store.Notification) int { return cmp.Compare(a.ID, b.ID) })
	}
	heap.Init(&s.heap)
	return s
}

// take waits for a queue and returns it, or nil when the batch is done
// (no queue left, none held) or the scheduler is closed.
func (s *scheduler) take() *chatQueue {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.heap) == 0 && s.busy > 0 && !s.closed {
		s.cond.Wait()
	}
	if s.closed || len(s.heap) == 0 {
		return nil
	}
	s.busy++
	return heap.Pop(&s.heap).(*chatQueue)
}

// give returns a queue taken with take; it goes back to the heap if rows
// are left, to go at ready.
func (s *scheduler) give(q *chatQueue, ready time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.busy--
	if len(q.rows) > 0 {
		q.ready = ready
		heap.Push(&s.heap, q)
	}
	s.cond.Broadcast()
}

// close makes take return nil from now on.
func (s *scheduler) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	s.cond.Broadcast()
}

// rest returns the ids of the rows never handled, once the workers are
// done.
func (s *scheduler) rest() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []int64
	for _, q := range s.heap {
		out = append(out, q.ids()...)
	}
	return out
}

// queueHeap orders chat queues by ready time, then head row id.
type queueHeap []*chatQueue

func (h queueHeap) Len() int { return len(h) }

func (h queueHeap) Less(i, j int) bool {
	if !h[i].ready.Equal(h[j].ready) {
		return h[i].ready.Before(h[j].ready)
	}
	return h[i].rows[0].ID < h[j].rows[0].ID
}

func (h queueHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}

func (h *queueHeap) Push(x any) {
	q := x.(*chatQueue)
	q.index = len(*h)
	*h = append(*h, q)
}

func (h *queueHeap) Pop() any {
	old := *h
	q := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return q
}
