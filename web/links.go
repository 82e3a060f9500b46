package web

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"duban/store"
)

// ActionLinkTTL is how long a signed action link works (SPEC §13).
const ActionLinkTTL = 14 * 24 * time.Hour

// Links signs and checks the workspace's links that work without a
// password: action links (/a/TOKEN: one contact, one commitment, until an
// expiry) and calendar feeds (/ics/TOKEN.ics: one contact, one token
// generation). The key lives in the database, shared by every replica.
type Links struct {
	base   string
	secret []byte
	now    func() time.Time
}

// NewLinks loads the signing key from db. now is the clock of expiries.
func NewLinks(ctx context.Context, db *store.DB, baseURL string, now func() time.Time) (*Links, error) {
	secret, err := db.WebSecret(ctx)
	if err != nil {
		return nil, err
	}
	if now == nil {
		now = time.Now
	}
	return &Links{base: baseURLTrim(baseURL), secret: secret, now: now}, nil
}

func (l *Links) sign(parts ...string) string {
	m := hmac.New(sha256.New, l.secret)
	m.Write([]byte(strings.Join(parts, "|")))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}

// ActionToken returns the token of an action link for contact and
// commitment, valid ActionLinkTTL from now.
func (l *Links) ActionToken(contactID, commitmentID int64) string {
	exp := strconv.FormatInt(l.now().Add(ActionLinkTTL).Unix(), 10)
	c, m := strconv.FormatInt(contactID, 10), strconv.FormatInt(commitmentID, 10)
	return c + "." + m + "." + exp + "." + l.sign("a", c, m, exp)
}

// ActionURL is the signed action link that reminders on every channel
// carry: web.base_url/a/TOKEN.
func (l *Links) ActionURL(contactID, commitmentID int64) string {
	return l.base + "/a/" + l.ActionToken(contactID, commitmentID)
}

// CheckAction returns the contact and commitment of an action token whose
// signature is right and whose expiry has not passed. A changed id or
// expiry breaks the signature.
func (l *Links) CheckAction(token string) (contactID, commitmentID int64, err error) {
	p := strings.Split(token, ".")
	if len(p) != 4 {
		return 0, 0, errBadLink
	}
	want := l.sign("a", p[0], p[1], p[2])
	if !hmac.Equal([]byte(want), []byte(p[3])) {
		return 0, 0, errBadLink
	}
	c, err1 := strconv.ParseInt(p[0], 10, 64)
	m, err2 := strconv.ParseInt(p[1], 10, 64)
	exp, err3 := strconv.ParseInt(p[2], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return 0, 0, errBadLink
	}
	if !l.now().Before(time.Unix(exp, 0)) {
		return 0, 0, errExpiredLink
	}
	return c, m, nil
}

// actionCSRF is the token the action link's form carries: bound to the
// link, so a form cannot be posted to another link.
func (l *Links) actionCSRF(token string) string { return l.sign("csrf", token) }

// ICSToken is a contact's calendar-feed token at a generation; rotating
// moves the generation and the old token stops working.
func (l *Links) ICSToken(contactID int64, generation int) string {
	c, g := strconv.FormatInt(contactID, 10), strconv.Itoa(generation)
	return c + "." + g + "." + l.sign("ics", c, g)
}

// ICSURL is the feed's address.
func (l *Links) ICSURL(contactID int64, generation int) string {
	return l.base + "/ics/" + l.ICSToken(contactID, generation) + ".ics"
}

// CheckICS returns the contact and generation of a well-signed feed token.
func (l *Links) CheckICS(token string) (contactID int64, generation int, err error) {
	p := strings.Split(strings.TrimSuffix(token, ".ics"), ".")
	if len(p) != 3 || !hmac.Equal([]byte(l.sign("ics", p[0], p[1])), []byte(p[2])) {
		return 0, 0, errBadLink
	}
	c, err1 := strconv.ParseInt(p[0], 10, 64)
	g, err2 := strconv.Atoi(p[1])
	if err1 != nil || err2 != nil {
		return 0, 0, errBadLink
	}
	return c, g, nil
}

var (
	errBadLink     = fmt.Errorf("link: bad signature")
	errExpiredLink = fmt.Errorf("link: expired")
)
