package dispatch

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"duban/store"
	"duban/store/storetest"
	"duban/telegram/telegramtest"
)

// refuseUntil makes the fake Telegram drop every send until the virtual
// clock reaches end, as a refused or reset connection would.
func refuseUntil(f *fixture, end time.Time) {
	f.srv.OnRequest(func(method string, p url.Values) *telegramtest.Fault {
		if strings.HasPrefix(method, "send") && f.clock.Now().Before(end) {
			fault := telegramtest.Drop()
			return &fault
		}
		return nil
	})
}

// deliveredOnce checks that every body arrived exactly once.
func deliveredOnce(t *testing.T, f *fixture, bodies []string) {
	t.Helper()
	count := map[string]int{}
	for _, m := range f.srv.Sent() {
		count[m.Text]++
	}
	lost, dup := 0, 0
	for _, b := range bodies {
		switch c := count[b]; {
		case c == 0:
			lost++
		case c > 1:
			dup += c - 1
		}
	}
	if lost > 0 || dup > 0 {
		t.Errorf("%d of %d delivered; %d lost, %d repeated", len(bodies)-lost, len(bodies), lost, dup)
	}
}

func TestATwelveMinuteOutageLosesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		bodies := enqueueMany(t, db, 50, chatRange(100, 10))
		refuseUntil(f, start.Add(12*time.Minute))
		st := drain(t, f.d, f.clock)
		if st.Dead != 0 || st.Sent != 50 {
			t.Fatalf("stats %+v, want 50 of 50 sent and none dead", st)
		}
		deliveredOnce(t, f, bodies)
		// The backoff is capped at 10 min: everything arrives within it of
		// Telegram's return.
		var last time.Time
		for _, m := range f.srv.Sent() {
			if m.Time.After(start.Add(22 * time.Minute)) {
				t.Errorf("%s delivered at %v, more than max_backoff after the outage", m.Text, m.Time.Sub(start))
			}
			if m.Time.After(last) {
				last = m.Time
			}
		}
		t.Logf("sent %d, lost 0, duplicated 0; last delivered %v after the outage ended", len(f.srv.Sent()), last.Sub(start.Add(12*time.Minute)))
	})
}

func TestADayLongOutageLosesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.d.MaxAttempts = 3 // transient failures do not count against it
		bodies := enqueueMany(t, db, 5, chatRange(100, 5))
		refuseUntil(f, start.Add(24*time.Hour))
		st := drain(t, f.d, f.clock)
		if st.Dead != 0 || st.Sent != 5 {
			t.Fatalf("stats %+v, want all 5 sent and none dead", st)
		}
		deliveredOnce(t, f, bodies)
		var last time.Time
		for _, m := range f.srv.Sent() {
			if m.Time.After(last) {
				last = m.Time
			}
		}
		t.Logf("sent %d, lost 0; last delivered %v after the day-long outage ended", len(f.srv.Sent()), last.Sub(start.Add(24*time.Hour)))
		n := f.row(1)
		if n.Attempts < 100 {
			t.Errorf("row %+v: want well over 100 attempts in a day at a 10 min backoff", n)
		}
	})
}

func TestTransientFailuresGiveUpOnlyAfterGiveUpAfter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.d.MaxAttempts = 3
		f.d.GiveUpAfter = 2 * time.Hour
		id := f.enqueue(42, "hello")
		f.srv.OnRequest(func(method string, p url.Values) *telegramtest.Fault {
			if method == "sendMessage" {
				fault := telegramtest.ServerError(500)
				return &fault
			}
			return nil
		})
		st := drain(t, f.d, f.clock)
		if st.Dead != 1 || st.Retried < 12 {
			t.Fatalf("stats %+v, want many retries over 2 h, then dead", st)
		}
		n := f.row(id)
		if n.State != store.StateDead || !strings.Contains(n.LastError, "gave up after 2h0m0s") ||
			!strings.Contains(n.LastError, "Internal Server Error") || n.DeadAt == nil {
			t.Errorf("row %+v, want dead after 2 h with the error", n)
		}
		if n.DeadAt.Before(start.Add(2 * time.Hour)) {
			t.Errorf("dead at %v, before give_up_after", n.DeadAt.Sub(start))
		}
	})
}

func TestANonTransientFailureIsTriedMaxAttemptsTimes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.d.MaxAttempts = 3
		id := f.enqueue(42, "hello")
		f.srv.OnRequest(func(method string, p url.Values) *telegramtest.Fault {
			if method == "sendMessage" {
				return &telegramtest.Fault{Code: 400, Description: "Bad Request: can't parse entities"}
			}
			return nil
		})
		st := drain(t, f.d, f.clock)
		if st.Dead != 1 || st.Retried != 2 {
			t.Fatalf("stats %+v, want 2 retries then dead", st)
		}
		if calls := len(f.srv.Calls("sendMessage")); calls != 3 {
			t.Errorf("tried %d times, want MaxAttempts = 3", calls)
		}
		n := f.row(id)
		if n.State != store.StateDead || n.Attempts != 3 || !strings.Contains(n.LastError, "gave up after 3 attempts") {
			t.Errorf("row %+v, want dead after 3 attempts with the error", n)
		}
	})
}

func TestA429IsWaitedOutHoweverLong(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.d.MaxAttempts = 1
		id := f.enqueue(42, "hello")
		for range 20 {
			f.srv.FailNext("sendMessage", 42, telegramtest.TooManyRequests(600))
		}
		st := drain(t, f.d, f.clock)
		if st.Sent != 1 || st.RateLimited != 20 {
			t.Fatalf("stats %+v, want 20 429s then sent", st)
		}
		if n := f.row(id); n.State != store.StateSent {
			t.Errorf("row %+v, want sent", n)
		}
	})
}

func TestALongBoldTitleIsDeliveredAsValidParts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		id := f.enqueue(42, "🔴 <b>"+strings.Repeat("凤", 5000)+"</b>\n截止：2024-06-30")
		st := drain(t, f.d, f.clock)
		if st.Sent != 1 || st.Dead != 0 {
			t.Fatalf("stats %+v, want sent: Telegram refused a part", st)
		}
		if got := f.srv.SentTo(42); len(got) != 2 {
			t.Errorf("delivered %d parts, want 2", len(got))
		}
		if n := f.row(id); n.State != store.StateSent {
			t.Errorf("row %+v, want sent", n)
		}
	})
}
