package dispatch

import (
	"context"
	"time"
)

// Clock is the dispatcher's sense of time: when a row is due, when a rate
// limiter has a token, how long to wait. Production uses SystemClock; tests
// use a virtual clock that jumps forward on Sleep, so that they never really
// wait for a rate limit, a retry_after or a backoff.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// Sleep waits for d, or until ctx is done, and then returns ctx's
	// error. A d of zero or less returns at once.
	Sleep(ctx context.Context, d time.Duration) error
}

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// Sleep waits on a timer.
func (SystemClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// sleepUntil sleeps on c until at.
func sleepUntil(ctx context.Context, c Clock, at time.Time) error {
	return c.Sleep(ctx, at.Sub(c.Now()))
}
