package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"duban/domain"
)

// LinkCodeTTL is how long a link code stays valid (SPEC §5: 72 hours).
const LinkCodeTTL = 72 * time.Hour

// Link code errors, which the bot turns into one clear line each.
var (
	ErrLinkCodeUnknown = domain.Errorf(domain.EINVALID, "unknown link code")
	ErrLinkCodeUsed    = domain.Errorf(domain.EINVALID, "link code already used")
	ErrLinkCodeExpired = domain.Errorf(domain.EINVALID, "link code expired")
	// ErrLinkTooManyAttempts refuses a chat that failed MaxLinkAttempts
	// times within the last hour, whatever code it sends.
	ErrLinkTooManyAttempts = domain.Errorf(domain.EINVALID, "too many wrong link codes from this chat: try again in an hour")
)

// Link code shape (SPEC §12): LinkCodeLen characters of an alphabet
// without look-alikes (no 0/O, 1/I/L), so that a code can be read out on
// the phone; 32 symbols × 16 characters is 80 bits, beyond guessing at
// MaxLinkAttempts an hour and, as only a SHA-256 hash is stored, beyond
// recovering from a copy of the database.
const (
	linkAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
	LinkCodeLen  = 16
)

// Failed /start attempts allowed per chat within LinkAttemptWindow.
const (
	MaxLinkAttempts   = 5
	LinkAttemptWindow = time.Hour
)

// linkCodeRE is what a code may look like: Telegram's deep-link start
// parameter allows up to 64 characters of A-Z, a-z, 0-9, "_" and "-".
var linkCodeRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// hashLinkCode returns what the database keeps of a code: the hex SHA-256
// of its normal form (upper case, without "-" and spaces, which people
// add when they copy it out).
func hashLinkCode(code string) string {
	code = strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(code))
	sum := sha256.Sum256([]byte(code))
	return hex.EncodeToString(sum[:])
}

// linkFailure is a refused link code. The transaction that refused it
// rolls back (inside a bot update, nothing of the update may stay), and
// then the failed attempt is recorded in a transaction of its own, so that
// the limit counts it.
type linkFailure struct {
	err    error
	chatID int64
	at     time.Time
}

func (f *linkFailure) Error() string { return f.err.Error() }
func (f *linkFailure) Unwrap() error { return f.err }

// afterRollback records what a rolled-back transaction must still leave
// behind: today, a failed link attempt. Its own error is secondary to
// err and only logged by being dropped: the caller reports err.
func (db *DB) afterRollback(ctx context.Context, err error) {
	var f *linkFailure
	if !errors.As(err, &f) {
		return
	}
	_ = db.tx(context.WithoutCancel(ctx), func(tx *sqlx.Tx) error {
		_, err := exec(ctx, tx, `INSERT INTO link_attempts (chat_id, created_at) VALUES (?, ?)`, f.chatID, tm(f.at))
		return err
	})
}

// LinkCode is a single-use code that links a Telegram chat to a contact
// through /start CODE. Only IssueLinkCode's caller sees Code: the
// database keeps its hash.
type LinkCode struct {
	Code       string
	ContactKey string
	ExpiresAt  time.Time
}

// newLinkCode returns LinkCodeLen random characters of linkAlphabet.
func newLinkCode() (string, error) {
	b := make([]byte, LinkCodeLen)
	for i := range b {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(linkAlphabet))))
		if err != nil {
			return "", fmt.Errorf("link code: %w", err)
		}
		b[i] = linkAlphabet[n.Int64()]
	}
	return string(b), nil
}

// IssueLinkCode creates a link code for the contact with the given key,
// valid for LinkCodeTTL. The contact's earlier unused codes stop working:
// only the latest one handed out links.
func (db *DB) IssueLinkCode(ctx context.Context, contactKey string) (*LinkCode, error) {
	code, err := newLinkCode()
	if err != nil {
		return nil, err
	}
	now := db.now()
	lc := &LinkCode{Code: code, ContactKey: contactKey, ExpiresAt: now.Add(LinkCodeTTL)}
	err = db.tx(ctx, func(tx *sqlx.Tx) error {
		var id int64
		err := tx.GetContext(ctx, &id, tx.Rebind(`SELECT id FROM contacts WHERE key = ?`), contactKey)
		if errors.Is(err, sql.ErrNoRows) {
			return domain.Errorf(domain.ENOTFOUND, "contact %q not found", contactKey)
		}
		if err != nil {
			return fmt.Errorf("issue link code: %w", err)
		}
		if _, err := exec(ctx, tx, `DELETE FROM link_codes WHERE contact_id = ? AND used_at IS NULL`, id); err != nil {
			return fmt.Errorf("issue link code: %w", err)
		}
		_, err = exec(ctx, tx, `INSERT INTO link_codes (code, contact_id, expires_at, created_at) VALUES (?, ?, ?, ?)`,
			hashLinkCode(code), id, tm(lc.ExpiresAt), tm(now))
		if err != nil {
			return fmt.Errorf("issue link code: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return lc, nil
}

// UseLinkCode spends a link code: the contact it was issued for is linked
// to the Telegram chat and user (and marked reachable again), and any other
// contact linked to that chat or user is unlinked, so that one Telegram
// account speaks for one contact. It returns the contact as now linked.
// A code that is unknown, used or expired gives ErrLinkCodeUnknown,
// ErrLinkCodeUsed or ErrLinkCodeExpired, links nothing, and counts as a
// failed attempt of chatID; after MaxLinkAttempts failures within
// LinkAttemptWindow every code from that chat gets ErrLinkTooManyAttempts.
// The limit lives here, in the database, so that every front end and
// every replica shares it.
func (db *DB) UseLinkCode(ctx context.Context, code string, chatID, userID int64) (*domain.Contact, error) {
	ct, _, err := db.LinkWithCode(ctx, code, chatID, userID)
	return ct, err
}

// LinkWithCode is UseLinkCode that also returns the chat the contact was
// linked to before (0: none, or the same chat), so that the bot can tell
// that chat it no longer speaks for the contact (SPEC §12).
func (db *DB) LinkWithCode(ctx context.Context, code string, chatID, userID int64) (*domain.Contact, int64, error) {
	var ct *domain.Contact
	var prev int64
	err := db.tx(ctx, func(tx *sqlx.Tx) error {
		now := db.now()
		var failed int
		if err := tx.GetContext(ctx, &failed, tx.Rebind(`SELECT COUNT(*) FROM link_attempts WHERE chat_id = ? AND created_at > ?`),
			chatID, tm(now.Add(-LinkAttemptWindow))); err != nil {
			return fmt.Errorf("use link code: %w", err)
		}
		if failed >= MaxLinkAttempts {
			return ErrLinkTooManyAttempts
		}
		err := db.useLinkCode(ctx, tx, code, chatID, userID, &ct, &prev)
		var de *domain.Error
		if errors.As(err, &de) {
			return &linkFailure{err: err, chatID: chatID, at: now}
		}
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	if prev == chatID {
		prev = 0
	}
	return ct, prev, nil
}

func (db *DB) useLinkCode(ctx context.Context, tx *sqlx.Tx, code string, chatID, userID int64, out **domain.Contact, prev *int64) error {
	if !linkCodeRE.MatchString(code) {
		return ErrLinkCodeUnknown
	}
	code = hashLinkCode(code)
	var row struct {
		ContactID int64  `db:"contact_id"`
		ExpiresAt dbTime `db:"expires_at"`
		UsedAt    dbTime `db:"used_at"`
	}
	err := tx.GetContext(ctx, &row, tx.Rebind(`SELECT contact_id, expires_at, used_at FROM link_codes WHERE code = ?`+db.forUpdate()), code)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrLinkCodeUnknown
	}
	if err != nil {
		return fmt.Errorf("use link code: %w", err)
	}
	now := db.now()
	switch {
	case row.UsedAt.Valid:
		return ErrLinkCodeUsed
	case !now.Before(row.ExpiresAt.T):
		return ErrLinkCodeExpired
	}
	if err := tx.GetContext(ctx, prev, tx.Rebind(`SELECT chat_id FROM contacts WHERE id = ?`), row.ContactID); err != nil {
		return fmt.Errorf("use link code: %w", err)
	}
	if _, err := exec(ctx, tx, `UPDATE link_codes SET used_at = ? WHERE code = ?`, tm(now), code); err != nil {
		return fmt.Errorf("use link code: %w", err)
	}
	if _, err := exec(ctx, tx, `UPDATE contacts SET chat_id = 0, telegram_user_id = 0
		WHERE id <> ? AND ((chat_id = ? AND chat_id <> 0) OR (telegram_user_id = ? AND telegram_user_id <> 0))`,
		row.ContactID, chatID, userID); err != nil {
		return fmt.Errorf("use link code: %w", err)
	}
	if _, err := exec(ctx, tx, `UPDATE contacts SET chat_id = ?, telegram_user_id = ?, unreachable = ?, unreachable_why = '' WHERE id = ?`,
		chatID, userID, false, row.ContactID); err != nil {
		return fmt.Errorf("use link code: %w", err)
	}
	var r contactRow
	if err := tx.GetContext(ctx, &r, tx.Rebind(contactSelect+` WHERE ct.id = ?`), row.ContactID); err != nil {
		return fmt.Errorf("use link code: %w", err)
	}
	*out = r.domain()
	return nil
}
