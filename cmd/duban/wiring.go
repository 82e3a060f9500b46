package main

import (
	"context"
	"log/slog"
	"net/http"

	"duban/bot"
	"duban/scheduler"
	"duban/telegram"
	"duban/web"
)

// scheduledReports are the digest and monthly report jobs.
func (m *Main) scheduledReports(p *parts) []scheduler.Entry {
	return reportEntries(p)
}

// startBot starts Telegram polling (on the leader only) or the webhook when
// a token is set, and returns how many bot loops run.
func (m *Main) startBot(ctx context.Context, p *parts, sched *scheduler.Scheduler, mux *http.ServeMux,
	goRun func(string, func(context.Context) error)) (int, error) {
	if p.telegram == nil {
		return 0, nil
	}
	cfg := p.cfg
	hc := bot.ConfigFrom(cfg, p.db)
	hc.Username, hc.Files, hc.Logger = p.telegram.Username(), p.telegram, p.log
	hc.Reporter = serveReporter(p)
	if cfg.Web.BaseURL != "" {
		hc.WebLinks = web.SigninLinks{DB: p.db, BaseURL: cfg.Web.BaseURL}
	}
	h := bot.New(hc)
	if cfg.Telegram.Mode == "webhook" {
		wh, err := telegram.NewWebhook(telegram.WebhookConfig{Handler: h, DB: p.db, Telegram: p.telegram,
			URL: cfg.Telegram.Webhook.URL, Secret: cfg.Telegram.Webhook.Secret, Logger: p.log})
		if err != nil {
			return 0, usagef("telegram.webhook: %v", err)
		}
		if err := wh.Register(ctx); err != nil {
			return 0, err
		}
		goRun("webhook", func(ctx context.Context) error { return wh.ListenAndServe(ctx, cfg.Telegram.Webhook.Listen) })
		p.log.Info("telegram webhook", slog.String("listen", cfg.Telegram.Webhook.Listen))
		return 1, nil
	}
	poller, err := telegram.NewPoller(telegram.PollerConfig{Handler: h, DB: p.db, Telegram: p.telegram,
		Leader: telegram.LeaderFunc(sched.IsLeader), Logger: p.log})
	if err != nil {
		return 0, err
	}
	goRun("telegram polling", poller.Run)
	return 1, nil
}
