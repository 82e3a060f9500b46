package config

import (
	"strings"
	"testing"
)

func TestRedacted(t *testing.T) {
	c := Default()
	c.Telegram.Token = "123456:ABC-secret-token"
	c.Telegram.Webhook.Secret = "hook_secret-42"
	c.Database.URL = "postgres://duban:p@ss/w0rd@db.example:5432/duban?sslmode=disable"
	r := c.Redacted()

	t.Run("the token and webhook secret become ***", func(t *testing.T) {
		if r.Telegram.Token != "***" || r.Telegram.Webhook.Secret != "***" {
			t.Errorf("token %q, secret %q", r.Telegram.Token, r.Telegram.Webhook.Secret)
		}
	})
	t.Run("only the password of the database url becomes ***", func(t *testing.T) {
		want := "postgres://duban:***@db.example:5432/duban?sslmode=disable"
		if r.Database.URL != want {
			t.Errorf("url = %q, want %q", r.Database.URL, want)
		}
	})
	t.Run("the original is untouched", func(t *testing.T) {
		if c.Telegram.Token != "123456:ABC-secret-token" || !strings.Contains(c.Database.URL, "p@ss/w0rd") {
			t.Error("Redacted changed its receiver")
		}
		r.Reminders.LeadDays[0] = 99
		if c.Reminders.LeadDays[0] != 30 {
			t.Error("the copy shares lead_days with the original")
		}
	})
	t.Run("the printed copy holds no secret", func(t *testing.T) {
		s := strings.ToLower(strings.Join([]string{r.Telegram.Token, r.Telegram.Webhook.Secret, r.Database.URL}, " "))
		for _, secret := range []string{"abc-secret-token", "hook_secret-42", "p@ss/w0rd", "w0rd"} {
			if strings.Contains(s, secret) {
				t.Errorf("%q in %q", secret, s)
			}
		}
	})
	t.Run("empty secrets stay empty", func(t *testing.T) {
		d := Default()
		r := d.Redacted()
		if r.Telegram.Token != "" || r.Telegram.Webhook.Secret != "" || r.Database.URL != "sqlite://duban.db" {
			t.Errorf("got %+v", r)
		}
	})
}

func TestRedactURL(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"a sqlite url is unchanged", "sqlite://duban.db", "sqlite://duban.db"},
		{"a url with a user and no password is unchanged", "postgres://duban@db/duban", "postgres://duban@db/duban"},
		{"a password is replaced", "postgres://u:pw@db/x", "postgres://u:***@db/x"},
		{"a password with @ and / is replaced whole", "postgresql://u:a@b/c@db:5432/x", "postgresql://u:***@db:5432/x"},
		{"a password query parameter is replaced", "postgres://db/x?user=u&password=pw&sslmode=disable", "postgres://db/x?user=u&password=***&sslmode=disable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := redactURL(tt.in); got != tt.want {
				t.Errorf("redactURL(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
