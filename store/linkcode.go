package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
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
)

// linkCodeRE is what a code may look like: Telegram's deep-link start
// parameter allows up to 64 characters of A-Z, a-z, 0-9, "_" and "-".
var linkCodeRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// LinkCode is a single-use code that links a Telegram chat to a contact
// through /start CODE.
type LinkCode struct {
	Code       string
	ContactKey string
	ExpiresAt  time.Time
}

// newLinkCode returns 32 characters of A-Za-z0-9_- from 24 random bytes
// (192 bits): a code cannot be guessed, and fits a deep link.
func newLinkCode() (string, error) {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("link code: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
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
			code, id, tm(lc.ExpiresAt), tm(now))
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
// ErrLinkCodeUsed or ErrLinkCodeExpired and changes nothing.
func (db *DB) UseLinkCode(ctx context.Context, code string, chatID, userID int64) (*domain.Contact, error) {
	if !linkCodeRE.MatchString(code) {
		return nil, ErrLinkCodeUnknown
	}
	var ct *domain.Contact
	err := db.tx(ctx, func(tx *sqlx.Tx) error {
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
		ct = r.domain()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ct, nil
}
