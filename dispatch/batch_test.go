package dispatch

import (
	"context"
	"testing"

	"duban/domain"
	"duban/store"
	"duban/store/storetest"
)

// scanBatch writes reminders for chat as a scan does: members batched
// under one carrier.
func scanBatch(t *testing.T, db *store.DB, contact, chat int64, keys ...string) {
	t.Helper()
	var ns []store.Notification
	for _, k := range keys {
		ns = append(ns, store.Notification{ChatID: chat, ContactID: contact, Kind: "overdue", DedupKey: k, Body: k})
	}
	if _, err := db.RecordScanBatched(context.Background(), []store.ScanRecord{{Item: store.ScanItem{Commitment: &domain.Commitment{}}, Notifications: ns}},
		func(written []store.Notification) ([]store.Batch, []store.Dropped) {
			b := store.Batch{Carrier: store.Notification{ChatID: chat, ContactID: contact, Kind: store.KindBatch, DedupKey: "batch/" + keys[0], Body: "all of them"}}
			for _, n := range written {
				b.Members = append(b.Members, n.ID)
			}
			return []store.Batch{b}, nil
		}); err != nil {
		t.Fatal(err)
	}
}

func TestABatchIsOneMessageAndEachItemKeepsItsSentRecord(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		wang := &domain.Contact{Key: "wang", Name: "王", ChatID: 77}
		if err := db.AddContact(ctx, wang); err != nil {
			t.Fatal(err)
		}
		scanBatch(t, db, wang.ID, 77, "a", "b", "c")
		// Blocked: the carrier and its items go dead together.
		f.srv.Block(77)
		if st := f.runOnce(); st.Dead != 1 || st.Claimed != 1 {
			t.Fatalf("stats %+v, want the one carrier claimed and dead", st)
		}
		rows, _ := db.Notifications(ctx, store.OutboxFilter{State: store.StateDead})
		if len(rows) != 4 {
			t.Fatalf("%d dead rows, want the carrier and its 3 items", len(rows))
		}
		// Wang writes to the bot: the batch is queued again and sent once.
		f.srv.Unblock(77)
		if n, err := db.ContactReachable(ctx, wang.ID, 0); err != nil || n != 4 {
			t.Fatalf("queued %d again (%v), want 4 rows", n, err)
		}
		drain(t, f.d, f.clock)
		if got := texts(f.srv.SentTo(77)); len(got) != 1 || got[0] != "all of them" {
			t.Fatalf("wang got %q, want one message", got)
		}
		msg := f.srv.SentTo(77)[0].MessageID
		rows, _ = db.Notifications(ctx, store.OutboxFilter{ChatID: 77})
		for _, n := range rows {
			if n.State != store.StateSent || n.MessageID != msg || n.SentAt == nil {
				t.Errorf("row %s: %s message %d, want sent as message %d", n.DedupKey, n.State, n.MessageID, msg)
			}
		}
	})
}
