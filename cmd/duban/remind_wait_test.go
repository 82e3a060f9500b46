package main

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"duban/store"
	"duban/telegram/telegramtest"
)

// stepClock is a virtual clock for Main: Sleep moves it forward.
type stepClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *stepClock) Sleep(ctx context.Context, d time.Duration) error {
	if d > 0 {
		c.mu.Lock()
		c.t = c.t.Add(d)
		c.mu.Unlock()
	}
	return ctx.Err()
}

func TestRemindWaitsOutAOneSecond429(t *testing.T) {
	eachBackend(t, func(t *testing.T, tm *testMain) {
		tm.must("migrate")
		clock := &stepClock{t: tm.now}
		srv := telegramtest.New(t, "555:REMIND-token")
		srv.SetNow(clock.Now)
		env := map[string]string{"DUBAN_TELEGRAM_TOKEN": srv.Token(), "DUBAN_TELEGRAM_API_ENDPOINT": srv.Endpoint()}
		remind := func(args ...string) (string, int) {
			var out, errb bytes.Buffer
			m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Now: clock.Now, Sleep: clock.Sleep,
				Getenv: func(k string) string { return env[k] }}
			code := m.Run(context.Background(), append([]string{"--db", tm.url, "remind"}, args...))
			return errb.String(), code
		}
		db := openStore(t, tm.url)
		db.Now = clock.Now
		enqueue := func(key string) {
			if _, err := db.Enqueue(context.Background(), store.Notification{ChatID: 42, Kind: "due", DedupKey: key, Body: key}); err != nil {
				t.Fatal(err)
			}
		}

		enqueue("first")
		srv.FailNext("sendMessage", 42, telegramtest.TooManyRequests(1))
		stderr, code := remind()
		if code != 0 || !strings.Contains(stderr, "已发送 1 条") || strings.Contains(stderr, "待发送") {
			t.Errorf("exit %d:\n%s", code, stderr)
		}
		if got := srv.SentTo(42); len(got) != 1 || got[0].Text != "first" {
			t.Errorf("delivered %+v, want the message once", got)
		}

		// Without waiting, remind says what is still pending.
		enqueue("second")
		srv.FailNext("sendMessage", 42, telegramtest.TooManyRequests(30))
		stderr, code = remind("--wait", "0s")
		if code != 0 || !strings.Contains(stderr, "仍有 1 条待发送") || !strings.Contains(stderr, "已发送 0 条") {
			t.Errorf("exit %d:\n%s", code, stderr)
		}
	})
}
