package bot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"duban/store"
	"duban/store/storetest"
	"duban/telegram"
)

const webhookSecret = "wh-Secret_0123456789"

func TestWebhook(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		x := newHarness(t, db)
		ct, _ := db.Contact(ctx, "zhang")
		db.SetContactChat(ctx, ct.ID, zhangUser, zhangUser)

		if _, err := telegram.NewWebhook(telegram.WebhookConfig{Handler: x.h, DB: db, Telegram: x.tg}); err == nil {
			t.Error("a webhook without a secret was accepted")
		}
		var wh *telegram.Webhook
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { wh.ServeHTTP(w, r) }))
		defer srv.Close()
		wh, err := telegram.NewWebhook(telegram.WebhookConfig{Handler: x.h, DB: db, Telegram: x.tg, URL: srv.URL + "/tg", Secret: webhookSecret})
		if err != nil {
			t.Fatal(err)
		}
		if err := wh.Register(ctx); err != nil {
			t.Fatal(err)
		}
		if got := x.srv.Webhook(); got.URL != srv.URL+"/tg" || got.SecretToken != webhookSecret || len(got.AllowedUpdates) != 3 {
			t.Fatalf("webhook set to %+v", got)
		}
		if len(x.srv.Commands("zh")) == 0 {
			t.Error("command menu not set")
		}

		update := func(id int, text string) []byte {
			b, _ := json.Marshal(tgbotapi.Update{UpdateID: id, Message: &tgbotapi.Message{MessageID: id,
				From: &tgbotapi.User{ID: zhangUser}, Chat: &tgbotapi.Chat{ID: zhangUser, Type: "private"}, Text: text}})
			return b
		}
		post := func(method string, secret *string, body []byte) int {
			req, _ := http.NewRequest(method, srv.URL+"/tg", bytes.NewReader(body))
			if secret != nil {
				req.Header.Set(telegram.SecretHeader, *secret)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		wrong, right, prefix := "wh-Secret_0123456780", webhookSecret, webhookSecret[:5]
		for _, tc := range []struct {
			name   string
			method string
			secret *string
			body   []byte
			want   int
		}{
			{"no secret", http.MethodPost, nil, update(501, "/progress 1 70"), http.StatusUnauthorized},
			{"a wrong secret", http.MethodPost, &wrong, update(502, "/progress 1 70"), http.StatusUnauthorized},
			{"a prefix of the secret", http.MethodPost, &prefix, update(503, "/progress 1 70"), http.StatusUnauthorized},
			{"a GET", http.MethodGet, &right, nil, http.StatusMethodNotAllowed},
			{"a body that is not an update", http.MethodPost, &right, []byte("{not json"), http.StatusBadRequest},
			{"a body over 1 MiB", http.MethodPost, &right, append(update(504, "/progress 1 70")[:1], bytes.Repeat([]byte(" "), 2<<20)...), http.StatusRequestEntityTooLarge},
		} {
			t.Run(tc.name+" is refused and changes nothing", func(t *testing.T) {
				before, sent := snapshot(t, db), len(x.srv.Sent())
				if got := post(tc.method, tc.secret, tc.body); got != tc.want {
					t.Errorf("status %d, want %d", got, tc.want)
				}
				if snapshot(t, db) != before || len(x.srv.Sent()) != sent {
					t.Error("a refused request changed something")
				}
			})
		}
		t.Run("the right secret is handled, once", func(t *testing.T) {
			for range 2 { // Telegram retries when it gets no answer
				if got := post(http.MethodPost, &right, update(600, "/progress 1 70 webhook")); got != http.StatusOK {
					t.Fatalf("status %d", got)
				}
			}
			if c := x.commitment(1); c.Progress != 70 {
				t.Errorf("progress %d", c.Progress)
			}
			if n := progressRows(t, db); n != 1 {
				t.Errorf("progress rows %d, want 1", n)
			}
			if got := x.srv.SentTo(zhangUser); len(got) != 1 || !strings.Contains(got[0].Text, "70%") {
				t.Errorf("replies %+v", got)
			}
		})
		t.Run("a delivery from the fake Telegram carries the secret", func(t *testing.T) {
			code, err := x.srv.DeliverWebhook(ctx, tgbotapi.Update{Message: &tgbotapi.Message{MessageID: 9,
				From: &tgbotapi.User{ID: zhangUser}, Chat: &tgbotapi.Chat{ID: zhangUser, Type: "private"}, Text: "/done 1"}})
			if err != nil || code != http.StatusOK {
				t.Fatalf("status %d, %v", code, err)
			}
			if c := x.commitment(1); c.Status != "done" {
				t.Errorf("status %s", c.Status)
			}
		})
	})
}
