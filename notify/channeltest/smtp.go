package channeltest

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"log"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Reply is an SMTP answer the fake gives instead of accepting: a code, an
// enhanced status code ("5.1.1") and a text.
type Reply struct {
	Code     int
	Enhanced string
	Text     string
}

// Replies real servers give.
var (
	// TryLater is a greylisting or overload answer: 451 4.7.1.
	TryLater = Reply{451, "4.7.1", "Greylisted, please try again later"}
	// NoSuchUser is the answer for an unknown mailbox: 550 5.1.1.
	NoSuchUser = Reply{550, "5.1.1", "Mailbox unavailable: no such user"}
	// RelayDenied is a policy refusal: 550 5.7.1.
	RelayDenied = Reply{550, "5.7.1", "Relaying denied"}
	// Spam is a refusal of the content after DATA: 554 5.7.1.
	Spam = Reply{554, "5.7.1", "Message rejected as spam"}
)

func (r Reply) err() *smtp.SMTPError {
	code := smtp.EnhancedCodeNotSet
	if parts := strings.Split(r.Enhanced, "."); len(parts) == 3 {
		for i, p := range parts {
			code[i], _ = strconv.Atoi(p)
		}
	}
	return &smtp.SMTPError{Code: r.Code, EnhancedCode: code, Message: r.Text}
}

// Mail is one message the fake SMTP server accepted.
type Mail struct {
	From string
	To   []string
	// Data is the message as sent, headers and body, with CRLF line ends.
	Data []byte
	// TLS says whether the connection was encrypted (STARTTLS) when the
	// message was sent; AuthUser is who authenticated ("" for nobody).
	TLS      bool
	AuthUser string
}

// SMTPOptions configure the fake SMTP server.
type SMTPOptions struct {
	// Username and Password, when set, are required: AUTH PLAIN is
	// offered only after STARTTLS, and MAIL is refused without it.
	Username, Password string
	// NoTLS turns STARTTLS off.
	NoTLS bool
	// ImplicitTLS makes the server speak TLS from the start (SMTPS, as on
	// port 465) instead of offering STARTTLS.
	ImplicitTLS bool
}

// SMTP is an in-process SMTP server (github.com/emersion/go-smtp) on a
// loopback port, with STARTTLS on a self-signed certificate and AUTH
// PLAIN.
type SMTP struct {
	// Host and Port are where it listens (127.0.0.1 and a free port).
	Host string
	Port int
	// RootCAs trusts the server's certificate.
	RootCAs *x509.CertPool

	opts   SMTPOptions
	server *smtp.Server

	mu       sync.Mutex
	mails    []Mail
	rcpt     map[string]Reply
	data     []Reply
	authFail int
}

// NewSMTP starts a fake SMTP server, closed when the test ends.
func NewSMTP(tb testing.TB, opts SMTPOptions) *SMTP {
	tb.Helper()
	s := &SMTP{opts: opts, rcpt: map[string]Reply{}}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &smtpSession{s: s, conn: c}, nil
	}))
	srv.Domain = "localhost"
	// Clients that hang up mid-conversation are what the tests are about.
	srv.ErrorLog = log.New(io.Discard, "", 0)
	srv.MaxMessageBytes = 30 << 20
	if !opts.NoTLS {
		cert, pool := selfSigned(tb)
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		s.RootCAs = pool
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("channeltest: listen: %v", err)
	}
	addr := l.Addr().(*net.TCPAddr)
	if opts.ImplicitTLS && srv.TLSConfig != nil {
		l = tls.NewListener(l, srv.TLSConfig)
	}
	s.Host, s.Port = "127.0.0.1", addr.Port
	s.server = srv
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(l)
	}()
	tb.Cleanup(func() {
		_ = srv.Close()
		// Close misses a listener Serve has not registered yet.
		_ = l.Close()
		<-done
	})
	return s
}

// TLSConfig is a client configuration that trusts the server.
func (s *SMTP) TLSConfig() *tls.Config {
	return &tls.Config{RootCAs: s.RootCAs, ServerName: s.Host, MinVersion: tls.VersionTLS12}
}

// RejectRecipient makes the server answer r to RCPT TO:<addr> from now
// on; a zero Reply accepts it again.
func (s *SMTP) RejectRecipient(addr string, r Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.Code == 0 {
		delete(s.rcpt, strings.ToLower(addr))
		return
	}
	s.rcpt[strings.ToLower(addr)] = r
}

// RejectData makes the server answer r after the next message's DATA,
// once per call.
func (s *SMTP) RejectData(r Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data = append(s.data, r)
}

// Mails returns the messages accepted so far.
func (s *SMTP) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mails...)
}

// AuthFailures is how many AUTH attempts failed.
func (s *SMTP) AuthFailures() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.authFail
}

type smtpSession struct {
	s    *SMTP
	conn *smtp.Conn
	user string
	from string
	to   []string
}

var _ smtp.AuthSession = (*smtpSession)(nil)

func (x *smtpSession) tls() bool {
	_, ok := x.conn.TLSConnectionState()
	return ok
}

// AuthMechanisms offers PLAIN. go-smtp announces AUTH only on an
// encrypted connection (AllowInsecureAuth is off).
func (x *smtpSession) AuthMechanisms() []string {
	if x.s.opts.Username == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (x *smtpSession) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != x.s.opts.Username || password != x.s.opts.Password {
			x.s.mu.Lock()
			x.s.authFail++
			x.s.mu.Unlock()
			return smtp.ErrAuthFailed
		}
		x.user = username
		return nil
	}), nil
}

func (x *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if x.s.opts.Username != "" && x.user == "" {
		return smtp.ErrAuthRequired
	}
	x.from = from
	return nil
}

func (x *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.s.mu.Lock()
	r, bad := x.s.rcpt[strings.ToLower(to)]
	x.s.mu.Unlock()
	if bad {
		return r.err()
	}
	x.to = append(x.to, to)
	return nil
}

func (x *smtpSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	if len(x.s.data) > 0 {
		rep := x.s.data[0]
		x.s.data = x.s.data[1:]
		return rep.err()
	}
	if len(x.to) == 0 {
		return errors.New("no recipients")
	}
	x.s.mails = append(x.s.mails, Mail{From: x.from, To: append([]string(nil), x.to...), Data: data, TLS: x.tls(), AuthUser: x.user})
	return nil
}

func (x *smtpSession) Reset() { x.from, x.to = "", nil }

func (x *smtpSession) Logout() error { return nil }
