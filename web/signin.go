package web

import (
	"net/http"

	"golang.org/x/crypto/bcrypt"

	"duban/web/form"
)

type signinData struct {
	Next, Key, Error string
}

// signinForm shows the password form.
func (s *Server) signinForm(w http.ResponseWriter, r *http.Request) {
	if session(r) != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	s.render(w, r, "signin", "signin", signinData{Next: r.URL.Query().Get("next")})
}

// signin checks a password. Failures count against the address and the
// account; past the limit every attempt is refused without checking.
func (s *Server) signin(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	f, err := form.ParseSignIn(r.PostForm)
	keys := []string{"ip:" + remote(r), "key:" + f.Key}
	if !s.limiter.Allow(keys...) {
		s.renderStatus(w, r, http.StatusTooManyRequests, "signin", "signin", signinData{Next: f.Next, Key: f.Key, Error: "signin.limited"})
		return
	}
	if err == nil {
		ct, hash, herr := s.DB.PasswordHash(r.Context(), f.Key)
		if herr == nil && hash != "" && CheckPassword(hash, f.Password) {
			if err := s.startSession(w, r, ct.ID, "password"); err != nil {
				s.Logger.Error("sign-in", "err", err.Error())
				http.Error(w, "internal error", http.StatusInternalServerError)
				return
			}
			s.Logger.Info("signed in", "contact", ct.Key, "method", "password")
			http.Redirect(w, r, safeNext(f.Next), http.StatusSeeOther)
			return
		}
		if herr != nil || hash == "" {
			// Spend the time a check would, so that unknown accounts do not
			// answer faster.
			bcrypt.CompareHashAndPassword(dummyHash, []byte(f.Password))
		}
	}
	s.limiter.Fail(keys...)
	s.renderStatus(w, r, http.StatusUnauthorized, "signin", "signin", signinData{Next: f.Next, Key: f.Key, Error: "signin.failed"})
}

// signout ends the session.
func (s *Server) signout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.DB.EndWebSession(r.Context(), c.Value, remote(r)); err != nil {
			s.Logger.Error("sign-out", "err", err.Error())
		}
	}
	http.SetCookie(w, s.cookie(sessionCookie, "", -1))
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
}
