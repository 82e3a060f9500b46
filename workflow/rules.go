package workflow

import (
	"slices"

	"duban/domain"
)

// supervisorOnly are the actions only the supervision office may take.
var supervisorOnly = map[Action]bool{
	ActVerify: true, ActSendBack: true, ActCancel: true, ActReopen: true,
	ActDecide: true, ActEdit: true, ActReassign: true, ActEditSource: true,
}

// inScope reports whether the actor may see c: supervisors and the
// administrator see everything, an official the items they own (or, with
// UnitScope, their unit's).
func (s *Service) inScope(a Actor, c *domain.Commitment) bool {
	if a.Supervises() {
		return true
	}
	if slices.Contains(c.Owners, a.Contact.Key) {
		return true
	}
	return s.UnitScope && c.Unit != "" && c.Unit == a.Contact.Unit
}

// notFound is the one answer for an id that does not exist and for one out
// of the actor's scope, so that ids cannot be probed.
func notFound(id int64) error {
	return domain.Errorf(domain.ENOTFOUND, "commitment #%d not found", id)
}

// forbidden refuses an action by role.
func forbidden(act Action) error {
	return domain.Errorf(domain.EFORBIDDEN, "only the supervision office may %s", act)
}

// allowRole checks the actor's role for act, before anything is read: an
// official asking to verify gets the same refusal whatever the id, so the
// refusal reveals nothing.
func allowRole(a Actor, act Action) error {
	if supervisorOnly[act] && !a.Supervises() {
		return forbidden(act)
	}
	return nil
}

// check decides whether the actor may take act on c now: role, then scope,
// then the legal move from c's status. It reads nothing.
func (s *Service) check(a Actor, c *domain.Commitment, act Action) error {
	if err := allowRole(a, act); err != nil {
		return err
	}
	if !s.inScope(a, c) {
		return notFound(c.ID)
	}
	return move(c, act)
}

// move checks that c's status allows act.
func move(c *domain.Commitment, act Action) error {
	st := c.Status
	switch act {
	case ActProgress:
		if !st.Active() {
			return &domain.MoveError{ID: c.ID, From: st, Action: string(act)}
		}
	case ActDone:
		return transition(c, domain.Done)
	case ActVerify:
		return transition(c, domain.Verified)
	case ActSendBack, ActReopen:
		// Only a done item goes back: an open one has nowhere to return to.
		if st != domain.Done {
			return &domain.MoveError{ID: c.ID, From: st, To: domain.InProgress}
		}
	case ActCancel:
		return transition(c, domain.Cancelled)
	case ActExtend:
		if !st.Active() {
			return &domain.MoveError{ID: c.ID, From: st, Action: string(act)}
		}
		if c.Ongoing() {
			return domain.Errorf(domain.EINVALID, "commitment #%d is ongoing: it has no due date to extend", c.ID)
		}
	case ActDecide:
		if !st.Active() {
			return &domain.MoveError{ID: c.ID, From: st, Action: string(act)}
		}
	}
	return nil
}

func transition(c *domain.Commitment, to domain.Status) error {
	if !domain.CanTransition(c.Status, to) {
		return &domain.MoveError{ID: c.ID, From: c.Status, To: to}
	}
	return nil
}
