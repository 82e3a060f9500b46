package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"time"

	"duban/domain"
	"duban/store"
)

// Cookies. The session cookie holds a random id whose hash the database
// keeps; the pre-session cookie holds the CSRF token of the sign-in forms,
// before there is a session to hold it.
const (
	sessionCookie = "duban_session"
	preCookie     = "duban_csrf"
	sessionTTL    = 12 * time.Hour
)

// randomToken returns 256 random bits, URL-safe.
func randomToken() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms.
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

type ctxKey int

const sessionKey ctxKey = 0

// session is the signed-in viewer of a request, if any.
func session(r *http.Request) *store.WebSession {
	s, _ := r.Context().Value(sessionKey).(*store.WebSession)
	return s
}

// viewer is the signed-in contact, or nil.
func viewer(r *http.Request) *domain.Contact {
	if s := session(r); s != nil {
		return s.Contact
	}
	return nil
}

func (s *Server) cookie(name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: s.secure, SameSite: http.SameSiteLaxMode}
}

// withSession loads the session named by the cookie, and makes sure a
// visitor without one has a pre-session CSRF token.
func (s *Server) withSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
			if sess, err := s.DB.WebSessionByID(r.Context(), c.Value); err == nil {
				r = r.WithContext(context.WithValue(r.Context(), sessionKey, sess))
			}
		}
		if session(r) == nil {
			if c, err := r.Cookie(preCookie); err != nil || len(c.Value) < 32 {
				tok := randomToken()
				http.SetCookie(w, s.cookie(preCookie, tok, 0))
				r.AddCookie(&http.Cookie{Name: preCookie, Value: tok})
			}
		}
		next.ServeHTTP(w, r)
	})
}

// csrfToken is the token a form of this request must carry.
func csrfToken(r *http.Request) string {
	if sess := session(r); sess != nil {
		return sess.CSRF
	}
	for _, c := range r.Cookies() {
		if c.Name == preCookie {
			return c.Value
		}
	}
	return ""
}

// csrf refuses every POST whose token, from the csrf form field or the
// X-Csrf-Token header, differs from the session's (or, before sign-in, the
// pre-session cookie's). Compared in constant time. Action links carry
// their own token and are checked by their handler.
func (s *Server) csrf(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && !isActionLink(r.URL.Path) {
			want := csrfToken(r)
			got := r.Header.Get("X-Csrf-Token")
			if got == "" {
				got = formValue(r, "csrf")
			}
			if want == "" || subtle.ConstantTimeCompare([]byte(want), []byte(got)) != 1 {
				s.renderError(w, r, http.StatusForbidden, "csrf")
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// formValue reads a field of a url-encoded or multipart form.
func formValue(r *http.Request, name string) string {
	if err := r.ParseMultipartForm(maxUpload); err != nil && err != http.ErrNotMultipart {
		return ""
	}
	return r.FormValue(name)
}

// requireSession sends a visitor without a session to the sign-in page.
func (s *Server) requireSession(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if session(r) == nil {
			http.Redirect(w, r, "/signin?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		h(w, r)
	}
}

// startSession signs contactID in: a new session id (never the one the
// browser came with), a new CSRF token, the old session ended.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, contactID int64, method string) error {
	old := ""
	if c, err := r.Cookie(sessionCookie); err == nil {
		old = c.Value
	}
	id := randomToken()
	if err := s.DB.CreateWebSession(r.Context(), store.NewWebSession{ID: id, ContactID: contactID, CSRF: randomToken(),
		TTL: sessionTTL, Method: method, Remote: remote(r), Replaces: old}); err != nil {
		return err
	}
	http.SetCookie(w, s.cookie(sessionCookie, id, int(sessionTTL/time.Second)))
	http.SetCookie(w, s.cookie(preCookie, "", -1))
	return nil
}
