package dispatch

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"duban/notify"
	"duban/store"
	"duban/store/storetest"
)

func TestAChannelThatIsDownKeepsMessagesUntilItConnects(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		refused := errors.New("telegram getMe: dial tcp 127.0.0.1:1: connect: connection refused")
		down := true
		var connected notify.Notifier
		ch := NewChannel("telegram", nil, refused, func(context.Context) (notify.Notifier, error) {
			if down {
				return nil, refused
			}
			return f.tg, nil
		})
		ch.Clock = f.clock
		ch.OnConnect = func(n notify.Notifier) { connected = n }
		f.d.Notifier = ch

		if err := ch.Ready(ctx); err == nil || !strings.Contains(err.Error(), "telegram down") || !strings.Contains(err.Error(), "connection refused") {
			t.Errorf("Ready = %v, want it to name telegram and why", err)
		}
		id := f.enqueue(42, "hello")
		if st := f.runOnce(); st.Retried != 1 || st.Dead != 0 {
			t.Fatalf("stats %+v, want a transient failure", st)
		}
		// Telegram comes back after an hour; Run notices.
		f.clock.Advance(time.Hour)
		down = false
		if err := ch.Run(ctx); err != nil {
			t.Fatal(err)
		}
		if connected != f.tg || ch.Ready(ctx) != nil {
			t.Fatalf("after Run: connected %v, ready %v", connected, ch.Ready(ctx))
		}
		drain(t, f.d, f.clock)
		if n := f.row(id); n.State != store.StateSent || len(f.srv.SentTo(42)) != 1 {
			t.Errorf("row %+v, want sent once", n)
		}
	})
}

func TestChannelRunRetriesWithBackoff(t *testing.T) {
	clock := newClock()
	calls := 0
	ch := &Channel{Name: "telegram", Clock: clock, MaxBackoff: time.Minute, Connect: func(context.Context) (notify.Notifier, error) {
		calls++
		if clock.Now().Before(start.Add(30 * time.Minute)) {
			return nil, errors.New("connection refused")
		}
		return notify.NewConsole(&syncBuffer{}), nil
	}}
	if err := ch.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	took := clock.Now().Sub(start)
	if took < 30*time.Minute || took > 31*time.Minute {
		t.Errorf("connected %v after start, want within a minute of Telegram's return at 30 min", took)
	}
	if calls > 60 {
		t.Errorf("%d attempts in 30 min, want the backoff to space them", calls)
	}
}
