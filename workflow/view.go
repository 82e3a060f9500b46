package workflow

import (
	"context"
	"strings"
	"time"

	"duban/domain"
	"duban/store"
)

// view loads commitment id with its owners and checks the actor's scope.
func (s *Service) view(ctx context.Context, a Actor, id int64) (*domain.Commitment, error) {
	c, err := s.DB.Commitment(ctx, id)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, notFound(id)
	}
	if err != nil {
		return nil, err
	}
	if !s.inScope(a, c) {
		return nil, notFound(id)
	}
	return c, nil
}

// load is view followed by the check of act: role first, so that an
// official's refusal reveals nothing about the id.
func (s *Service) load(ctx context.Context, a Actor, id int64, act Action) (*domain.Commitment, error) {
	if err := allowRole(a, act); err != nil {
		return nil, err
	}
	c, err := s.view(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if err := move(c, act); err != nil {
		return nil, err
	}
	return c, nil
}

// storeActor is what the store records of the actor.
func storeActor(a Actor) store.Actor {
	by := store.Actor{TelegramUserID: a.TelegramUserID, Channel: a.Channel, UpdateID: a.UpdateID, WebSession: a.WebSession}
	if a.Contact != nil {
		by.ContactID = a.Contact.ID
	}
	if by.Channel == "" {
		by.Channel = ChannelCLI
	}
	return by
}

// checkText bounds a note or reason.
func checkText(what, text string, required bool) error {
	if required && strings.TrimSpace(text) == "" {
		return domain.Errorf(domain.EINVALID, "%s: a reason is required", what)
	}
	if n := len([]rune(text)); n > domain.MaxNoteLen {
		return domain.Errorf(domain.EINVALID, "text too long: %d characters, at most %d", n, domain.MaxNoteLen)
	}
	return nil
}

// reread returns the commitment after a change.
func (s *Service) reread(ctx context.Context, id int64) (*domain.Commitment, error) {
	return s.DB.Commitment(ctx, id)
}

// pending is the supervision office's queue.
func (s *Service) pending(ctx context.Context, a Actor) (*Pending, error) {
	if !a.Supervises() {
		return nil, forbidden("list pending items")
	}
	now := s.now()
	days := func(t time.Time) int { return domain.DateOf(t, s.loc()).DaysUntil(domain.DateOf(now, s.loc())) }
	done, err := s.DB.AwaitingVerification(ctx, 200)
	if err != nil {
		return nil, err
	}
	exts, err := s.DB.ExtensionRequests(ctx, 200)
	if err != nil {
		return nil, err
	}
	names, err := s.names(ctx)
	if err != nil {
		return nil, err
	}
	p := &Pending{}
	for _, d := range done {
		p.Done = append(p.Done, PendingDone{Commitment: d.Commitment, DoneAt: d.DoneAt, By: names.byID[d.ByID], Days: days(d.DoneAt)})
	}
	for _, e := range exts {
		c, err := s.DB.Commitment(ctx, e.CommitmentID)
		if err != nil {
			return nil, err
		}
		p.Extensions = append(p.Extensions, PendingExtension{Extension: e, Commitment: c, Requester: names.byID[e.RequesterID], Days: days(e.CreatedAt)})
	}
	return p, nil
}

// people maps contact ids and keys to names.
type people struct {
	byID  map[int64]string
	byKey map[string]*domain.Contact
}

func (s *Service) names(ctx context.Context) (*people, error) {
	cs, err := s.DB.Contacts(ctx)
	if err != nil {
		return nil, err
	}
	p := &people{byID: map[int64]string{}, byKey: map[string]*domain.Contact{}}
	for _, c := range cs {
		p.byID[c.ID] = c.Name
		p.byKey[c.Key] = c
	}
	return p, nil
}
