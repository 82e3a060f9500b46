package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"duban/notify/channeltest"
	"duban/store"
	"duban/store/storetest"
)

// parseMail reads raw as MIME: the decoded subject and the leaves.
func parseMail(t *testing.T, raw []byte) (string, []channeltest.Part) {
	t.Helper()
	subject, parts, err := channeltest.ParseMail(raw)
	if err != nil {
		t.Fatal(err)
	}
	return subject, parts
}

// TestEmailOnlyOfficialAndTheOfficeByEmail runs the README's e-mail
// example through the real CLI on both backends: 张国斌 reached by e-mail
// only, the office's escalations on its chat (the console) and by e-mail,
// and the monthly report mailed to the office with its xlsx and png.
func TestEmailOnlyOfficialAndTheOfficeByEmail(t *testing.T) {
	for _, backend := range []string{store.SQLite, store.Postgres} {
		t.Run(backend, func(t *testing.T) {
			srv := channeltest.NewSMTP(t, channeltest.SMTPOptions{NoTLS: true})
			tm := newTestMain(t, storetest.URL(t, backend))
			tm.env["DUBAN_CHANNELS_EMAIL_HOST"] = srv.Host
			tm.env["DUBAN_CHANNELS_EMAIL_PORT"] = fmt.Sprint(srv.Port)
			tm.env["DUBAN_CHANNELS_EMAIL_STARTTLS"] = "false"
			tm.env["DUBAN_CHANNELS_EMAIL_FROM"] = "督办 <duban@example.gov.cn>"
			tm.env["DUBAN_CHANNELS_EMAIL_OFFICE"] = "ducha@example.gov.cn"
			tm.env["DUBAN_TELEGRAM_SUPERVISION_CHAT_ID"] = "-1001"
			tm.now = time.Date(2024, 4, 15, 2, 0, 0, 0, time.UTC)
			tm.must("import", examplePath)
			tm.must("contact", "edit", "zhang-guobin", "--email", "zhang@example.gov.cn", "--channels", "email")

			tm.now = time.Date(2024, 7, 8, 1, 0, 0, 0, time.UTC) // Monday 09:00 in Shanghai: 凤岗村 8 days overdue
			console := tm.must("remind", "--wait", "10s")
			var toZhang, toOffice [][]byte
			for _, m := range srv.Mails() {
				switch m.To[0] {
				case "zhang@example.gov.cn":
					toZhang = append(toZhang, m.Data)
				case "ducha@example.gov.cn":
					toOffice = append(toOffice, m.Data)
				}
			}
			if len(toZhang) != 1 {
				t.Fatalf("张国斌 got %d e-mails, want his reminders as one", len(toZhang))
			}
			subject, parts := parseMail(t, toZhang[0])
			if !strings.HasPrefix(subject, "[督办] ") {
				t.Errorf("subject %q", subject)
			}
			text := string(parts[0].Body)
			if parts[0].ContentType != "text/plain" || !strings.EqualFold(parts[0].Charset, "utf-8") {
				t.Errorf("first part %s charset %s, want text/plain UTF-8", parts[0].ContentType, parts[0].Charset)
			}
			if !strings.Contains(text, "凤岗村") || !strings.Contains(text, "此渠道不能回复命令") {
				t.Errorf("the e-mail does not name the item, or how to answer by e-mail:\n%s", text)
			}
			if strings.Contains(console, "zhang@example.gov.cn") || strings.Contains(console, "致 张国斌") {
				t.Errorf("张国斌's reminder went to the console too:\n%s", console)
			}
			if len(toOffice) == 0 || !strings.Contains(console, "-1001") {
				t.Errorf("the office got %d e-mails; console:\n%s", len(toOffice), console)
			}
			for _, raw := range toOffice {
				subject, ps := parseMail(t, raw)
				if !strings.Contains(subject, "#") {
					t.Errorf("an office e-mail's subject names no item: %q", subject)
				}
				if !strings.Contains(string(ps[0].Body), "duban show") {
					t.Errorf("an office e-mail names no command to act with:\n%s", ps[0].Body)
				}
			}

			if table := tm.must("outbox", "list"); !strings.Contains(table, "ducha@example.gov.cn") || !strings.Contains(table, "email") {
				t.Errorf("outbox list does not show the e-mail copies:\n%s", table)
			}

			// The monthly report: the text, then the xlsx and the png, each
			// attached to its e-mail.
			before := len(srv.Mails())
			tm.must("report", "--month", "2024-05", "--send")
			tm.must("remind", "--wait", "10s")
			got := map[string]channeltest.Part{}
			for _, m := range srv.Mails()[before:] {
				if m.To[0] != "ducha@example.gov.cn" {
					continue
				}
				subject, ps := parseMail(t, m.Data)
				if !strings.Contains(subject, "月报") {
					continue
				}
				for _, p := range ps {
					if p.Filename != "" {
						got[p.Filename] = p
					}
				}
			}
			x, okx := got["duban-report-2024-05.xlsx"]
			p, okp := got["duban-report-2024-05.png"]
			if !okx || !okp {
				t.Fatalf("report attachments %v, want the xlsx and the png", keys(got))
			}
			if !strings.HasPrefix(string(x.Body), "PK") || !strings.HasPrefix(string(p.Body), "\x89PNG") {
				t.Errorf("attachments are not an xlsx (%q…) and a png (%q…)", x.Body[:2], p.Body[:4])
			}
		})
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
