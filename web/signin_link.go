package web

import (
	"context"
	"net/http"
	"time"

	"duban/domain"
	"duban/store"
)

// SigninLinkTTL is how long a one-time sign-in link works (SPEC §13).
const SigninLinkTTL = 15 * time.Minute

// IssueSigninLink creates a one-time sign-in link for a contact: what the
// bot's /web and `duban contact weblink` hand out.
func IssueSigninLink(ctx context.Context, db *store.DB, baseURL, contactKey string) (string, *domain.Contact, time.Time, error) {
	tok := randomToken()
	ct, exp, err := db.IssueSigninToken(ctx, contactKey, tok, SigninLinkTTL)
	if err != nil {
		return "", nil, time.Time{}, err
	}
	return baseURLTrim(baseURL) + "/signin/" + tok, ct, exp, nil
}

func baseURLTrim(u string) string {
	for len(u) > 0 && u[len(u)-1] == '/' {
		u = u[:len(u)-1]
	}
	return u
}

// signinLinkForm shows a button that spends the link. Opening the link
// changes nothing, so a chat's link preview or a mail scanner that fetches
// it does not burn it.
func (s *Server) signinLinkForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "signin_link", "signin.link", r.PathValue("token"))
}

// signinLink spends a one-time link and signs its contact in with a new
// session. A bad, used or expired link gets one page, and changes nothing.
func (s *Server) signinLink(w http.ResponseWriter, r *http.Request) {
	keys := []string{"ip:" + remote(r)}
	if !s.limiter.Allow(keys...) {
		s.renderError(w, r, http.StatusTooManyRequests, "limited")
		return
	}
	old := ""
	if c, err := r.Cookie(sessionCookie); err == nil {
		old = c.Value
	}
	id := randomToken()
	ct, err := s.DB.UseSigninToken(r.Context(), r.PathValue("token"), store.NewWebSession{ID: id, CSRF: randomToken(),
		TTL: sessionTTL, Method: "link", Remote: remote(r), Replaces: old})
	if err != nil {
		if domain.ErrorCode(err) != domain.EINVALID {
			s.Logger.Error("sign-in link", "err", err.Error())
		}
		s.limiter.Fail(keys...)
		s.renderStatus(w, r, http.StatusGone, "signin", "signin", signinData{Error: "signin.link.bad"})
		return
	}
	http.SetCookie(w, s.cookie(sessionCookie, id, int(sessionTTL/time.Second)))
	http.SetCookie(w, s.cookie(preCookie, "", -1))
	s.Logger.Info("signed in", "contact", ct.Key, "method", "link")
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// SigninLinks issues one-time sign-in links under a base URL: the bot's
// /web (it implements bot.WebLinks) and `duban contact weblink`.
type SigninLinks struct {
	DB      *store.DB
	BaseURL string
}

// SigninLink issues a link for the contact with the given key and returns
// it with its expiry.
func (l SigninLinks) SigninLink(ctx context.Context, contactKey string) (string, time.Time, error) {
	link, _, exp, err := IssueSigninLink(ctx, l.DB, l.BaseURL, contactKey)
	return link, exp, err
}
