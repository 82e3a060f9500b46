package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeConfig writes text to config.yaml in a fresh directory and returns
// its path.
func writeConfig(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// env returns a getenv that reads vars.
func env(vars map[string]string) func(string) string {
	return func(name string) string { return vars[name] }
}

const fullYAML = `timezone: Europe/Paris
language: en
database:
  url: postgres://duban:pw@db:5432/duban?sslmode=disable
telegram:
  token: "123456:ABCdef"
  api_endpoint: "http://127.0.0.1:9999/bot%s/%s"
  mode: webhook
  webhook: {listen: ":9443", url: "https://duban.example/hook", secret: "s3cret_-x"}
  supervision_chat_id: -1001234567890
reminders:
  send_at: "08:30"
  lead_days: [14, 2]
  warn_days: 5
  overdue_every_days: 3
  escalate_after_days: 0
  progress_every_days: 0
  working_days_only: false
  calendar: /etc/duban/holidays.yaml
classification_scheme: [甲, 乙, 丙]
schedule:
  scan: "@every 1m"
  digest: "30 8 * * 5"
  monthly_report: "0 8 2 * *"
delivery:
  rate_per_second: 0
  per_chat_per_second: 2
  per_group_per_minute: 10
  max_attempts: 3
bot:
  unit_scope: yes
evidence:
  dir: /var/lib/duban/evidence
import:
  max_bytes: 1000
http:
  listen: ":8081"
web:
  listen: ":8082"
  base_url: https://duban.example/
log:
  level: debug
  format: json
channels:
  email: {host: smtp.example.gov.cn, port: 465, username: duban, password: "mail-Pa55", from: "督办 <duban@example.gov.cn>", starttls: false, per_second: 2, office: [ducha@example.gov.cn]}
  wecom: {webhook: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=wecom-office-key"}
  dingtalk: {webhook: "https://oapi.dingtalk.com/robot/send?access_token=ding-office-token", secret: SECoffice}
units:
  - name: 浮梁县
    wecom_webhook: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=wecom-unit-key"
  - name: 昌江区
    dingtalk_webhook: "https://oapi.dingtalk.com/robot/send?access_token=ding-unit-token"
    dingtalk_secret: SECunit
`

func TestLoadFile(t *testing.T) {
	t.Run("a full file sets every key", func(t *testing.T) {
		c, err := Load(writeConfig(t, fullYAML), nil)
		if err != nil {
			t.Fatal(err)
		}
		paris, _ := time.LoadLocation("Europe/Paris")
		want := Config{
			Timezone: "Europe/Paris",
			Language: "en",
			Database: Database{URL: "postgres://duban:pw@db:5432/duban?sslmode=disable"},
			Telegram: Telegram{
				Token:             "123456:ABCdef",
				APIEndpoint:       "http://127.0.0.1:9999/bot%s/%s",
				Mode:              "webhook",
				Webhook:           Webhook{Listen: ":9443", URL: "https://duban.example/hook", Secret: "s3cret_-x"},
				SupervisionChatID: -1001234567890,
			},
			Reminders: Reminders{
				SendAt: "08:30", LeadDays: []int{14, 2}, WarnDays: 5, OverdueEveryDays: 3,
				EscalateAfterDays: 0, ProgressEveryDays: 0, WorkingDaysOnly: false,
				Calendar: "/etc/duban/holidays.yaml",
			},
			ClassificationScheme: []string{"甲", "乙", "丙"},
			Schedule:             Schedule{Scan: "@every 1m", Digest: "30 8 * * 5", MonthlyReport: "0 8 2 * *"},
			Delivery:             Delivery{RatePerSecond: 0, PerChatPerSecond: 2, PerGroupPerMinute: 10, MaxAttempts: 3, MaxBackoff: "10m", GiveUpAfter: "72h"},
			Bot:                  Bot{UnitScope: true},
			Evidence:             Evidence{Dir: "/var/lib/duban/evidence"},
			Import:               Import{MaxBytes: 1000},
			HTTP:                 HTTP{Listen: ":8081"},
			Web:                  Web{Listen: ":8082", BaseURL: "https://duban.example/"},
			Log:                  Log{Level: "debug", Format: "json"},
			Channels: Channels{
				Email: Email{Host: "smtp.example.gov.cn", Port: 465, Username: "duban", Password: "mail-Pa55", From: "督办 <duban@example.gov.cn>",
					PerSecond: 2, Office: []string{"ducha@example.gov.cn"}},
				WeCom:    Robot{Webhook: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=wecom-office-key"},
				DingTalk: Robot{Webhook: "https://oapi.dingtalk.com/robot/send?access_token=ding-office-token", Secret: "SECoffice"},
			},
			Units: []Unit{
				{Name: "浮梁县", WeComWebhook: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=wecom-unit-key"},
				{Name: "昌江区", DingTalkWebhook: "https://oapi.dingtalk.com/robot/send?access_token=ding-unit-token", DingTalkSecret: "SECunit"},
			},
			Location: paris,
		}
		sameConfig(t, *c, want)
		if h, m := c.SendAtClock(); h != 8 || m != 30 {
			t.Errorf("SendAtClock() = %d, %d", h, m)
		}
	})
	t.Run("a file with some keys keeps the defaults of the others", func(t *testing.T) {
		c, err := Load(writeConfig(t, "reminders:\n  warn_days: 10\n"), nil)
		if err != nil {
			t.Fatal(err)
		}
		want := Default()
		want.Reminders.WarnDays = 10
		sameConfig(t, *c, want)
	})
	t.Run("an empty section keeps its defaults", func(t *testing.T) {
		c, err := Load(writeConfig(t, "reminders:\n  # nothing yet\nlog:\n"), nil)
		if err != nil {
			t.Fatal(err)
		}
		sameConfig(t, *c, Default())
	})
	t.Run("an empty file gives the defaults", func(t *testing.T) {
		c, err := Load(writeConfig(t, "# only a comment\n"), nil)
		if err != nil {
			t.Fatal(err)
		}
		sameConfig(t, *c, Default())
	})
	t.Run("no path gives the defaults", func(t *testing.T) {
		c, err := Load("", nil)
		if err != nil {
			t.Fatal(err)
		}
		sameConfig(t, *c, Default())
	})
	t.Run("an empty value of a list sets an empty list", func(t *testing.T) {
		c, err := Load(writeConfig(t, "reminders:\n  lead_days:\n"), nil)
		if err != nil {
			t.Fatal(err)
		}
		if c.Reminders.LeadDays == nil || len(c.Reminders.LeadDays) != 0 {
			t.Errorf("lead_days = %#v", c.Reminders.LeadDays)
		}
	})
	t.Run("quoted numbers and anchors are read", func(t *testing.T) {
		c, err := Load(writeConfig(t, "reminders:\n  warn_days: &w \"4\"\n  overdue_every_days: *w\n"), nil)
		if err != nil {
			t.Fatal(err)
		}
		if c.Reminders.WarnDays != 4 || c.Reminders.OverdueEveryDays != 4 {
			t.Errorf("got %+v", c.Reminders)
		}
	})
	t.Run("an unquoted 09:00 is a time", func(t *testing.T) {
		c, err := Load(writeConfig(t, "reminders:\n  send_at: 07:45\n"), nil)
		if err != nil {
			t.Fatal(err)
		}
		if c.Reminders.SendAt != "07:45" {
			t.Errorf("send_at = %q", c.Reminders.SendAt)
		}
	})
	t.Run("a missing file is an error that wraps fs.ErrNotExist", func(t *testing.T) {
		_, err := Load(filepath.Join(t.TempDir(), "none.yaml"), nil)
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("err = %v", err)
		}
	})
}

func TestLoadFileErrors(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []string // each a whole line of the error, with the file's name as config.yaml
	}{
		{
			name: "an unknown key at the top level is named with its line",
			yaml: "timezone: Asia/Shanghai\nlanguge: en\n",
			want: []string{`config.yaml:2: unknown key "languge"`},
		},
		{
			name: "an unknown nested key is named by its dotted path and line",
			yaml: "log:\n  level: info\ntelegram:\n  mode: polling\n  tokn: x\n",
			want: []string{`config.yaml:5: unknown key "telegram.tokn"`},
		},
		{
			name: "an unknown key two levels down is named by its dotted path",
			yaml: "telegram:\n  webhook:\n    secrt: x\n",
			want: []string{`config.yaml:3: unknown key "telegram.webhook.secrt"`},
		},
		{
			name: "every unknown key is reported, not only the first",
			yaml: "foo: 1\nbar: 2\n",
			want: []string{`config.yaml:1: unknown key "foo"`, `config.yaml:2: unknown key "bar"`},
		},
		{
			name: "a word where an integer belongs names the key and the value",
			yaml: "reminders:\n  warn_days: x\n",
			want: []string{`config.yaml:2: reminders.warn_days: want an integer, got "x"`},
		},
		{
			name: "a bad list item names its index",
			yaml: "reminders:\n  lead_days: [30, seven, 1]\n",
			want: []string{`config.yaml:2: reminders.lead_days[1]: want an integer, got "seven"`},
		},
		{
			name: "a single value where a list belongs is an error",
			yaml: "classification_scheme: A1\n",
			want: []string{`config.yaml:1: classification_scheme: want a list of strings, got a single value`},
		},
		{
			name: "a bad boolean is an error",
			yaml: "bot:\n  unit_scope: maybe\n",
			want: []string{`config.yaml:2: bot.unit_scope: want true or false, got "maybe"`},
		},
		{
			name: "a value where a section belongs is an error that does not quote it",
			yaml: "telegram: 123456:SECRETTOKEN\n",
			want: []string{`config.yaml:1: telegram: want a mapping of keys, got a single value`},
		},
		{
			name: "a list at the top is an error",
			yaml: "- a\n- b\n",
			want: []string{`config.yaml:1: want a mapping of keys, got a list`},
		},
		{
			name: "a key set twice is an error",
			yaml: "log:\n  level: info\n  level: debug\n",
			want: []string{`config.yaml:3: log.level: set twice (first at line 2)`},
		},
		{
			name: "bad YAML is reported with its line",
			yaml: "log:\n  level: info\n format: json\n",
			want: []string{`config.yaml:2: did not find expected key`},
		},
		{
			name: "a second document is an error",
			yaml: "log:\n  level: info\n---\nlog:\n  level: debug\n",
			want: []string{`config.yaml:3: want one YAML document, found another`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeConfig(t, tt.yaml)
			_, err := Load(path, nil)
			if err == nil {
				t.Fatal("no error")
			}
			got := strings.ReplaceAll(err.Error(), path, "config.yaml")
			if lines := strings.Split(got, "\n"); len(lines) != len(tt.want) {
				t.Errorf("got %d problems, want %d:\n%s", len(lines), len(tt.want), got)
			}
			for _, w := range tt.want {
				if !containsLine(got, w) {
					t.Errorf("error lacks the line\n%s\ngot\n%s", w, got)
				}
			}
			if strings.Contains(got, "SECRETTOKEN") {
				t.Errorf("error quotes the value: %s", got)
			}
		})
	}
}

func containsLine(text, line string) bool {
	for _, l := range strings.Split(text, "\n") {
		if l == line {
			return true
		}
	}
	return false
}

func TestChannelsConfig(t *testing.T) {
	t.Run("the full file's channels redact to nothing secret", func(t *testing.T) {
		c, err := Load(writeConfig(t, fullYAML), nil)
		if err != nil {
			t.Fatal(err)
		}
		r := c.Redacted()
		dump := fmt.Sprintf("%+v", r)
		for _, secret := range []string{"mail-Pa55", "wecom-office-key", "ding-office-token", "SECoffice", "wecom-unit-key", "ding-unit-token", "SECunit"} {
			if strings.Contains(dump, secret) {
				t.Errorf("Redacted shows %q:\n%s", secret, dump)
			}
		}
		if c.Units[0].WeComWebhook != "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=wecom-unit-key" {
			t.Errorf("Redacted changed the original: %q", c.Units[0].WeComWebhook)
		}
		if u, ok := c.Unit("昌江区"); !ok || u.DingTalkSecret != "SECunit" {
			t.Errorf("Unit(昌江区) = %+v, %v", u, ok)
		}
	})
	t.Run("the SMTP password comes from the environment or a file", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "smtp-password")
		if err := os.WriteFile(file, []byte("from-File-9\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := Load("", env(map[string]string{"DUBAN_CHANNELS_EMAIL_HOST": "127.0.0.1", "DUBAN_CHANNELS_EMAIL_FROM": "duban@example.gov.cn",
			"DUBAN_CHANNELS_EMAIL_USERNAME": "duban", "DUBAN_CHANNELS_EMAIL_PASSWORD_FILE": file, "DUBAN_CHANNELS_EMAIL_OFFICE": "a@example.gov.cn, b@example.gov.cn"}))
		if err != nil {
			t.Fatal(err)
		}
		if e := c.Channels.Email; e.Password != "from-File-9" || len(e.Office) != 2 || !e.Enabled() {
			t.Errorf("email %+v", c.Redacted().Channels.Email)
		}
	})
	t.Run("every problem is named with its line, and no secret is shown", func(t *testing.T) {
		_, err := Load(writeConfig(t, `channels:
  email:
    host: smtp.example.gov.cn
    port: 70000
    username: duban
    from: not an address
    office: [ducha@example.gov.cn, nobody]
  wecom:
    webhook: "ftp://qyapi.weixin.qq.com/send?key=leaked-key-1"
  dingtalk:
    webhook: "https://oapi.dingtalk.com/robot/send?access_token=leaked-token-2"
units:
  - name: 浮梁县
    wecom_webhook: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"
  - name: 浮梁县
    dingtalk_webhook: "https://oapi.dingtalk.com/robot/send?access_token=leaked-token-3"
  - wecom_webhook: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"
    colour: red
`), nil)
		if err == nil {
			t.Fatal("loaded a bad channels section")
		}
		msg := err.Error()
		for _, want := range []string{
			`:4: channels.email.port: want 1 to 65535, got 70000`,
			`:6: channels.email.from: want an address`,
			`channels.email.password: missing (channels.email.username is set)`,
			`:7: channels.email.office: item 1: "nobody" is not an e-mail address`,
			`:9: channels.wecom.webhook: want an https:// webhook URL, got "ftp://qyapi.weixin.qq.com/send?key=***"`,
			`channels.dingtalk.secret: missing`,
			`:14: units[0].wecom_webhook: want the webhook URL with its key=...`,
			`:15: units[1].name: "浮梁县" is also units[0]`,
			`units[1].dingtalk_secret: missing`,
			`:18: unknown key "units[2].colour"`,
		} {
			if !strings.Contains(msg, want) {
				t.Errorf("errors lack %q:\n%s", want, msg)
			}
		}
		for _, secret := range []string{"leaked-key-1", "leaked-token-2", "leaked-token-3"} {
			if strings.Contains(msg, secret) {
				t.Errorf("errors show %q:\n%s", secret, msg)
			}
		}
	})
}
