package dispatch

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"duban/store"
	"duban/store/storetest"
)

// enqueueMany writes n messages, spread round-robin over chats, with bodies
// "m0000"… and returns the bodies.
func enqueueMany(t testing.TB, db *store.DB, n int, chats []int64) []string {
	return enqueueTo(t, db, n, func(i int) int64 { return chats[i%len(chats)] })
}

// enqueueTo writes n messages, message i to chat(i), with bodies "m0000"…
// and returns the bodies.
func enqueueTo(t testing.TB, db *store.DB, n int, chat func(i int) int64) []string {
	t.Helper()
	var ns []store.Notification
	var bodies []string
	for i := range n {
		body := fmt.Sprintf("m%04d", i)
		bodies = append(bodies, body)
		ns = append(ns, store.Notification{ChatID: chat(i), Kind: "lead", DedupKey: "many-" + body, Body: body})
		if len(ns) == 500 || i == n-1 {
			if _, err := db.Enqueue(context.Background(), ns...); err != nil {
				t.Fatal(err)
			}
			ns = ns[:0]
		}
	}
	return bodies
}

func chatRange(from int64, n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = from + int64(i)
	}
	return out
}

func TestACrashBetweenAnswerAndCommitRepeatsAtMostOneMessagePerWorker(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		const total, workers, killAt = 300, 4, 100
		bodies := enqueueMany(t, db, total, chatRange(100, 30))

		// The first process dies right after Telegram's answer to its
		// 100th message, before writing it down; its other workers die
		// with it, each maybe with a message of its own in flight.
		first := f.dispatcher(f.tg)
		first.Workers = workers
		first.Batch = 50
		var sends atomic.Int32
		first.crashAfterSend = func(store.Notification) bool { return sends.Add(1) == killAt }
		if _, err := first.RunOnce(context.Background()); !errors.Is(err, errKilled) {
			t.Fatalf("first run: %v, want killed", err)
		}
		deliveredBefore := len(f.srv.Sent())
		if deliveredBefore < killAt {
			t.Fatalf("only %d delivered before the kill", deliveredBefore)
		}

		// A new process starts; the dead one's leases run out.
		f.clock.Advance(DefaultLease + time.Second)
		second := f.dispatcher(f.tg)
		second.Workers = workers
		drain(t, second, f.clock)

		count := map[string]int{}
		for _, m := range f.srv.Sent() {
			count[m.Text]++
		}
		repeats := 0
		for _, b := range bodies {
			switch c := count[b]; {
			case c == 0:
				t.Errorf("message %s was lost", b)
			case c > 1:
				repeats += c - 1
			}
		}
		if repeats > workers {
			t.Errorf("%d messages repeated, want at most one per worker (%d)", repeats, workers)
		}
		t.Logf("killed after %d deliveries; %d repeated", deliveredBefore, repeats)
		depth, err := db.OutboxDepth(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if depth[store.StateSent] != total {
			t.Errorf("outbox %v, want all %d sent", depth, total)
		}
	})
}

func TestTwoDispatchersOnPostgresSendEachMessageOnce(t *testing.T) {
	ctx := context.Background()
	url := storetest.URL(t, store.Postgres)
	var dbs []*store.DB
	for range 2 {
		db, err := store.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs = append(dbs, db)
	}
	if _, err := dbs[0].Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, dbs[0])
	dbs[1].Now = f.clock.Now
	const total = 1000
	bodies := enqueueMany(t, dbs[0], total, chatRange(1, 50))

	var wg sync.WaitGroup
	stats := make([]Stats, 2)
	for i, db := range dbs {
		d := f.dispatcher(newTelegram(t, f.srv))
		d.DB = db
		d.Batch = 20 // small batches: many claims race
		wg.Go(func() {
			st, err := d.RunOnce(ctx)
			if err != nil {
				t.Error(err)
			}
			stats[i] = st
		})
	}
	wg.Wait()
	if stats[0].Sent == 0 || stats[1].Sent == 0 {
		t.Logf("one dispatcher sent everything: %+v", stats)
	}
	count := map[string]int{}
	for _, m := range f.srv.Sent() {
		count[m.Text]++
	}
	for _, b := range bodies {
		if count[b] != 1 {
			t.Errorf("message %s delivered %d times, want once", b, count[b])
		}
	}
	if n := f.srv.Count("sendMessage"); n != total {
		t.Errorf("the server answered %d sends, want %d", n, total)
	}
	if stats[0].Sent+stats[1].Sent != total {
		t.Errorf("dispatchers recorded %d + %d sends, want %d", stats[0].Sent, stats[1].Sent, total)
	}
}

func TestRateLimitsKeepTelegramFromAnswering429(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.srv.EnforceLimits(true)
		// 2,000 reminders: one in ten to one of two groups (100 each), the
		// rest round-robin to 200 private chats (9 each).
		const total = 2000
		chatOf := func(i int) int64 {
			if i%10 == 0 {
				return -5001 - int64(i/10%2)
			}
			return 1000 + int64(i%200)
		}
		bodies := enqueueTo(t, db, total, chatOf)

		f.d.Limits = DefaultLimits()
		f.d.Workers = 4
		began := time.Now()
		st := drain(t, f.d, f.clock)
		if th := f.srv.Throttled(); th != 0 || st.RateLimited != 0 {
			t.Errorf("Telegram answered 429 %d times (dispatcher saw %d), want none", th, st.RateLimited)
		}
		sent := f.srv.Sent()
		if len(sent) != total || st.Sent != total {
			t.Fatalf("delivered %d, recorded %d, want %d", len(sent), st.Sent, total)
		}
		// Each chat got its messages in order.
		byChat := map[int64][]string{}
		for _, m := range sent {
			byChat[m.ChatID] = append(byChat[m.ChatID], m.Text)
		}
		for i, b := range bodies {
			chat := chatOf(i)
			if byChat[chat][0] != b {
				t.Fatalf("chat %d got %s before %s", chat, byChat[chat][0], b)
			}
			byChat[chat] = byChat[chat][1:]
		}
		virtual := f.clock.Now().Sub(start)
		t.Logf("%d messages in %v of virtual time (%.1f/s), %v real; %d claimed, %d released",
			total, virtual.Round(time.Second), float64(total)/virtual.Seconds(), time.Since(began).Round(time.Millisecond),
			st.Claimed, st.Released)
		// A group's 100 messages at 20 a minute take 297 s at least.
		if virtual < 297*time.Second {
			t.Errorf("took %v of virtual time, faster than 20 messages a minute to a group allows", virtual)
		}
	})
}
