package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"duban/store/storetest"
)

// state is what a refused request must leave as it was: an item's status,
// progress and history.
func (e *env) state(id int64) string {
	e.t.Helper()
	ctx := context.Background()
	c, err := e.db.Commitment(ctx, id)
	if err != nil {
		e.t.Fatal(err)
	}
	h, err := e.db.History(ctx, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return fmt.Sprintf("%s %d%% %s events=%d", c.Status, c.Progress, c.UpdatedAt, len(h))
}

func (e *env) contactID(key string) int64 {
	e.t.Helper()
	c, err := e.db.Contact(context.Background(), key)
	if err != nil {
		e.t.Fatal(err)
	}
	return c.ID
}

func TestSessionIDChangesAtSignIn(t *testing.T) {
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			e := newEnv(t, backend, "http://duban.test")
			u, _ := url.Parse(e.ts.URL)

			// A session id planted in the browser before sign-in is not the
			// one it has after.
			b := e.browser()
			planted := "attacker-chosen-session-id-0123456789abcdef"
			b.c.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: planted, Path: "/"}})
			b.signIn("ducha", "ducha-pass-1")
			first := b.cookie(sessionCookie)
			if first == nil || first.Value == planted || len(first.Value) < 40 {
				t.Fatalf("session cookie after sign-in: %+v", first)
			}

			// Signing in again (here by a one-time link) gives a new id and
			// ends the old session.
			link, _, _, err := IssueSigninLink(context.Background(), e.db, e.ts.URL, "ducha")
			if err != nil {
				t.Fatal(err)
			}
			b.get(strings.TrimPrefix(link, e.ts.URL)).want(http.StatusOK)
			b.post(strings.TrimPrefix(link, e.ts.URL), nil).want(http.StatusSeeOther)
			second := b.cookie(sessionCookie)
			if second == nil || second.Value == first.Value {
				t.Fatalf("session id unchanged by the second sign-in")
			}
			old := e.browser()
			old.c.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: first.Value, Path: "/"}})
			old.get("/").want(http.StatusSeeOther)
			if loc := old.resp.Header.Get("Location"); !strings.HasPrefix(loc, "/signin") {
				t.Fatalf("the replaced session still works: %d %s", old.status, loc)
			}
			b.get("/").want(http.StatusOK, "督办总览")

			// Sign-out ends the session on the server, not only in the browser.
			b.post("/signout", nil).want(http.StatusSeeOther)
			old.c.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: second.Value, Path: "/"}})
			old.get("/").want(http.StatusSeeOther)
		})
	}
}

// setCookies returns the cookies an answer sets, by name.
func setCookies(resp *http.Response) map[string]*http.Cookie {
	m := map[string]*http.Cookie{}
	for _, c := range resp.Cookies() {
		m[c.Name] = c
	}
	return m
}

func TestCookieFlags(t *testing.T) {
	for _, tc := range []struct {
		base   string
		secure bool
	}{{"http://duban.test", false}, {"https://duban.example.org", true}} {
		t.Run(tc.base, func(t *testing.T) {
			e := newEnv(t, storetest.Backends[0], tc.base)
			// The jar would not send a Secure cookie over the test's plain
			// HTTP, so cookies are carried by hand.
			resp, err := http.Get(e.ts.URL + "/signin")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			pre := setCookies(resp)[preCookie]
			if pre == nil {
				t.Fatal("no pre-session CSRF cookie on the sign-in page")
			}
			form := url.Values{"key": {"ducha"}, "password": {"ducha-pass-1"}, "csrf": {pre.Value}}
			req, _ := http.NewRequest("POST", e.ts.URL+"/signin", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(&http.Cookie{Name: preCookie, Value: pre.Value})
			resp, err = http.DefaultTransport.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("sign-in: %d", resp.StatusCode)
			}
			sess := setCookies(resp)[sessionCookie]
			if sess == nil {
				t.Fatal("no session cookie")
			}
			for _, c := range []*http.Cookie{pre, sess} {
				if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure != tc.secure || c.Path != "/" {
					t.Errorf("cookie %s: HttpOnly=%v SameSite=%v Secure=%v Path=%q; want HttpOnly, Lax, Secure=%v, /",
						c.Name, c.HttpOnly, c.SameSite, c.Secure, c.Path, tc.secure)
				}
			}
		})
	}
}

func TestCSRFRefused(t *testing.T) {
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			e := newEnv(t, backend, "http://duban.test")
			b := e.browser().signIn("ducha", "ducha-pass-1")
			b.get("/commitments/3").want(http.StatusOK)
			before := e.state(3)
			for name, token := range map[string]string{"no token": "", "another token": "x" + b.csrf[1:]} {
				b.post("/commitments/3/cancel", url.Values{"reason": {"伪造"}, "csrf": {token}}).want(http.StatusForbidden, "表单已失效", "没有做任何更改")
				if got := e.state(3); got != before {
					t.Fatalf("%s: %s, was %s", name, got, before)
				}
			}
			// The pre-session token of the sign-in form is checked too.
			anon := e.browser()
			anon.post("/signin", url.Values{"key": {"ducha"}, "password": {"ducha-pass-1"}, "csrf": {""}}).want(http.StatusForbidden)
			if anon.cookie(sessionCookie) != nil {
				t.Fatal("signed in without the form's token")
			}
			// The header works as well as the field.
			req, _ := http.NewRequest("POST", e.ts.URL+"/commitments/3/cancel", strings.NewReader(url.Values{"reason": {"真"}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Csrf-Token", b.csrf)
			b.do(req).want(http.StatusSeeOther)
			if got := e.state(3); got == before {
				t.Fatal("the header's token did not let the change through")
			}
		})
	}
}

func TestSignInRateLimited(t *testing.T) {
	e := newEnv(t, storetest.Backends[0], "http://duban.test")
	b := e.browser()
	for i := 0; i < signinBurst; i++ {
		b.get("/signin")
		b.post("/signin", url.Values{"key": {"ducha"}, "password": {"wrong-guess-" + strconv.Itoa(i)}}).want(http.StatusUnauthorized, "账号或密码不对")
	}
	// Past the limit even the right password is refused, unchecked.
	b.get("/signin")
	b.post("/signin", url.Values{"key": {"ducha"}, "password": {"ducha-pass-1"}}).want(http.StatusTooManyRequests, "尝试次数过多")
	if b.cookie(sessionCookie) != nil {
		t.Fatal("signed in past the limit")
	}
	// The one-time links from the same address are limited too.
	b.get("/signin/anything")
	b.post("/signin/anything", nil).want(http.StatusTooManyRequests)
	e.clock.Add(signinWindow + time.Second)
	b.signIn("ducha", "ducha-pass-1")

	// The account is limited whatever the address: one guess from each of
	// many addresses does not get more tries.
	h := e.srv.Handler()
	try := func(addr, pw string) int {
		g := httptest.NewRequest("GET", "/signin", nil)
		g.RemoteAddr = addr
		w := httptest.NewRecorder()
		h.ServeHTTP(w, g)
		pre := setCookies(w.Result())[preCookie]
		form := url.Values{"key": {"zhang-guobin"}, "password": {pw}, "csrf": {pre.Value}}
		r := httptest.NewRequest("POST", "/signin", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.AddCookie(pre)
		r.RemoteAddr = addr
		w = httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code
	}
	for i := 0; i < signinBurst; i++ {
		if code := try(fmt.Sprintf("192.0.2.%d:5000", i+1), "bad-guess-1234"); code != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d", i, code)
		}
	}
	if code := try("198.51.100.7:5000", "zhang-pass-1"); code != http.StatusTooManyRequests {
		t.Fatalf("the account after %d failures from other addresses: %d, want 429", signinBurst, code)
	}
}

func TestTamperedActionLinkRefused(t *testing.T) {
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			e := newEnv(t, backend, "http://duban.test")
			zhang := e.contactID("zhang-guobin")
			tok := e.srv.Links().ActionToken(zhang, 2)
			p := strings.Split(tok, ".")
			exp, _ := strconv.ParseInt(p[2], 10, 64)
			variants := map[string]string{
				"another item":    strings.Join([]string{p[0], strconv.FormatInt(e.otherID, 10), p[2], p[3]}, "."),
				"another contact": strings.Join([]string{strconv.FormatInt(e.contactID("li-si"), 10), p[1], p[2], p[3]}, "."),
				"a later expiry":  strings.Join([]string{p[0], p[1], strconv.FormatInt(exp+30*86400, 10), p[3]}, "."),
				"no signature":    strings.Join(p[:3], "."),
				"garbage":         "not-a-token",
			}
			b := e.browser()
			b.get("/a/" + tok).want(http.StatusOK)
			var page string
			before2, beforeOther := e.state(2), e.state(e.otherID)
			for name, v := range variants {
				b.get("/a/"+v).want(http.StatusForbidden, "此链接无效或已过期", "没有做任何更改")
				if page == "" {
					page = b.body
				} else if b.body != page {
					t.Errorf("%s: a different refusal page", name)
				}
				b.multipart("/a/"+v, url.Values{"csrf": {e.srv.links.actionCSRF(v)}, "done": {"1"}}, tinyPNG).want(http.StatusForbidden, "此链接无效或已过期")
				b.get("/a/" + v + "/evidence/0").want(http.StatusForbidden)
			}
			// A link past its expiry gets the same page.
			e.clock.Add(ActionLinkTTL + time.Minute)
			b.get("/a/"+tok).want(http.StatusForbidden, "此链接无效或已过期")
			if b.body != page {
				t.Error("an expired link gets a different refusal page")
			}
			b.multipart("/a/"+tok, url.Values{"csrf": {e.srv.links.actionCSRF(tok)}, "done": {"1"}}, nil).want(http.StatusForbidden)
			if e.state(2) != before2 || e.state(e.otherID) != beforeOther {
				t.Fatal("a refused link changed an item")
			}
		})
	}
}

func TestSigninLinkOnceAndFor15Minutes(t *testing.T) {
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			e := newEnv(t, backend, "http://duban.test")
			ctx := context.Background()

			link, _, exp, err := IssueSigninLink(ctx, e.db, e.ts.URL, "zhang-guobin")
			if err != nil {
				t.Fatal(err)
			}
			if d := exp.Sub(e.clock.Now()); d != SigninLinkTTL {
				t.Fatalf("link valid for %s, want %s", d, SigninLinkTTL)
			}
			path := strings.TrimPrefix(link, e.ts.URL)
			e.clock.Add(SigninLinkTTL + time.Second)
			b := e.browser()
			b.get(path).want(http.StatusOK) // opening it changes nothing
			b.post(path, nil).want(http.StatusGone, "登录链接无效或已过期")
			if b.cookie(sessionCookie) != nil {
				t.Fatal("an expired link signed in")
			}

			// A fresh link works once.
			link, _, _, err = IssueSigninLink(ctx, e.db, e.ts.URL, "zhang-guobin")
			if err != nil {
				t.Fatal(err)
			}
			path = strings.TrimPrefix(link, e.ts.URL)
			b.get(path)
			b.post(path, nil).want(http.StatusSeeOther)
			other := e.browser()
			other.get(path)
			other.post(path, nil).want(http.StatusGone, "登录链接无效或已过期")
			if other.cookie(sessionCookie) != nil {
				t.Fatal("a used link signed in again")
			}
		})
	}
}

func TestEvidenceOutOfScopeIsNotFound(t *testing.T) {
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			e := newEnv(t, backend, "http://duban.test")
			zhang := e.browser().signIn("zhang-guobin", "zhang-pass-1")
			zhang.get("/commitments/2")
			zhang.multipart("/commitments/2/progress", url.Values{"percent": {"50"}, "progress": {"1"}}, tinyPNG).want(http.StatusSeeOther)
			zhang.get("/commitments/2/evidence/0").want(http.StatusOK)
			if ct := zhang.resp.Header.Get("Content-Type"); ct != "image/png" {
				t.Fatalf("evidence served as %q", ct)
			}

			li := e.browser().signIn("li-si", "li-si-pass-1")
			li.get("/commitments/2/evidence/0").want(http.StatusNotFound)
			outOfScope := li.body
			li.get("/commitments/987654/evidence/0").want(http.StatusNotFound)
			if li.body != outOfScope {
				t.Fatal("evidence of an item out of scope answers differently from a missing item")
			}
			li.get("/commitments/2").want(http.StatusNotFound)
			if li.body != outOfScope {
				t.Fatal("the item out of scope answers differently from its evidence")
			}
			// An action link for another item does not open this one's evidence.
			tok := e.srv.Links().ActionToken(e.contactID("li-si"), e.otherID)
			li.get("/a/" + tok + "/evidence/0").want(http.StatusNotFound)
		})
	}
}
