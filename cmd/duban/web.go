package main

import (
	"context"

	"duban/config"
	"duban/store"
	"duban/web"
)

// webServer is the workspace (SPEC §13) over the daemon's database and
// configuration. Evidence uploaded in the browser goes where the bot keeps
// evidence from Telegram (evidence.dir).
func (m *Main) webServer(ctx context.Context, p *parts) (*web.Server, error) {
	cfg := p.cfg
	return web.New(ctx, web.Options{
		DB:          p.db,
		Workflow:    newWorkflow(cfg, p.db, m.Now),
		UnitScope:   cfg.Bot.UnitScope,
		BaseURL:     cfg.Web.BaseURL,
		Loc:         cfg.Location,
		WarnDays:    cfg.Reminders.WarnDays,
		LeadDays:    cfg.Reminders.LeadDays,
		Scheme:      cfg.ClassificationScheme,
		EvidenceDir: cfg.Evidence.Dir,
		Now:         m.Now,
		Logger:      p.log.With("component", "web"),
	})
}

// webLinks is the signer of the workspace's links, for the commands that
// print them. Without web.base_url no link can be made: the error says so.
func (m *Main) webLinks(ctx context.Context) (*config.Config, *store.DB, *web.Links, error) {
	cfg, err := m.config()
	if err != nil {
		return nil, nil, nil, err
	}
	if cfg.Web.BaseURL == "" {
		return nil, nil, nil, usagef("web.base_url: 未设置（DUBAN_WEB_BASE_URL），生成链接需要工作台的公网地址 (web.base_url is not set: the workspace's public address is needed to make a link)")
	}
	db, err := m.store(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	l, err := web.NewLinks(ctx, db, cfg.Web.BaseURL, m.Now)
	if err != nil {
		return nil, nil, nil, err
	}
	return cfg, db, l, nil
}
