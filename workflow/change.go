package workflow

import (
	"context"
	"fmt"

	"duban/domain"
	"duban/store"
)

// eventKey makes the dedup keys of one change's messages unique to that
// change: its Telegram update, or else its time.
func (s *Service) eventKey(a Actor) string {
	if a.UpdateID != 0 {
		return fmt.Sprintf("u%d", a.UpdateID)
	}
	return fmt.Sprintf("t%d", s.now().UnixNano())
}

func (s *Service) progress(ctx context.Context, a Actor, id int64, pct int, note string, evidence []string) (*Outcome, error) {
	if err := domain.ValidPercent(pct); err != nil {
		return nil, err
	}
	if err := checkText("note", note, false); err != nil {
		return nil, err
	}
	c, err := s.load(ctx, a, id, ActProgress)
	if err != nil {
		return nil, err
	}
	if err := s.DB.AddProgress(ctx, id, pct, note, evidence, storeActor(a)); err != nil {
		return nil, err
	}
	to := domain.Status("")
	if c.Status == domain.Open {
		to = domain.InProgress
	}
	return s.outcome(ctx, c, to, 0)
}

func (s *Service) outcome(ctx context.Context, before *domain.Commitment, to domain.Status, notified int) (*Outcome, error) {
	after, err := s.reread(ctx, before.ID)
	if err != nil {
		return nil, err
	}
	return &Outcome{Commitment: after, From: before.Status, To: to, Notified: notified}, nil
}

func (s *Service) done(ctx context.Context, a Actor, id int64, note string, evidence []string) (*Outcome, error) {
	if err := checkText("note", note, false); err != nil {
		return nil, err
	}
	c, err := s.load(ctx, a, id, ActDone)
	if err != nil {
		return nil, err
	}
	ns := s.doneNotes(c, a, note, evidence, s.eventKey(a))
	if err := s.DB.SetStatus(ctx, id, domain.Done, note, evidence, storeActor(a), ns...); err != nil {
		return nil, err
	}
	return s.outcome(ctx, c, domain.Done, len(ns))
}

func (s *Service) verify(ctx context.Context, a Actor, id int64) (*Outcome, error) {
	c, err := s.load(ctx, a, id, ActVerify)
	if err != nil {
		return nil, err
	}
	owners, err := s.DB.ContactsByKey(ctx, c.Owners)
	if err != nil {
		return nil, err
	}
	ns := s.ownerNotes(c, owners, domain.KindVerified, s.eventKey(a), func(w *words) string { return w.verified(c, a) }, false)
	if err := s.DB.SetStatus(ctx, id, domain.Verified, "", nil, storeActor(a), ns...); err != nil {
		return nil, err
	}
	return s.outcome(ctx, c, domain.Verified, len(ns))
}

func (s *Service) sendBack(ctx context.Context, a Actor, id int64, reason string) (*Outcome, error) {
	return s.back(ctx, a, id, reason, ActSendBack)
}

func (s *Service) reopen(ctx context.Context, a Actor, id int64, reason string) (*Outcome, error) {
	return s.back(ctx, a, id, reason, ActReopen)
}

// back sends a done item back to in_progress with a reason, which the
// owners receive with the item's buttons.
func (s *Service) back(ctx context.Context, a Actor, id int64, reason string, act Action) (*Outcome, error) {
	if err := allowRole(a, act); err != nil {
		return nil, err
	}
	if err := checkText(string(act), reason, true); err != nil {
		return nil, err
	}
	c, err := s.load(ctx, a, id, act)
	if err != nil {
		return nil, err
	}
	owners, err := s.DB.ContactsByKey(ctx, c.Owners)
	if err != nil {
		return nil, err
	}
	ns := s.ownerNotes(c, owners, domain.KindSentBack, s.eventKey(a), func(w *words) string { return w.sentBack(c, a, reason) }, true)
	if err := s.DB.SetStatus(ctx, id, domain.InProgress, reason, nil, storeActor(a), ns...); err != nil {
		return nil, err
	}
	return s.outcome(ctx, c, domain.InProgress, len(ns))
}

func (s *Service) cancel(ctx context.Context, a Actor, id int64, reason string) (*Outcome, error) {
	if err := allowRole(a, ActCancel); err != nil {
		return nil, err
	}
	if err := checkText("cancel", reason, true); err != nil {
		return nil, err
	}
	c, err := s.load(ctx, a, id, ActCancel)
	if err != nil {
		return nil, err
	}
	owners, err := s.DB.ContactsByKey(ctx, c.Owners)
	if err != nil {
		return nil, err
	}
	ns := s.ownerNotes(c, owners, domain.KindCancelled, s.eventKey(a), func(w *words) string { return w.cancelled(c, a, reason) }, false)
	if err := s.DB.SetStatus(ctx, id, domain.Cancelled, reason, nil, storeActor(a), ns...); err != nil {
		return nil, err
	}
	return s.outcome(ctx, c, domain.Cancelled, len(ns))
}

func (s *Service) requestExtension(ctx context.Context, a Actor, id int64, want domain.Date, reason string) (*Outcome, error) {
	if err := checkText("extend", reason, true); err != nil {
		return nil, err
	}
	if !want.After(s.today()) {
		return nil, domain.Errorf(domain.EINVALID, "the new due date %s is not in the future", want)
	}
	c, err := s.load(ctx, a, id, ActExtend)
	if err != nil {
		return nil, err
	}
	if !want.After(c.Due) {
		return nil, domain.Errorf(domain.EINVALID, "the new due date %s is not after the current one, %s", want, c.Due)
	}
	ext, err := s.DB.RequestExtension(ctx, id, want, reason, s.loc(), storeActor(a), func(e *store.Extension) []store.Notification {
		return []store.Notification{s.extensionRequestNote(c, e, a)}
	})
	if err != nil {
		return nil, err
	}
	o, err := s.outcome(ctx, c, "", 1)
	if err != nil {
		return nil, err
	}
	o.Extension = ext
	return o, nil
}

func (s *Service) decidePending(ctx context.Context, a Actor, id int64, approve bool, reason string) (*Outcome, error) {
	if err := allowRole(a, ActDecide); err != nil {
		return nil, err
	}
	if _, err := s.view(ctx, a, id); err != nil {
		return nil, err
	}
	ext, err := s.DB.PendingExtension(ctx, id)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, domain.Errorf(domain.EINVALID, "commitment #%d has no pending extension request", id)
	}
	if err != nil {
		return nil, err
	}
	return s.decideExtension(ctx, a, ext.ID, approve, reason)
}

func (s *Service) decideExtension(ctx context.Context, a Actor, extID int64, approve bool, reason string) (*Outcome, error) {
	if err := allowRole(a, ActDecide); err != nil {
		return nil, err
	}
	if err := checkText("reject", reason, !approve); err != nil {
		return nil, err
	}
	ext, err := s.DB.ExtensionByID(ctx, extID)
	if err != nil {
		return nil, err
	}
	c, err := s.load(ctx, a, ext.CommitmentID, ActDecide)
	if err != nil {
		return nil, err
	}
	if ext.State != store.ExtPending {
		return nil, domain.Errorf(domain.EINVALID, "extension request %d of commitment #%d is already %s", ext.ID, c.ID, ext.State)
	}
	keys := c.Owners
	var requester *domain.Contact
	if ext.RequesterID != 0 {
		if requester, err = s.DB.ContactByID(ctx, ext.RequesterID); err != nil {
			return nil, err
		}
	}
	owners, err := s.DB.ContactsByKey(ctx, keys)
	if err != nil {
		return nil, err
	}
	if requester != nil && !hasContact(owners, requester.ID) {
		owners = append(owners, requester)
	}
	decided, err := s.DB.Decide(ctx, store.Decision{ExtensionID: extID, Approve: approve, Reason: reason,
		Notes: func(e *store.Extension) []store.Notification {
			return s.ownerNotes(c, owners, domain.KindExtension, fmt.Sprintf("ext/%d/decision", e.ID), func(w *words) string {
				return w.decided(c, e, a)
			}, false)
		}}, storeActor(a))
	if err != nil {
		return nil, err
	}
	o, err := s.outcome(ctx, c, "", len(owners))
	if err != nil {
		return nil, err
	}
	o.Extension = decided
	return o, nil
}

func hasContact(cs []*domain.Contact, id int64) bool {
	for _, c := range cs {
		if c.ID == id {
			return true
		}
	}
	return false
}

func (s *Service) edit(ctx context.Context, a Actor, id int64, e Edit) (*Outcome, error) {
	if err := checkText("edit", e.Reason, false); err != nil {
		return nil, err
	}
	c, err := s.load(ctx, a, id, ActEdit)
	if err != nil {
		return nil, err
	}
	var ns []store.Notification
	if e.Owners != nil {
		old, err := s.DB.ContactsByKey(ctx, c.Owners)
		if err != nil {
			return nil, err
		}
		nw, err := s.DB.ContactsByKey(ctx, e.Owners)
		if err != nil {
			return nil, err
		}
		if len(nw) != len(e.Owners) {
			return nil, domain.Errorf(domain.EINVALID, "owners: unknown contact among %v", e.Owners)
		}
		ns = s.reassignNotes([]*domain.Commitment{c}, old, nw, s.eventKey(a))
	}
	err = s.DB.EditCommitment(ctx, id, store.CommitmentEdit{Due: e.Due, Precision: e.Precision, Owners: e.Owners,
		Unit: e.Unit, Title: e.Title, Reason: e.Reason}, storeActor(a), ns...)
	if err != nil {
		return nil, err
	}
	return s.outcome(ctx, c, "", len(ns))
}

func (s *Service) reassign(ctx context.Context, a Actor, fromKey, toKey string) (int, error) {
	if err := allowRole(a, ActReassign); err != nil {
		return 0, err
	}
	if fromKey == toKey {
		return 0, domain.Errorf(domain.EINVALID, "reassign: --from and --to name the same contact %q", fromKey)
	}
	from, err := s.DB.Contact(ctx, fromKey)
	if err != nil {
		return 0, err
	}
	to, err := s.DB.Contact(ctx, toKey)
	if err != nil {
		return 0, err
	}
	ids, err := s.DB.ActiveOwnedBy(ctx, from.ID)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	var cs []*domain.Commitment
	for _, id := range ids {
		c, err := s.DB.Commitment(ctx, id)
		if err != nil {
			return 0, err
		}
		cs = append(cs, c)
	}
	ns := s.reassignNotes(cs, []*domain.Contact{from}, []*domain.Contact{to}, s.eventKey(a))
	return s.DB.Reassign(ctx, ids, from, to, "", storeActor(a), ns...)
}
