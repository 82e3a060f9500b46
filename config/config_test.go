package config

import (
	"reflect"
	"testing"
)

// specDefaults is SPEC §7, key by key.
var specDefaults = map[string]any{
	"timezone":                      "Asia/Shanghai",
	"language":                      "zh",
	"database.url":                  "sqlite://duban.db",
	"telegram.token":                "",
	"telegram.api_endpoint":         "",
	"telegram.mode":                 "polling",
	"telegram.webhook.listen":       ":8443",
	"telegram.webhook.url":          "",
	"telegram.webhook.secret":       "",
	"telegram.supervision_chat_id":  int64(0),
	"reminders.send_at":             "09:00",
	"reminders.lead_days":           []int{30, 7, 3, 1},
	"reminders.warn_days":           7,
	"reminders.overdue_every_days":  7,
	"reminders.escalate_after_days": 3,
	"reminders.progress_every_days": 30,
	"reminders.working_days_only":   true,
	"reminders.calendar":            "",
	"classification_scheme":         []string{"A1", "A2", "A3", "B1", "B2", "C1", "C2"},
	"schedule.scan":                 "*/5 * * * *",
	"schedule.digest":               "0 9 * * 1",
	"schedule.monthly_report":       "0 9 1 * *",
	"delivery.rate_per_second":      25,
	"delivery.per_chat_per_second":  1,
	"delivery.per_group_per_minute": 20,
	"delivery.max_attempts":         10,
	"delivery.max_backoff":          "10m",
	"delivery.give_up_after":        "72h",
	"bot.unit_scope":                false,
	"evidence.dir":                  "",
	"import.max_bytes":              50 << 20,
	"http.listen":                   "127.0.0.1:8080",
	"web.listen":                    "",
	"web.base_url":                  "",
	"log.level":                     "info",
	"log.format":                    "text",
	"channels.email.host":           "",
	"channels.email.port":           587,
	"channels.email.username":       "",
	"channels.email.password":       "",
	"channels.email.from":           "",
	"channels.email.starttls":       true,
	"channels.email.per_second":     5,
	"channels.email.office":         []string{},
	"channels.wecom.webhook":        "",
	"channels.wecom.secret":         "",
	"channels.dingtalk.webhook":     "",
	"channels.dingtalk.secret":      "",
	"units":                         []Unit{},
}

// get returns the value of a dotted key in c.
func get(t *testing.T, c *Config, dotted string) any {
	t.Helper()
	for _, k := range keys() {
		if k.path == dotted {
			return k.value(c).Interface()
		}
	}
	t.Fatalf("no key %q", dotted)
	return nil
}

// sameConfig fails t unless got and want hold the same keys and zone.
func sameConfig(t *testing.T, got, want Config) {
	t.Helper()
	got.where, want.where = nil, nil
	if got.Location.String() != want.Location.String() {
		t.Errorf("Location = %v, want %v", got.Location, want.Location)
	}
	got.Location, want.Location = nil, nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("config differs:\n got %+v\nwant %+v", got, want)
	}
}

func TestDefault(t *testing.T) {
	c := Default()
	for _, k := range keys() {
		t.Run("the default of "+k.path+" is the one in SPEC §7", func(t *testing.T) {
			want, ok := specDefaults[k.path]
			if !ok {
				t.Fatalf("%s is missing from specDefaults: add it (and to SPEC §7 and duban.example.yaml)", k.path)
			}
			if got := get(t, &c, k.path); !reflect.DeepEqual(got, want) {
				t.Errorf("%s = %#v, want %#v", k.path, got, want)
			}
		})
	}
	t.Run("the defaults are valid and load Asia/Shanghai", func(t *testing.T) {
		c := Default()
		if err := c.Validate(); err != nil {
			t.Fatal(err)
		}
		if c.Location.String() != "Asia/Shanghai" {
			t.Errorf("Location = %v", c.Location)
		}
		if h, m := c.SendAtClock(); h != 9 || m != 0 {
			t.Errorf("SendAtClock() = %d, %d, want 9, 0", h, m)
		}
	})
	t.Run("every key of SPEC §7 exists", func(t *testing.T) {
		have := map[string]bool{}
		for _, k := range keys() {
			have[k.path] = true
		}
		for p := range specDefaults {
			if !have[p] {
				t.Errorf("no key %s", p)
			}
		}
	})
}

func TestExampleFile(t *testing.T) {
	t.Run("duban.example.yaml loads and equals Default", func(t *testing.T) {
		c, err := Load("duban.example.yaml", nil)
		if err != nil {
			t.Fatal(err)
		}
		sameConfig(t, *c, Default())
	})
	t.Run("duban.example.yaml sets every key", func(t *testing.T) {
		c, err := Load("duban.example.yaml", nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range keys() {
			if _, ok := c.where[k.path]; !ok {
				t.Errorf("duban.example.yaml lacks %s", k.path)
			}
		}
	})
}

func TestEnvName(t *testing.T) {
	tests := []struct{ key, want string }{
		{"telegram.token", "DUBAN_TELEGRAM_TOKEN"},
		{"database.url", "DUBAN_DATABASE_URL"},
		{"reminders.lead_days", "DUBAN_REMINDERS_LEAD_DAYS"},
		{"telegram.webhook.secret", "DUBAN_TELEGRAM_WEBHOOK_SECRET"},
		{"classification_scheme", "DUBAN_CLASSIFICATION_SCHEME"},
	}
	for _, tt := range tests {
		t.Run(tt.key+" is set by "+tt.want, func(t *testing.T) {
			if got := EnvName(tt.key); got != tt.want {
				t.Errorf("EnvName(%q) = %q", tt.key, got)
			}
		})
	}
}

func TestDriverAndDSN(t *testing.T) {
	tests := []struct{ url, driver, dsn string }{
		{"sqlite://duban.db", "sqlite", "duban.db"},
		{"sqlite:///var/lib/duban/duban.db", "sqlite", "/var/lib/duban/duban.db"},
		{"postgres://u:p@db:5432/duban?sslmode=disable", "postgres", "postgres://u:p@db:5432/duban?sslmode=disable"},
		{"postgresql://db/duban", "postgres", "postgresql://db/duban"},
		{"mysql://db/duban", "", "mysql://db/duban"},
	}
	for _, tt := range tests {
		t.Run(tt.url+" opens with "+tt.driver, func(t *testing.T) {
			c := Config{Database: Database{URL: tt.url}}
			if got := c.Driver(); got != tt.driver {
				t.Errorf("Driver() = %q, want %q", got, tt.driver)
			}
			if got := c.DSN(); got != tt.dsn {
				t.Errorf("DSN() = %q, want %q", got, tt.dsn)
			}
		})
	}
}
