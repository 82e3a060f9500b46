package dispatch

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"duban/notify"
	"duban/store"
	"duban/telegram"
	"duban/telegram/telegramtest"
)

const token = "123456:dispatch-TEST-token"

// start is where every virtual clock starts.
var start = time.Date(2024, 10, 31, 9, 0, 0, 0, time.UTC)

// virtualClock is a Clock whose Sleep returns at once after moving the time
// forward by the sleep. It is shared by the dispatcher, the store and the
// fake Telegram, so that rate limits, retry_after and backoff are all
// honoured without a test ever waiting for them.
type virtualClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *virtualClock { return &virtualClock{t: start} }

func (c *virtualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *virtualClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.Advance(d)
	return nil
}

// Advance moves the time forward by d (nothing for d <= 0).
func (c *virtualClock) Advance(d time.Duration) {
	if d <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// AdvanceTo moves the time forward to t, if it is later.
func (c *virtualClock) AdvanceTo(t time.Time) { c.Advance(t.Sub(c.Now())) }

// fixture is a store, a fake Telegram and a dispatcher sending through the
// real telegram.Telegram client, all on one virtual clock.
type fixture struct {
	t     *testing.T
	db    *store.DB
	srv   *telegramtest.Server
	tg    *telegram.Telegram
	clock *virtualClock
	logs  *syncBuffer
	d     *Dispatcher
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	clock := newClock()
	db.Now = clock.Now
	srv := telegramtest.New(t, token)
	srv.SetNow(clock.Now)
	f := &fixture{t: t, db: db, srv: srv, clock: clock, logs: &syncBuffer{}}
	f.tg = newTelegram(t, srv)
	f.d = f.dispatcher(f.tg)
	return f
}

func newTelegram(t testing.TB, srv *telegramtest.Server) *telegram.Telegram {
	t.Helper()
	tg, err := telegram.NewTelegram(telegram.TelegramConfig{Token: token, Endpoint: srv.Endpoint(), Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

// dispatcher returns a new dispatcher on the fixture's store and clock,
// without rate limits, logging to the fixture's buffer.
func (f *fixture) dispatcher(n notify.Notifier) *Dispatcher {
	return &Dispatcher{
		DB:       f.db,
		Notifier: n,
		Clock:    f.clock,
		Logger:   slog.New(slog.NewTextHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
}

// enqueue writes one message to chat and returns its id.
func (f *fixture) enqueue(chat int64, body string, mod ...func(*store.Notification)) int64 {
	f.t.Helper()
	n := store.Notification{ChatID: chat, Kind: "lead", DedupKey: fmt.Sprintf("k-%d-%s", chat, body), Body: body}
	for _, m := range mod {
		m(&n)
	}
	if _, err := f.db.Enqueue(context.Background(), n); err != nil {
		f.t.Fatal(err)
	}
	all, err := f.db.Notifications(context.Background(), store.OutboxFilter{})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, got := range all {
		if got.DedupKey == n.DedupKey {
			return got.ID
		}
	}
	f.t.Fatalf("enqueued %q not found", n.DedupKey)
	return 0
}

// row returns outbox row id.
func (f *fixture) row(id int64) store.Notification {
	f.t.Helper()
	all, err := f.db.Notifications(context.Background(), store.OutboxFilter{})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, n := range all {
		if n.ID == id {
			return n
		}
	}
	f.t.Fatalf("notification %d not found", id)
	return store.Notification{}
}

// runOnce runs the fixture's dispatcher once and fails on error.
func (f *fixture) runOnce() Stats {
	f.t.Helper()
	st, err := f.d.RunOnce(context.Background())
	if err != nil {
		f.t.Fatalf("RunOnce: %v", err)
	}
	return st
}

// drain runs d until the outbox has nothing pending, moving the virtual
// clock to each next attempt in between, and returns the summed stats.
func drain(t *testing.T, d *Dispatcher, clock *virtualClock) Stats {
	t.Helper()
	var total Stats
	for range 10000 {
		st, err := d.RunOnce(context.Background())
		if err != nil {
			t.Fatalf("RunOnce: %v", err)
		}
		total = total.add(st)
		next, ok, err := d.DB.NextAttempt(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			return total
		}
		clock.AdvanceTo(next)
	}
	t.Fatal("outbox never drained")
	return total
}

func (s Stats) add(o Stats) Stats {
	return Stats{Claimed: s.Claimed + o.Claimed, Sent: s.Sent + o.Sent, Retried: s.Retried + o.Retried,
		RateLimited: s.RateLimited + o.RateLimited, Migrated: s.Migrated + o.Migrated, Dead: s.Dead + o.Dead,
		Released: s.Released + o.Released}
}

// texts returns the texts of messages.
func texts(ms []telegramtest.SentMessage) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Text
	}
	return out
}

// syncBuffer is a bytes.Buffer safe for the workers' concurrent logging.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// count is how many log lines contain s.
func (b *syncBuffer) count(s string) int {
	return strings.Count(b.String(), s)
}
