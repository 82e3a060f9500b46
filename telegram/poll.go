package telegram

import (
	"context"
	"errors"
	"log/slog"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"duban/bot"
	"duban/store"
)

// DefaultPollTimeout is how long one getUpdates long poll waits. It must
// stay below the Telegram client's HTTP timeout (this package's default is
// 30 s), or every quiet poll would end in a client timeout.
const DefaultPollTimeout = 25 * time.Second

// Leader reports whether this replica holds the leader lock. With several
// replicas on PostgreSQL only the leader polls Telegram.
type Leader interface {
	IsLeader() bool
}

// LeaderFunc adapts a function to Leader.
type LeaderFunc func() bool

// IsLeader implements Leader.
func (f LeaderFunc) IsLeader() bool { return f() }

// Hooks let tests stop the loop at the points where a crash matters. A
// hook that returns an error ends Run with it, as if the process died
// there.
type Hooks struct {
	// BeforeUpdate runs before an update is handled.
	BeforeUpdate func(updateID int64) error
	// AfterUpdate runs after an update is handled and answered, before its
	// offset is stored.
	AfterUpdate func(updateID int64) error
	// Stored runs after an update's offset is stored.
	Stored func(updateID int64)
	// PollError runs after a failed getUpdates, with the (redacted) error.
	PollError func(err error)
}

// PollerConfig configures a Poller.
type PollerConfig struct {
	Handler  *bot.Handler
	DB       *store.DB
	Telegram *Telegram
	// Leader gates polling; nil polls always (a single replica).
	Leader Leader
	// PollTimeout is the long-poll wait (DefaultPollTimeout when zero).
	PollTimeout time.Duration
	// MinBackoff and MaxBackoff bound the wait after a failed poll
	// (1 s and 30 s when zero); IdleWait is how often a replica that is not
	// the leader checks again (5 s when zero).
	MinBackoff, MaxBackoff, IdleWait time.Duration
	Logger                           *slog.Logger
	Hooks                            Hooks
}

// Poller is the getUpdates loop. It is written on GetUpdates with a
// context rather than tgbotapi's GetUpdatesChan, which cannot be stopped
// and logs errors with the token in them.
//
// The id of the last handled update is kept in the database (kv
// "telegram.offset"), and every update that changes something is recorded
// in bot_updates in the transaction of the change (store.ApplyUpdate). So
// a crash after the change but before the offset was stored makes
// Telegram deliver the update again, and it is recognised and skipped; a
// crash before the change makes it be applied once, on restart.
type Poller struct {
	cfg PollerConfig
	r   responder
	log *slog.Logger
}

// NewPoller returns a Poller; Run starts it.
func NewPoller(cfg PollerConfig) (*Poller, error) {
	if cfg.Handler == nil || cfg.DB == nil || cfg.Telegram == nil {
		return nil, errors.New("telegram poller: handler, database and telegram are required")
	}
	if cfg.PollTimeout <= 0 {
		cfg.PollTimeout = DefaultPollTimeout
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = time.Second
	}
	if cfg.MaxBackoff < cfg.MinBackoff {
		cfg.MaxBackoff = max(30*time.Second, cfg.MinBackoff)
	}
	if cfg.IdleWait <= 0 {
		cfg.IdleWait = 5 * time.Second
	}
	if cfg.Leader == nil {
		cfg.Leader = LeaderFunc(func() bool { return true })
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("component", "bot.poller")
	return &Poller{cfg: cfg, log: log, r: bot.NewResponder(cfg.Handler, cfg.DB, cfg.Telegram, log)}, nil
}

// Run registers the command menu, removes any webhook (Telegram refuses
// getUpdates while one is set), then polls until ctx ends, while this
// replica is the leader. It returns nil when ctx ends, or a hook's error.
func (p *Poller) Run(ctx context.Context) error {
	if err := RegisterCommands(ctx, p.cfg.Telegram); err != nil {
		p.log.Warn("telegram command menu not set", "err", err.Error())
	}
	if err := p.cfg.Telegram.deleteWebhook(ctx); err != nil {
		p.log.Warn("telegram webhook not removed", "err", err.Error())
	}
	backoff := time.Duration(0)
	lastErr := ""
	var pruned time.Time
	for ctx.Err() == nil {
		if !p.cfg.Leader.IsLeader() {
			sleep(ctx, p.cfg.IdleWait)
			continue
		}
		offset, err := p.cfg.DB.BotOffset(ctx)
		if err == nil {
			err = p.poll(ctx, offset)
		}
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			var hookErr *hookError
			if errors.As(err, &hookErr) {
				return hookErr.err
			}
			// The transport's errors never contain the token.
			msg := err.Error()
			if msg != lastErr {
				p.log.Warn("telegram poll failed", "err", msg)
				lastErr = msg
			}
			if p.cfg.Hooks.PollError != nil {
				p.cfg.Hooks.PollError(errors.New(msg))
			}
			backoff = min(max(2*backoff, p.cfg.MinBackoff), p.cfg.MaxBackoff)
			sleep(ctx, backoff)
			continue
		}
		if lastErr != "" {
			p.log.Info("telegram poll recovered")
		}
		backoff, lastErr = 0, ""
		if now := p.cfg.DB.Now(); now.Sub(pruned) > time.Hour {
			if _, err := p.cfg.DB.PruneBotUpdates(ctx, now.Add(-48*time.Hour)); err != nil {
				p.log.Warn("bot update records not pruned", "err", err.Error())
			}
			pruned = now
		}
	}
	return nil
}

// hookError carries a hook's error out of poll, to end Run.
type hookError struct{ err error }

func (e *hookError) Error() string { return "hook: " + e.err.Error() }

// poll runs one getUpdates and handles what it returns, storing the offset
// after each update.
func (p *Poller) poll(ctx context.Context, offset int64) error {
	updates, err := p.cfg.Telegram.getUpdates(ctx, offset, p.cfg.PollTimeout)
	if err != nil {
		return err
	}
	for _, u := range updates {
		id := int64(u.UpdateID)
		if id <= offset {
			continue
		}
		if !p.cfg.Leader.IsLeader() || ctx.Err() != nil {
			// The next leader polls from the stored offset.
			return nil
		}
		if h := p.cfg.Hooks.BeforeUpdate; h != nil {
			if err := h(id); err != nil {
				return &hookError{err}
			}
		}
		if in, ok := FromUpdate(u); ok {
			p.r.Respond(ctx, in)
		}
		if h := p.cfg.Hooks.AfterUpdate; h != nil {
			if err := h(id); err != nil {
				return &hookError{err}
			}
		}
		// Stored even if ctx ended meanwhile: the update was handled.
		if err := p.cfg.DB.SetBotOffset(context.WithoutCancel(ctx), id); err != nil {
			return err
		}
		offset = id
		if h := p.cfg.Hooks.Stored; h != nil {
			h(id)
		}
	}
	return nil
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// deleteWebhook removes any webhook (deleteWebhook answers true: Request).
// The error never contains the token.
func (t *Telegram) deleteWebhook(ctx context.Context) error {
	_, err := t.botContext(ctx).Request(tgbotapi.DeleteWebhookConfig{})
	return redactError(err, t.token)
}
