// Package config holds duban's configuration: a struct with defaults (SPEC
// §7), loaded from one YAML file, then overridden by DUBAN_* environment
// variables, then validated so that every problem names its key and, where
// it came from the file, its line.
//
// Secrets (the Telegram token, the webhook secret, the password in the
// database URL) are marked with a `secret` struct tag: they can be read
// from a file named by a DUBAN_*_FILE variable, Redacted replaces them, and
// no error from this package contains them.
package config

import (
	"log/slog"
	"strings"
	"time"

	// The tz database is embedded so that the default Asia/Shanghai loads
	// on hosts and containers without /usr/share/zoneinfo.
	_ "time/tzdata"
)

// Config is duban's whole configuration. The yaml tags are the keys of the
// file; the environment variable of a key is DUBAN_ followed by its dotted
// path in upper case with "_" for "." (see EnvName).
type Config struct {
	// Timezone is the IANA zone in which days, send times and cron specs
	// are reckoned.
	Timezone string `yaml:"timezone"`
	// Language is "zh" or "en", for messages and reports.
	Language string   `yaml:"language"`
	Database Database `yaml:"database"`
	Telegram Telegram `yaml:"telegram"`
	// Reminders is the reminder policy of SPEC §3.
	Reminders Reminders `yaml:"reminders"`
	// ClassificationScheme lists the source classification codes accepted,
	// in order.
	ClassificationScheme []string `yaml:"classification_scheme"`
	Schedule             Schedule `yaml:"schedule"`
	Delivery             Delivery `yaml:"delivery"`
	Bot                  Bot      `yaml:"bot"`
	Evidence             Evidence `yaml:"evidence"`
	Import               Import   `yaml:"import"`
	HTTP                 HTTP     `yaml:"http"`
	Web                  Web      `yaml:"web"`
	Log                  Log      `yaml:"log"`
	// Channels are the ways to reach people beyond Telegram (SPEC §14).
	Channels Channels `yaml:"channels"`
	// Units are the units' own robots (SPEC §14); the file only, not the
	// environment.
	Units []Unit `yaml:"units"`

	// Location is Timezone loaded; Default and a successful Validate set it.
	Location *time.Location `yaml:"-"`

	// where maps a dotted key to where its value came from ("duban.yaml:12"
	// or "DUBAN_LOG_LEVEL"), so that validation errors can point at it.
	where map[string]string
}

// Database says where duban keeps its data.
type Database struct {
	// URL is sqlite://PATH or postgres://user:pass@host:port/db?sslmode=...
	// (postgresql:// is accepted too). Only its password is secret.
	URL string `yaml:"url" secret:"url"`
}

// Telegram configures the bot. With an empty Token, messages go to the
// console notifier.
type Telegram struct {
	Token string `yaml:"token" secret:"true"`
	// APIEndpoint is the Bot API URL format with two %s (token, method);
	// empty means Telegram's. Tests point it at a local server.
	APIEndpoint string `yaml:"api_endpoint"`
	// Mode is "polling" or "webhook".
	Mode    string  `yaml:"mode"`
	Webhook Webhook `yaml:"webhook"`
	// SupervisionChatID is the supervision office's group chat; 0 means
	// none is configured.
	SupervisionChatID int64 `yaml:"supervision_chat_id"`
}

// Webhook configures Telegram's webhook mode.
type Webhook struct {
	// Listen is the address the webhook server listens on.
	Listen string `yaml:"listen"`
	// URL is the public URL Telegram posts updates to.
	URL string `yaml:"url"`
	// Secret is sent by Telegram in X-Telegram-Bot-Api-Secret-Token: 1 to
	// 256 characters of A-Z, a-z, 0-9, "_" and "-".
	Secret string `yaml:"secret" secret:"true"`
}

// Reminders is the reminder policy (SPEC §3).
type Reminders struct {
	// SendAt is the local time of day, HH:MM, at which a day's reminders
	// become due.
	SendAt string `yaml:"send_at"`
	// LeadDays are the days before the due date on which owners are
	// reminded.
	LeadDays []int `yaml:"lead_days"`
	// WarnDays is how many days before the due date a commitment turns
	// yellow.
	WarnDays int `yaml:"warn_days"`
	// OverdueEveryDays is the interval of overdue reminders.
	OverdueEveryDays int `yaml:"overdue_every_days"`
	// EscalateAfterDays is how many days overdue a commitment is escalated
	// to the supervision chat.
	EscalateAfterDays int `yaml:"escalate_after_days"`
	// ProgressEveryDays is how long an open commitment may go without a
	// progress update before its owners are asked; 0 turns checks off.
	ProgressEveryDays int `yaml:"progress_every_days"`
	// WorkingDaysOnly moves a reminder that falls on a non-working day to
	// the previous working day.
	WorkingDaysOnly bool `yaml:"working_days_only"`
	// Calendar is a file of holidays and adjusted working days; empty means
	// weekends only.
	Calendar string `yaml:"calendar"`
}

// Schedule holds robfig/cron standard specs (five fields, or descriptors
// such as @daily), run in Timezone.
type Schedule struct {
	Scan          string `yaml:"scan"`
	Digest        string `yaml:"digest"`
	MonthlyReport string `yaml:"monthly_report"`
}

// Delivery configures the outbox dispatcher. A rate of 0 means unlimited.
type Delivery struct {
	// RatePerSecond caps messages per second across all chats.
	RatePerSecond int `yaml:"rate_per_second"`
	// PerChatPerSecond caps messages per second to one chat.
	PerChatPerSecond int `yaml:"per_chat_per_second"`
	// PerGroupPerMinute caps messages per minute to one group chat.
	PerGroupPerMinute int `yaml:"per_group_per_minute"`
	// MaxAttempts bounds how often a message that fails the same
	// non-transient way (a 400 other than "chat not found") is tried.
	MaxAttempts int `yaml:"max_attempts"`
	// MaxBackoff caps the wait between retries after a transient failure
	// (5xx, network, time-out), as a Go duration ("10m").
	MaxBackoff string `yaml:"max_backoff"`
	// GiveUpAfter is how long after a message first fell due transient
	// failures may go on before it is dead ("72h").
	GiveUpAfter string `yaml:"give_up_after"`
}

// MaxBackoffDuration is MaxBackoff parsed (validated by Load).
func (d Delivery) MaxBackoffDuration() time.Duration {
	v, _ := time.ParseDuration(d.MaxBackoff)
	return v
}

// GiveUpAfterDuration is GiveUpAfter parsed (validated by Load).
func (d Delivery) GiveUpAfterDuration() time.Duration {
	v, _ := time.ParseDuration(d.GiveUpAfter)
	return v
}

// Bot configures what the bot shows.
type Bot struct {
	// UnitScope lets an owner see the commitments of their whole unit, not
	// only their own.
	UnitScope bool `yaml:"unit_scope"`
}

// Evidence configures where evidence files are kept.
type Evidence struct {
	// Dir is where files sent as evidence are downloaded from Telegram;
	// empty means only Telegram's file ids are kept.
	Dir string `yaml:"dir"`
}

// HTTP configures the server of /healthz, /readyz and /metrics.
type HTTP struct {
	// Listen is its address; empty turns the server off.
	Listen string `yaml:"listen"`
}

// Web configures the workspace in the browser (SPEC §13).
type Web struct {
	// Listen is the workspace's own address; empty serves it on
	// http.listen, beside /healthz, /readyz and /metrics.
	Listen string `yaml:"listen"`
	// BaseURL is the workspace's public address, used in the links it
	// hands out (sign-in links, action links, calendar feeds); an https URL
	// makes its cookies Secure. Empty: no links can be made.
	BaseURL string `yaml:"base_url"`
}

// Channels configures e-mail and the supervision office's group robots.
type Channels struct {
	Email Email `yaml:"email"`
	// WeCom is the office's 企业微信 group robot; DingTalk its 钉钉 one.
	WeCom    Robot `yaml:"wecom"`
	DingTalk Robot `yaml:"dingtalk"`
}

// Email configures the SMTP server duban sends through.
type Email struct {
	// Host is the SMTP server; empty turns e-mail off.
	Host string `yaml:"host"`
	// Port is 587 for STARTTLS (or 25), 465 for implicit TLS.
	Port     int    `yaml:"port"`
	Username string `yaml:"username"`
	Password string `yaml:"password" secret:"true"`
	// From is the sender, "督办 <duban@example.gov.cn>".
	From string `yaml:"from"`
	// StartTLS requires STARTTLS before authenticating (port 465 is TLS
	// from the start whatever this says).
	StartTLS bool `yaml:"starttls"`
	// PerSecond caps all e-mail together; 0 means unlimited.
	PerSecond int `yaml:"per_second"`
	// Office are the supervision office's addresses: they get a copy of
	// what the office's Telegram chat gets (escalations, 待销号, digests,
	// reports with their xlsx and png).
	Office []string `yaml:"office"`
}

// Enabled reports whether e-mail is configured.
func (e Email) Enabled() bool { return e.Host != "" }

// Robot is a group robot's webhook: WeCom's carries its key, DingTalk's its
// access_token, both secret; DingTalk's signing secret (加签, "SEC…") too.
type Robot struct {
	Webhook string `yaml:"webhook" secret:"url"`
	Secret  string `yaml:"secret" secret:"true"`
}

// Unit gives one unit its own robots: its officials who list wecom or
// dingtalk among their channels are reached there.
type Unit struct {
	Name            string `yaml:"name"`
	WeComWebhook    string `yaml:"wecom_webhook" secret:"url"`
	DingTalkWebhook string `yaml:"dingtalk_webhook" secret:"url"`
	DingTalkSecret  string `yaml:"dingtalk_secret" secret:"true"`
}

// Unit returns the robots of the unit with name.
func (c *Config) Unit(name string) (Unit, bool) {
	for _, u := range c.Units {
		if u.Name == name {
			return u, true
		}
	}
	return Unit{}, false
}

// Log configures logging.
type Log struct {
	// Level is debug, info, warn or error.
	Level string `yaml:"level"`
	// Format is text or json.
	Format string `yaml:"format"`
}

// Default returns the configuration of SPEC §7, with Location loaded.
func Default() Config {
	return Config{
		Timezone: "Asia/Shanghai",
		Language: "zh",
		Database: Database{URL: "sqlite://duban.db"},
		Telegram: Telegram{
			Mode:    "polling",
			Webhook: Webhook{Listen: ":8443"},
		},
		Reminders: Reminders{
			SendAt:            "09:00",
			LeadDays:          []int{30, 7, 3, 1},
			WarnDays:          7,
			OverdueEveryDays:  7,
			EscalateAfterDays: 3,
			ProgressEveryDays: 30,
			WorkingDaysOnly:   true,
		},
		ClassificationScheme: []string{"A1", "A2", "A3", "B1", "B2", "C1", "C2"},
		Schedule: Schedule{
			Scan:          "*/5 * * * *",
			Digest:        "0 9 * * 1",
			MonthlyReport: "0 9 1 * *",
		},
		Delivery: Delivery{
			RatePerSecond:     25,
			PerChatPerSecond:  1,
			PerGroupPerMinute: 20,
			MaxAttempts:       10,
			MaxBackoff:        "10m",
			GiveUpAfter:       "72h",
		},
		Import:   Import{MaxBytes: DefaultImportMaxBytes},
		HTTP:     HTTP{Listen: "127.0.0.1:8080"},
		Log:      Log{Level: "info", Format: "text"},
		Channels: Channels{Email: Email{Port: 587, StartTLS: true, PerSecond: 5, Office: []string{}}},
		Units:    []Unit{},
		Location: mustLoadLocation("Asia/Shanghai"),
	}
}

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // Unreachable: time/tzdata is embedded.
	}
	return loc
}

// SendAtClock returns the hour and minute of Reminders.SendAt, or 0, 0 if
// it is not a valid HH:MM (Validate reports that).
func (c *Config) SendAtClock() (hour, minute int) {
	h, m, ok := parseClock(c.Reminders.SendAt)
	if !ok {
		return 0, 0
	}
	return h, m
}

// Driver returns "sqlite" or "postgres" according to the scheme of
// Database.URL, or "" for any other scheme.
func (c *Config) Driver() string {
	u := c.Database.URL
	switch {
	case strings.HasPrefix(u, "sqlite://"):
		return "sqlite"
	case strings.HasPrefix(u, "postgres://"), strings.HasPrefix(u, "postgresql://"):
		return "postgres"
	}
	return ""
}

// DSN returns the data source name to open Database.URL with: the path
// after sqlite:// (with any ?query kept, so "sqlite://duban.db" gives
// "duban.db" and "sqlite:///var/lib/duban.db" gives "/var/lib/duban.db"),
// or the PostgreSQL URL unchanged, which lib/pq accepts as it is.
func (c *Config) DSN() string {
	if c.Driver() == "sqlite" {
		return strings.TrimPrefix(c.Database.URL, "sqlite://")
	}
	return c.Database.URL
}

// LogLevel returns Log.Level as a slog.Level, or slog.LevelInfo if it is
// not one of debug, info, warn and error.
func (c *Config) LogLevel() slog.Level {
	switch c.Log.Level {
	case "debug":
		return slog.LevelDebug
	case "warn":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	}
	return slog.LevelInfo
}
