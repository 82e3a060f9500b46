package channeltest

import (
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
)

// Part is one leaf of a parsed e-mail, its body decoded.
type Part struct {
	ContentType string // "text/plain"
	Charset     string
	Filename    string // an attachment's name; "" for the text parts
	Body        []byte
}

// ParseMail reads raw as the tests' mail reader would: the decoded
// subject and the leaves of the MIME tree, depth first, with their
// transfer encodings undone.
func ParseMail(raw []byte) (subject string, parts []Part, err error) {
	msg, err := mail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		return "", nil, err
	}
	if subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return "", nil, err
	}
	var walk func(h textproto.MIMEHeader, r io.Reader) error
	walk = func(h textproto.MIMEHeader, r io.Reader) error {
		mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
		if err != nil {
			return err
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
				if err := walk(p.Header, p); err != nil {
					return err
				}
			}
		}
		switch strings.ToLower(h.Get("Content-Transfer-Encoding")) {
		case "quoted-printable":
			r = quotedprintable.NewReader(r)
		case "base64":
			r = base64.NewDecoder(base64.StdEncoding, r)
		}
		b, err := io.ReadAll(r)
		if err != nil {
			return err
		}
		_, dp, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
		parts = append(parts, Part{ContentType: mt, Charset: params["charset"], Filename: dp["filename"], Body: b})
		return nil
	}
	return subject, parts, walk(textproto.MIMEHeader(msg.Header), msg.Body)
}
