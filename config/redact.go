package config

import (
	"maps"
	"reflect"
	"regexp"
	"strings"
)

// Redacted returns a copy of c with every secret replaced by "***": the
// token, the webhook secret and the password in the database URL. Empty
// secrets stay empty, so the copy still shows which are set. It is what
// may be logged or printed.
func (c *Config) Redacted() Config {
	r := *c
	r.Reminders.LeadDays = append([]int(nil), c.Reminders.LeadDays...)
	r.ClassificationScheme = append([]string(nil), c.ClassificationScheme...)
	r.where = maps.Clone(c.where)
	r.Channels.Email.Office = append([]string(nil), c.Channels.Email.Office...)
	r.Units = append([]Unit(nil), c.Units...)
	for i := range r.Units {
		redactStruct(reflect.ValueOf(&r.Units[i]).Elem())
	}
	for _, k := range keys() {
		if k.secret == "" {
			continue
		}
		v := k.value(&r)
		switch k.secret {
		case "url":
			v.SetString(redactURL(v.String()))
		default:
			if v.String() != "" {
				v.SetString("***")
			}
		}
	}
	return r
}

// redactStruct redacts the fields of a list item (a unit) by their
// secret tags, as Redacted does the keys.
func redactStruct(v reflect.Value) {
	for i := range v.NumField() {
		f := v.Field(i)
		switch v.Type().Field(i).Tag.Get("secret") {
		case "url":
			f.SetString(redactURL(f.String()))
		case "true":
			if f.String() != "" {
				f.SetString("***")
			}
		}
	}
}

// structSecrets returns the secret values of a list item (a unit).
func structSecrets(v reflect.Value) []string {
	var out []string
	for i := range v.NumField() {
		s := v.Field(i).String()
		switch v.Type().Field(i).Tag.Get("secret") {
		case "url":
			out = append(out, urlPassword(s))
			for _, m := range passwordParam.FindAllStringSubmatch(s, -1) {
				out = append(out, m[2])
			}
		case "true":
			out = append(out, s)
		}
	}
	return out
}

// secrets returns the secret values in c, to be scrubbed from messages.
func (c *Config) secrets() []string {
	var out []string
	for i := range c.Units {
		out = append(out, structSecrets(reflect.ValueOf(&c.Units[i]).Elem())...)
	}
	for _, k := range keys() {
		if k.secret == "" {
			continue
		}
		s := k.value(c).String()
		if k.secret == "url" {
			out = append(out, urlPassword(s))
			for _, m := range passwordParam.FindAllStringSubmatch(s, -1) {
				out = append(out, m[2])
			}
			continue
		}
		out = append(out, s)
	}
	return out
}

// scrub replaces every secret of c found in msg by "***". Messages are
// built so as not to contain secrets in the first place; this is the net
// under that rule. Secrets shorter than four characters are left alone,
// since replacing them would garble ordinary text.
func (c *Config) scrub(msg string) string {
	for _, s := range c.secrets() {
		if len(s) >= 4 && s != "***" {
			msg = strings.ReplaceAll(msg, s, "***")
		}
	}
	return msg
}

// passwordParam matches a password query parameter, which lib/pq accepts
// in place of one in the user information.
// So does a robot's webhook: WeCom's key, DingTalk's access_token (and a
// sign, should one be pasted in).
var passwordParam = regexp.MustCompile(`(?i)((?:password|key|access_token|sign)=)([^&#]*)`)

// redactURL replaces the password in a URL's user information, and the
// value of any password query parameter, by "***". It works on the text
// rather than through net/url so that a URL net/url rejects (an unescaped
// "/" or "@" in the password) is still redacted.
func redactURL(raw string) string {
	if p := urlPassword(raw); p != "" {
		i := strings.Index(raw, "://") + len("://")
		at := strings.LastIndex(raw, "@")
		colon := strings.Index(raw[i:at], ":")
		raw = raw[:i+colon+1] + "***" + raw[at:]
	}
	return passwordParam.ReplaceAllString(raw, "${1}***")
}

// urlPassword returns the password in raw's user information: what lies
// between the first ":" after "scheme://" and the last "@". The last "@"
// is taken because passwords with an unescaped "@" are common; an "@" in
// a path then over-redacts, which is the safe way to be wrong.
func urlPassword(raw string) string {
	i := strings.Index(raw, "://")
	if i < 0 {
		return ""
	}
	rest := raw[i+len("://"):]
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return ""
	}
	_, pass, ok := strings.Cut(rest[:at], ":")
	if !ok {
		return ""
	}
	return pass
}
