// Package workflowtest is the matrix of SPEC §11's rules: every use case,
// by every kind of actor, on an item in or out of their scope, in every
// status, with the outcome the rules give. The workflow's own test, the
// bot's and the command line's drive the same cases through their front
// end and must reach the same outcomes.
package workflowtest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"duban/domain"
	"duban/store"
	"duban/workflow"
)

// Outcomes.
const (
	OK        = "ok"
	NotFound  = "not_found" // missing, or out of the actor's scope
	Forbidden = "forbidden" // the role may not
	Invalid   = "invalid"   // the status does not allow it
)

// Use cases driven by the matrix.
const (
	Progress = "progress"
	Done     = "done"
	Verify   = "verify"
	SendBack = "send_back"
	Cancel   = "cancel"
	Extend   = "extend"
	Approve  = "approve"
	Reject   = "reject"
	Edit     = "edit"
)

// UseCases lists them.
var UseCases = []string{Progress, Done, Verify, SendBack, Cancel, Extend, Approve, Reject, Edit}

// Actors: the owner (an official), another official of another unit, a
// supervisor, and the administrator at the command line (no contact).
const (
	Owner      = "owner"
	Stranger   = "stranger"
	Supervisor = "supervisor"
	Admin      = "admin"
)

// Actors lists them.
var Actors = []string{Owner, Stranger, Supervisor, Admin}

// Contacts of the world: key, Telegram user id (= private chat id).
var Contacts = map[string]struct {
	Key    string
	UserID int64
}{
	Owner:      {"zhang", 1001},
	Stranger:   {"li", 1002},
	Supervisor: {"wang", 1003},
}

// SupervisionChatID is the supervision group of the world.
const SupervisionChatID = -1009

// Now is the world's clock: 2024-06-01 09:00 in Shanghai.
var Now = time.Date(2024, 6, 1, 1, 0, 0, 0, time.UTC)

// NewDue is the due date extensions ask for.
var NewDue = domain.NewDate(2025, 3, 31)

// Case is one cell of the matrix.
type Case struct {
	UseCase string
	Actor   string
	Status  domain.Status
	Want    string
	// ID is the commitment the case acts on, set by Seed.
	ID int64
}

// Name reads as a sentence.
func (c Case) Name() string {
	return fmt.Sprintf("%s by the %s on a %s item is %s", c.UseCase, c.Actor, c.Status, c.Want)
}

// Want is the oracle: what the rules of SPEC §11 say, written
// independently of the workflow's code.
func Want(useCase, actor string, st domain.Status) string {
	official := actor == Owner || actor == Stranger
	switch useCase {
	case Verify, SendBack, Cancel, Approve, Reject, Edit:
		if official {
			return Forbidden
		}
	default:
		if actor == Stranger {
			return NotFound
		}
	}
	active := st == domain.Open || st == domain.InProgress
	ok := false
	switch useCase {
	case Progress, Done, Extend, Approve, Reject:
		ok = active
	case Verify, SendBack:
		ok = st == domain.Done
	case Cancel:
		ok = active || st == domain.Done
	case Edit:
		ok = true
	}
	if ok {
		return OK
	}
	return Invalid
}

// Cases is the whole matrix.
func Cases() []Case {
	var out []Case
	for _, u := range UseCases {
		for _, a := range Actors {
			for _, st := range domain.Statuses {
				out = append(out, Case{UseCase: u, Actor: a, Status: st, Want: Want(u, a, st)})
			}
		}
	}
	return out
}

// Seed fills db with the world: units, the three contacts, and for every
// case its own commitment, owned by the owner, due 2024-12-31, moved to
// the case's status; approve and reject cases on active items get a
// pending extension request. It returns the cases with their ids.
func Seed(tb testing.TB, db *store.DB) []Case {
	tb.Helper()
	ctx := context.Background()
	db.Now = func() time.Time { return Now }
	for _, c := range []*domain.Contact{
		{Key: "zhang", Name: "张国斌", Unit: "管委会办公室", Role: domain.Official, ChatID: 1001},
		{Key: "li", Name: "李明", Unit: "生态环境局", Role: domain.Official, ChatID: 1002},
		{Key: "wang", Name: "王督查", Unit: "督查室", Role: domain.Supervisor, ChatID: 1003},
	} {
		if err := db.AddContact(ctx, c); err != nil {
			tb.Fatal(err)
		}
		if err := db.SetContactChat(ctx, c.ID, c.ChatID, c.ChatID); err != nil {
			tb.Fatal(err)
		}
	}
	admin := store.Actor{Channel: "cli"}
	cases := Cases()
	for i := range cases {
		c := &cases[i]
		id, err := db.AddCommitment(ctx, store.NewCommitment{Title: "事项 " + c.Name(), Unit: "管委会办公室",
			Owners: []string{"zhang"}, Due: domain.NewDate(2024, 12, 31)})
		if err != nil {
			tb.Fatal(err)
		}
		c.ID = id
		var steps []func() error
		switch c.Status {
		case domain.InProgress:
			steps = append(steps, func() error { return db.AddProgress(ctx, id, 10, "", nil, admin) })
		case domain.Done:
			steps = append(steps, func() error { return db.SetStatus(ctx, id, domain.Done, "", nil, admin) })
		case domain.Verified:
			steps = append(steps, func() error { return db.SetStatus(ctx, id, domain.Done, "", nil, admin) },
				func() error { return db.SetStatus(ctx, id, domain.Verified, "", nil, admin) })
		case domain.Cancelled:
			steps = append(steps, func() error { return db.SetStatus(ctx, id, domain.Cancelled, "撤销", nil, admin) })
		}
		if (c.UseCase == Approve || c.UseCase == Reject) && c.Status.Active() {
			steps = append(steps, func() error {
				_, err := db.RequestExtension(ctx, id, NewDue, "需要更多时间", time.UTC, admin)
				return err
			})
		}
		for _, step := range steps {
			if err := step(); err != nil {
				tb.Fatalf("seed %s: %v", c.Name(), err)
			}
		}
	}
	return cases
}

// Service is the world's workflow.
func Service(db *store.DB) *workflow.Service {
	return &workflow.Service{DB: db, Now: func() time.Time { return Now }, Loc: time.UTC, WarnDays: 7,
		SupervisionChatID: SupervisionChatID, Language: "zh"}
}

// Actor is the workflow actor of a matrix actor.
func Actor(tb testing.TB, db *store.DB, actor string) workflow.Actor {
	if actor == Admin {
		return workflow.Admin()
	}
	ct, err := db.Contact(context.Background(), Contacts[actor].Key)
	if err != nil {
		tb.Fatal(err)
	}
	return workflow.Actor{Contact: ct, Channel: workflow.ChannelCLI}
}

// Run drives one case through the workflow itself.
func Run(ctx context.Context, wf *workflow.Service, a workflow.Actor, c Case) error {
	var err error
	switch c.UseCase {
	case Progress:
		_, err = wf.Progress(ctx, a, c.ID, 50, "进展", nil)
	case Done:
		_, err = wf.Done(ctx, a, c.ID, "已完成", nil)
	case Verify:
		_, err = wf.Verify(ctx, a, c.ID)
	case SendBack:
		_, err = wf.SendBack(ctx, a, c.ID, "照片不清晰")
	case Cancel:
		_, err = wf.Cancel(ctx, a, c.ID, "不再需要")
	case Extend:
		_, err = wf.RequestExtension(ctx, a, c.ID, NewDue, "需要更多时间")
	case Approve:
		_, err = wf.DecidePending(ctx, a, c.ID, true, "")
	case Reject:
		_, err = wf.DecidePending(ctx, a, c.ID, false, "理由不足")
	case Edit:
		title := "改过的标题"
		_, err = wf.Edit(ctx, a, c.ID, workflow.Edit{Title: &title, Reason: "措辞"})
	}
	return err
}

// Outcome classifies a use case's error.
func Outcome(err error) string {
	var me *domain.MoveError
	switch {
	case err == nil:
		return OK
	case errors.As(err, &me):
		return Invalid
	}
	switch domain.ErrorCode(err) {
	case domain.ENOTFOUND:
		return NotFound
	case domain.EFORBIDDEN:
		return Forbidden
	case domain.EINVALID:
		return Invalid
	}
	return "error: " + err.Error()
}

// Snapshot is what a case may change: the commitment's row, its history
// and extension rows, and the outbox. Equal snapshots mean nothing changed.
func Snapshot(tb testing.TB, db *store.DB, id int64) string {
	tb.Helper()
	var out string
	for _, q := range []string{
		`SELECT status || '/' || progress || '/' || COALESCE(due, '') || '/' || title FROM commitments WHERE id = ?`,
		`SELECT COUNT(*) FROM progress_updates WHERE commitment_id = ?`,
		`SELECT COUNT(*) FROM status_changes WHERE commitment_id = ?`,
		`SELECT COUNT(*) || '/' || COALESCE(MAX(state), '') FROM extensions WHERE commitment_id = ?`,
		`SELECT COUNT(*) FROM commitment_edits WHERE commitment_id = ?`,
		`SELECT COUNT(*) FROM notifications WHERE commitment_id = ?`,
	} {
		var s string
		if err := db.SQLX().Get(&s, db.SQLX().Rebind(q), id); err != nil {
			tb.Fatalf("snapshot: %v", err)
		}
		out += s + ";"
	}
	return out
}
