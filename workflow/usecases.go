package workflow

import (
	"context"
	"slices"
	"strings"

	"duban/domain"
	"duban/store"
)

// View returns commitment id, with its owners, if the actor may see it.
// An id out of the actor's scope gives the same not-found error as an id
// that does not exist, so ids cannot be probed.
func (s *Service) View(ctx context.Context, a Actor, id int64) (*domain.Commitment, error) {
	return s.view(ctx, a, id)
}

// Allowed lists what the actor may do to c now, for buttons and help.
func (s *Service) Allowed(a Actor, c *domain.Commitment) []Action {
	var out []Action
	for _, act := range []Action{ActProgress, ActDone, ActExtend, ActVerify, ActSendBack, ActCancel, ActReopen, ActDecide, ActEdit, ActReassign} {
		if s.check(a, c, act) == nil {
			out = append(out, act)
		}
	}
	return out
}

// Progress records a progress update (0–100, a note, evidence). The first
// one moves an open item to in_progress.
func (s *Service) Progress(ctx context.Context, a Actor, id int64, pct int, note string, evidence []string) (*Outcome, error) {
	return s.progress(ctx, a, id, pct, note, evidence)
}

// Done marks the item done with a note and evidence; the supervision chat
// hears of it with the evidence and 销号/退回 buttons.
func (s *Service) Done(ctx context.Context, a Actor, id int64, note string, evidence []string) (*Outcome, error) {
	return s.done(ctx, a, id, note, evidence)
}

// Verify closes a done item (销号); the owners hear 已销号.
func (s *Service) Verify(ctx context.Context, a Actor, id int64) (*Outcome, error) {
	return s.verify(ctx, a, id)
}

// SendBack returns a done item to in_progress (退回) with a reason, which
// the owners receive with the item's buttons.
func (s *Service) SendBack(ctx context.Context, a Actor, id int64, reason string) (*Outcome, error) {
	return s.sendBack(ctx, a, id, reason)
}

// Cancel cancels an item (撤销) with a reason, which the owners receive.
func (s *Service) Cancel(ctx context.Context, a Actor, id int64, reason string) (*Outcome, error) {
	return s.cancel(ctx, a, id, reason)
}

// Reopen returns a done, verified or cancelled item to in_progress, with a
// reason. An item that is open or in progress cannot be reopened.
func (s *Service) Reopen(ctx context.Context, a Actor, id int64, reason string) (*Outcome, error) {
	return s.reopen(ctx, a, id, reason)
}

// RequestExtension files an extension request (延期申请); the supervision
// chat gets it with 批准/驳回 buttons. Ongoing items take none.
func (s *Service) RequestExtension(ctx context.Context, a Actor, id int64, want domain.Date, reason string) (*Outcome, error) {
	return s.requestExtension(ctx, a, id, want, reason)
}

// DecideExtension approves or rejects extension request extID; a rejection
// needs a reason. The requester and the owners hear the decision.
func (s *Service) DecideExtension(ctx context.Context, a Actor, extID int64, approve bool, reason string) (*Outcome, error) {
	return s.decideExtension(ctx, a, extID, approve, reason)
}

// DecidePending decides the pending extension request of commitment id.
func (s *Service) DecidePending(ctx context.Context, a Actor, id int64, approve bool, reason string) (*Outcome, error) {
	return s.decidePending(ctx, a, id, approve, reason)
}

// Edit changes a commitment's due date, precision, owners, unit or title.
func (s *Service) Edit(ctx context.Context, a Actor, id int64, e Edit) (*Outcome, error) {
	return s.edit(ctx, a, id, e)
}

// Reassign moves every active commitment of contact fromKey to toKey; the
// old and new owners hear who now owns each. It returns how many moved.
func (s *Service) Reassign(ctx context.Context, a Actor, fromKey, toKey string) (int, error) {
	return s.reassign(ctx, a, fromKey, toKey)
}

// Pending returns done items awaiting 销号, oldest first, and pending
// extension requests, with their age. Supervisors only.
func (s *Service) Pending(ctx context.Context, a Actor) (*Pending, error) {
	return s.pending(ctx, a)
}

// SourceEdit is a change of a letter's follow-up (SPEC §13): the date of
// the B-class second reply and the deputy's satisfaction. Nil fields stay.
type SourceEdit struct {
	SecondReplyOn *domain.Date
	Satisfaction  *string
}

// EditSource records a letter's follow-up. Supervisors only; a
// satisfaction must be one of domain.Satisfactions or "".
func (s *Service) EditSource(ctx context.Context, a Actor, key string, e SourceEdit) error {
	if err := allowRole(a, ActEditSource); err != nil {
		return err
	}
	if e.Satisfaction != nil && *e.Satisfaction != "" && !slices.Contains(domain.Satisfactions, *e.Satisfaction) {
		return domain.Errorf(domain.EINVALID, "satisfaction: want one of %s, got %q", strings.Join(domain.Satisfactions, ", "), *e.Satisfaction)
	}
	return s.DB.EditSource(ctx, key, store.SourceEdit{SecondReplyOn: e.SecondReplyOn, Satisfaction: e.Satisfaction}, storeActor(a))
}
