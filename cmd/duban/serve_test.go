package main

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"duban/store"
	"duban/store/storetest"
	"duban/telegram/telegramtest"
)

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor polls cond (a condition on what the daemon did, not on time)
// until it holds or the test's deadline comes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestServeEndToEnd(t *testing.T) {
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			const token = "123456:TEST-token-never-logged"
			fake := telegramtest.New(t, token)
			url := storetest.URL(t, backend)
			tm := newTestMain(t, url)
			tm.must("import", examplePath)

			var logs syncBuffer
			var out bytes.Buffer
			now := time.Date(2024, 7, 11, 2, 0, 0, 0, time.UTC) // 10:00 in Shanghai, 11 days after the restoration's deadline
			m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &logs, Now: func() time.Time { return now },
				Getenv: func(k string) string {
					return map[string]string{
						"DUBAN_TELEGRAM_TOKEN":               token,
						"DUBAN_TELEGRAM_API_ENDPOINT":        fake.Endpoint(),
						"DUBAN_TELEGRAM_SUPERVISION_CHAT_ID": "-100111",
						"DUBAN_HTTP_LISTEN":                  "127.0.0.1:0",
						"DUBAN_REMINDERS_CALENDAR":           "cn",
					}[k]
				}}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan int, 1)
			go func() { done <- m.Run(ctx, []string{"--db", url, "serve"}) }()

			// The first scan catches up: one overdue reminder to the owner
			// and one escalation to the supervision chat for the restoration.
			waitFor(t, "the escalation", func() bool {
				for _, s := range fake.SentTo(-100111) {
					if strings.Contains(s.Text, "凤岗村") {
						return true
					}
				}
				return false
			})
			waitFor(t, "the owner's reminder", func() bool {
				for _, s := range fake.SentTo(100001) {
					if strings.Contains(s.Text, "凤岗村") && strings.Contains(s.Text, "逾期") {
						return true
					}
				}
				return false
			})
			// The owner answers from the chat.
			fake.PushText(100001, tgbotapi.User{ID: 100001, FirstName: "张国斌"}, "/progress 2 60 覆土完成")
			db := openStore(t, url)
			waitFor(t, "the progress update", func() bool {
				c, err := db.Commitment(context.Background(), 2)
				return err == nil && c.Progress == 60
			})
			waitFor(t, "the reply", func() bool {
				for _, s := range fake.SentTo(100001) {
					if strings.Contains(s.Text, "#2") && strings.Contains(s.Text, "60%") {
						return true
					}
				}
				return false
			})
			stopped := time.Now()
			cancel()
			select {
			case code := <-done:
				if code != 0 {
					t.Fatalf("serve exited %d: %s", code, logs.String())
				}
			case <-time.After(15 * time.Second):
				t.Fatal("serve did not stop")
			}
			if took := time.Since(stopped); took > shutdownGrace+time.Second {
				t.Fatalf("serve took %v to stop", took)
			}
			if strings.Contains(logs.String(), token) || strings.Contains(logs.String(), "TEST-token") {
				t.Fatal("the token reached the logs")
			}
			// Every reminder went once: no dedup key was sent twice.
			ns, err := db.Notifications(context.Background(), store.OutboxFilter{State: store.StateSent})
			if err != nil {
				t.Fatal(err)
			}
			if len(ns) == 0 {
				t.Fatal("nothing recorded as sent")
			}
			// (The monthly report for June may reach the supervision chat
			// too, depending on timing: only escalations are counted.)
			restoration := 0
			for _, s := range fake.SentTo(-100111) {
				if strings.Contains(s.Text, "逾期督办") {
					restoration += strings.Count(s.Text, "凤岗村")
					if !strings.Contains(s.Text, "责任人：张国斌") || strings.Contains(s.Text, "zhang-guobin") {
						t.Errorf("an escalation does not name the owner 张国斌:\n%s", s.Text)
					}
				}
			}
			if restoration != 1 {
				t.Errorf("the supervision chat heard of the restoration's escalation %d times, want once", restoration)
			}
		})
	}
}
