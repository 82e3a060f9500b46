// Package web is the supervision office's workspace in the browser (SPEC
// §13): server-rendered pages, embedded templates and CSS, sessions with
// CSRF tokens, one-time sign-in links, signed action links for officials
// without a password, and calendar feeds.
//
// Handlers parse a request (package form), ask the workflow what the
// viewer may see and do, and render. No handler decides who may do what.
package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"duban/store"
	"duban/workflow"
)

// Options configure the workspace.
type Options struct {
	DB *store.DB
	// UnitScope lets an official see their unit's items (bot.unit_scope).
	UnitScope bool
	// BaseURL is web.base_url, the address in links the workspace sends
	// (sign-in links, action links, calendar feeds). An https URL makes the
	// cookies Secure.
	BaseURL string
	Loc     *time.Location
	// WarnDays is reminders.warn_days, LeadDays reminders.lead_days (the
	// calendar feeds' alarms).
	WarnDays int
	LeadDays []int
	// Scheme lists the source classifications, in order.
	Scheme []string
	// EvidenceDir is where uploaded files are kept, and the only directory
	// evidence files are served from.
	EvidenceDir string
	// Workflow takes every change (SPEC §11). Nil builds one from the
	// fields above, without a supervision chat: serve should pass the
	// daemon's, configured like the bot's.
	Workflow *workflow.Service
	// Now is the clock; nil means time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

// Server serves the workspace.
type Server struct {
	Options
	links   *Links
	secure  bool
	limiter *limiter
	pages   *pages
}

// New returns the workspace, loading (or creating) the key that signs its
// links.
func New(ctx context.Context, o Options) (*Server, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Loc == nil {
		o.Loc = time.UTC
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if len(o.LeadDays) == 0 {
		o.LeadDays = []int{30, 7, 3, 1}
	}
	if o.Workflow == nil {
		o.Workflow = &workflow.Service{DB: o.DB, Now: o.Now, Loc: o.Loc, UnitScope: o.UnitScope, WarnDays: o.WarnDays}
	}
	links, err := NewLinks(ctx, o.DB, o.BaseURL, o.Now)
	if err != nil {
		return nil, err
	}
	p, err := parsePages()
	if err != nil {
		return nil, fmt.Errorf("web templates: %w", err)
	}
	o.BaseURL = strings.TrimRight(o.BaseURL, "/")
	return &Server{Options: o, links: links, secure: strings.HasPrefix(o.BaseURL, "https://"),
		limiter: newLimiter(o.Now), pages: p}, nil
}

// URL returns the absolute URL of a path under BaseURL.
func (s *Server) URL(path string) string { return s.BaseURL + path }

// remote is the client's address for the sign-in record and the rate
// limit: the connection's, never a header a client can set.
func remote(r *http.Request) string {
	host := r.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i > 0 {
		host = host[:i]
	}
	return strings.Trim(host, "[]")
}

// safeNext keeps a post-sign-in redirect on this site: a local path only.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || next == "" || u.IsAbs() || u.Host != "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

// Links returns the signer of the workspace's password-free links.
func (s *Server) Links() *Links { return s.links }
