package web

import (
	"io/fs"
	"net/http"
	"strings"
)

// Handler returns the workspace's routes. Public: the sign-in pages, the
// static files, action links (/a/…, signed) and calendar feeds (/ics/…,
// signed). Everything else needs a session. Every POST passes the CSRF
// check, except action links, which carry their own token.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))

	// Public.
	mux.HandleFunc("GET /signin", s.signinForm)
	mux.HandleFunc("POST /signin", s.signin)
	mux.HandleFunc("GET /signin/{token}", s.signinLinkForm)
	mux.HandleFunc("POST /signin/{token}", s.signinLink)
	mux.HandleFunc("GET /a/{token}", s.actionLinkPage)
	mux.HandleFunc("POST /a/{token}", s.actionLinkSubmit)
	mux.HandleFunc("GET /a/{token}/evidence/{n}", s.actionLinkEvidence)
	mux.HandleFunc("GET /ics/{token}", s.icsFeed)

	// Signed in.
	auth := func(p string, h http.HandlerFunc) { mux.HandleFunc(p, s.requireSession(h)) }
	auth("POST /signout", s.signout)
	auth("GET /{$}", s.dashboard)
	auth("GET /commitments", s.register)
	auth("GET /commitments.csv", s.registerCSV)
	auth("GET /commitments.xlsx", s.registerXLSX)
	auth("GET /commitments/{id}", s.item)
	auth("GET /commitments/{id}/evidence/{n}", s.evidence)
	s.itemActionRoutes(auth)
	auth("GET /sources/{key}", s.source)
	auth("POST /sources/{key}", s.sourceEdit)
	auth("GET /units/{name}", s.unit)
	auth("GET /contacts", s.contacts)
	auth("GET /reports", s.reportsIndex)
	auth("GET /reports/{month}", s.monthlyReport)
	auth("GET /", s.notFound)

	return securityHeaders(s.withSession(s.csrf(mux)))
}

func isActionLink(path string) bool { return strings.HasPrefix(path, "/a/") }
