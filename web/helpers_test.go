package web

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"duban/dataset"
	"duban/domain"
	"duban/store"
	"duban/store/storetest"
)

func init() { passwordCost = 4 } // bcrypt.MinCost: tests hash fast.

const examplePath = "../examples/jingdezhen-111.yaml"

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is the example's register served by the workspace: the supervisor
// ducha (password "ducha-pass-1"), the official zhang-guobin, and another
// unit's official li-si with an item of his own (id otherID).
type env struct {
	t       *testing.T
	db      *store.DB
	srv     *Server
	ts      *httptest.Server
	clock   *clock
	otherID int64
}

// exampleNow is 10:00 in Shanghai on 11 July 2024, eleven days after the
// 凤岗村 restoration was due: that item is red.
var exampleNow = time.Date(2024, 7, 11, 2, 0, 0, 0, time.UTC)

func newEnv(t *testing.T, backend string, base string) *env {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t, backend)
	clk := &clock{t: exampleNow}
	db.Now = clk.Now
	loadExample(t, db)
	if err := db.AddContact(ctx, &domain.Contact{Key: "li-si", Name: "李四", Unit: "市城管局", Role: domain.Official}); err != nil {
		t.Fatal(err)
	}
	other, err := db.AddCommitment(ctx, store.NewCommitment{Key: "other-1", Title: "城管局的事项：背街小巷整治", Unit: "市城管局",
		Owners: []string{"li-si"}, Due: domain.NewDate(2024, 6, 1)})
	if err != nil {
		t.Fatal(err)
	}
	for key, pw := range map[string]string{"ducha": "ducha-pass-1", "zhang-guobin": "zhang-pass-1", "li-si": "li-si-pass-1"} {
		h, err := HashPassword(pw)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.SetPasswordHash(ctx, key, h); err != nil {
			t.Fatal(err)
		}
	}
	e := &env{t: t, db: db, clock: clk, otherID: other}
	e.srv = e.server(base)
	e.ts = httptest.NewServer(e.srv.Handler())
	t.Cleanup(e.ts.Close)
	return e
}

func (e *env) server(base string) *Server {
	e.t.Helper()
	srv, err := New(context.Background(), e.options(base))
	if err != nil {
		e.t.Fatal(err)
	}
	return srv
}

func loadExample(t testing.TB, db *store.DB) {
	t.Helper()
	f, err := os.Open(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ds, err := dataset.ParseYAML(f, examplePath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Import(context.Background(), ds, store.ImportOptions{File: examplePath}); err != nil {
		t.Fatal(err)
	}
}

// browser is a cookie-keeping client that does not follow redirects.
type browser struct {
	e      *env
	c      *http.Client
	csrf   string
	t      *testing.T
	status int
	body   string
	resp   *http.Response
}

func (e *env) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{e: e, t: e.t, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (b *browser) do(req *http.Request) *browser {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	b.status, b.body, b.resp = resp.StatusCode, string(data), resp
	if m := csrfRE.FindStringSubmatch(b.body); m != nil {
		b.csrf = m[1]
	}
	return b
}

func (b *browser) get(path string) *browser {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.e.ts.URL+path, nil)
	return b.do(req)
}

// post sends a form; the CSRF token of the last page is added unless the
// form has a "csrf" key already (even empty).
func (b *browser) post(path string, form url.Values) *browser {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", b.csrf)
	}
	req, _ := http.NewRequest("POST", b.e.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

func (b *browser) signIn(key, pw string) *browser {
	b.t.Helper()
	b.get("/signin")
	b.post("/signin", url.Values{"key": {key}, "password": {pw}})
	if b.status != http.StatusSeeOther {
		b.t.Fatalf("sign in as %s: %d %s", key, b.status, b.body)
	}
	return b
}

func (b *browser) cookie(name string) *http.Cookie {
	u, _ := url.Parse(b.e.ts.URL)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func (b *browser) want(status int, contains ...string) *browser {
	b.t.Helper()
	if b.status != status {
		b.t.Fatalf("status %d, want %d: %.2000s", b.status, status, b.body)
	}
	for _, s := range contains {
		if !strings.Contains(b.body, s) {
			b.t.Fatalf("page lacks %q: %.3000s", s, b.body)
		}
	}
	return b
}
