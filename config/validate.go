package config

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Validate checks every key and returns all the problems joined, one line
// each, naming the key and, when Load read it, the file and line or the
// environment variable it came from:
//
//	duban.yaml:14: reminders.send_at: want HH:MM, got "9am"
//
// No message contains a secret. When c is valid, Validate sets Location;
// call it again after changing c (for example after a --db flag).
func (c *Config) Validate() error {
	v := &validator{c: c}

	loc, err := time.LoadLocation(c.Timezone)
	switch {
	case c.Timezone == "":
		v.fail("timezone", "want an IANA time zone such as Asia/Shanghai, got \"\"")
	case err != nil:
		v.fail("timezone", "unknown time zone %q", c.Timezone)
	}
	v.oneOf("language", c.Language, "zh", "en")

	v.database()
	v.telegram()
	v.reminders()

	if len(c.ClassificationScheme) == 0 {
		v.fail("classification_scheme", "want at least one code")
	}
	seen := make(map[string]bool)
	for _, code := range c.ClassificationScheme {
		switch {
		case strings.TrimSpace(code) == "" || strings.ContainsAny(code, ", \t\n"):
			v.fail("classification_scheme", "want codes without spaces or commas, got %q", code)
		case seen[code]:
			v.fail("classification_scheme", "%q appears twice", code)
		}
		seen[code] = true
	}

	// Every key under schedule is a cron spec, so that a new job's key is
	// checked without code here.
	for _, k := range keys() {
		if strings.HasPrefix(k.path, "schedule.") {
			spec := k.value(c).String()
			if _, err := cron.ParseStandard(spec); err != nil {
				v.fail(k.path, "bad cron spec %q: %v", spec, err)
			}
		}
	}

	// A rate of 0 means unlimited: a self-hosted Bot API server has no
	// limits to respect.
	v.atLeast("delivery.rate_per_second", c.Delivery.RatePerSecond, 0)
	v.atLeast("delivery.per_chat_per_second", c.Delivery.PerChatPerSecond, 0)
	v.atLeast("delivery.per_group_per_minute", c.Delivery.PerGroupPerMinute, 0)
	v.atLeast("delivery.max_attempts", c.Delivery.MaxAttempts, 1)
	v.duration("delivery.max_backoff", c.Delivery.MaxBackoff)
	v.duration("delivery.give_up_after", c.Delivery.GiveUpAfter)
	v.atLeast("import.max_bytes", c.Import.MaxBytes, 1)

	if c.HTTP.Listen != "" {
		v.listen("http.listen", c.HTTP.Listen)
	}
	if c.Web.Listen != "" {
		v.listen("web.listen", c.Web.Listen)
	}
	if b := c.Web.BaseURL; b != "" {
		if u, err := url.Parse(b); err != nil || !isHTTPURL(b) || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			v.fail("web.base_url", "want an absolute http:// or https:// URL without query, such as \"https://duban.example.gov.cn\", got %q", redactURL(b))
		}
	}
	v.channels()
	v.oneOf("log.level", c.Log.Level, "debug", "info", "warn", "error")
	v.oneOf("log.format", c.Log.Format, "text", "json")

	if len(v.errs) > 0 {
		return errors.Join(v.errs...)
	}
	c.Location = loc
	return nil
}

func (v *validator) database() {
	raw := v.c.Database.URL
	switch v.c.Driver() {
	case "sqlite":
		if strings.TrimPrefix(raw, "sqlite://") == "" {
			v.fail("database.url", "want sqlite://PATH, got no path")
		}
	case "postgres":
		// url.Parse's error quotes the whole URL, password and all, so
		// only the fact of failure is reported.
		if u, err := url.Parse(raw); err != nil || u.Host == "" {
			v.fail("database.url", "want postgres://user:password@host:port/db, got %q", redactURL(raw))
		}
	default:
		v.fail("database.url", "want sqlite://PATH, postgres://... or postgresql://..., got %q", redactURL(raw))
	}
}

func (v *validator) telegram() {
	t := v.c.Telegram
	if strings.ContainsFunc(t.Token, isSpace) {
		v.fail("telegram.token", "contains white space")
	}
	if t.APIEndpoint != "" {
		if strings.Count(t.APIEndpoint, "%s") != 2 {
			v.fail("telegram.api_endpoint", "want a URL with two %%s (token, method) such as \"https://api.telegram.org/bot%%s/%%s\", got %q", t.APIEndpoint)
		} else if !isHTTPURL(strings.ReplaceAll(t.APIEndpoint, "%s", "x")) {
			v.fail("telegram.api_endpoint", "want an http:// or https:// URL, got %q", t.APIEndpoint)
		}
	}
	if t.Webhook.Secret != "" && !validSecretToken(t.Webhook.Secret) {
		v.fail("telegram.webhook.secret", "want 1 to 256 characters of A-Z, a-z, 0-9, _ and -")
	}
	v.oneOf("telegram.mode", t.Mode, "polling", "webhook")
	if t.Mode != "webhook" {
		return
	}
	// The mode's line is the best pointer when the key it needs is absent.
	need := func(key, value, why string) bool {
		if value != "" {
			return true
		}
		if _, ok := v.c.where[key]; !ok {
			key = "telegram.mode"
		}
		v.failAt(key, "%s", why)
		return false
	}
	need("telegram.token", t.Token, "telegram.token: required when telegram.mode is webhook")
	if need("telegram.webhook.url", t.Webhook.URL, "telegram.webhook.url: required when telegram.mode is webhook") && !isHTTPURL(t.Webhook.URL) {
		v.fail("telegram.webhook.url", "want an http:// or https:// URL, got %q", t.Webhook.URL)
	}
	need("telegram.webhook.secret", t.Webhook.Secret, "telegram.webhook.secret: required when telegram.mode is webhook")
	if need("telegram.webhook.listen", t.Webhook.Listen, "telegram.webhook.listen: required when telegram.mode is webhook") {
		v.listen("telegram.webhook.listen", t.Webhook.Listen)
	}
}

func (v *validator) reminders() {
	r := v.c.Reminders
	if _, _, ok := parseClock(r.SendAt); !ok {
		v.fail("reminders.send_at", "want HH:MM, got %q", r.SendAt)
	}
	seen := make(map[int]bool)
	for _, d := range r.LeadDays {
		switch {
		case d < 0 || d > 3650:
			v.fail("reminders.lead_days", "want days from 0 to 3650, got %d", d)
		case seen[d]:
			v.fail("reminders.lead_days", "%d appears twice", d)
		}
		seen[d] = true
	}
	v.atLeast("reminders.warn_days", r.WarnDays, 0)
	v.atLeast("reminders.overdue_every_days", r.OverdueEveryDays, 1)
	v.atLeast("reminders.escalate_after_days", r.EscalateAfterDays, 0)
	v.atLeast("reminders.progress_every_days", r.ProgressEveryDays, 0)
}

// validator collects problems with c.
type validator struct {
	c    *Config
	errs []error
}

// fail records a problem with key: "where: key: message".
func (v *validator) fail(key, format string, args ...any) {
	v.failAt(key, "%s: %s", key, fmt.Sprintf(format, args...))
}

// failAt records a message prefixed with where key's value came from.
func (v *validator) failAt(key, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if where, ok := v.c.where[key]; ok {
		msg = where + ": " + msg
	}
	v.errs = append(v.errs, errors.New(v.c.scrub(msg)))
}

func (v *validator) oneOf(key, value string, allowed ...string) {
	for _, a := range allowed {
		if value == a {
			return
		}
	}
	list := strings.Join(allowed[:len(allowed)-1], ", ") + " or " + allowed[len(allowed)-1]
	v.fail(key, "want %s, got %q", list, value)
}

func (v *validator) atLeast(key string, n, least int) {
	if n < least {
		v.fail(key, "want %d or more, got %d", least, n)
	}
}

// duration checks a positive Go duration like "10m" or "72h".
func (v *validator) duration(key, s string) {
	if d, err := time.ParseDuration(s); err != nil || d <= 0 {
		v.fail(key, "want a duration like 10m or 72h, got %q", s)
	}
}

func (v *validator) listen(key, addr string) {
	_, port, err := net.SplitHostPort(addr)
	if err == nil {
		_, err = strconv.ParseUint(port, 10, 16)
	}
	if err != nil {
		v.fail(key, "want HOST:PORT or :PORT, got %q", addr)
	}
}

// parseClock parses HH:MM (or H:MM) as an hour and a minute.
func parseClock(s string) (hour, minute int, ok bool) {
	hs, ms, found := strings.Cut(s, ":")
	if !found || len(hs) < 1 || len(hs) > 2 || len(ms) != 2 || !digits(hs) || !digits(ms) {
		return 0, 0, false
	}
	h, _ := strconv.Atoi(hs)
	m, _ := strconv.Atoi(ms)
	if h > 23 || m > 59 {
		return 0, 0, false
	}
	return h, m, true
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// validSecretToken reports whether s is acceptable to Telegram as a
// webhook secret_token.
func validSecretToken(s string) bool {
	if len(s) < 1 || len(s) > 256 {
		return false
	}
	for _, r := range s {
		ok := r == '_' || r == '-' || ('0' <= r && r <= '9') || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z')
		if !ok {
			return false
		}
	}
	return true
}

func isSpace(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' }

// channels checks e-mail and the robots (SPEC §14): addresses that parse,
// a password beside a username, webhooks that are http(s) URLs carrying
// their key (WeCom) or access_token (DingTalk), a DingTalk robot's signing
// secret, units named once. No message shows a secret: URLs are redacted.
func (v *validator) channels() {
	e := v.c.Channels.Email
	if e.Enabled() {
		if e.Port < 1 || e.Port > 65535 {
			v.fail("channels.email.port", "want 1 to 65535, got %d", e.Port)
		}
		if a, err := mail.ParseAddress(e.From); e.From == "" || err != nil || a.Address == "" {
			v.fail("channels.email.from", "want an address such as \"督办 <duban@example.gov.cn>\", got %q", e.From)
		}
		if e.Username != "" && e.Password == "" {
			v.fail("channels.email.password", "missing (channels.email.username is set)")
		}
		for i, a := range e.Office {
			if _, err := mail.ParseAddress(a); err != nil {
				v.fail("channels.email.office", "item %d: %q is not an e-mail address", i, a)
			}
		}
	}
	v.atLeast("channels.email.per_second", e.PerSecond, 0)
	v.robot("channels.wecom.webhook", v.c.Channels.WeCom.Webhook, "key")
	v.robot("channels.dingtalk.webhook", v.c.Channels.DingTalk.Webhook, "access_token")
	if v.c.Channels.DingTalk.Webhook != "" && v.c.Channels.DingTalk.Secret == "" {
		v.fail("channels.dingtalk.secret", "missing: the robot's 加签 secret (SEC...) signs every message")
	}
	seen := map[string]int{}
	for i, u := range v.c.Units {
		at := fmt.Sprintf("units[%d]", i)
		name := strings.TrimSpace(u.Name)
		if name == "" {
			v.fail(at+".name", "missing: the unit's name as contacts have it")
		} else if j, dup := seen[name]; dup {
			v.fail(at+".name", "%q is also units[%d]", name, j)
		} else {
			seen[name] = i
		}
		v.robot(at+".wecom_webhook", u.WeComWebhook, "key")
		v.robot(at+".dingtalk_webhook", u.DingTalkWebhook, "access_token")
		if u.DingTalkWebhook != "" && u.DingTalkSecret == "" {
			v.fail(at+".dingtalk_secret", "missing: the robot's 加签 secret (SEC...) signs every message")
		}
	}
}

// robot checks a webhook URL: http(s), with a host, carrying param. A unit's
// keys were recorded with their item's path, where the section decoder put
// them.
func (v *validator) robot(key, raw, param string) {
	if raw == "" {
		return
	}
	u, err := url.Parse(raw)
	if err != nil || !isHTTPURL(raw) {
		v.fail(key, "want an https:// webhook URL, got %q", redactURL(raw))
		return
	}
	if u.Query().Get(param) == "" {
		v.fail(key, "want the webhook URL with its %s=..., got %q", param, redactURL(raw))
	}
}
