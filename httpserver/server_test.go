package httpserver_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"duban/domain"
	"duban/httpserver"
	"duban/metrics"
	"duban/store"
	"duban/store/storetest"
)

func get(t *testing.T, srv *httptest.Server, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestEndpoints(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.AddContact(ctx, &domain.Contact{Key: "o", Name: "承办人", ChatID: 1}); err != nil {
			t.Fatal(err)
		}
		now := time.Date(2024, 7, 1, 2, 0, 0, 0, time.UTC)
		for _, due := range []domain.Date{domain.NewDate(2024, 6, 30), domain.NewDate(2024, 7, 3), domain.NewDate(2024, 12, 31)} {
			if _, err := db.AddCommitment(ctx, store.NewCommitment{Title: "t", Owners: []string{"o"}, Due: due}); err != nil {
				t.Fatal(err)
			}
		}
		sh, _ := time.LoadLocation("Asia/Shanghai")
		m := metrics.New(db, func() (time.Time, *time.Location, int) { return now, sh, 7 })
		m.Delivered("due", "sent", 30*time.Millisecond)
		m.Delivered("due", "rate_limited", 10*time.Millisecond)
		srv := httptest.NewServer(httpserver.Handler(db, m.Registry))
		defer srv.Close()
		if code, body := get(t, srv, "/healthz"); code != 200 || body != "ok\n" {
			t.Fatalf("healthz: %d %q", code, body)
		}
		if code, _ := get(t, srv, "/readyz"); code != 200 {
			t.Fatalf("readyz on a migrated database: %d", code)
		}
		code, body := get(t, srv, "/metrics")
		if code != 200 {
			t.Fatalf("metrics: %d", code)
		}
		for _, want := range []string{`duban_commitments{light="red"} 1`, `duban_commitments{light="yellow"} 1`,
			`duban_commitments{light="green"} 1`, `duban_notifications_sent_total{kind="due"} 1`,
			`duban_notification_failures_total{failure="rate_limited",kind="due"} 1`, `duban_outbox{state="pending"} 0`,
			"duban_telegram_request_seconds_count 2"} {
			if !strings.Contains(body, want) {
				t.Errorf("metrics lack %s", want)
			}
		}
		db.Close()
		if code, _ := get(t, srv, "/readyz"); code != http.StatusServiceUnavailable {
			t.Fatalf("readyz with the database closed: %d", code)
		}
	})
}

func TestReadyzNamesEachDependencyAndWhatIsDown(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		telegramDown := true
		checks := httpserver.Checks{
			{Name: "database", Ready: db.Ready},
			{Name: "telegram", Ready: func(context.Context) error {
				if telegramDown {
					return errors.New("telegram down since 2026-12-02T09:00:00Z: connection refused")
				}
				return nil
			}},
		}
		srv := httptest.NewServer(httpserver.Handler(checks, nil))
		defer srv.Close()
		code, body := get(t, srv, "/readyz")
		if code != http.StatusServiceUnavailable || !strings.Contains(body, "database: ok\n") ||
			!strings.Contains(body, "telegram: down: telegram down since 2026-12-02T09:00:00Z: connection refused\n") {
			t.Errorf("readyz with Telegram down: %d\n%s", code, body)
		}
		telegramDown = false
		if code, body := get(t, srv, "/readyz"); code != 200 || body != "database: ok\ntelegram: ok\n" {
			t.Errorf("readyz with all up: %d\n%s", code, body)
		}
	})
}
