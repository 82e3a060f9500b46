package dispatch

import (
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limits are the sending rates the dispatcher keeps to (configuration keys
// delivery.rate_per_second, per_chat_per_second, per_group_per_minute). A
// zero field means no limit; DefaultLimits has Telegram's.
type Limits struct {
	// PerSecond bounds all messages together.
	PerSecond float64
	// PerChatPerSecond bounds the messages to one private chat (a positive
	// chat id).
	PerChatPerSecond float64
	// PerGroupPerMinute bounds the messages to one group chat (a negative
	// chat id).
	PerGroupPerMinute float64
	// RobotPerMinute bounds the messages to one WeCom or DingTalk robot
	// (SPEC §14: 20 a minute each).
	RobotPerMinute float64
	// EmailPerSecond bounds all e-mails together (channels.email.per_second).
	EmailPerSecond float64
}

// DefaultLimits returns Telegram's documented limits, a little under its
// 30 messages a second in all: 25/s, 1/s per chat, 20/min per group. The
// margin matters: the global bucket spaces the moments sends may start,
// and a send that starts late (its worker was slowed) can arrive together
// with the next ones, so up to 25 + Workers messages may land in one
// second of Telegram's clock. With the default 4 workers that is 29.
func DefaultLimits() Limits {
	return Limits{PerSecond: 25, PerChatPerSecond: 1, PerGroupPerMinute: 20, RobotPerMinute: 20, EmailPerSecond: 5}
}

// limiter holds the token buckets: one for everything and one per chat,
// all with a burst of one, so that messages are spaced evenly. Telegram
// counts its limits over sliding windows, and a bucket with a burst of b
// lets b+r·w messages through a window of w: only b = 1 keeps a group at
// 20 a minute in every minute.
//
// Every bucket is driven by the injected clock (ReserveN, TokensAt with
// the clock's time), never by Wait, which would read the real time.
type limiter struct {
	global *rate.Limiter // nil: unlimited
	email  *rate.Limiter // all e-mail; nil: unlimited
	limits Limits

	mu    sync.Mutex
	chats map[int64]*chatLimiter
}

// chatLimiter is the state of one chat. Only the worker that holds the
// chat's queue uses it, but pruning reads it, hence the limiter's lock.
type chatLimiter struct {
	bucket *rate.Limiter // nil: unlimited
	paused time.Time     // a 429's retry_after runs until then
	used   time.Time     // last send, for pruning
}

func newLimiter(l Limits) *limiter {
	lim := &limiter{limits: l, chats: map[int64]*chatLimiter{}}
	if l.PerSecond > 0 {
		lim.global = rate.NewLimiter(rate.Limit(l.PerSecond), 1)
	}
	if l.EmailPerSecond > 0 {
		lim.email = rate.NewLimiter(rate.Limit(l.EmailPerSecond), 1)
	}
	return lim
}

// chat returns the state of chat, creating it on first use.
func (l *limiter) chat(chat int64) *chatLimiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.chats[chat]
	if c == nil {
		c = &chatLimiter{}
		perSecond := l.limits.PerChatPerSecond
		switch {
		case isRobot(chat):
			perSecond = l.limits.RobotPerMinute / 60
		case isEmail(chat):
			perSecond = 0 // one address: only the e-mail bucket
		case chat < 0:
			perSecond = l.limits.PerGroupPerMinute / 60
		}
		if perSecond > 0 {
			c.bucket = rate.NewLimiter(rate.Limit(perSecond), 1)
		}
		l.chats[chat] = c
	}
	return c
}

// ready returns the earliest time at or after now when chat may be sent
// to.
func (l *limiter) ready(chat int64, now time.Time) time.Time {
	c := l.chat(chat)
	l.mu.Lock()
	at := now
	if c.paused.After(at) {
		at = c.paused
	}
	l.mu.Unlock()
	if c.bucket == nil {
		return at
	}
	tokens := c.bucket.TokensAt(at)
	if tokens >= 1 {
		return at
	}
	// Round up: a float a hair short of one token must not make a caller
	// wake a nanosecond too early and find the chat still not ready.
	wait := math.Ceil((1 - tokens) / float64(c.bucket.Limit()) * float64(time.Second))
	return at.Add(time.Duration(wait))
}

// took counts a message to chat whose answer came at at.
//
// A chat's token is taken when Telegram has answered, not when the send
// starts: Telegram measures the spacing between the messages it receives,
// and a slow request followed by a fast one would otherwise arrive closer
// together than the bucket allowed. Only one worker sends to a chat at a
// time, so nothing is sent to the chat between ready and took.
func (l *limiter) took(chat int64, at time.Time) {
	c := l.chat(chat)
	if c.bucket != nil {
		c.bucket.ReserveN(at, 1)
	}
	l.mu.Lock()
	c.used = at
	l.mu.Unlock()
}

// pause keeps chat quiet until until (Telegram's retry_after).
func (l *limiter) pause(chat int64, until time.Time) {
	c := l.chat(chat)
	l.mu.Lock()
	if until.After(c.paused) {
		c.paused = until
	}
	l.mu.Unlock()
}

// reserve takes a token of the bucket that paces chat's channel at now
// (Telegram's global one, or the e-mail one; robots have only their own)
// and returns when it may be used, and a func that gives it back if it is
// not.
func (l *limiter) reserve(now time.Time, chat int64) (time.Time, func()) {
	b := l.global
	switch {
	case isEmail(chat):
		b = l.email
	case isRobot(chat):
		b = nil
	}
	if b == nil {
		return now, func() {}
	}
	r := b.ReserveN(now, 1)
	return now.Add(r.DelayFrom(now)), func() { r.CancelAt(now) }
}

// prune forgets the chats idle long enough for a fresh bucket to be the
// same as theirs (full, not paused), so that the map does not grow with
// every chat ever served.
func (l *limiter) prune(now time.Time) {
	idle := time.Minute
	for _, perSecond := range []float64{l.limits.PerChatPerSecond, l.limits.PerGroupPerMinute / 60, l.limits.RobotPerMinute / 60} {
		if perSecond > 0 {
			if refill := time.Duration(2 / perSecond * float64(time.Second)); refill > idle {
				idle = refill
			}
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for chat, c := range l.chats {
		if now.Sub(c.used) > idle && !c.paused.After(now) {
			delete(l.chats, chat)
		}
	}
}

// size is the number of chats remembered (for tests).
func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.chats)
}
