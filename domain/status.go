package domain

import "fmt"

// Status is where a commitment is in its life. Overdue is not a status: it
// is derived from the due date (see Light).
type Status string

// Statuses, in the order a commitment normally moves through them.
const (
	Open       Status = "open"
	InProgress Status = "in_progress"
	Done       Status = "done"
	Verified   Status = "verified"
	Cancelled  Status = "cancelled"
)

// Statuses lists every status.
var Statuses = []Status{Open, InProgress, Done, Verified, Cancelled}

// ParseStatus checks that s names a status.
func ParseStatus(s string) (Status, error) {
	for _, st := range Statuses {
		if string(st) == s || statusNames[st][0] == s {
			return st, nil
		}
	}
	return "", fmt.Errorf("unknown status %q: want one of open, in_progress, done, verified, cancelled (or 未启动, 进行中, 已完成, 已销号, 已撤销)", s)
}

// Closed reports whether the commitment needs no more chasing: done,
// verified or cancelled. Closed commitments get no reminders.
func (s Status) Closed() bool { return s == Done || s == Verified || s == Cancelled }

// Active reports whether the commitment is still being worked on.
func (s Status) Active() bool { return s == Open || s == InProgress }

// transitions lists the legal moves. A progress update moves open to
// in_progress; the owner marks done; the supervisor verifies (销号), sends a
// done item back, or cancels.
var transitions = map[Status][]Status{
	Open:       {InProgress, Done, Cancelled},
	InProgress: {Done, Cancelled},
	Done:       {Verified, InProgress, Cancelled},
	Verified:   {},
	Cancelled:  {},
}

// CanTransition reports whether a commitment may move from one status to
// another.
func CanTransition(from, to Status) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Transition returns an error naming both states when the move from one
// status to another is not allowed.
func Transition(from, to Status) error {
	if CanTransition(from, to) {
		return nil
	}
	return &Error{Code: EINVALID, Message: fmt.Sprintf("cannot change status from %s to %s", from, to)}
}
