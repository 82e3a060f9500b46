package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"duban/store/storetest"
)

// startServe runs `duban serve` with env until the test ends and returns
// the address each server logged ("http", "web").
func startServe(t *testing.T, url string, env map[string]string, servers ...string) map[string]string {
	t.Helper()
	var logs syncBuffer
	var out bytes.Buffer
	now := time.Date(2024, 7, 11, 2, 0, 0, 0, time.UTC)
	m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &logs, Now: func() time.Time { return now },
		Getenv: func(k string) string { return env[k] }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- m.Run(ctx, []string{"--db", url, "serve"}) }()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("serve exited %d: %s", code, logs.String())
			}
		case <-time.After(15 * time.Second):
			t.Error("serve did not stop")
		}
	})
	addrs := map[string]string{}
	for _, name := range servers {
		re := regexp.MustCompile(`msg="` + name + ` listening" addr=(\S+)`)
		waitFor(t, "the "+name+" server", func() bool {
			if m := re.FindStringSubmatch(logs.String()); m != nil {
				addrs[name] = m[1]
				return true
			}
			select {
			case code := <-done:
				t.Fatalf("serve exited %d: %s", code, logs.String())
			default:
			}
			return false
		})
	}
	return addrs
}

// noRedirect is a client that shows redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestServeServesTheWebWorkspace(t *testing.T) {
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			t.Run("beside the health and metrics routes on http.listen", func(t *testing.T) {
				url := storetest.URL(t, backend)
				addr := startServe(t, url, map[string]string{"DUBAN_HTTP_LISTEN": "127.0.0.1:0",
					"DUBAN_WEB_BASE_URL": "http://duban.test"}, "http")["http"]
				if code, body := httpGet(t, "http://"+addr+"/signin"); code != http.StatusOK || !strings.Contains(body, "登录") {
					t.Errorf("/signin: %d %.300s", code, body)
				}
				if code, body := httpGet(t, "http://"+addr+"/healthz"); code != http.StatusOK || body != "ok\n" {
					t.Errorf("/healthz: %d %q", code, body)
				}
				if code, body := httpGet(t, "http://"+addr+"/readyz"); code != http.StatusOK || !strings.Contains(body, "database: ok") {
					t.Errorf("/readyz: %d %q", code, body)
				}
				if code, body := httpGet(t, "http://"+addr+"/metrics"); code != http.StatusOK || !strings.Contains(body, "duban_") {
					t.Errorf("/metrics: %d %.300s", code, body)
				}
				// Without a session the workspace sends the browser to sign in.
				resp, err := noRedirect.Get("http://" + addr + "/commitments")
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/signin") {
					t.Errorf("/commitments without a session: %d %s", resp.StatusCode, resp.Header.Get("Location"))
				}
			})
			t.Run("on its own web.listen", func(t *testing.T) {
				url := storetest.URL(t, backend)
				// An empty variable counts as unset: the file turns http.listen off.
				cfg := writeFile(t, "duban.yaml", "http:\n  listen: \"\"\nweb:\n  listen: 127.0.0.1:0\n")
				addr := startServe(t, url, map[string]string{"DUBAN_CONFIG": cfg}, "web")["web"]
				if code, body := httpGet(t, "http://"+addr+"/signin"); code != http.StatusOK || !strings.Contains(body, "登录") {
					t.Errorf("/signin: %d %.300s", code, body)
				}
				// The health routes live on http.listen only.
				resp, err := noRedirect.Get("http://" + addr + "/healthz")
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					t.Errorf("/healthz on web.listen: %d", resp.StatusCode)
				}
			})
		})
	}
}
