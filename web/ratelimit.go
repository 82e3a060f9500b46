package web

import (
	"sync"
	"time"
)

// Sign-in attempts: at most signinBurst failures per key (an address, an
// account) in signinWindow; then every attempt is refused until the window
// has passed since the oldest failure it counts.
const (
	signinBurst  = 5
	signinWindow = 15 * time.Minute
)

// limiter counts failed sign-ins in memory. Each replica counts its own,
// which bounds guessing per replica; a password is bcrypt-hashed besides.
type limiter struct {
	mu    sync.Mutex
	now   func() time.Time
	fails map[string][]time.Time
}

func newLimiter(now func() time.Time) *limiter {
	return &limiter{now: now, fails: map[string][]time.Time{}}
}

// recent drops failures older than the window and returns those left.
func (l *limiter) recent(key string) []time.Time {
	cut := l.now().Add(-signinWindow)
	f := l.fails[key]
	i := 0
	for i < len(f) && !f[i].After(cut) {
		i++
	}
	f = f[i:]
	if len(f) == 0 {
		delete(l.fails, key)
	} else {
		l.fails[key] = f
	}
	return f
}

// Allow reports whether another attempt may be made for every key.
func (l *limiter) Allow(keys ...string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		if len(l.recent(k)) >= signinBurst {
			return false
		}
	}
	return true
}

// Fail counts a failed attempt against every key.
func (l *limiter) Fail(keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	for _, k := range keys {
		l.fails[k] = append(l.recent(k), now)
	}
	// Bound memory under a flood of distinct keys.
	if len(l.fails) > 100000 {
		l.fails = map[string][]time.Time{}
	}
}
