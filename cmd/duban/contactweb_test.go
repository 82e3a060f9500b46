package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"duban/store/storetest"
	"duban/web"
)

// webClient is a browser against the workspace served over the test's
// database, with the test's clock: it keeps cookies, shows redirects, and
// sends each form with the CSRF token of the last page.
type webClient struct {
	t    *testing.T
	ts   *httptest.Server
	c    *http.Client
	csrf string
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func newWebClient(t *testing.T, tm *testMain) *webClient {
	t.Helper()
	db := openStore(t, tm.url)
	db.Now = func() time.Time { return tm.now }
	srv, err := web.New(context.Background(), web.Options{DB: db, BaseURL: "http://duban.test", Now: db.Now})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	jar, _ := cookiejar.New(nil)
	return &webClient{t: t, ts: ts, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// do requests path (of an absolute URL, only the path counts) and returns
// the status and body.
func (w *webClient) do(method, path string, form url.Values) (int, string, *http.Response) {
	w.t.Helper()
	if u, err := url.Parse(path); err == nil && u.IsAbs() {
		path = u.RequestURI()
	}
	var body io.Reader
	if form != nil {
		form.Set("csrf", w.csrf)
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, w.ts.URL+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := w.c.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if m := csrfField.FindStringSubmatch(string(b)); m != nil {
		w.csrf = m[1]
	}
	return resp.StatusCode, string(b), resp
}

// wantOneLine fails t unless stderr is exactly one line containing want.
func wantOneLine(t *testing.T, stderr, want string) {
	t.Helper()
	if strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, want) {
		t.Errorf("stderr %q, want one line with %q", stderr, want)
	}
}

func TestContactPasswd(t *testing.T) {
	// One backend: the command is the same on both, the store's part is
	// tested on both in store/, and bcrypt at its real cost is slow under
	// the race detector.
	for _, backend := range storetest.Backends[:1] {
		t.Run(backend, func(t *testing.T) {
			tm := newTestMain(t, storetest.URL(t, backend))
			tm.must("import", examplePath)

			t.Run("a password from standard input lets the contact sign in", func(t *testing.T) {
				tm.stdin = "zhang-pass-2024\n"
				out := tm.must("contact", "passwd", "zhang-guobin")
				if !strings.Contains(out, "zhang-guobin") {
					t.Errorf("stdout %q", out)
				}
				w := newWebClient(t, tm)
				w.do("GET", "/signin", nil)
				code, body, resp := w.do("POST", "/signin", url.Values{"key": {"zhang-guobin"}, "password": {"zhang-pass-2024"}})
				if code != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
					t.Fatalf("sign-in: %d %.500s", code, body)
				}
				if code, body, _ := w.do("GET", "/", nil); code != http.StatusOK || !strings.Contains(body, "张国斌") {
					t.Errorf("dashboard: %d %.500s", code, body)
				}
			})
			t.Run("a password shorter than 8 characters is refused", func(t *testing.T) {
				tm.stdin = "short7!\n"
				_, stderr, code := tm.run("contact", "passwd", "zhang-guobin")
				if code != 2 {
					t.Errorf("exit %d, want 2", code)
				}
				wantOneLine(t, stderr, "至少 8 个字符")
				if strings.Contains(stderr, "short7!") {
					t.Error("the password reached the error")
				}
			})
			t.Run("no password at all is refused", func(t *testing.T) {
				tm.stdin = ""
				if _, _, code := tm.run("contact", "passwd", "zhang-guobin"); code != 2 {
					t.Errorf("exit %d, want 2", code)
				}
			})
			t.Run("an unknown contact is refused", func(t *testing.T) {
				tm.stdin = "long-enough-pw\n"
				_, stderr, code := tm.run("contact", "passwd", "nobody")
				if code != 2 {
					t.Errorf("exit %d, want 2", code)
				}
				wantOneLine(t, stderr, "unknown contact")
			})
		})
	}
}

func TestContactWeblink(t *testing.T) {
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			tm := newTestMain(t, storetest.URL(t, backend))
			tm.must("import", examplePath)

			t.Run("without web.base_url no link is made", func(t *testing.T) {
				_, stderr, code := tm.run("contact", "weblink", "zhang-guobin")
				if code != 2 {
					t.Errorf("exit %d, want 2", code)
				}
				wantOneLine(t, stderr, "web.base_url: 未设置")
			})
			tm.env["DUBAN_WEB_BASE_URL"] = "http://duban.test/"
			t.Run("an unknown contact is refused", func(t *testing.T) {
				_, stderr, code := tm.run("contact", "weblink", "nobody")
				if code != 2 {
					t.Errorf("exit %d, want 2", code)
				}
				wantOneLine(t, stderr, "unknown contact")
			})
			linkRE := regexp.MustCompile(`(?m)^链接 \(link\): +(http://duban\.test/signin/\S+)$`)
			issue := func(t *testing.T) string {
				t.Helper()
				out := tm.must("contact", "weblink", "zhang-guobin")
				m := linkRE.FindStringSubmatch(out)
				if m == nil {
					t.Fatalf("no link under web.base_url in %q", out)
				}
				// 2024-05-20 10:00 UTC is 18:00 in Shanghai; 15 minutes on.
				if !strings.Contains(out, "有效期至 (expires):  2024-05-20T18:15:00+08:00") {
					t.Errorf("expiry: %q", out)
				}
				return m[1]
			}
			t.Run("the link signs the contact in once", func(t *testing.T) {
				link := issue(t)
				w := newWebClient(t, tm)
				if code, body, _ := w.do("GET", link, nil); code != http.StatusOK || !strings.Contains(body, "一次性登录链接") {
					t.Fatalf("link page: %d %.500s", code, body)
				}
				if code, body, resp := w.do("POST", link, url.Values{}); code != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
					t.Fatalf("use the link: %d %.500s", code, body)
				}
				if code, body, _ := w.do("GET", "/", nil); code != http.StatusOK || !strings.Contains(body, "张国斌") {
					t.Errorf("dashboard: %d %.500s", code, body)
				}
				w2 := newWebClient(t, tm)
				w2.do("GET", link, nil)
				if code, _, _ := w2.do("POST", link, url.Values{}); code != http.StatusGone {
					t.Errorf("the link worked twice: %d", code)
				}
			})
			t.Run("the link expires after 15 minutes", func(t *testing.T) {
				link := issue(t)
				saved := tm.now
				tm.now = tm.now.Add(15 * time.Minute)
				defer func() { tm.now = saved }()
				w := newWebClient(t, tm)
				w.do("GET", link, nil)
				if code, _, _ := w.do("POST", link, url.Values{}); code != http.StatusGone {
					t.Errorf("an expired link worked: %d", code)
				}
			})
		})
	}
}

func TestContactICS(t *testing.T) {
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			tm := newTestMain(t, storetest.URL(t, backend))
			tm.must("import", examplePath)

			t.Run("without web.base_url no feed URL is made", func(t *testing.T) {
				_, stderr, code := tm.run("contact", "ics", "zhang-guobin")
				if code != 2 {
					t.Errorf("exit %d, want 2", code)
				}
				wantOneLine(t, stderr, "web.base_url: 未设置")
			})
			tm.env["DUBAN_WEB_BASE_URL"] = "http://duban.test"
			t.Run("an unknown contact is refused", func(t *testing.T) {
				_, stderr, code := tm.run("contact", "ics", "nobody", "--rotate")
				if code != 2 {
					t.Errorf("exit %d, want 2", code)
				}
				wantOneLine(t, stderr, "unknown contact")
			})
			feed := func(t *testing.T, args ...string) string {
				t.Helper()
				out := strings.TrimSpace(tm.must(append([]string{"contact", "ics", "zhang-guobin"}, args...)...))
				if !regexp.MustCompile(`^http://duban\.test/ics/\S+\.ics$`).MatchString(out) {
					t.Fatalf("feed URL %q", out)
				}
				return out
			}
			w := newWebClient(t, tm)
			first := feed(t)
			if again := feed(t); again != first {
				t.Errorf("the feed URL changed without --rotate: %s, then %s", first, again)
			}
			code, body, resp := w.do("GET", first, nil)
			if code != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/calendar") ||
				!strings.Contains(body, "BEGIN:VCALENDAR") || !strings.Contains(body, "凤岗村") {
				t.Fatalf("feed: %d %s %.500s", code, resp.Header.Get("Content-Type"), body)
			}
			rotated := feed(t, "--rotate")
			if rotated == first {
				t.Fatal("--rotate kept the URL")
			}
			if code, _, _ := w.do("GET", first, nil); code != http.StatusNotFound {
				t.Errorf("the old feed still answers %d", code)
			}
			if code, _, _ := w.do("GET", rotated, nil); code != http.StatusOK {
				t.Errorf("the new feed answers %d", code)
			}
			if now := feed(t); now != rotated {
				t.Errorf("after --rotate the feed is %s, want %s", now, rotated)
			}
		})
	}
}
