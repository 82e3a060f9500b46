package notify_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"testing"
	"time"

	"duban/notify"
	"duban/notify/channeltest"
)

const smtpPassword = "s3cret-Pa55word!"

var mailNow = time.Date(2026, 12, 3, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

func newMailPair(t *testing.T) (*channeltest.SMTP, *notify.Email) {
	t.Helper()
	srv := channeltest.NewSMTP(t, channeltest.SMTPOptions{Username: "duban", Password: smtpPassword})
	e := notify.NewEmail(notify.EmailConfig{
		Host:      srv.Host,
		Port:      srv.Port,
		Username:  "duban",
		Password:  smtpPassword,
		From:      "督办室 <duban@example.org>",
		StartTLS:  true,
		Timeout:   10 * time.Second,
		TLSConfig: srv.TLSConfig(),
		Now:       func() time.Time { return mailNow },
	})
	return srv, e
}

// part is one leaf of a parsed message.
type part struct {
	contentType string
	params      map[string]string
	filename    string
	body        []byte
}

// parseMail reads raw with net/mail and mime/multipart and returns its
// headers and leaves, depth first.
func parseMail(t *testing.T, raw []byte) (mail.Header, []part) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("read message: %v", err)
	}
	var leaves []part
	var walk func(ct string, r io.Reader, disp string)
	walk = func(ct string, r io.Reader, disp string) {
		mt, params, err := mime.ParseMediaType(ct)
		if err != nil {
			t.Fatalf("content type %q: %v", ct, err)
		}
		if strings.HasPrefix(mt, "multipart/") {
			mr := multipart.NewReader(r, params["boundary"])
			for {
				p, err := mr.NextPart()
				if err == io.EOF {
					return
				}
				if err != nil {
					t.Fatalf("next part: %v", err)
				}
				walk(p.Header.Get("Content-Type"), decodeTransfer(t, p.Header.Get("Content-Transfer-Encoding"), p), p.Header.Get("Content-Disposition"))
			}
		}
		body, err := io.ReadAll(r)
		if err != nil {
			t.Fatalf("read part: %v", err)
		}
		lp := part{contentType: mt, params: params, body: body}
		if disp != "" {
			_, dp, err := mime.ParseMediaType(disp)
			if err != nil {
				t.Fatalf("content disposition %q: %v", disp, err)
			}
			lp.filename = dp["filename"]
		}
		leaves = append(leaves, lp)
	}
	walk(msg.Header.Get("Content-Type"), msg.Body, "")
	return msg.Header, leaves
}

// decodeTransfer undoes base64; multipart.Reader already undoes
// quoted-printable (and drops the header).
func decodeTransfer(t *testing.T, enc string, r io.Reader) io.Reader {
	t.Helper()
	if strings.EqualFold(enc, "base64") {
		return newBase64Reader(r)
	}
	return r
}

func TestEmailSendsAReminderAsTextAndHTML(t *testing.T) {
	srv, e := newMailPair(t)
	text := "<b>督办提醒</b>：#12 凤岗村复绿 &amp; 道路硬化\n" +
		"截止 2026-12-05，还剩 2 天。\n" +
		`<a href="https://duban.example.org/a/TOKEN?x=1&amp;y=2">在督办台办理</a>`
	_, err := e.Send(context.Background(), notify.Message{
		Address: "王科长 <wang@example.org>",
		Subject: "[督办] #12 凤岗村复绿 即将到期",
		Text:    text,
	})
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	mails := srv.Mails()
	if len(mails) != 1 {
		t.Fatalf("got %d mails, want 1", len(mails))
	}
	m := mails[0]
	if !m.TLS || m.AuthUser != "duban" {
		t.Errorf("TLS %v, auth user %q: want STARTTLS and AUTH as duban", m.TLS, m.AuthUser)
	}
	if m.From != "duban@example.org" || len(m.To) != 1 || m.To[0] != "wang@example.org" {
		t.Errorf("envelope from %q to %v", m.From, m.To)
	}
	h, parts := parseMail(t, m.Data)
	subject, err := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
	if err != nil || subject != "[督办] #12 凤岗村复绿 即将到期" {
		t.Errorf("subject %q (%v)", subject, err)
	}
	from, err := mail.ParseAddress(h.Get("From"))
	if err != nil || from.Name != "督办室" || from.Address != "duban@example.org" {
		t.Errorf("From %q: %+v %v", h.Get("From"), from, err)
	}
	if d, err := h.Date(); err != nil || !d.Equal(mailNow) {
		t.Errorf("Date %q: %v %v", h.Get("Date"), d, err)
	}
	if id := h.Get("Message-Id"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@example.org>") {
		t.Errorf("Message-ID %q", id)
	}
	if mt, _, _ := mime.ParseMediaType(h.Get("Content-Type")); mt != "multipart/alternative" {
		t.Errorf("Content-Type %q, want multipart/alternative", h.Get("Content-Type"))
	}
	if len(parts) != 2 {
		t.Fatalf("got %d parts, want text and html", len(parts))
	}
	plain, htm := parts[0], parts[1]
	if plain.contentType != "text/plain" || plain.params["charset"] != "UTF-8" {
		t.Errorf("first part %s %v", plain.contentType, plain.params)
	}
	wantPlain := "督办提醒：#12 凤岗村复绿 & 道路硬化\r\n截止 2026-12-05，还剩 2 天。\r\n在督办台办理 (https://duban.example.org/a/TOKEN?x=1&y=2)"
	if got := string(plain.body); got != wantPlain {
		t.Errorf("plain text:\n%q\nwant\n%q", got, wantPlain)
	}
	if htm.contentType != "text/html" || htm.params["charset"] != "UTF-8" {
		t.Errorf("second part %s %v", htm.contentType, htm.params)
	}
	for _, want := range []string{"<b>督办提醒</b>", "&amp; 道路硬化<br>", `<a href="https://duban.example.org/a/TOKEN?x=1&amp;y=2">在督办台办理</a>`} {
		if !strings.Contains(string(htm.body), want) {
			t.Errorf("html lacks %q:\n%s", want, htm.body)
		}
	}
}

func TestEmailWithoutSubjectGetsTheDefault(t *testing.T) {
	srv, e := newMailPair(t)
	if _, err := e.Send(context.Background(), notify.Message{Address: "li@example.org", Text: "hi"}); err != nil {
		t.Fatalf("send: %v", err)
	}
	h, _ := parseMail(t, srv.Mails()[0].Data)
	if s, _ := new(mime.WordDecoder).DecodeHeader(h.Get("Subject")); s != notify.DefaultSubject {
		t.Errorf("subject %q, want %q", s, notify.DefaultSubject)
	}
}

func TestEmailAttachesTheReportFiles(t *testing.T) {
	xlsx := append([]byte("PK\x03\x04"), bytes.Repeat([]byte{0, 1, 2, 250, 255}, 4000)...)
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte("IDAT\x00\xff"), 3000)...)
	tests := []struct {
		name, file, contentType string
		data                    []byte
	}{
		{"the monthly report as xlsx", "督办月报-2026-11.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx},
		{"the chart as png", "chart.png", "image/png", png},
		{"the register as csv", "台账.csv", "text/csv", []byte("编号,标题\r\n12,凤岗村复绿\r\n")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, e := newMailPair(t)
			_, err := e.Send(context.Background(), notify.Message{
				Address:    "office@example.org",
				Subject:    "[督办] 2026年11月 月报",
				Text:       "<b>2026年11月督办月报</b>，见附件。",
				Attachment: &notify.Attachment{Kind: notify.Document, Name: tt.file, Data: tt.data},
			})
			if err != nil {
				t.Fatalf("send: %v", err)
			}
			h, parts := parseMail(t, srv.Mails()[0].Data)
			if mt, _, _ := mime.ParseMediaType(h.Get("Content-Type")); mt != "multipart/mixed" {
				t.Errorf("Content-Type %q, want multipart/mixed", h.Get("Content-Type"))
			}
			if len(parts) != 3 {
				t.Fatalf("got %d parts, want text, html and the file", len(parts))
			}
			if parts[0].contentType != "text/plain" || parts[1].contentType != "text/html" {
				t.Errorf("alternatives %s, %s", parts[0].contentType, parts[1].contentType)
			}
			if got := string(parts[0].body); got != "2026年11月督办月报，见附件。" {
				t.Errorf("plain %q", got)
			}
			f := parts[2]
			if f.contentType != tt.contentType {
				t.Errorf("attachment type %q, want %q", f.contentType, tt.contentType)
			}
			if f.filename != tt.file {
				t.Errorf("attachment name %q, want %q", f.filename, tt.file)
			}
			if !bytes.Equal(f.body, tt.data) {
				t.Errorf("attachment bytes differ: %d bytes, want %d", len(f.body), len(tt.data))
			}
		})
	}
}

func TestEmailFailuresAreClassified(t *testing.T) {
	tests := []struct {
		name  string
		setup func(srv *channeltest.SMTP, c *notify.EmailConfig)
		to    string
		want  notify.Failure
	}{
		{"a greylisting 451 is temporary", func(s *channeltest.SMTP, _ *notify.EmailConfig) {
			s.RejectRecipient("grey@example.org", channeltest.TryLater)
		}, "grey@example.org", notify.Temporary},
		{"an unknown mailbox 550 makes the address unreachable", func(s *channeltest.SMTP, _ *notify.EmailConfig) {
			s.RejectRecipient("nobody@example.org", channeltest.NoSuchUser)
		}, "nobody@example.org", notify.Unreachable},
		{"a 553 mailbox name refused makes the address unreachable", func(s *channeltest.SMTP, _ *notify.EmailConfig) {
			s.RejectRecipient("bad@example.org", channeltest.Reply{Code: 553, Enhanced: "5.1.3", Text: "Bad recipient address syntax"})
		}, "bad@example.org", notify.Unreachable},
		{"relaying denied is permanent, not the address's fault", func(s *channeltest.SMTP, _ *notify.EmailConfig) {
			s.RejectRecipient("far@example.com", channeltest.RelayDenied)
		}, "far@example.com", notify.Permanent},
		{"content refused after DATA is permanent", func(s *channeltest.SMTP, _ *notify.EmailConfig) {
			s.RejectData(channeltest.Spam)
		}, "li@example.org", notify.Permanent},
		{"a wrong password is permanent", func(_ *channeltest.SMTP, c *notify.EmailConfig) {
			c.Password = smtpPassword + "-wrong"
		}, "li@example.org", notify.Permanent},
		{"an empty address is unreachable", nil, "", notify.Unreachable},
		{"a malformed address is unreachable", nil, "not an address", notify.Unreachable},
		{"an untrusted certificate is permanent", func(_ *channeltest.SMTP, c *notify.EmailConfig) {
			c.TLSConfig = nil
		}, "li@example.org", notify.Permanent},
		{"a refused connection is temporary", func(_ *channeltest.SMTP, c *notify.EmailConfig) {
			c.Port = closedPort(t)
		}, "li@example.org", notify.Temporary},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := channeltest.NewSMTP(t, channeltest.SMTPOptions{Username: "duban", Password: smtpPassword})
			c := notify.EmailConfig{
				Host: srv.Host, Port: srv.Port, Username: "duban", Password: smtpPassword,
				From: "duban@example.org", StartTLS: true, Timeout: 10 * time.Second, TLSConfig: srv.TLSConfig(),
			}
			if tt.setup != nil {
				tt.setup(srv, &c)
			}
			_, err := notify.NewEmail(c).Send(context.Background(), notify.Message{Address: tt.to, Text: "hi"})
			var se *notify.SendError
			if !errors.As(err, &se) {
				t.Fatalf("error %v, want a *SendError", err)
			}
			if se.Failure != tt.want {
				t.Errorf("failure %v, want %v (%v)", se.Failure, tt.want, err)
			}
			if strings.Contains(err.Error(), smtpPassword) || strings.Contains(err.Error(), c.Password) {
				t.Errorf("error shows the password: %v", err)
			}
			if len(srv.Mails()) != 0 {
				t.Errorf("a mail was accepted")
			}
		})
	}
}

func TestEmailRequiresStartTLSWhenConfigured(t *testing.T) {
	srv := channeltest.NewSMTP(t, channeltest.SMTPOptions{NoTLS: true})
	e := notify.NewEmail(notify.EmailConfig{Host: srv.Host, Port: srv.Port, From: "duban@example.org", StartTLS: true, Timeout: 5 * time.Second})
	_, err := e.Send(context.Background(), notify.Message{Address: "li@example.org", Text: "hi"})
	if se := notify.Classify(err); err == nil || se.Failure != notify.Permanent {
		t.Fatalf("error %v, want permanent", err)
	}
}

func TestEmailWithoutTLSOrAuthDeliversToALocalRelay(t *testing.T) {
	srv := channeltest.NewSMTP(t, channeltest.SMTPOptions{NoTLS: true})
	e := notify.NewEmail(notify.EmailConfig{Host: srv.Host, Port: srv.Port, From: "duban@example.org", Timeout: 5 * time.Second})
	if _, err := e.Send(context.Background(), notify.Message{Address: "li@example.org", Text: "hi"}); err != nil {
		t.Fatalf("send: %v", err)
	}
	if m := srv.Mails(); len(m) != 1 || m[0].TLS || m[0].AuthUser != "" {
		t.Errorf("mails %+v", m)
	}
}

func TestEmailStopsWhenTheContextEnds(t *testing.T) {
	// A listener that accepts and never greets.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	port := l.Addr().(*net.TCPAddr).Port
	e := notify.NewEmail(notify.EmailConfig{Host: "127.0.0.1", Port: port, From: "duban@example.org", Timeout: time.Minute})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := e.Send(ctx, notify.Message{Address: "li@example.org", Text: "hi"})
		done <- err
	}()
	cancel()
	select {
	case err := <-done:
		if se := notify.Classify(err); err == nil || se.Failure != notify.Temporary {
			t.Errorf("error %v, want temporary", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("send did not return after cancel")
	}
}

// closedPort is a loopback port nobody listens on.
func closedPort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, p, _ := net.SplitHostPort(l.Addr().String())
	l.Close()
	n, _ := strconv.Atoi(p)
	return n
}

func newBase64Reader(r io.Reader) io.Reader { return base64.NewDecoder(base64.StdEncoding, r) }

func TestEmailSpeaksTLSFromTheStartForSMTPS(t *testing.T) {
	srv := channeltest.NewSMTP(t, channeltest.SMTPOptions{Username: "duban", Password: smtpPassword, ImplicitTLS: true})
	e := notify.NewEmail(notify.EmailConfig{
		Host: srv.Host, Port: srv.Port, Username: "duban", Password: smtpPassword, From: "duban@example.org",
		ImplicitTLS: true, Timeout: 10 * time.Second, TLSConfig: srv.TLSConfig(),
	})
	if _, err := e.Send(context.Background(), notify.Message{Address: "li@example.org", Text: "hi"}); err != nil {
		t.Fatalf("send: %v", err)
	}
	if m := srv.Mails(); len(m) != 1 || !m[0].TLS || m[0].AuthUser != "duban" {
		t.Errorf("mails %+v", m)
	}
}

func TestEmailFoldsALongChineseSubject(t *testing.T) {
	srv, e := newMailPair(t)
	subject := "[督办] #12 " + strings.Repeat("凤岗村复绿工程", 12)
	if _, err := e.Send(context.Background(), notify.Message{Address: "li@example.org", Subject: subject, Text: "hi"}); err != nil {
		t.Fatalf("send: %v", err)
	}
	raw := srv.Mails()[0].Data
	head, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	for _, line := range strings.Split(string(head), "\r\n") {
		if (strings.HasPrefix(line, "Subject:") || strings.HasPrefix(line, " =?")) && len(line) > 78 {
			t.Errorf("header line of %d bytes: %q", len(line), line)
		}
	}
	h, _ := parseMail(t, raw)
	if got, _ := new(mime.WordDecoder).DecodeHeader(h.Get("Subject")); got != subject {
		t.Errorf("subject %q, want %q", got, subject)
	}
}

func TestEmailConfigPrintsWithoutThePassword(t *testing.T) {
	c := notify.EmailConfig{Host: "smtp.example.org", Port: 587, Username: "duban", Password: smtpPassword, From: "duban@example.org", StartTLS: true}
	for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%+v", c), fmt.Sprintf("%v", &c)} {
		if strings.Contains(s, smtpPassword) || !strings.Contains(s, "smtp.example.org") {
			t.Errorf("printed as %q", s)
		}
	}
	var b strings.Builder
	slog.New(slog.NewTextHandler(&b, nil)).Info("email", "config", c)
	if strings.Contains(b.String(), smtpPassword) {
		t.Errorf("logged as %q", b.String())
	}
}

func TestEmailHeadersCannotBeInjected(t *testing.T) {
	srv, e := newMailPair(t)
	_, err := e.Send(context.Background(), notify.Message{
		Address:    "li@example.org",
		Subject:    "#12 done\r\nBcc: victim@example.com",
		Text:       "hi",
		Attachment: &notify.Attachment{Name: "a\"b\r\nX-Evil: 1.csv", Data: []byte("x,y\r\n")},
	})
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	raw := string(srv.Mails()[0].Data)
	if strings.Contains(raw, "\r\nBcc:") || strings.Contains(raw, "\r\nX-Evil:") {
		t.Errorf("a header was injected:\n%s", raw)
	}
	h, parts := parseMail(t, srv.Mails()[0].Data)
	if got, _ := new(mime.WordDecoder).DecodeHeader(h.Get("Subject")); got != "#12 done Bcc: victim@example.com" {
		t.Errorf("subject %q", got)
	}
	if got := parts[2].filename; got != "a\"b X-Evil: 1.csv" {
		t.Errorf("file name %q", got)
	}
}
