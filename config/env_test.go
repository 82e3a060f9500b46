package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestEnvOverrides(t *testing.T) {
	tests := []struct {
		name, key string
		vars      map[string]string
		want      any
	}{
		{"a string is set by its variable", "telegram.token", map[string]string{"DUBAN_TELEGRAM_TOKEN": "123:abc"}, "123:abc"},
		{"a nested string is set by its variable", "telegram.webhook.secret", map[string]string{"DUBAN_TELEGRAM_WEBHOOK_SECRET": "s3cret"}, "s3cret"},
		{"the database url is set by its variable", "database.url", map[string]string{"DUBAN_DATABASE_URL": "postgres://db/duban"}, "postgres://db/duban"},
		{"an integer is set by its variable", "reminders.warn_days", map[string]string{"DUBAN_REMINDERS_WARN_DAYS": "12"}, 12},
		{"an int64 is set by its variable", "telegram.supervision_chat_id", map[string]string{"DUBAN_TELEGRAM_SUPERVISION_CHAT_ID": "-1001234567890"}, int64(-1001234567890)},
		{"a boolean is set by its variable", "reminders.working_days_only", map[string]string{"DUBAN_REMINDERS_WORKING_DAYS_ONLY": "false"}, false},
		{"a list of integers is comma-separated", "reminders.lead_days", map[string]string{"DUBAN_REMINDERS_LEAD_DAYS": "60, 14,1"}, []int{60, 14, 1}},
		{"a list of strings is comma-separated", "classification_scheme", map[string]string{"DUBAN_CLASSIFICATION_SCHEME": "A,B,C"}, []string{"A", "B", "C"}},
		{"the web base url is set by its variable", "web.base_url", map[string]string{"DUBAN_WEB_BASE_URL": "https://duban.example"}, "https://duban.example"},
		{"the web listen address is set by its variable", "web.listen", map[string]string{"DUBAN_WEB_LISTEN": ":8090"}, ":8090"},
		{"an empty variable counts as unset", "log.level", map[string]string{"DUBAN_LOG_LEVEL": ""}, "info"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load("", env(tt.vars))
			if err != nil {
				t.Fatal(err)
			}
			if got := get(t, c, tt.key); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%s = %#v, want %#v", tt.key, got, tt.want)
			}
		})
	}

	t.Run("the environment overrides the file", func(t *testing.T) {
		path := writeConfig(t, "log:\n  level: warn\n  format: json\nreminders:\n  lead_days: [5]\n")
		c, err := Load(path, env(map[string]string{"DUBAN_LOG_LEVEL": "debug", "DUBAN_REMINDERS_LEAD_DAYS": "9,8"}))
		if err != nil {
			t.Fatal(err)
		}
		if c.Log.Level != "debug" || c.Log.Format != "json" || !reflect.DeepEqual(c.Reminders.LeadDays, []int{9, 8}) {
			t.Errorf("log %+v, lead_days %v", c.Log, c.Reminders.LeadDays)
		}
	})
}

func TestEnvSecretFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	tokenFile := write("token", "123456:FROMFILE\n")
	empty := write("empty", "\n")

	t.Run("a _FILE variable reads the secret without its trailing newline", func(t *testing.T) {
		c, err := Load("", env(map[string]string{"DUBAN_TELEGRAM_TOKEN_FILE": tokenFile}))
		if err != nil {
			t.Fatal(err)
		}
		if c.Telegram.Token != "123456:FROMFILE" {
			t.Errorf("token = %q", c.Telegram.Token)
		}
	})
	t.Run("the database url and webhook secret have _FILE variables too", func(t *testing.T) {
		url := write("url", "postgres://u:pw@db/duban\r\n")
		secret := write("secret", "hook_secret")
		c, err := Load("", env(map[string]string{"DUBAN_DATABASE_URL_FILE": url, "DUBAN_TELEGRAM_WEBHOOK_SECRET_FILE": secret}))
		if err != nil {
			t.Fatal(err)
		}
		if c.Database.URL != "postgres://u:pw@db/duban" || c.Telegram.Webhook.Secret != "hook_secret" {
			t.Errorf("url %q, secret %q", c.Database.URL, c.Telegram.Webhook.Secret)
		}
	})
	t.Run("a key that is not secret has no _FILE variable", func(t *testing.T) {
		c, err := Load("", env(map[string]string{"DUBAN_LOG_LEVEL_FILE": tokenFile}))
		if err != nil {
			t.Fatal(err)
		}
		if c.Log.Level != "info" {
			t.Errorf("level = %q", c.Log.Level)
		}
	})

	errTests := []struct {
		name string
		vars map[string]string
		want string
	}{
		{"setting both a secret and its _FILE is an error", map[string]string{"DUBAN_TELEGRAM_TOKEN": "1:x", "DUBAN_TELEGRAM_TOKEN_FILE": tokenFile},
			"DUBAN_TELEGRAM_TOKEN and DUBAN_TELEGRAM_TOKEN_FILE are both set: set only one"},
		{"a missing _FILE is an error naming the variable", map[string]string{"DUBAN_TELEGRAM_TOKEN_FILE": filepath.Join(dir, "nope")},
			"DUBAN_TELEGRAM_TOKEN_FILE: open " + filepath.Join(dir, "nope") + ": no such file or directory"},
		{"an empty _FILE is an error", map[string]string{"DUBAN_TELEGRAM_TOKEN_FILE": empty},
			"DUBAN_TELEGRAM_TOKEN_FILE: " + empty + " is empty"},
	}
	for _, tt := range errTests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load("", env(tt.vars))
			if err == nil || err.Error() != tt.want {
				t.Errorf("err = %v, want %s", err, tt.want)
			}
		})
	}
}

func TestEnvErrors(t *testing.T) {
	tests := []struct {
		name string
		vars map[string]string
		want string
	}{
		{"a bad integer names the variable", map[string]string{"DUBAN_REMINDERS_WARN_DAYS": "x"},
			`DUBAN_REMINDERS_WARN_DAYS: want an integer, got "x"`},
		{"a bad int64 names the variable", map[string]string{"DUBAN_TELEGRAM_SUPERVISION_CHAT_ID": "@office"},
			`DUBAN_TELEGRAM_SUPERVISION_CHAT_ID: want an integer, got "@office"`},
		{"a bad boolean names the variable", map[string]string{"DUBAN_BOT_UNIT_SCOPE": "sometimes"},
			`DUBAN_BOT_UNIT_SCOPE: want true or false, got "sometimes"`},
		{"a bad list item names the variable", map[string]string{"DUBAN_REMINDERS_LEAD_DAYS": "30,x"},
			`DUBAN_REMINDERS_LEAD_DAYS: want a list of integers, got "30,x"`},
		{"an empty list item is an error", map[string]string{"DUBAN_CLASSIFICATION_SCHEME": "A,,B"},
			`DUBAN_CLASSIFICATION_SCHEME: want a list of strings, got "A,,B"`},
		{"a bad value from the environment is traced to its variable in validation", map[string]string{"DUBAN_REMINDERS_SEND_AT": "9am"},
			`DUBAN_REMINDERS_SEND_AT: reminders.send_at: want HH:MM, got "9am"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load("", env(tt.vars))
			if err == nil || err.Error() != tt.want {
				t.Errorf("err = %v\nwant %s", err, tt.want)
			}
		})
	}
	t.Run("every bad variable is reported", func(t *testing.T) {
		_, err := Load("", env(map[string]string{"DUBAN_REMINDERS_WARN_DAYS": "x", "DUBAN_DELIVERY_MAX_ATTEMPTS": "y"}))
		if err == nil || len(strings.Split(err.Error(), "\n")) != 2 {
			t.Errorf("err = %v", err)
		}
	})
}
