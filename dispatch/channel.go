package dispatch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"duban/notify"
)

// Channel is a notifier whose connection is made in the background, so
// that serve starts while Telegram (or any channel) is unreachable: scans,
// HTTP and the rest run, sends fail as transient (the rows wait, within
// delivery.give_up_after, and lose nothing), and Run keeps trying to
// connect with a capped backoff. Ready names the channel while it is down,
// for /readyz.
//
// The constructor is a function, so that the channel works with whatever
// builds the client (telegram.NewTelegram, or another channel's).
type Channel struct {
	// Name is the channel's name in errors and /readyz ("telegram").
	Name string
	// Connect builds the notifier; an error means "try again later".
	Connect func(ctx context.Context) (notify.Notifier, error)
	// OnConnect, if set, is called once with the notifier when Connect
	// first succeeds (to start the bot's polling, for example).
	OnConnect func(n notify.Notifier)
	// Clock waits between attempts; nil is SystemClock.
	Clock Clock
	// MaxBackoff caps the wait between attempts (default 1 min).
	MaxBackoff time.Duration
	// Logger receives a line when the channel goes down and when it comes
	// up, not one per attempt.
	Logger *slog.Logger

	mu      sync.Mutex
	n       notify.Notifier
	lastErr error
	since   time.Time
}

// NewChannel returns a channel already connected to n (nil: not yet),
// with err as the reason it is not.
func NewChannel(name string, n notify.Notifier, err error, connect func(ctx context.Context) (notify.Notifier, error)) *Channel {
	return &Channel{Name: name, n: n, lastErr: err, Connect: connect}
}

// errNotConnected is the transient failure of a send before the channel is
// up.
var errNotConnected = errors.New("not connected")

// Send sends through the connected notifier, or fails as transient.
func (c *Channel) Send(ctx context.Context, m notify.Message) (notify.Result, error) {
	n, err := c.current()
	if n == nil {
		return notify.Result{}, &notify.SendError{Failure: notify.Temporary, Err: fmt.Errorf("%s %w: %v", c.Name, errNotConnected, err)}
	}
	return n.Send(ctx, m)
}

// Notifier returns the connected notifier, or nil.
func (c *Channel) Notifier() notify.Notifier {
	n, _ := c.current()
	return n
}

func (c *Channel) current() (notify.Notifier, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n, c.lastErr
}

// Ready reports whether the channel is connected; its error names the
// channel, since when it is down and why.
func (c *Channel) Ready(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n != nil {
		return nil
	}
	since := ""
	if !c.since.IsZero() {
		since = " since " + c.since.UTC().Format(time.RFC3339)
	}
	return fmt.Errorf("%s down%s: %v", c.Name, since, c.lastErr)
}

// Run connects, retrying with a capped, jittered backoff until it succeeds
// or ctx ends, then calls OnConnect and returns nil. It returns at once if
// the channel is connected already.
func (c *Channel) Run(ctx context.Context) error {
	clock := c.Clock
	if clock == nil {
		clock = SystemClock{}
	}
	limit := c.MaxBackoff
	if limit <= 0 {
		limit = time.Minute
	}
	log := c.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c.mu.Lock()
	if c.n != nil {
		c.mu.Unlock()
		return nil
	}
	if c.since.IsZero() {
		c.since = clock.Now()
	}
	first := c.lastErr
	c.mu.Unlock()
	if first != nil {
		log.Warn(c.Name+" unreachable: retrying in the background", slog.String("channel", c.Name), slog.String("err", first.Error()))
	}
	for attempt := 1; ; attempt++ {
		if first == nil || attempt > 1 {
			n, err := c.Connect(ctx)
			if err == nil {
				c.mu.Lock()
				c.n, c.lastErr = n, nil
				down := clock.Now().Sub(c.since)
				c.mu.Unlock()
				log.Info(c.Name+" connected", slog.String("channel", c.Name), slog.Duration("down", down), slog.Int("attempts", attempt))
				if c.OnConnect != nil {
					c.OnConnect(n)
				}
				return nil
			}
			if ctx.Err() != nil {
				return nil
			}
			c.mu.Lock()
			changed := c.lastErr == nil || c.lastErr.Error() != err.Error()
			c.lastErr = err
			c.mu.Unlock()
			if changed {
				log.Warn(c.Name+" still unreachable", slog.String("channel", c.Name), slog.String("err", err.Error()))
			}
		}
		if clock.Sleep(ctx, backoff(attempt, limit, nil)) != nil {
			return nil
		}
	}
}
