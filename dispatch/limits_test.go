package dispatch

import (
	"testing"
	"time"
)

func TestBackoffGrowsWithJitterUpToItsCap(t *testing.T) {
	low := func(n int64) int64 { return 0 }
	high := func(n int64) int64 { return n - 1 }
	for _, tc := range []struct {
		attempts int
		min, max time.Duration
	}{
		{1, time.Second, 2 * time.Second},
		{2, 2 * time.Second, 4 * time.Second},
		{5, 16 * time.Second, 32 * time.Second},
		{12, 5 * time.Minute, 10 * time.Minute},
		{40, 5 * time.Minute, 10 * time.Minute},
	} {
		if got := backoff(tc.attempts, 10*time.Minute, low); got != tc.min {
			t.Errorf("backoff(%d) at least %v, want %v", tc.attempts, got, tc.min)
		}
		if got := backoff(tc.attempts, 10*time.Minute, high); got != tc.max {
			t.Errorf("backoff(%d) at most %v, want %v", tc.attempts, got, tc.max)
		}
		for range 100 {
			if got := backoff(tc.attempts, 10*time.Minute, nil); got < tc.min || got > tc.max {
				t.Fatalf("backoff(%d) = %v, outside [%v, %v]", tc.attempts, got, tc.min, tc.max)
			}
		}
	}
}

func TestLimiterSpacesMessagesPerChat(t *testing.T) {
	l := newLimiter(DefaultLimits())
	now := start
	for _, tc := range []struct {
		name string
		chat int64
		gap  time.Duration
	}{
		{"a private chat gets one message a second", 42, time.Second},
		{"a group gets one every 3 s, 20 a minute", -42, 3 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := l.ready(tc.chat, now); !got.Equal(now) {
				t.Fatalf("a new chat is ready at %v, want now", got)
			}
			answered := now.Add(200 * time.Millisecond)
			l.took(tc.chat, answered)
			// Spacing counts from Telegram's answer, not from the start of
			// the send.
			if got, want := l.ready(tc.chat, answered), answered.Add(tc.gap); !got.Equal(want) {
				t.Errorf("ready at %v, want %v", got, want)
			}
		})
	}
	t.Run("a 429 pauses the chat", func(t *testing.T) {
		l.pause(7, now.Add(30*time.Second))
		if got := l.ready(7, now); !got.Equal(now.Add(30 * time.Second)) {
			t.Errorf("ready at %v, want after retry_after", got)
		}
	})
	t.Run("the global bucket spaces all messages", func(t *testing.T) {
		first, _ := l.reserve(now, 1)
		second, _ := l.reserve(now, 1)
		third, cancel := l.reserve(now, 1)
		if !first.Equal(now) || second.Sub(first) != 40*time.Millisecond || third.Sub(second) != 40*time.Millisecond {
			t.Errorf("reservations at %v, %v, %v: want 40 ms apart (25/s)", first, second, third)
		}
		cancel()
		if fourth, _ := l.reserve(now, 1); !fourth.Equal(third) {
			t.Errorf("a cancelled reservation was not given back: next at %v", fourth)
		}
	})
	t.Run("chats idle for a minute are forgotten", func(t *testing.T) {
		before := l.size()
		l.prune(now.Add(20 * time.Second))
		if got := l.size(); got != before {
			t.Errorf("pruned to %d chats from %d after 20 s", got, before)
		}
		l.prune(now.Add(2 * time.Minute))
		if got := l.size(); got != 0 {
			t.Errorf("%d chats left after two idle minutes", got)
		}
	})
	t.Run("zero limits are no limits", func(t *testing.T) {
		u := newLimiter(Limits{})
		u.took(42, now)
		u.took(-42, now)
		if !u.ready(42, now).Equal(now) || !u.ready(-42, now).Equal(now) {
			t.Error("an unlimited chat had to wait")
		}
		if at, _ := u.reserve(now, 1); !at.Equal(now) {
			t.Error("an unlimited dispatcher had to wait")
		}
	})
}
