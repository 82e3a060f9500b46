package notify

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"time"
)

// DefaultSubject is the subject of an e-mail whose Message has none.
const DefaultSubject = "[督办] 提醒"

// EmailConfig is how to reach the SMTP server (SPEC §14, channels.email).
type EmailConfig struct {
	Host string
	// Port is the SMTP port: 587 (submission, with StartTLS), 25, or 465
	// (SMTPS, see ImplicitTLS).
	Port     int
	Username string
	// Password is used with AUTH PLAIN when Username is set. It never
	// appears in errors.
	Password string
	// From is the sender, "督办室 <duban@example.org>" or a bare address.
	From string
	// StartTLS upgrades the connection with STARTTLS before
	// authenticating; a server that does not offer it is an error.
	StartTLS bool
	// ImplicitTLS speaks TLS from the start of the connection (SMTPS), as
	// many providers want on port 465; NewEmail sets it for port 465.
	// StartTLS is then not needed.
	ImplicitTLS bool
	// Timeout bounds one send, connection included (default 30 s).
	Timeout time.Duration
	// TLSConfig, when set, is used for STARTTLS and SMTPS instead of the
	// system's roots (tests pass their server's certificate pool). Its
	// ServerName defaults to Host.
	TLSConfig *tls.Config
	// Now is the clock for the Date header (default time.Now).
	Now func() time.Time
}

// String shows c without its password, should it be printed or logged.
func (c EmailConfig) String() string {
	pw := ""
	if c.Password != "" {
		pw = "***"
	}
	return fmt.Sprintf("smtp host=%s port=%d username=%q password=%s from=%q starttls=%t implicit_tls=%t",
		c.Host, c.Port, c.Username, pw, c.From, c.StartTLS, c.ImplicitTLS)
}

// LogValue is String for log/slog.
func (c EmailConfig) LogValue() slog.Value { return slog.StringValue(c.String()) }

// Email sends messages as e-mail over SMTP: a multipart/alternative of
// plain text and HTML, in a multipart/mixed with the attachment when there
// is one.
type Email struct {
	c EmailConfig
}

var _ Notifier = (*Email)(nil)

// NewEmail returns an Email notifier for c.
func NewEmail(c EmailConfig) *Email {
	if c.Timeout <= 0 {
		c.Timeout = 30 * time.Second
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Port == 465 {
		c.ImplicitTLS = true
	}
	return &Email{c: c}
}

// Send mails m to m.Address. An empty or malformed address, and a mailbox
// the server refuses (550, 551, 553 to RCPT), are Unreachable; other 5xx
// answers are Permanent; 4xx answers, network errors and time-outs are
// Temporary. The password never appears in the error.
func (e *Email) Send(ctx context.Context, m Message) (Result, error) {
	if strings.TrimSpace(m.Address) == "" {
		return Result{}, &SendError{Failure: Unreachable, Err: errors.New("email: no address")}
	}
	to, err := mail.ParseAddress(m.Address)
	if err != nil {
		return Result{}, &SendError{Failure: Unreachable, Err: fmt.Errorf("email: bad address %q: %w", m.Address, err)}
	}
	from, err := mail.ParseAddress(e.c.From)
	if err != nil {
		return Result{}, &SendError{Failure: Permanent, Err: fmt.Errorf("email: bad channels.email.from %q: %w", e.c.From, err)}
	}
	data, err := buildMail(mailParts{
		From:    from,
		To:      to,
		Subject: m.Subject,
		Text:    m.Text,
		Date:    e.c.Now(),
		Attach:  m.Attachment,
	})
	if err != nil {
		return Result{}, &SendError{Failure: Permanent, Err: fmt.Errorf("email: build: %w", err)}
	}
	if err := e.deliver(ctx, from.Address, to.Address, data); err != nil {
		return Result{}, e.classify(err)
	}
	return Result{}, nil
}

// smtpStep says at which step of the SMTP conversation an error came.
type smtpStep string

const (
	stepConnect  smtpStep = "connect"
	stepStartTLS smtpStep = "starttls"
	stepAuth     smtpStep = "auth"
	stepMail     smtpStep = "mail from"
	stepRcpt     smtpStep = "rcpt to"
	stepData     smtpStep = "data"
)

type smtpStepError struct {
	step smtpStep
	err  error
}

func (e *smtpStepError) Error() string { return fmt.Sprintf("email: %s: %v", e.step, e.err) }
func (e *smtpStepError) Unwrap() error { return e.err }

func at(step smtpStep, err error) error {
	if err == nil {
		return nil
	}
	return &smtpStepError{step: step, err: err}
}

// errNoStartTLS is a configuration problem: starttls is set and the
// server does not offer it.
var errNoStartTLS = errors.New("server does not offer STARTTLS")

// deliver runs one SMTP conversation. net/smtp knows no context: the
// connection gets a deadline from the context and Timeout, and is closed
// when the context ends.
func (e *Email) deliver(ctx context.Context, from, to string, data []byte) error {
	deadline := time.Now().Add(e.c.Timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	addr := net.JoinHostPort(e.c.Host, strconv.Itoa(e.c.Port))
	dialer := &net.Dialer{Deadline: deadline}
	conn, err := dialer.DialContext(ctx, "tcp", addr)
	if err != nil {
		return at(stepConnect, err)
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	if err := conn.SetDeadline(deadline); err != nil {
		return at(stepConnect, err)
	}
	if e.c.ImplicitTLS {
		tc := tls.Client(conn, e.tlsConfig())
		if err := tc.HandshakeContext(ctx); err != nil {
			return at(stepConnect, err)
		}
		conn = tc
	}
	c, err := smtp.NewClient(conn, e.c.Host)
	if err != nil {
		return at(stepConnect, err)
	}
	defer c.Close()
	if e.c.StartTLS && !e.c.ImplicitTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return at(stepStartTLS, errNoStartTLS)
		}
		if err := c.StartTLS(e.tlsConfig()); err != nil {
			return at(stepStartTLS, err)
		}
	}
	if e.c.Username != "" {
		// PlainAuth refuses to send the password over a connection that
		// is neither TLS nor to localhost.
		if err := c.Auth(smtp.PlainAuth("", e.c.Username, e.c.Password, e.c.Host)); err != nil {
			return at(stepAuth, err)
		}
	}
	if err := c.Mail(from); err != nil {
		return at(stepMail, err)
	}
	if err := c.Rcpt(to); err != nil {
		return at(stepRcpt, err)
	}
	w, err := c.Data()
	if err != nil {
		return at(stepData, err)
	}
	if _, err := w.Write(data); err != nil {
		return at(stepData, err)
	}
	if err := w.Close(); err != nil {
		return at(stepData, err)
	}
	// The message is accepted; a failed QUIT does not change that.
	_ = c.Quit()
	return nil
}

func (e *Email) tlsConfig() *tls.Config {
	var cfg *tls.Config
	if e.c.TLSConfig != nil {
		cfg = e.c.TLSConfig.Clone()
	} else {
		cfg = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if cfg.ServerName == "" {
		cfg.ServerName = e.c.Host
	}
	return cfg
}

// classify turns an SMTP conversation's error into a *SendError without
// the password in it.
func (e *Email) classify(err error) *SendError {
	safe := redactSecrets(err, e.secrets()...)
	se := &SendError{Failure: Temporary, Err: safe}
	var step smtpStep
	if s := (*smtpStepError)(nil); errors.As(err, &s) {
		step = s.step
	}
	var tp *textproto.Error
	var certErr *tls.CertificateVerificationError
	var hostErr x509.HostnameError
	var authErr x509.UnknownAuthorityError
	switch {
	case errors.As(err, &tp):
		switch {
		case tp.Code >= 400 && tp.Code < 500:
			se.Failure = Temporary
		case tp.Code >= 500 && step == stepRcpt && mailboxRefused(tp):
			se.Failure = Unreachable
		case tp.Code >= 500:
			se.Failure = Permanent
		}
	case errors.Is(err, errNoStartTLS),
		errors.As(err, &certErr), errors.As(err, &hostErr), errors.As(err, &authErr):
		// The server's certificate or features do not match the
		// configuration: retrying will not help until someone fixes it.
		se.Failure = Permanent
	case step == stepAuth:
		// net/smtp's own refusals: no AUTH offered, unencrypted
		// connection, wrong host name. Network errors during AUTH are
		// net.Errors.
		var ne net.Error
		if !errors.As(err, &ne) {
			se.Failure = Permanent
		}
	}
	return se
}

// mailboxRefused reports whether a 5xx answer to RCPT is about the mailbox
// (user unknown, not local, mailbox name not allowed) rather than about us:
// 550, 551 and 553, unless the enhanced status code says it is a policy
// refusal (5.7.x, relaying denied), which is our configuration's fault.
func mailboxRefused(e *textproto.Error) bool {
	switch e.Code {
	case 550, 551, 553:
	default:
		return false
	}
	return !strings.HasPrefix(strings.TrimSpace(e.Msg), "5.7.")
}

// secrets are the strings that must not appear in errors: the password,
// and the AUTH PLAIN response that carries it, should a server echo it.
func (e *Email) secrets() []string {
	if e.c.Password == "" {
		return nil
	}
	plain := base64.StdEncoding.EncodeToString([]byte("\x00" + e.c.Username + "\x00" + e.c.Password))
	return []string{e.c.Password, plain}
}
