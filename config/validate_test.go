package config

import (
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(c *Config)
		want   string // the whole error; "" for valid
	}{
		{"an unknown time zone is named", func(c *Config) { c.Timezone = "Mars/Base" }, `timezone: unknown time zone "Mars/Base"`},
		{"an empty time zone is an error", func(c *Config) { c.Timezone = "" }, `timezone: want an IANA time zone such as Asia/Shanghai, got ""`},
		{"UTC is a time zone", func(c *Config) { c.Timezone = "UTC" }, ""},
		{"the language is zh or en", func(c *Config) { c.Language = "fr" }, `language: want zh or en, got "fr"`},
		{"English is a language", func(c *Config) { c.Language = "en" }, ""},

		{"a database url of another kind is an error", func(c *Config) { c.Database.URL = "mysql://db/duban" }, `database.url: want sqlite://PATH, postgres://... or postgresql://..., got "mysql://db/duban"`},
		{"a bare path is not a database url", func(c *Config) { c.Database.URL = "duban.db" }, `database.url: want sqlite://PATH, postgres://... or postgresql://..., got "duban.db"`},
		{"sqlite needs a path", func(c *Config) { c.Database.URL = "sqlite://" }, `database.url: want sqlite://PATH, got no path`},
		{"postgres needs a host", func(c *Config) { c.Database.URL = "postgres:///duban" }, `database.url: want postgres://user:password@host:port/db, got "postgres:///duban"`},
		{"postgresql:// is accepted", func(c *Config) { c.Database.URL = "postgresql://u:p@db:5432/duban?sslmode=disable" }, ""},

		{"a token with white space is an error", func(c *Config) { c.Telegram.Token = "123:abc def" }, `telegram.token: contains white space`},
		{"the api endpoint needs two %s", func(c *Config) { c.Telegram.APIEndpoint = "http://127.0.0.1:8081/bot%s" }, `telegram.api_endpoint: want a URL with two %s (token, method) such as "https://api.telegram.org/bot%s/%s", got "http://127.0.0.1:8081/bot%s"`},
		{"the api endpoint is an http url", func(c *Config) { c.Telegram.APIEndpoint = "127.0.0.1/bot%s/%s" }, `telegram.api_endpoint: want an http:// or https:// URL, got "127.0.0.1/bot%s/%s"`},
		{"a local api endpoint is fine", func(c *Config) { c.Telegram.APIEndpoint = "http://127.0.0.1:8081/bot%s/%s" }, ""},
		{"the mode is polling or webhook", func(c *Config) { c.Telegram.Mode = "push" }, `telegram.mode: want polling or webhook, got "push"`},
		{"webhook mode needs a token, url and secret", func(c *Config) { c.Telegram.Mode = "webhook" }, strings.Join([]string{
			"telegram.token: required when telegram.mode is webhook",
			"telegram.webhook.url: required when telegram.mode is webhook",
			"telegram.webhook.secret: required when telegram.mode is webhook",
		}, "\n")},
		{"webhook mode needs a listen address", func(c *Config) { webhook(c); c.Telegram.Webhook.Listen = "" }, "telegram.webhook.listen: required when telegram.mode is webhook"},
		{"a webhook listen address needs a port", func(c *Config) { webhook(c); c.Telegram.Webhook.Listen = "localhost" }, `telegram.webhook.listen: want HOST:PORT or :PORT, got "localhost"`},
		{"a webhook url is an http url", func(c *Config) { webhook(c); c.Telegram.Webhook.URL = "duban.example/hook" }, `telegram.webhook.url: want an http:// or https:// URL, got "duban.example/hook"`},
		{"a webhook secret uses Telegram's characters", func(c *Config) { webhook(c); c.Telegram.Webhook.Secret = "not allowed!" }, `telegram.webhook.secret: want 1 to 256 characters of A-Z, a-z, 0-9, _ and -`},
		{"a complete webhook configuration is valid", webhook, ""},

		{"send_at is HH:MM", func(c *Config) { c.Reminders.SendAt = "9am" }, `reminders.send_at: want HH:MM, got "9am"`},
		{"send_at has at most 23 hours", func(c *Config) { c.Reminders.SendAt = "24:00" }, `reminders.send_at: want HH:MM, got "24:00"`},
		{"send_at has at most 59 minutes", func(c *Config) { c.Reminders.SendAt = "09:60" }, `reminders.send_at: want HH:MM, got "09:60"`},
		{"send_at has no sign", func(c *Config) { c.Reminders.SendAt = "+9:00" }, `reminders.send_at: want HH:MM, got "+9:00"`},
		{"send_at may have a one-digit hour", func(c *Config) { c.Reminders.SendAt = "9:05" }, ""},
		{"lead days are not negative", func(c *Config) { c.Reminders.LeadDays = []int{7, -1} }, `reminders.lead_days: want days from 0 to 3650, got -1`},
		{"lead days are at most ten years", func(c *Config) { c.Reminders.LeadDays = []int{3651} }, `reminders.lead_days: want days from 0 to 3650, got 3651`},
		{"a lead day appears once", func(c *Config) { c.Reminders.LeadDays = []int{7, 7} }, `reminders.lead_days: 7 appears twice`},
		{"no lead days is fine", func(c *Config) { c.Reminders.LeadDays = nil }, ""},
		{"warn_days is not negative", func(c *Config) { c.Reminders.WarnDays = -1 }, `reminders.warn_days: want 0 or more, got -1`},
		{"overdue_every_days is at least 1", func(c *Config) { c.Reminders.OverdueEveryDays = 0 }, `reminders.overdue_every_days: want 1 or more, got 0`},
		{"escalate_after_days is not negative", func(c *Config) { c.Reminders.EscalateAfterDays = -3 }, `reminders.escalate_after_days: want 0 or more, got -3`},
		{"progress_every_days is not negative", func(c *Config) { c.Reminders.ProgressEveryDays = -1 }, `reminders.progress_every_days: want 0 or more, got -1`},
		{"progress_every_days 0 turns checks off", func(c *Config) { c.Reminders.ProgressEveryDays = 0 }, ""},

		{"the classification scheme is not empty", func(c *Config) { c.ClassificationScheme = nil }, `classification_scheme: want at least one code`},
		{"a classification code appears once", func(c *Config) { c.ClassificationScheme = []string{"A", "B", "A"} }, `classification_scheme: "A" appears twice`},
		{"a classification code is not blank", func(c *Config) { c.ClassificationScheme = []string{"A", " "} }, `classification_scheme: want codes without spaces or commas, got " "`},
		{"Chinese classification codes are fine", func(c *Config) { c.ClassificationScheme = []string{"甲", "乙", "丙"} }, ""},

		{"a bad cron spec is named", func(c *Config) { c.Schedule.Digest = "every monday" }, `schedule.digest: bad cron spec "every monday": expected exactly 5 fields, found 2: [every monday]`},
		{"an empty cron spec is an error", func(c *Config) { c.Schedule.Scan = "" }, `schedule.scan: bad cron spec "": empty spec string`},
		{"a cron descriptor is fine", func(c *Config) { c.Schedule.MonthlyReport = "@monthly" }, ""},

		{"a rate of 0 means unlimited", func(c *Config) { c.Delivery = Delivery{MaxAttempts: 1, MaxBackoff: "1s", GiveUpAfter: "1h"} }, ""},
		{"give_up_after is a duration", func(c *Config) { c.Delivery.GiveUpAfter = "3 days" }, `delivery.give_up_after: want a duration like 10m or 72h, got "3 days"`},
		{"a negative rate is an error", func(c *Config) { c.Delivery.RatePerSecond = -1 }, `delivery.rate_per_second: want 0 or more, got -1`},
		{"a negative per-chat rate is an error", func(c *Config) { c.Delivery.PerChatPerSecond = -1 }, `delivery.per_chat_per_second: want 0 or more, got -1`},
		{"a negative per-group rate is an error", func(c *Config) { c.Delivery.PerGroupPerMinute = -1 }, `delivery.per_group_per_minute: want 0 or more, got -1`},
		{"max_attempts is at least 1", func(c *Config) { c.Delivery.MaxAttempts = 0 }, `delivery.max_attempts: want 1 or more, got 0`},

		{"the http listen address needs a port", func(c *Config) { c.HTTP.Listen = "127.0.0.1" }, `http.listen: want HOST:PORT or :PORT, got "127.0.0.1"`},
		{"an empty http listen address turns the server off", func(c *Config) { c.HTTP.Listen = "" }, ""},
		{"the web listen address needs a port", func(c *Config) { c.Web.Listen = "localhost" }, `web.listen: want HOST:PORT or :PORT, got "localhost"`},
		{"an empty web listen address shares http.listen", func(c *Config) { c.Web.Listen = "" }, ""},
		{"a web base url is absolute", func(c *Config) { c.Web.BaseURL = "duban.example" }, `web.base_url: want an absolute http:// or https:// URL without query, such as "https://duban.example.gov.cn", got "duban.example"`},
		{"a web base url is http or https", func(c *Config) { c.Web.BaseURL = "ftp://duban.example" }, `web.base_url: want an absolute http:// or https:// URL without query, such as "https://duban.example.gov.cn", got "ftp://duban.example"`},
		{"a web base url has no query", func(c *Config) { c.Web.BaseURL = "https://duban.example/?x=1" }, `web.base_url: want an absolute http:// or https:// URL without query, such as "https://duban.example.gov.cn", got "https://duban.example/?x=1"`},
		{"a web base url carries no password, and the error hides it", func(c *Config) { c.Web.BaseURL = "https://u:pw@duban.example" }, `web.base_url: want an absolute http:// or https:// URL without query, such as "https://duban.example.gov.cn", got "https://u:***@duban.example"`},
		{"a web base url may have a path", func(c *Config) { c.Web.BaseURL = "https://gov.example/duban/" }, ""},
		{"an http web base url is fine", func(c *Config) { c.Web.BaseURL = "http://127.0.0.1:8080" }, ""},
		{"the log level is one of four", func(c *Config) { c.Log.Level = "verbose" }, `log.level: want debug, info, warn or error, got "verbose"`},
		{"the log format is text or json", func(c *Config) { c.Log.Format = "xml" }, `log.format: want text or json, got "xml"`},

		{"every problem is reported, one a line", func(c *Config) { c.Language = "fr"; c.Log.Level = "loud" }, "language: want zh or en, got \"fr\"\nlog.level: want debug, info, warn or error, got \"loud\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			tt.change(&c)
			err := c.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("unexpected error:\n%v", err)
			case tt.want != "" && err == nil:
				t.Errorf("no error, want\n%s", tt.want)
			case tt.want != "" && err.Error() != tt.want:
				t.Errorf("error\n%v\nwant\n%s", err, tt.want)
			}
		})
	}
}

// webhook sets a complete webhook configuration on c.
func webhook(c *Config) {
	c.Telegram.Mode = "webhook"
	c.Telegram.Token = "123456:ABC"
	c.Telegram.Webhook.URL = "https://duban.example/hook"
	c.Telegram.Webhook.Secret = "s3cret"
}

func TestValidateSetsLocation(t *testing.T) {
	t.Run("a valid config gets its location", func(t *testing.T) {
		c := Default()
		c.Timezone = "Europe/Berlin"
		if err := c.Validate(); err != nil {
			t.Fatal(err)
		}
		if c.Location.String() != "Europe/Berlin" {
			t.Errorf("Location = %v", c.Location)
		}
	})
	t.Run("an invalid config keeps its old location", func(t *testing.T) {
		c := Default()
		c.Timezone = "Europe/Berlin"
		c.Log.Level = "x"
		if c.Validate() == nil {
			t.Fatal("no error")
		}
		if c.Location.String() != "Asia/Shanghai" {
			t.Errorf("Location = %v", c.Location)
		}
	})
}

func TestValidateNamesTheLine(t *testing.T) {
	t.Run("a bad value from the file is named with its line", func(t *testing.T) {
		path := writeConfig(t, "timezone: Asia/Shanghai\nreminders:\n  warn_days: 3\n  send_at: 9am\n")
		_, err := Load(path, nil)
		want := path + `:4: reminders.send_at: want HH:MM, got "9am"`
		if err == nil || err.Error() != want {
			t.Errorf("err = %v\nwant %s", err, want)
		}
	})
	t.Run("a bad cron spec from the file is named with its line", func(t *testing.T) {
		path := writeConfig(t, "schedule:\n  digest: \"0 9 * *\"\n")
		_, err := Load(path, nil)
		want := path + `:2: schedule.digest: bad cron spec "0 9 * *": expected exactly 5 fields, found 4: [0 9 * *]`
		if err == nil || err.Error() != want {
			t.Errorf("err = %v\nwant %s", err, want)
		}
	})
	t.Run("a missing webhook key points at the mode's line", func(t *testing.T) {
		path := writeConfig(t, "telegram:\n  token: \"1:x\"\n  mode: webhook\n  webhook:\n    secret: abc\n")
		_, err := Load(path, nil)
		want := path + `:3: telegram.webhook.url: required when telegram.mode is webhook`
		if err == nil || err.Error() != want {
			t.Errorf("err = %v\nwant %s", err, want)
		}
	})
}

func TestSecretsStayOutOfErrors(t *testing.T) {
	const token = "123456:AAHsuperSECRETtoken"
	const password = "hunter2-pw"
	tests := []struct {
		name string
		yaml string
		vars map[string]string
	}{
		{"a token with white space is not quoted", "", map[string]string{"DUBAN_TELEGRAM_TOKEN": token + " x"}},
		{"a bad token from the environment beside other errors is not quoted", "", map[string]string{"DUBAN_TELEGRAM_TOKEN": token, "DUBAN_LOG_LEVEL": "x", "DUBAN_TELEGRAM_MODE": "webhook"}},
		{"a bad database url does not echo its password", "", map[string]string{"DUBAN_DATABASE_URL": "mysql://duban:" + password + "@db/duban"}},
		{"a malformed postgres url does not echo its password", "", map[string]string{"DUBAN_DATABASE_URL": "postgres://duban:" + password + "@db:port/duban"}},
		{"a password query parameter is not echoed", "", map[string]string{"DUBAN_DATABASE_URL": "postgres:///duban?password=" + password}},
		{"a token pasted into the api endpoint is scrubbed", "", map[string]string{"DUBAN_TELEGRAM_TOKEN": token, "DUBAN_TELEGRAM_API_ENDPOINT": "https://api.telegram.org/bot" + token}},
		{"a token pasted into another key is scrubbed", "telegram:\n  token: \"" + token + "\"\nlog:\n  level: \"" + token + "\"\n", nil},
		{"a token written where a section belongs is not quoted", "telegram: \"" + token + "\"\n", nil},
		{"a webhook secret that Telegram would refuse is not quoted", "", map[string]string{"DUBAN_TELEGRAM_WEBHOOK_SECRET": "bad secret " + password}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ""
			if tt.yaml != "" {
				path = writeConfig(t, tt.yaml)
			}
			_, err := Load(path, env(tt.vars))
			if err == nil {
				t.Fatal("no error")
			}
			t.Log(err)
			for _, secret := range []string{"AAHsuperSECRETtoken", password} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error contains a secret:\n%v", err)
				}
			}
		})
	}
}
