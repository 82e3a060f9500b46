package web

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"duban/domain"
	"duban/store/storetest"
	"duban/workflow"
)

// The screenshots in the README are taken by TestBrowser, on SQLite, when
// asked: go test ./web -run TestBrowser -update-screenshots
var updateScreenshots = flag.Bool("update-screenshots", false, "write docs/screenshots/*.png from TestBrowser")

const chromiumPath = "/usr/bin/chromium"

// chromium returns the browser to drive. Under CI=true a missing browser
// fails the test: CI must not pass by skipping it.
func chromium(t *testing.T) string {
	t.Helper()
	p := chromiumPath
	if _, err := os.Stat(p); err != nil {
		if lp, lerr := exec.LookPath("chromium"); lerr == nil {
			p, err = lp, nil
		}
		if err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("chromium not found at %s: the browser tests must run under CI (apt-get install -y chromium fonts-wqy-microhei)", chromiumPath)
			}
			t.Skipf("chromium not found at %s: apt-get install -y chromium fonts-wqy-microhei", chromiumPath)
		}
	}
	return p
}

// startChromium starts one headless Chromium with a fresh profile for the
// whole test; each person gets their own browser context (cookies) in it.
func startChromium(t *testing.T, path string) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.WindowSize(1280, 900),
		chromedp.UserDataDir(t.TempDir()),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelBrowser(); cancelAlloc() })
	if err := chromedp.Do(bctx); err != nil { // starts the browser, without a timeout
		t.Fatalf("start chromium: %v", err)
	}
	return bctx
}

// person is one browser context: its own cookies, its own tab.
type person struct {
	t   *testing.T
	ctx context.Context
	url string
}

func newPerson(t *testing.T, browser context.Context, base string) *person {
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	// Open the tab with a context without a timeout: the first action on
	// a context binds the tab's life to the context it is given.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	p := &person{t: t, ctx: ctx, url: base}
	return p
}

// do runs steps with a timeout, failing the test on error.
func (p *person) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		p.t.Fatalf("%s: %v", what, err)
	}
}

// submit clicks a submit button and waits for the page it leads to. The
// click is the element's own (HTMLElement.click, which submits the form
// with the button's name and value), not a mouse event at coordinates: on
// a loaded machine an image still loading above the button shifts the
// layout between measuring and clicking, the mouse lands beside the
// button, and nothing is submitted.
func (p *person) submit(what, sel string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(sel))); err != nil {
		p.t.Fatalf("%s: %v", what, err)
	}
	click := chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(document.querySelector(%q).click(), null)`, sel))
	if _, err := chromedp.RunResponse(ctx, click); err != nil {
		p.t.Fatalf("%s: %v", what, err)
	}
}

func eval[T any](p *person, js string) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		p.t.Fatalf("evaluate %.80s: %v", js, err)
	}
	return v
}

func (p *person) text(sel string) string {
	return eval[string](p, fmt.Sprintf(`document.querySelector(%q)?.innerText ?? ""`, sel))
}

func (p *person) path() string { return eval[string](p, `location.pathname + location.search`) }

// fetched is what a fetch from the page answered.
type fetched struct {
	Status int    `json:"status"`
	Body   string `json:"body"`
}

// fetch asks the server from inside the page, with the page's cookies.
func (p *person) fetch(js string) fetched {
	p.t.Helper()
	return eval[fetched](p, `(async () => { const r = await `+js+`; return {status: r.status, body: await r.text()}; })()`)
}

func (p *person) screenshot(name string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		p.t.Fatal(err)
	}
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Fatalf("screenshot %s: %v", name, err)
	}
	out := filepath.Join("..", "docs", "screenshots", name)
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		p.t.Fatal(err)
	}
	if err := os.WriteFile(out, buf, 0o644); err != nil {
		p.t.Fatal(err)
	}
	p.t.Logf("wrote %s (%d bytes)", out, len(buf))
}

// photoWidth scrolls to the timeline's first evidence image (it loads
// lazily), waits for it, and returns its natural width (0: none, -1: failed).
func photoWidth(p *person) int {
	return eval[int](p, `new Promise(res => {
		const i = document.querySelector("#timeline .evidence img");
		if (!i) return res(0);
		i.scrollIntoView();
		if (i.complete && i.naturalWidth) return res(i.naturalWidth);
		i.addEventListener("load", () => res(i.naturalWidth));
		i.addEventListener("error", () => res(-1));
	})`)
}

// sitePhoto is the evidence an official uploads: a small landscape, green
// over brown, as a phone would send of a restored site.
func sitePhoto(t *testing.T) string {
	img := image.NewRGBA(image.Rect(0, 0, 240, 160))
	for y := 0; y < 160; y++ {
		for x := 0; x < 240; x++ {
			c := color.RGBA{R: 60, G: uint8(140 + (x+y)%60), B: 70, A: 255}
			if y < 50 {
				c = color.RGBA{R: 150, G: 200, B: 240, A: 255}
			} else if y > 130 {
				c = color.RGBA{R: 120, G: 90, B: 60, A: 255}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "fenggang.png")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const exampleUnit = "国家试验区管委会办公室"

// TestBrowser drives the workspace in a real headless Chromium, on each
// backend: a supervisor filters the register and reads a timeline; an
// official signs in by a one-time link, reports done with a photo, and the
// supervisor verifies it from the 待核销 queue; scope and CSRF hold.
func TestBrowser(t *testing.T) {
	path := chromium(t)
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			e := newEnv(t, backend, "http://127.0.0.1")
			// The official reported progress by Telegram the week before.
			zhang, err := e.db.Contact(context.Background(), "zhang-guobin")
			if err != nil {
				t.Fatal(err)
			}
			e.clock.Add(-5 * 24 * time.Hour)
			if _, err := e.srv.Workflow.Progress(context.Background(), workflow.Actor{Contact: zhang, Channel: workflow.ChannelTelegram},
				2, 60, "倾倒点土方已平整，正在补植苗木。", nil); err != nil {
				t.Fatal(err)
			}
			e.clock.Add(5 * 24 * time.Hour)
			browser := startChromium(t, path)
			sup := newPerson(t, browser, e.ts.URL)
			off := newPerson(t, browser, e.ts.URL)
			shots := *updateScreenshots && backend == storetest.Backends[0]

			if !t.Run("a supervisor signs in, filters the register to one unit's red items and reads a timeline", func(t *testing.T) {
				sup.t, off.t = t, t
				sup.do("open the register", chromedp.Navigate(sup.url+"/commitments"))
				sup.do("see the sign-in form", chromedp.WaitVisible(chromedp.ID("password")))
				sup.do("type the key and password",
					chromedp.SendKeys(chromedp.ID("key"), "ducha"),
					chromedp.SendKeys(chromedp.ID("password"), "ducha-pass-1"))
				sup.submit("sign in", "#signin")
				if got := sup.path(); got != "/commitments" {
					t.Fatalf("after sign-in at %s, want back at /commitments", got)
				}
				sup.do("filter",
					chromedp.WaitVisible(chromedp.ID("filters")),
					chromedp.SetValue(chromedp.ID("f-unit"), exampleUnit),
					chromedp.SetValue(chromedp.ID("f-light"), "red"))
				sup.submit("filter", "#f-go")
				rows := eval[[]string](sup, `[...document.querySelectorAll("#register tbody tr")].map(r => r.className + "|" + r.cells[3].innerText + "|" + r.cells[2].innerText)`)
				if len(rows) == 0 {
					t.Fatalf("no red rows of %s at %s", exampleUnit, sup.path())
				}
				for _, r := range rows {
					if !strings.HasPrefix(r, "r-red|"+exampleUnit+"|") {
						t.Errorf("row %q is not a red item of %s", r, exampleUnit)
					}
				}
				if !strings.Contains(strings.Join(rows, "\n"), "凤岗村") {
					t.Errorf("the red items lack 凤岗村: %q", rows)
				}
				sup.do("open the item", chromedp.Click(chromedp.CSS(`#register tbody tr[data-id="2"] a.title`)),
					chromedp.WaitVisible(chromedp.ID("timeline")))
				if got := sup.path(); got != "/commitments/2" {
					t.Fatalf("opened %s, want /commitments/2", got)
				}
				if tl := sup.text("#timeline"); !strings.Contains(tl, "倾倒点土方已平整") || !strings.Contains(tl, "张国斌") {
					t.Fatalf("the timeline lacks the progress report: %q", tl)
				}
				if h := sup.text("h1"); !strings.Contains(h, "凤岗村") {
					t.Fatalf("item heading %q", h)
				}
			}) {
				return
			}

			if !t.Run("an official signs in by a one-time link, reports done with a photo, and the supervisor verifies it from the queue", func(t *testing.T) {
				sup.t, off.t = t, t
				link, _, _, err := IssueSigninLink(context.Background(), e.db, e.ts.URL, "zhang-guobin")
				if err != nil {
					t.Fatal(err)
				}
				off.do("open the sign-in link", chromedp.Navigate(link), chromedp.WaitVisible(chromedp.ID("use-link")))
				off.submit("use the sign-in link", "#use-link")
				if got := off.path(); got != "/" {
					t.Fatalf("after the link at %s, want /", got)
				}
				off.do("open my item", chromedp.Click(chromedp.CSS(`a[href="/commitments/2"]`)),
					chromedp.WaitVisible(chromedp.ID("progress-form")))
				if eval[bool](off, `!!document.getElementById("act-verify")`) {
					t.Fatal("an official is offered 销号")
				}
				off.do("fill the done form",
					chromedp.SendKeys(chromedp.CSS(`#progress-form textarea[name="note"]`), "倾倒点已清理并复绿，见现场照片。"),
					chromedp.SetUploadFiles(chromedp.ID("file"), []string{sitePhoto(t)}))
				off.submit("done", "#act-done")
				if f := off.text("p.ok"); f == "" {
					t.Fatalf("no confirmation after done at %s", off.path())
				}
				if st := e.status(2); st != domain.Done {
					t.Fatalf("status %s after done, want done", st)
				}
				if w := photoWidth(off); w != 240 {
					t.Fatalf("the uploaded photo in the timeline: width %d, want 240", w)
				}

				sup.do("open the dashboard", chromedp.Navigate(sup.url+"/"), chromedp.WaitVisible(chromedp.ID("queue")))
				if shots {
					sup.screenshot("dashboard.png")
				}
				sup.do("open the item from the queue",
					chromedp.Click(chromedp.CSS(`#queue + ul.queue a[href="/commitments/2"]`)),
					chromedp.WaitVisible(chromedp.ID("act-verify")))
				if shots {
					sup.screenshot("item.png")
				}
				sup.submit("verify", "#act-verify")
				if f := sup.text("p.ok"); f == "" {
					t.Fatalf("no confirmation after verify at %s", sup.path())
				}
				if st := e.status(2); st != domain.Verified {
					t.Fatalf("status %s after verify, want verified", st)
				}
				sup.do("back to the dashboard", chromedp.Navigate(sup.url+"/"), chromedp.WaitVisible(chromedp.ID("queue")))
				if eval[bool](sup, `!!document.querySelector('#queue + ul.queue a[href="/commitments/2"]')`) {
					t.Fatal("the verified item is still in the 待核销 queue")
				}
			}) {
				return
			}

			if !t.Run("an official opening another unit's item gets the same 404 as a missing id", func(t *testing.T) {
				sup.t, off.t = t, t
				other := off.fetch(fmt.Sprintf(`fetch("/commitments/%d")`, e.otherID))
				missing := off.fetch(`fetch("/commitments/987654")`)
				if other.Status != 404 || missing.Status != 404 {
					t.Fatalf("statuses %d and %d, want 404", other.Status, missing.Status)
				}
				if other.Body != missing.Body {
					t.Fatalf("out of scope and missing differ:\n%s\n---\n%s", other.Body, missing.Body)
				}
				off.do("open it", chromedp.Navigate(fmt.Sprintf("%s/commitments/%d", off.url, e.otherID)))
				if body := off.text("main"); strings.Contains(body, "背街小巷") || !strings.Contains(body, "没有这个页面") {
					t.Fatalf("the page shows %q", body)
				}
			}) {
				return
			}

			if !t.Run("a form posted without the CSRF token changes nothing", func(t *testing.T) {
				sup.t, off.t = t, t
				before := e.status(1)
				sup.do("open an item", chromedp.Navigate(sup.url+"/commitments/1"), chromedp.WaitVisible(chromedp.ID("timeline")))
				r := sup.fetch(`fetch("/commitments/1/cancel", {method: "POST", body: new URLSearchParams({reason: "无令牌"})})`)
				if r.Status != 403 {
					t.Fatalf("status %d, want 403", r.Status)
				}
				r = off.fetch(`(() => { const f = new FormData(); f.set("done", "1"); return fetch("/commitments/1/progress", {method: "POST", body: f}); })()`)
				if r.Status != 403 {
					t.Fatalf("official's post: status %d, want 403", r.Status)
				}
				if st := e.status(1); st != before {
					t.Fatalf("status %s, was %s", st, before)
				}
				// The same request with the page's token goes through.
				r = sup.fetch(`fetch("/commitments/1/cancel", {method: "POST", body: new URLSearchParams({reason: "有令牌", csrf: document.querySelector('input[name=csrf]').value})})`)
				if r.Status != 200 || e.status(1) != domain.Cancelled {
					t.Fatalf("with the token: status %d, item %s", r.Status, e.status(1))
				}
			}) {
				return
			}
		})
	}
}
