package notify

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"path"
	"strings"
	"time"
)

// mailParts is what goes into one e-mail.
type mailParts struct {
	From, To *mail.Address
	Subject  string
	Text     string // Telegram HTML
	Date     time.Time
	Attach   *Attachment
}

// buildMail writes the message: headers, then a multipart/alternative of
// text/plain and text/html (quoted-printable UTF-8), wrapped in a
// multipart/mixed with the attachment (base64) when there is one. Lines end
// with CRLF.
func buildMail(p mailParts) ([]byte, error) {
	// A line break in a header would start a header of its own.
	subject := strings.TrimSpace(oneLine.Replace(p.Subject))
	if subject == "" {
		subject = DefaultSubject
	}
	var buf bytes.Buffer
	h := func(name, value string) { fmt.Fprintf(&buf, "%s: %s\r\n", name, value) }
	h("From", p.From.String())
	h("To", p.To.String())
	if enc := encodeHeader(subject); len("Subject: ")+len(strings.SplitN(enc, "\r\n", 2)[0]) > 78 {
		// Fold before the first word, so no line runs past 78.
		h("Subject", "\r\n "+enc)
	} else {
		h("Subject", enc)
	}
	h("Date", p.Date.Format(time.RFC1123Z))
	h("Message-ID", messageID(p.From.Address))
	h("MIME-Version", "1.0")
	// Reminders are sent by a machine: no out-of-office replies, please.
	h("Auto-Submitted", "auto-generated")

	alt := func(w *multipart.Writer) error {
		if err := writeQP(w, "text/plain; charset=UTF-8", PlainText(p.Text)); err != nil {
			return err
		}
		return writeQP(w, "text/html; charset=UTF-8", emailHTML(p.Text))
	}
	if p.Attach == nil {
		w := multipart.NewWriter(&buf)
		h("Content-Type", "multipart/alternative; boundary="+w.Boundary())
		buf.WriteString("\r\n")
		if err := alt(w); err != nil {
			return nil, err
		}
		if err := w.Close(); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}

	mixed := multipart.NewWriter(&buf)
	h("Content-Type", "multipart/mixed; boundary="+mixed.Boundary())
	buf.WriteString("\r\n")
	var alternative bytes.Buffer
	inner := multipart.NewWriter(&alternative)
	if err := alt(inner); err != nil {
		return nil, err
	}
	if err := inner.Close(); err != nil {
		return nil, err
	}
	pw, err := mixed.CreatePart(textproto.MIMEHeader{
		"Content-Type": {"multipart/alternative; boundary=" + inner.Boundary()},
	})
	if err != nil {
		return nil, err
	}
	if _, err := pw.Write(alternative.Bytes()); err != nil {
		return nil, err
	}
	if err := writeAttachment(mixed, p.Attach); err != nil {
		return nil, err
	}
	if err := mixed.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func writeQP(w *multipart.Writer, contentType, body string) error {
	pw, err := w.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {contentType},
		"Content-Transfer-Encoding": {"quoted-printable"},
	})
	if err != nil {
		return err
	}
	qp := quotedprintable.NewWriter(pw)
	// In text mode the writer ends every line with CRLF.
	if _, err := io.WriteString(qp, body); err != nil {
		return err
	}
	return qp.Close()
}

func writeAttachment(w *multipart.Writer, a *Attachment) error {
	name := strings.TrimSpace(oneLine.Replace(a.Name))
	if name == "" {
		name = "attachment"
	}
	ct, params := attachmentType(name)
	// name= is for mail readers that do not read RFC 2231's filename*=:
	// a non-ASCII name goes there as an RFC 2047 word.
	if isASCII(name) {
		params["name"] = name
	}
	contentType := mime.FormatMediaType(ct, params)
	if !isASCII(name) {
		contentType += `; name="` + mime.BEncoding.Encode("UTF-8", name) + `"`
	}
	pw, err := w.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {contentType},
		"Content-Transfer-Encoding": {"base64"},
		"Content-Disposition":       {mime.FormatMediaType("attachment", map[string]string{"filename": name})},
	})
	if err != nil {
		return err
	}
	enc := base64.StdEncoding.EncodeToString(a.Data)
	for len(enc) > 76 {
		if _, err := io.WriteString(pw, enc[:76]+"\r\n"); err != nil {
			return err
		}
		enc = enc[76:]
	}
	_, err = io.WriteString(pw, enc+"\r\n")
	return err
}

// attachmentType is the content type for a file name, by its extension:
// the report's formats first.
func attachmentType(name string) (string, map[string]string) {
	utf8 := map[string]string{"charset": "UTF-8"}
	switch strings.ToLower(path.Ext(name)) {
	case ".xlsx":
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", map[string]string{}
	case ".png":
		return "image/png", map[string]string{}
	case ".jpg", ".jpeg":
		return "image/jpeg", map[string]string{}
	case ".csv":
		return "text/csv", utf8
	case ".md":
		return "text/markdown", utf8
	case ".pdf":
		return "application/pdf", map[string]string{}
	case ".ics":
		return "text/calendar", utf8
	}
	return "application/octet-stream", map[string]string{}
}

var oneLine = strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ")

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// encodeHeader encodes s as RFC 2047 UTF-8 words when it is not plain
// ASCII, folding between the words so no line runs long.
func encodeHeader(s string) string {
	enc := mime.BEncoding.Encode("UTF-8", s)
	return strings.ReplaceAll(enc, "?= =?", "?=\r\n =?")
}

// messageID makes a unique Message-ID in the sender's domain.
func messageID(from string) string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	domain := "duban.local"
	if _, d, ok := strings.Cut(from, "@"); ok && d != "" {
		domain = d
	}
	return "<" + hex.EncodeToString(b[:]) + "@" + domain + ">"
}

// emailHTML renders Telegram HTML as an e-mail's HTML body: the tags
// Telegram allows are kept (tg-spoiler and spans dropped), line breaks
// outside <pre> become <br>.
func emailHTML(s string) string {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html><head><meta charset=\"UTF-8\"></head>\n")
	b.WriteString("<body style=\"font-family: sans-serif; line-height: 1.5\">\n")
	inPre := false
	for _, t := range tokenize(s) {
		switch t.kind {
		case tokNewline:
			if inPre {
				b.WriteString("\n")
			} else {
				b.WriteString("<br>\n")
			}
		case tokOpen, tokClose:
			switch t.name {
			case "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "blockquote":
				b.WriteString(t.text)
			case "pre":
				inPre = t.kind == tokOpen
				b.WriteString(t.text)
			}
		default:
			if t.text == "<" || t.text == ">" {
				// An unmatched bracket Telegram would show as is.
				b.WriteString(htmlEscapeByte(t.text))
				continue
			}
			b.WriteString(t.text)
		}
	}
	b.WriteString("\n</body></html>\n")
	return b.String()
}

func htmlEscapeByte(s string) string {
	if s == "<" {
		return "&lt;"
	}
	return "&gt;"
}
