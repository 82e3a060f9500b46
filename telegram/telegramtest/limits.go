package telegramtest

import "time"

// Telegram's documented sending limits, which EnforceLimits applies.
const (
	// GlobalPerSecond is how many messages a bot may send per second in all.
	GlobalPerSecond = 30
	// PrivatePerSecond is how many messages a bot may send per second to one
	// private chat (a positive chat id).
	PrivatePerSecond = 1
	// GroupPerMinute is how many messages a bot may send per minute to one
	// group (a negative chat id).
	GroupPerMinute = 20
)

// EnforceLimits turns rate-limit enforcement on or off. When on, a message
// (any send* method but sendChatAction) that would break GlobalPerSecond,
// PrivatePerSecond or GroupPerMinute is answered 429 with retry_after 1 and
// not delivered. The windows slide on the server's clock (SetNow), and only
// delivered messages count in them.
func (s *Server) EnforceLimits(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state.enforce = on
}

// Throttled is how many 429 answers enforcement has given.
func (s *Server) Throttled() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state.throttled
}

// limiter keeps the send times inside the sliding windows.
type limiter struct {
	all   []time.Time
	chats map[int64][]time.Time
}

func newLimiter() limiter { return limiter{chats: map[int64][]time.Time{}} }

func chatWindow(chat int64) (time.Duration, int) {
	if chat < 0 {
		return time.Minute, GroupPerMinute
	}
	return time.Second, PrivatePerSecond
}

// allow reports whether one more message to chat at now keeps within the
// limits.
func (l *limiter) allow(chat int64, now time.Time) bool {
	l.all = since(l.all, now.Add(-time.Second))
	if len(l.all) >= GlobalPerSecond {
		return false
	}
	window, max := chatWindow(chat)
	l.chats[chat] = since(l.chats[chat], now.Add(-window))
	return len(l.chats[chat]) < max
}

// record counts a delivered message.
func (l *limiter) record(chat int64, now time.Time) {
	l.all = append(l.all, now)
	l.chats[chat] = append(l.chats[chat], now)
}

// since drops the times at or before cutoff: a window is (now-w, now].
func since(ts []time.Time, cutoff time.Time) []time.Time {
	i := 0
	for i < len(ts) && !ts[i].After(cutoff) {
		i++
	}
	return ts[i:]
}
