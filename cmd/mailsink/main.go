// Command mailsink is an SMTP server for trying duban's e-mail channel on
// one machine: it accepts every message on a loopback port (no TLS, no
// authentication) and prints who it is from and to, its subject, its text
// and the names of its attachments. It keeps nothing.
//
//	go run ./cmd/mailsink -listen 127.0.0.1:2525
//
// and in duban's configuration: channels.email.host 127.0.0.1, port 2525,
// starttls false.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"os"
	"strings"
	"sync"

	"github.com/emersion/go-smtp"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:2525", "address to listen on")
	flag.Parse()
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{}, nil }))
	srv.Addr, srv.Domain = *listen, "localhost"
	srv.MaxMessageBytes = 50 << 20
	log.Printf("mailsink: listening on %s (SMTP, no TLS, no auth); Ctrl-C stops", *listen)
	if err := srv.ListenAndServe(); err != nil {
		log.Fatal(err)
	}
}

var out sync.Mutex

type session struct {
	from string
	to   []string
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error { s.from = from; return nil }
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error   { s.to = append(s.to, to); return nil }
func (s *session) Reset()                                      { s.from, s.to = "", nil }
func (s *session) Logout() error                               { return nil }

func (s *session) Data(r io.Reader) error {
	msg, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	var b strings.Builder
	fmt.Fprintf(&b, "──── mail from %s to %s\nSubject: %s\n", s.from, strings.Join(s.to, ", "), subject)
	if err := walk(&b, textproto.MIMEHeader(msg.Header), msg.Body); err != nil {
		fmt.Fprintf(&b, "(could not read the body: %v)\n", err)
	}
	out.Lock()
	defer out.Unlock()
	_, err = io.WriteString(os.Stdout, b.String()+"\n")
	return err
}

// walk prints the text/plain parts and names the attachments.
func walk(b *strings.Builder, h textproto.MIMEHeader, r io.Reader) error {
	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		mt = "text/plain"
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(r, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			if err := walk(b, p.Header, p); err != nil {
				return err
			}
		}
	}
	_, dp, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	if name := dp["filename"]; name != "" {
		name, _ = new(mime.WordDecoder).DecodeHeader(name)
		n, _ := io.Copy(io.Discard, r)
		fmt.Fprintf(b, "[attachment %s, %s, %d bytes encoded]\n", name, mt, n)
		return nil
	}
	if mt != "text/plain" {
		return nil
	}
	if strings.EqualFold(h.Get("Content-Transfer-Encoding"), "quoted-printable") {
		r = quotedprintable.NewReader(r)
	}
	text, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	b.Write(text)
	b.WriteString("\n")
	return nil
}
