package dispatch

import (
	"context"
	"slices"
	"testing"
	"time"

	"duban/domain"
	"duban/store"
	"duban/store/storetest"
)

func TestAContactBackFromUnreachableGetsWhatWentDeadOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		wang := &domain.Contact{Key: "wang", Name: "王", ChatID: 77}
		if err := db.AddContact(ctx, wang); err != nil {
			t.Fatal(err)
		}
		toWang := func(n *store.Notification) { n.ContactID = wang.ID }
		// Dead as unreachable long ago: out of the window, stays dead.
		old := f.enqueue(77, "old", toWang, func(n *store.Notification) { n.DeadReason = "unreachable: Forbidden: bot was blocked by the user" })
		f.clock.Advance(80 * time.Hour)

		// A 403: both reminders go dead and Wang is marked unreachable.
		f.enqueue(77, "due tomorrow", toWang)
		f.enqueue(77, "overdue 3 days", toWang)
		f.srv.Block(77)
		if st := f.runOnce(); st.Dead != 2 {
			t.Fatalf("stats %+v, want both dead", st)
		}
		// The next scan records Wang's reminder dead without a try.
		f.enqueue(77, "progress?", toWang, func(n *store.Notification) { n.DeadReason = "unreachable: Forbidden: bot was blocked by the user" })
		if c, _ := db.ContactByID(ctx, wang.ID); !c.Unreachable {
			t.Fatal("wang is not marked unreachable")
		}

		// Wang unblocks the bot and writes to it: the bot calls
		// ContactReachable, and what went dead is delivered once.
		f.srv.Unblock(77)
		f.clock.Advance(time.Hour)
		n, err := db.ContactReachable(ctx, wang.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if n != 3 {
			t.Errorf("queued %d again, want 3", n)
		}
		if c, _ := db.ContactByID(ctx, wang.ID); c.Unreachable || c.UnreachableWhy != "" {
			t.Errorf("wang still unreachable: %+v", c)
		}
		drain(t, f.d, f.clock)
		// A second message from Wang queues nothing more.
		if n, err := db.ContactReachable(ctx, wang.ID, 0); err != nil || n != 0 {
			t.Errorf("a second message queued %d (%v), want 0", n, err)
		}
		drain(t, f.d, f.clock)
		got := texts(f.srv.SentTo(77))
		slices.Sort(got)
		if want := []string{"due tomorrow", "overdue 3 days", "progress?"}; !slices.Equal(got, want) {
			t.Errorf("wang got %q, want %q once each", got, want)
		}
		if r := f.row(old); r.State != store.StateDead {
			t.Errorf("a message dead 80 h ago was queued again: %+v", r)
		}
	})
}

func TestASuccessfulSendMakesAContactReachableAgain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		wang := &domain.Contact{Key: "wang", Name: "王", ChatID: 77}
		if err := db.AddContact(ctx, wang); err != nil {
			t.Fatal(err)
		}
		toWang := func(n *store.Notification) { n.ContactID = wang.ID }
		f.srv.Block(77)
		f.enqueue(77, "due tomorrow", toWang)
		f.runOnce()
		f.srv.Unblock(77)
		// A reply to Wang (queued before the block was known) goes through.
		f.enqueue(77, "reply", toWang, func(n *store.Notification) { n.Kind = store.KindReply })
		drain(t, f.d, f.clock)
		got := texts(f.srv.SentTo(77))
		slices.Sort(got)
		if want := []string{"due tomorrow", "reply"}; !slices.Equal(got, want) {
			t.Errorf("wang got %q, want %q", got, want)
		}
		if c, _ := db.ContactByID(ctx, wang.ID); c.Unreachable {
			t.Error("wang is still marked unreachable after a send reached him")
		}
	})
}
