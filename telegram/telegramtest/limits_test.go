package telegramtest_test

import (
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"duban/telegram/telegramtest"
)

// clock is a settable clock for SetNow.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newLimitedServer(t *testing.T) (*telegramtest.Server, *tgbotapi.BotAPI, *clock) {
	srv, bot := newServer(t)
	c := &clock{t: time.Date(2024, 6, 30, 9, 0, 0, 0, time.UTC)}
	srv.SetNow(c.Now)
	srv.EnforceLimits(true)
	return srv, bot, c
}

// send reports whether the message got through, failing on anything but
// a 429 with retry_after 1.
func send(t *testing.T, bot *tgbotapi.BotAPI, chat int64) bool {
	t.Helper()
	_, err := bot.Send(tgbotapi.NewMessage(chat, "x"))
	if err == nil {
		return true
	}
	if e := apiError(t, err); e.Code != 429 || e.RetryAfter != 1 {
		t.Fatalf("got %d %q retry %d, want 429 retry 1", e.Code, e.Message, e.RetryAfter)
	}
	return false
}

func TestEnforceLimits(t *testing.T) {
	t.Run("a second message within a second to a private chat is 429", func(t *testing.T) {
		srv, bot, c := newLimitedServer(t)
		if !send(t, bot, 42) {
			t.Fatal("the first message was refused")
		}
		c.Advance(999 * time.Millisecond)
		if send(t, bot, 42) {
			t.Fatal("the second message within a second got through")
		}
		if !send(t, bot, 43) {
			t.Error("another private chat was refused")
		}
		c.Advance(time.Millisecond)
		if !send(t, bot, 42) {
			t.Error("a message a second later was refused")
		}
		if srv.Throttled() != 1 || len(srv.SentTo(42)) != 2 {
			t.Errorf("Throttled = %d, delivered %d", srv.Throttled(), len(srv.SentTo(42)))
		}
	})
	t.Run("a 21st message within a minute to a group is 429", func(t *testing.T) {
		srv, bot, c := newLimitedServer(t)
		for i := range 20 {
			if !send(t, bot, -100) {
				t.Fatalf("message %d was refused", i+1)
			}
			c.Advance(time.Second)
		}
		if send(t, bot, -100) {
			t.Fatal("the 21st message within a minute got through")
		}
		c.Advance(40 * time.Second) // the first message leaves the window
		if !send(t, bot, -100) {
			t.Error("a message after the window slid was refused")
		}
		if srv.Throttled() != 1 {
			t.Errorf("Throttled = %d, want 1", srv.Throttled())
		}
	})
	t.Run("a 31st message within a second in all is 429", func(t *testing.T) {
		srv, bot, _ := newLimitedServer(t)
		for i := range 30 {
			if !send(t, bot, int64(1000+i)) {
				t.Fatalf("message %d was refused", i+1)
			}
		}
		if send(t, bot, 5000) {
			t.Fatal("the 31st message within a second got through")
		}
		if srv.Throttled() != 1 {
			t.Errorf("Throttled = %d, want 1", srv.Throttled())
		}
	})
	t.Run("without enforcement nothing is throttled", func(t *testing.T) {
		srv, bot := newServer(t)
		for range 3 {
			if !send(t, bot, 42) {
				t.Fatal("a message was refused")
			}
		}
		if srv.Throttled() != 0 {
			t.Errorf("Throttled = %d", srv.Throttled())
		}
	})
}
