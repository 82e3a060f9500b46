package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"

	"duban/domain"
	"duban/store"
	"duban/web/form"
)

// itemBody is what the item partial gets: the page's words, the item, and
// whether to link to other pages (not from an action link).
type itemBody struct {
	L      lang
	D      *itemData
	Links  bool
	EvBase string
}

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pages holds one template set per page, each with the layout.
type pages struct{ set map[string]*template.Template }

var funcs = template.FuncMap{
	"donerate":   func(u store.UnitLights) string { return pct(u.DoneRate()) },
	"ontimerate": func(u store.UnitLights) string { return pct(u.OnTimeRate()) },
	"add":        func(a, b int) int { return a + b },
	"statuses":   func() []domain.Status { return domain.Statuses },
	"lights":     func() []domain.Light { return domain.Lights },
	"sorts":      func() []string { return form.Sorts },
	"precisions": func() []string { return []string{"day", "month", "quarter", "year", "ongoing"} },
	"itembody": func(l lang, d *itemData, links bool, evBase string) itemBody {
		return itemBody{L: l, D: d, Links: links, EvBase: evBase}
	},
	"join": strings.Join,
	"query": func(kv ...string) template.URL {
		q := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] != "" {
				q.Set(kv[i], kv[i+1])
			}
		}
		return template.URL(q.Encode())
	},
}

func parsePages() (*pages, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{set: map[string]*template.Template{}}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" || strings.HasPrefix(base, "_") {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/_*.html", n)
		if err != nil {
			return nil, err
		}
		p.set[base] = t
	}
	return p, nil
}

// view is what every page template gets.
type view struct {
	L      lang
	Viewer *domain.Contact
	CSRF   string
	Title  string
	// Nav is the section the page belongs to, for the menu.
	Nav  string
	Data any
}

// render writes page name with data, status 200.
func (s *Server) render(w http.ResponseWriter, r *http.Request, name, title string, data any) {
	s.renderStatus(w, r, http.StatusOK, name, title, data)
}

func (s *Server) renderStatus(w http.ResponseWriter, r *http.Request, status int, name, title string, data any) {
	l := langOf(viewer(r))
	s.renderView(w, status, name, view{L: l, Viewer: viewer(r), CSRF: csrfToken(r), Title: l.T(title), Nav: name, Data: data})
}

func (s *Server) renderView(w http.ResponseWriter, status int, name string, v view) {
	var buf bytes.Buffer
	if err := s.pages.set[name].Execute(&buf, v); err != nil {
		s.Logger.Error("render", "page", name, "err", err.Error())
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// renderError shows one page per kind of refusal. "notfound" is the same
// bytes for a missing id and an id out of the viewer's scope.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, what string) {
	s.renderStatus(w, r, status, "error", "error."+what, what)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, http.StatusNotFound, "notfound")
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// securityHeaders apply to every answer: no framing, no sniffing, no
// script or style from elsewhere.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'")
		next.ServeHTTP(w, r)
	})
}

func pct(v float64, ok bool) string {
	if !ok {
		return "—"
	}
	return fmt.Sprintf("%.0f%%", v)
}
