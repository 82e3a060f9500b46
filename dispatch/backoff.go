package dispatch

import (
	"math/rand/v2"
	"time"
)

// Backoff bounds for temporary failures (5xx, network errors).
const (
	backoffBase = 2 * time.Second
	backoffCap  = time.Hour
)

// backoff is the wait before attempt number attempts+1, after attempts
// failures: capped exponential (2 s, 4 s, 8 s … 1 h) with "equal jitter",
// a random point in the upper half of the step. Jitter spreads out the
// retries of many messages that failed together (Telegram down for a
// minute); keeping the lower half makes sure a retry really waits, so a
// streak of failures cannot burn through every attempt at once.
func backoff(attempts int, rnd func(n int64) int64) time.Duration {
	d := backoffCap
	if attempts < 1 {
		attempts = 1
	}
	if attempts <= 20 {
		if step := backoffBase << (attempts - 1); step < backoffCap {
			d = step
		}
	}
	half := d / 2
	if rnd == nil {
		rnd = rand.Int64N
	}
	return half + time.Duration(rnd(int64(half)+1))
}
