package dispatch

import (
	"math/rand/v2"
	"time"
)

// backoffBase is the first wait after a transient failure (5xx, network
// error, time-out).
const backoffBase = 2 * time.Second

// backoff is the wait before attempt number attempts+1, after attempts
// failures: capped exponential (2 s, 4 s, 8 s … limit) with "equal
// jitter", a random point in the upper half of the step. Jitter spreads out
// the retries of many messages that failed together (Telegram down for a
// minute); keeping the lower half makes sure a retry really waits. The cap
// (delivery.max_backoff) bounds how long a message waits after an outage
// ends: with 10 min, everything is sent within 10 min of Telegram's return.
func backoff(attempts int, limit time.Duration, rnd func(n int64) int64) time.Duration {
	if limit < backoffBase {
		limit = backoffBase
	}
	d := limit
	if attempts < 1 {
		attempts = 1
	}
	if attempts <= 30 {
		if step := backoffBase << (attempts - 1); step < limit {
			d = step
		}
	}
	half := d / 2
	if rnd == nil {
		rnd = rand.Int64N
	}
	return half + time.Duration(rnd(int64(half)+1))
}
