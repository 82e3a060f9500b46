package dispatch

import (
	"context"
	"errors"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"duban/store"
	"duban/store/storetest"
	"duban/telegram/telegramtest"
)

func TestACleanStopReleasesWhatItDidNotSendEvenAfterTheGrace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		const total = 40
		enqueueMany(t, db, total, chatRange(100, 40))
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		// Telegram is so slow that no send finishes within the grace; the
		// stop comes as the first send starts.
		f.srv.OnRequest(func(method string, p url.Values) *telegramtest.Fault {
			cancel()
			fault := telegramtest.Slow(time.Minute)
			return &fault
		})
		f.d.Grace = 20 * time.Millisecond
		f.d.Batch = 10 // a second batch is claimed ahead while the first is sent
		if _, err := f.d.RunOnce(ctx); !errors.Is(err, context.Canceled) {
			t.Fatalf("RunOnce: %v, want canceled", err)
		}
		f.srv.OnRequest(nil)

		// At the same moment, nothing is left leased: another process
		// takes every row at once, without waiting out a lease.
		rows, err := db.Claim(context.Background(), f.clock.Now(), 1000, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != total {
			t.Errorf("after the stop %d of %d rows are claimable; the rest stay leased", len(rows), total)
		}
	})
}

func TestADeadDispatchersRowsAreSentByAnotherWithinAMinute(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		const total, workers = 120, 2
		bodies := enqueueMany(t, db, total, chatRange(100, 2))

		// The first dispatcher sends slowly (1 a second per chat, 2 chats):
		// 120 messages take a minute, longer than its lease, so it must
		// renew its leases to keep its rows. A second dispatcher looks in
		// while it is alive and finds nothing to take.
		first := f.dispatcher(f.tg)
		first.Workers = workers
		first.Limits = Limits{PerChatPerSecond: 1}
		second := f.dispatcher(newTelegram(t, f.srv))
		second.Workers = workers
		var sends atomic.Int32
		var stoleWhileAlive int
		first.crashAfterSend = func(store.Notification) bool {
			switch sends.Add(1) {
			case 100:
				// 50 s of virtual time in: the claim's lease ran out, but
				// renewals keep the rows.
				rows, err := db.Claim(context.Background(), f.clock.Now(), 1000, time.Second)
				if err != nil {
					t.Error(err)
				}
				stoleWhileAlive = len(rows)
				if len(rows) > 0 {
					ids := make([]int64, len(rows))
					for i, r := range rows {
						ids[i] = r.ID
					}
					db.Release(context.Background(), time.Time{}, ids...)
				}
			case 110:
				return true // kill -9
			}
			return false
		}
		if _, err := first.RunOnce(context.Background()); !errors.Is(err, errKilled) {
			t.Fatalf("first run: %v, want killed", err)
		}
		if stoleWhileAlive > 0 {
			t.Errorf("a second dispatcher could claim %d rows of a live one", stoleWhileAlive)
		}
		died := f.clock.Now()
		// Within a minute of the death the other dispatcher sends the rest.
		f.clock.Advance(time.Minute)
		st, err := second.RunOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if st.Sent < total-110 {
			t.Errorf("a minute after the death the second sent %d, want the %d left", st.Sent, total-110)
		}
		drain(t, second, f.clock)
		count := map[string]int{}
		for _, m := range f.srv.Sent() {
			count[m.Text]++
		}
		repeats := 0
		for _, b := range bodies {
			switch c := count[b]; {
			case c == 0:
				t.Errorf("message %s lost", b)
			case c > 1:
				repeats += c - 1
			}
		}
		if repeats > workers {
			t.Errorf("%d repeated, want at most %d", repeats, workers)
		}
		t.Logf("died at +%v; %d repeated", died.Sub(start), repeats)
	})
}
