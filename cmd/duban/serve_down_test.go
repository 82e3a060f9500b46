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

	"duban/store"
	"duban/store/storetest"
)

func TestServeStartsWhileTelegramIsUnreachable(t *testing.T) {
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			url := storetest.URL(t, backend)
			tm := newTestMain(t, url)
			tm.must("import", examplePath)
			var logs syncBuffer
			var out bytes.Buffer
			now := time.Date(2024, 7, 11, 2, 0, 0, 0, time.UTC)
			m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &logs, Now: func() time.Time { return now },
				Getenv: func(k string) string {
					return map[string]string{
						"DUBAN_TELEGRAM_TOKEN":               "123456:TEST-token-never-logged",
						"DUBAN_TELEGRAM_API_ENDPOINT":        "http://127.0.0.1:1/bot%s/%s", // nothing listens there
						"DUBAN_TELEGRAM_SUPERVISION_CHAT_ID": "-100111",
						"DUBAN_HTTP_LISTEN":                  "127.0.0.1:0",
					}[k]
				}}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan int, 1)
			go func() { done <- m.Run(ctx, []string{"--db", url, "serve"}) }()
			defer func() {
				cancel()
				select {
				case code := <-done:
					if code != 0 {
						t.Errorf("serve exited %d: %s", code, logs.String())
					}
				case <-time.After(15 * time.Second):
					t.Error("serve did not stop")
				}
			}()

			addrRE := regexp.MustCompile(`http listening" addr=(\S+)`)
			var addr string
			waitFor(t, "the HTTP server", func() bool {
				if m := addrRE.FindStringSubmatch(logs.String()); m != nil {
					addr = m[1]
					return true
				}
				select {
				case code := <-done:
					t.Fatalf("serve exited %d without Telegram: %s", code, logs.String())
				default:
				}
				return false
			})
			resp, err := http.Get("http://" + addr + "/readyz")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "database: ok") ||
				!strings.Contains(string(body), "telegram: down") || !strings.Contains(string(body), "connection refused") {
				t.Errorf("readyz: %d\n%s", resp.StatusCode, body)
			}
			if strings.Contains(string(body)+logs.String(), "TEST-token") {
				t.Error("the token leaked")
			}
			// The scan ran: the reminders wait in the outbox, none dead.
			db := openStore(t, url)
			waitFor(t, "the first scan", func() bool {
				d, err := db.OutboxDepth(context.Background())
				return err == nil && d[store.StatePending] > 0
			})
			dead, err := db.Notifications(context.Background(), store.OutboxFilter{State: store.StateDead})
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range dead {
				// Owners with no linked chat are dead at once, as always.
				if n.LastError != "unreachable: no linked Telegram chat" {
					t.Errorf("row %s went dead while Telegram was down: %s", n.DedupKey, n.LastError)
				}
			}
		})
	}
}
