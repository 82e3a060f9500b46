package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"duban/httpserver"
	"duban/metrics"
	"duban/notify"
	"duban/scheduler"
	"duban/telegram"
)

// shutdownGrace bounds how long serve takes to stop after SIGINT/SIGTERM.
const shutdownGrace = 10 * time.Second

func (m *Main) serveCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "运行督办服务：定时扫描、发送、机器人和网页，直到 SIGINT/SIGTERM (the daemon: scheduler, dispatcher, bot, web and HTTP until SIGINT/SIGTERM)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return m.serve(c.Context())
		},
	}
}

// serve runs until ctx ends, then finishes in-flight sends and returns
// within shutdownGrace.
func (m *Main) serve(ctx context.Context) error {
	release, err := m.holdDaemonLock()
	if err != nil {
		return err
	}
	defer release()
	p, err := m.build(ctx)
	if err != nil {
		return err
	}
	cfg, log := p.cfg, p.log
	met := metrics.New(p.db, func() (time.Time, *time.Location, int) { return m.Now(), cfg.Location, cfg.Reminders.WarnDays })
	p.dispatcher.Observer = met
	p.scanner.Observe = func(d time.Duration, enq int) {
		met.ScanDuration.Observe(d.Seconds())
		met.LastScan.Set(float64(m.Now().Unix()))
		met.Enqueued.Add(float64(enq))
	}
	sched := &scheduler.Scheduler{DB: p.db, Loc: cfg.Location, Logger: log, Now: m.Now, Entries: []scheduler.Entry{
		{Name: "scan", Spec: cfg.Schedule.Scan, Job: p.scanJob, AtStart: true},
	}}
	sched.Entries = append(sched.Entries, m.scheduledReports(p)...)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	goRun := func(name string, fn func(context.Context) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := fn(ctx); err != nil && !errors.Is(err, context.Canceled) {
				log.Error(name+" stopped", slog.String("error", err.Error()))
				cancel()
			}
		}()
	}
	checks := httpserver.Checks{{Name: "database", Ready: p.db.Ready}}
	telegramOn := p.telegram != nil || p.channel != nil
	if p.channel != nil {
		checks = append(checks, httpserver.Check{Name: "telegram", Ready: p.channel.Ready})
	} else if p.telegram != nil {
		checks = append(checks, httpserver.Check{Name: "telegram", Ready: func(context.Context) error { return nil }})
	}
	checks = append(checks, channelChecks(p.routes)...)
	mux := httpserver.Handler(checks, met.Registry)
	bots, err := m.startBot(ctx, p, sched, mux, goRun)
	if err != nil {
		return err
	}
	if ch := p.channel; ch != nil {
		// Telegram was unreachable: the bot starts when it connects.
		ch.OnConnect = func(n notify.Notifier) {
			tg, ok := n.(*telegram.Telegram)
			if !ok {
				return
			}
			p.telegram = tg
			if _, err := m.startBot(ctx, p, sched, mux, goRun); err != nil {
				log.Error("start the bot", slog.String("error", err.Error()))
			}
		}
		goRun("telegram connection", ch.Run)
	}
	var servers []*http.Server
	listen := func(key, addr, what string, h http.Handler) error {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return usagef("%s: %v", key, err)
		}
		srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
		servers = append(servers, srv)
		go srv.Serve(ln)
		log.Info(what+" listening", slog.String("addr", ln.Addr().String()))
		return nil
	}
	defer func() {
		for _, srv := range servers {
			srv.Close()
		}
	}()
	// The workspace is served on web.listen, or without one beside the
	// health and metrics routes on http.listen; with neither, not at all.
	webShared := cfg.Web.Listen == "" || cfg.Web.Listen == cfg.HTTP.Listen
	if cfg.Web.Listen != "" || cfg.HTTP.Listen != "" {
		ws, err := m.webServer(ctx, p)
		if err != nil {
			return err
		}
		if webShared {
			// The workspace takes every path the health and metrics routes
			// do not: theirs are more specific, so they keep working.
			mux.Handle("/", ws.Handler())
		} else if err := listen("web.listen", cfg.Web.Listen, "web", ws.Handler()); err != nil {
			return err
		}
		if cfg.Web.BaseURL == "" {
			log.Warn("web.base_url is not set: the workspace hands out no sign-in links or calendar feeds")
		}
	}
	if cfg.HTTP.Listen != "" {
		if err := listen("http.listen", cfg.HTTP.Listen, "http", mux); err != nil {
			return err
		}
	}
	goRun("dispatcher", p.dispatcher.Run)
	goRun("scheduler", sched.Run)
	log.Info("duban serving", slog.String("database", p.db.Dialect()), slog.Bool("telegram", telegramOn),
		slog.String("timezone", cfg.Timezone), slog.Int("bots", bots))

	<-ctx.Done()
	log.Info("stopping")
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	sctx, scancel := context.WithTimeout(context.Background(), 3*time.Second)
	for _, srv := range servers {
		srv.Shutdown(sctx)
	}
	scancel()
	select {
	case <-done:
	case <-time.After(shutdownGrace):
		log.Warn("stopped before every worker finished")
	}
	return nil
}
