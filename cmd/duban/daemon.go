package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"duban/calendar"
	"duban/config"
	"duban/dispatch"
	"duban/notify"
	"duban/remind"
	"duban/scheduler"
	"duban/store"
	"duban/telegram"
)

// parts are the pieces serve and remind share.
type parts struct {
	cfg      *config.Config
	db       *store.DB
	log      *slog.Logger
	policy   remind.Policy
	scanner  *scheduler.Scanner
	notifier notify.Notifier
	telegram *telegram.Telegram // nil on the console, or while channel is not connected
	// channel is set when Telegram was unreachable at start: the notifier
	// that connects in the background (serve runs it).
	channel    *dispatch.Channel
	dispatcher *dispatch.Dispatcher
	// routes are the channels beyond Telegram (nil: none).
	routes *dispatch.Routes
}

// build opens the database and wires the policy, the notifier and the
// dispatcher.
func (m *Main) build(ctx context.Context) (*parts, error) {
	cfg, err := m.config()
	if err != nil {
		return nil, err
	}
	db, err := m.store(ctx)
	if err != nil {
		return nil, err
	}
	log := m.log()
	// Evidence holds officials' photos and documents: owner only.
	if err := store.PrivateDir(cfg.Evidence.Dir); err != nil {
		return nil, fmt.Errorf("evidence.dir: %w", err)
	}
	cal, err := calendar.Open(cfg.Reminders.Calendar)
	if err != nil {
		return nil, usagef("reminders.calendar: 无法读取工作日历 (%v)", err)
	}
	if y := m.Now().In(cfg.Location).Year(); !cal.Covers(y) {
		log.Warn("the working-day calendar does not cover this year: weekends only", slog.Int("year", y))
	}
	p := &parts{cfg: cfg, db: db, log: log, policy: remind.PolicyFromConfig(cfg, cal)}
	p.scanner = &scheduler.Scanner{DB: db, Policy: p.policy, Logger: log}
	if cfg.Telegram.Token == "" {
		p.notifier = notify.NewConsole(m.Stdout)
	} else {
		tcfg := telegram.TelegramConfig{Token: cfg.Telegram.Token, Endpoint: cfg.Telegram.APIEndpoint, Logger: log}
		tg, err := telegram.NewTelegram(tcfg)
		var se *notify.SendError
		switch {
		case err == nil:
			p.telegram, p.notifier = tg, tg
		case errors.As(err, &se) && se.Failure == notify.Temporary:
			// Unreachable, not refused: start anyway and connect in the
			// background (SPEC §4); messages wait in the outbox.
			p.channel = dispatch.NewChannel("telegram", nil, err, func(context.Context) (notify.Notifier, error) {
				return telegram.NewTelegram(tcfg)
			})
			p.channel.Logger = log
			p.notifier = p.channel
		default:
			return nil, fmt.Errorf("telegram: %w", err)
		}
	}
	p.dispatcher = &dispatch.Dispatcher{DB: db, Notifier: p.notifier, Logger: log, MaxAttempts: cfg.Delivery.MaxAttempts,
		MaxBackoff: cfg.Delivery.MaxBackoffDuration(), GiveUpAfter: cfg.Delivery.GiveUpAfterDuration(),
		Limits: dispatch.Limits{PerSecond: float64(cfg.Delivery.RatePerSecond), PerChatPerSecond: float64(cfg.Delivery.PerChatPerSecond),
			PerGroupPerMinute: float64(cfg.Delivery.PerGroupPerMinute)}}
	if p.telegram == nil && p.channel == nil {
		// Telegram's rate limits do not apply to the console.
		p.dispatcher.Limits = dispatch.Limits{}
		p.dispatcher.Channel = "console"
	}
	// Robots take 20 a minute each whatever carries Telegram's messages.
	p.dispatcher.Limits.RobotPerMinute = dispatch.DefaultLimits().RobotPerMinute
	p.dispatcher.Limits.EmailPerSecond = float64(cfg.Channels.Email.PerSecond)
	if p.routes, err = m.routes(ctx, cfg, db); err != nil {
		return nil, err
	}
	p.dispatcher.Routes = p.routes
	if err := m.touchOnPolicyChange(ctx, p); err != nil {
		return nil, err
	}
	return p, nil
}

// touchOnPolicyChange makes every open commitment due for a fresh look when
// the reminder settings changed since the last run: next_remind_at was
// computed under the old ones.
func (m *Main) touchOnPolicyChange(ctx context.Context, p *parts) error {
	r := p.cfg.Reminders
	sig := fmt.Sprintf("%s|%s|%v|%d|%d|%d|%d|%v|%s|%d", p.cfg.Timezone, r.SendAt, r.LeadDays, r.WarnDays, r.OverdueEveryDays,
		r.EscalateAfterDays, r.ProgressEveryDays, r.WorkingDaysOnly, r.Calendar, p.cfg.Telegram.SupervisionChatID)
	old, err := p.db.GetKV(ctx, "reminders.settings")
	if err != nil {
		return err
	}
	if old == sig {
		return nil
	}
	if err := p.db.Touch(ctx); err != nil {
		return err
	}
	return p.db.SetKV(ctx, "reminders.settings", sig)
}

// scanJob runs one scan at now and wakes the dispatcher.
func (p *parts) scanJob(ctx context.Context, now time.Time) error {
	res, err := p.scanner.Scan(ctx, now, false)
	if err != nil {
		return err
	}
	if res.Enqueued > 0 {
		p.log.Info("reminders enqueued", slog.Int("commitments", res.Commitments), slog.Int("enqueued", res.Enqueued))
		p.dispatcher.Wake()
	}
	return nil
}
