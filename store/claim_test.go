package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"duban/domain"
	"duban/store"
	"duban/store/storetest"
)

var t0 = time.Date(2024, 6, 1, 9, 0, 0, 0, time.UTC)

// enqueueN writes n pending notifications to chat, due at due.
func enqueueN(t *testing.T, db *store.DB, prefix string, n int, chat int64, due time.Time) {
	t.Helper()
	var ns []store.Notification
	for i := range n {
		ns = append(ns, store.Notification{ChatID: chat, Kind: "lead", DedupKey: fmt.Sprintf("%s-%d", prefix, i),
			Body: fmt.Sprintf("%s %d", prefix, i), NextAttemptAt: due})
	}
	if _, err := db.Enqueue(context.Background(), ns...); err != nil {
		t.Fatal(err)
	}
}

func ids(ns []store.Notification) []int64 {
	out := make([]int64, len(ns))
	for i, n := range ns {
		out[i] = n.ID
	}
	return out
}

func TestClaim(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		db.Now = func() time.Time { return t0 }
		enqueueN(t, db, "later", 2, 7, t0.Add(time.Hour))
		enqueueN(t, db, "now", 3, 7, t0)
		enqueueN(t, db, "earlier", 2, 8, t0.Add(-time.Minute))

		t.Run("returns due rows oldest first, up to the limit", func(t *testing.T) {
			got, err := db.Claim(ctx, t0, 4, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			want := []string{"earlier 0", "earlier 1", "now 0", "now 1"}
			if len(got) != len(want) {
				t.Fatalf("claimed %d rows, want %d", len(got), len(want))
			}
			for i, n := range got {
				if n.Body != want[i] || n.State != store.StatePending {
					t.Errorf("row %d = %q (%s), want %q pending", i, n.Body, n.State, want[i])
				}
			}
		})
		t.Run("does not hand a leased row out again", func(t *testing.T) {
			got, err := db.Claim(ctx, t0.Add(30*time.Second), 10, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0].Body != "now 2" {
				t.Fatalf("claimed %v, want only the unleased due row", got)
			}
		})
		t.Run("hands rows out again once their lease has run out", func(t *testing.T) {
			got, err := db.Claim(ctx, t0.Add(2*time.Minute), 10, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 5 {
				t.Fatalf("claimed %d rows after the lease, want 5", len(got))
			}
		})
		t.Run("reports the earliest claimable time", func(t *testing.T) {
			next, ok, err := db.NextAttempt(ctx)
			if err != nil || !ok {
				t.Fatalf("NextAttempt = %v, %v, %v", next, ok, err)
			}
			if want := t0.Add(3 * time.Minute); !next.Equal(want) {
				t.Errorf("next attempt %v, want the end of the leases %v", next, want)
			}
		})
		t.Run("rejects a zero limit", func(t *testing.T) {
			if _, err := db.Claim(ctx, t0, 0, time.Minute); err == nil {
				t.Error("Claim with limit 0 succeeded")
			}
		})
	})
}

func TestClaimDropsRowsOfClosedCommitments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		db.Now = func() time.Time { return t0 }
		if err := db.AddContact(ctx, &domain.Contact{Key: "zhang", Name: "Zhang", ChatID: 42}); err != nil {
			t.Fatal(err)
		}
		cid, err := db.AddCommitment(ctx, store.NewCommitment{Title: "Clean up", Owners: []string{"zhang"}})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.SetStatus(ctx, cid, domain.Done, "", nil, store.Actor{}); err != nil {
			t.Fatal(err)
		}
		// Enqueued after the close, as a scan racing with /done would.
		if _, err := db.Enqueue(ctx,
			store.Notification{CommitmentID: cid, ChatID: 42, Kind: "due", DedupKey: "late-reminder", Body: "due today"},
			store.Notification{CommitmentID: cid, ChatID: 42, Kind: store.KindReply, DedupKey: "reply", Body: "noted"}); err != nil {
			t.Fatal(err)
		}
		got, err := db.Claim(ctx, t0, 10, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Kind != store.KindReply {
			t.Fatalf("claimed %v, want only the reply", got)
		}
		dropped, err := db.Notifications(ctx, store.OutboxFilter{State: store.StateDropped})
		if err != nil {
			t.Fatal(err)
		}
		if len(dropped) != 1 || dropped[0].DedupKey != "late-reminder" || dropped[0].LastError != "commitment done" {
			t.Errorf("dropped %+v, want the reminder with reason \"commitment done\"", dropped)
		}
	})
}

func TestRecordingResults(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		db.Now = func() time.Time { return t0 }
		enqueueN(t, db, "m", 5, 7, t0)
		claimed, err := db.Claim(ctx, t0, 10, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		id := ids(claimed)
		get := func(id int64) store.Notification {
			t.Helper()
			all, err := db.Notifications(ctx, store.OutboxFilter{})
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range all {
				if n.ID == id {
					return n
				}
			}
			t.Fatalf("notification %d not found", id)
			return store.Notification{}
		}

		t.Run("MarkSent records the message once", func(t *testing.T) {
			if err := db.MarkSent(ctx, id[0], 77, t0.Add(time.Second)); err != nil {
				t.Fatal(err)
			}
			n := get(id[0])
			if n.State != store.StateSent || n.MessageID != 77 || n.SentAt == nil || !n.SentAt.Equal(t0.Add(time.Second)) || n.Attempts != 1 {
				t.Errorf("after MarkSent: %+v", n)
			}
			if err := db.MarkSent(ctx, id[0], 78, t0.Add(2*time.Second)); !errors.Is(err, store.ErrNotPending) {
				t.Errorf("second MarkSent: %v, want ErrNotPending", err)
			}
			if err := db.MarkRetry(ctx, id[0], 3, t0, "late"); !errors.Is(err, store.ErrNotPending) {
				t.Errorf("MarkRetry of a sent row: %v, want ErrNotPending", err)
			}
			if n := get(id[0]); n.MessageID != 77 {
				t.Errorf("message id overwritten: %d", n.MessageID)
			}
		})
		t.Run("MarkRetry reschedules and frees the row", func(t *testing.T) {
			next := t0.Add(10 * time.Second)
			if err := db.MarkRetry(ctx, id[1], 1, next, "temporary: Bad Gateway"); err != nil {
				t.Fatal(err)
			}
			n := get(id[1])
			if n.State != store.StatePending || n.Attempts != 1 || !n.NextAttemptAt.Equal(next) || n.LastError != "temporary: Bad Gateway" {
				t.Errorf("after MarkRetry: %+v", n)
			}
			// The lease is gone: the row is claimable as soon as it is due.
			got, err := db.Claim(ctx, next, 10, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0].ID != id[1] {
				t.Errorf("claim at the retry time got %v", ids(got))
			}
		})
		t.Run("MarkDead gives up once", func(t *testing.T) {
			if err := db.MarkDead(ctx, id[2], "unreachable: Forbidden: bot was blocked by the user"); err != nil {
				t.Fatal(err)
			}
			if n := get(id[2]); n.State != store.StateDead || n.Attempts != 1 {
				t.Errorf("after MarkDead: %+v", n)
			}
			if err := db.MarkDead(ctx, id[2], "again"); !errors.Is(err, store.ErrNotPending) {
				t.Errorf("second MarkDead: %v, want ErrNotPending", err)
			}
		})
		t.Run("Reroute moves a pending row to the new chat", func(t *testing.T) {
			if err := db.Reroute(ctx, id[3], -1001); err != nil {
				t.Fatal(err)
			}
			if n := get(id[3]); n.ChatID != -1001 {
				t.Errorf("chat after Reroute = %d", n.ChatID)
			}
			if err := db.Reroute(ctx, id[0], -1001); !errors.Is(err, store.ErrNotPending) {
				t.Errorf("Reroute of a sent row: %v, want ErrNotPending", err)
			}
		})
		t.Run("Release frees the lease and keeps the row behind next", func(t *testing.T) {
			later := t0.Add(time.Hour)
			if err := db.Release(ctx, later, id[3], id[4], id[0]); err != nil {
				t.Fatal(err)
			}
			if n := get(id[4]); !n.NextAttemptAt.Equal(later) {
				t.Errorf("next attempt after Release = %v, want %v", n.NextAttemptAt, later)
			}
			if n := get(id[0]); n.State != store.StateSent || !n.NextAttemptAt.Equal(t0) {
				t.Errorf("Release touched a sent row: %+v", n)
			}
			got, err := db.Claim(ctx, later, 10, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			// The two released rows, and the retried one whose lease ran out.
			if len(got) != 3 || got[1].ID != id[3] || got[2].ID != id[4] {
				t.Errorf("claim after Release got %v, want [%d %d %d]", ids(got), id[1], id[3], id[4])
			}
		})
	})
}

func TestMarkSentRecordsARowDroppedInFlight(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		db.Now = func() time.Time { return t0 }
		if err := db.AddContact(ctx, &domain.Contact{Key: "li", Name: "Li", ChatID: 9}); err != nil {
			t.Fatal(err)
		}
		cid, err := db.AddCommitment(ctx, store.NewCommitment{Title: "Restore", Owners: []string{"li"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Enqueue(ctx, store.Notification{CommitmentID: cid, ChatID: 9, Kind: "due", DedupKey: "d", Body: "due"}); err != nil {
			t.Fatal(err)
		}
		got, err := db.Claim(ctx, t0, 1, time.Minute)
		if err != nil || len(got) != 1 {
			t.Fatalf("claim: %v, %v", got, err)
		}
		// The commitment closes while the message is on its way.
		if err := db.SetStatus(ctx, cid, domain.Done, "", nil, store.Actor{}); err != nil {
			t.Fatal(err)
		}
		if err := db.MarkSent(ctx, got[0].ID, 5, t0); err != nil {
			t.Fatalf("MarkSent of a row dropped in flight: %v", err)
		}
		sent, _ := db.Notifications(ctx, store.OutboxFilter{State: store.StateSent})
		if len(sent) != 1 {
			t.Errorf("sent rows: %d, want 1", len(sent))
		}
	})
}

// TestConcurrentClaimsOnPostgres claims from several connections at once:
// SKIP LOCKED must hand every row to exactly one of them.
func TestConcurrentClaimsOnPostgres(t *testing.T) {
	ctx := context.Background()
	url := storetest.URL(t, store.Postgres)
	var dbs []*store.DB
	for range 4 {
		db, err := store.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		db.Now = func() time.Time { return t0 }
		dbs = append(dbs, db)
	}
	if _, err := dbs[0].Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	const total = 1000
	enqueueN(t, dbs[0], "c", total, 7, t0)

	var mu sync.Mutex
	seen := map[int64]int{}
	var wg sync.WaitGroup
	errs := make(chan error, len(dbs)*2)
	for _, db := range dbs {
		for range 2 {
			wg.Go(func() {
				for {
					got, err := db.Claim(ctx, t0, 37, time.Hour)
					if err != nil {
						errs <- err
						return
					}
					if len(got) == 0 {
						return
					}
					mu.Lock()
					for _, n := range got {
						seen[n.ID]++
					}
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if len(seen) != total {
		t.Errorf("claimed %d distinct rows, want %d", len(seen), total)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("row %d claimed %d times", id, n)
		}
	}
}

func TestReleaseKeepsTheRestOfAChatBehindAWaitingMessage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		db.Now = func() time.Time { return t0 }
		enqueueN(t, db, "a", 3, 7, t0) // chat 7: the first two are claimed below
		enqueueN(t, db, "b", 2, 8, t0) // chat 8: another chat, untouched
		claimed, err := db.Claim(ctx, t0, 2, time.Minute)
		if err != nil || len(claimed) != 2 {
			t.Fatalf("claim: %v, %v", ids(claimed), err)
		}
		// Chat 7's first message must wait 10 s: the second (claimed) and
		// the third (not claimed) go behind it.
		next := t0.Add(10 * time.Second)
		if err := db.Release(ctx, next, claimed[1].ID); err != nil {
			t.Fatal(err)
		}
		all, err := db.Notifications(ctx, store.OutboxFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range all {
			want := t0
			if n.ChatID == 7 && n.ID != claimed[0].ID {
				want = next
			}
			if !n.NextAttemptAt.Equal(want) {
				t.Errorf("%s: next attempt %v, want %v", n.Body, n.NextAttemptAt, want)
			}
		}
		// The first row keeps its lease; the others of chat 8 are claimable.
		got, err := db.Claim(ctx, t0, 10, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].ChatID != 8 || got[1].ChatID != 8 {
			t.Errorf("claim after Release got %v, want chat 8's two rows", got)
		}
	})
}

func TestMarkSentAll(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		db.Now = func() time.Time { return t0 }
		enqueueN(t, db, "s", 3, 7, t0)
		claimed, err := db.Claim(ctx, t0, 10, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.MarkDead(ctx, claimed[2].ID, "gone"); err != nil {
			t.Fatal(err)
		}
		at := t0.Add(1500 * time.Millisecond)
		stale, err := db.MarkSentAll(ctx, []store.Delivery{
			{ID: claimed[0].ID, MessageID: 11, At: at},
			{ID: claimed[1].ID, MessageID: 12, At: at.Add(time.Second)},
			{ID: claimed[2].ID, MessageID: 13, At: at},
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(stale) != 1 || stale[0] != claimed[2].ID {
			t.Errorf("not pending: %v, want the dead row %d", stale, claimed[2].ID)
		}
		sent, err := db.Notifications(ctx, store.OutboxFilter{State: store.StateSent})
		if err != nil {
			t.Fatal(err)
		}
		if len(sent) != 2 || sent[0].MessageID != 11 || sent[1].MessageID != 12 ||
			!sent[0].SentAt.Equal(at) || !sent[1].SentAt.Equal(at.Add(time.Second)) || sent[0].Attempts != 1 {
			t.Errorf("sent rows %+v", sent)
		}
	})
}
