package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"duban/domain"
)

// Sign-in link errors. The web shows one page for all three, so that a
// token cannot be probed; tests tell them apart.
var (
	ErrSigninTokenUnknown = domain.Errorf(domain.EINVALID, "unknown sign-in link")
	ErrSigninTokenUsed    = domain.Errorf(domain.EINVALID, "sign-in link already used")
	ErrSigninTokenExpired = domain.Errorf(domain.EINVALID, "sign-in link expired")
)

func (db *DB) contactIDByKey(ctx context.Context, tx *sqlx.Tx, key string) (int64, error) {
	var id int64
	err := tx.GetContext(ctx, &id, tx.Rebind(`SELECT id FROM contacts WHERE key = ?`), key)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, domain.Errorf(domain.ENOTFOUND, "contact %q not found", key)
	}
	return id, err
}

// ensureAccount creates the contact's web account row if missing.
func (db *DB) ensureAccount(ctx context.Context, tx *sqlx.Tx, contactID int64, now time.Time) error {
	_, err := exec(ctx, tx, `INSERT INTO web_accounts (contact_id, updated_at) VALUES (?, ?) ON CONFLICT (contact_id) DO NOTHING`, contactID, tm(now))
	return err
}

// SetPasswordHash stores the password hash (bcrypt or argon2id, made by
// the web package) of the contact with the given key. Every session of the
// contact ends: a new password signs everyone out. The change is recorded
// with the sign-ins (event password_set).
func (db *DB) SetPasswordHash(ctx context.Context, contactKey, hash string) error {
	return db.tx(ctx, func(tx *sqlx.Tx) error {
		id, err := db.contactIDByKey(ctx, tx, contactKey)
		if err != nil {
			return err
		}
		now := db.now()
		if err := db.ensureAccount(ctx, tx, id, now); err != nil {
			return fmt.Errorf("set password: %w", err)
		}
		if _, err := exec(ctx, tx, `UPDATE web_accounts SET password_hash = ?, updated_at = ? WHERE contact_id = ?`, hash, tm(now), id); err != nil {
			return fmt.Errorf("set password: %w", err)
		}
		if _, err := exec(ctx, tx, `DELETE FROM web_sessions WHERE contact_id = ?`, id); err != nil {
			return fmt.Errorf("set password: %w", err)
		}
		// SPEC §12: every change of a way to sign in is in the history.
		return recordSignin(ctx, tx, id, "password_set", "", "", "", now)
	})
}

// PasswordHash returns the contact with the given key and its password
// hash ("" when none is set).
func (db *DB) PasswordHash(ctx context.Context, contactKey string) (*domain.Contact, string, error) {
	ct, err := db.Contact(ctx, contactKey)
	if err != nil {
		return nil, "", err
	}
	var hash string
	err = db.db.GetContext(ctx, &hash, db.db.Rebind(`SELECT password_hash FROM web_accounts WHERE contact_id = ?`), ct.ID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, "", fmt.Errorf("password: %w", err)
	}
	return ct, hash, nil
}

// IssueSigninToken stores a one-time sign-in token for the contact with the
// given key, valid for ttl, and returns the contact. Only the token's hash
// is kept; the contact's earlier unused tokens stop working.
func (db *DB) IssueSigninToken(ctx context.Context, contactKey, token string, ttl time.Duration) (*domain.Contact, time.Time, error) {
	now := db.now()
	var id int64
	err := db.tx(ctx, func(tx *sqlx.Tx) error {
		var err error
		if id, err = db.contactIDByKey(ctx, tx, contactKey); err != nil {
			return err
		}
		if _, err := exec(ctx, tx, `DELETE FROM web_signin_tokens WHERE contact_id = ? AND used_at IS NULL`, id); err != nil {
			return fmt.Errorf("issue sign-in link: %w", err)
		}
		_, err = exec(ctx, tx, `INSERT INTO web_signin_tokens (token_hash, contact_id, expires_at, created_at) VALUES (?, ?, ?, ?)`,
			hashSecret(token), id, tm(now.Add(ttl)), tm(now))
		if err != nil {
			return fmt.Errorf("issue sign-in link: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, time.Time{}, err
	}
	ct, err := db.ContactByID(ctx, id)
	return ct, now.Add(ttl), err
}

// UseSigninToken spends a one-time sign-in token and, in the same
// transaction, starts the session s for its contact (s.ContactID is filled
// in). An unknown, used or expired token changes nothing.
func (db *DB) UseSigninToken(ctx context.Context, token string, s NewWebSession) (*domain.Contact, error) {
	var contactID int64
	err := db.tx(ctx, func(tx *sqlx.Tx) error {
		var row struct {
			ContactID int64  `db:"contact_id"`
			ExpiresAt dbTime `db:"expires_at"`
			UsedAt    dbTime `db:"used_at"`
		}
		h := hashSecret(token)
		err := tx.GetContext(ctx, &row, tx.Rebind(`SELECT contact_id, expires_at, used_at FROM web_signin_tokens WHERE token_hash = ?`+db.forUpdate()), h)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrSigninTokenUnknown
		}
		if err != nil {
			return fmt.Errorf("use sign-in link: %w", err)
		}
		now := db.now()
		switch {
		case row.UsedAt.Valid:
			return ErrSigninTokenUsed
		case !now.Before(row.ExpiresAt.T):
			return ErrSigninTokenExpired
		}
		if _, err := exec(ctx, tx, `UPDATE web_signin_tokens SET used_at = ? WHERE token_hash = ?`, tm(now), h); err != nil {
			return fmt.Errorf("use sign-in link: %w", err)
		}
		contactID = row.ContactID
		if s.Replaces != "" {
			if _, err := exec(ctx, tx, `DELETE FROM web_sessions WHERE id_hash = ?`, hashSecret(s.Replaces)); err != nil {
				return fmt.Errorf("use sign-in link: %w", err)
			}
		}
		if _, err := exec(ctx, tx, `INSERT INTO web_sessions (id_hash, contact_id, csrf, created_at, expires_at, last_seen_at)
			VALUES (?, ?, ?, ?, ?, ?)`, hashSecret(s.ID), contactID, s.CSRF, tm(now), tm(now.Add(s.TTL)), tm(now)); err != nil {
			return fmt.Errorf("use sign-in link: %w", err)
		}
		return recordSignin(ctx, tx, contactID, "signin", s.Method, hashSecret(s.ID), s.Remote, now)
	})
	if err != nil {
		return nil, err
	}
	return db.ContactByID(ctx, contactID)
}

// ICSGeneration returns the generation of a contact's calendar-feed token
// (0 until the first rotation).
func (db *DB) ICSGeneration(ctx context.Context, contactID int64) (int, error) {
	var g int
	err := db.db.GetContext(ctx, &g, db.db.Rebind(`SELECT ics_generation FROM web_accounts WHERE contact_id = ?`), contactID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("ics token: %w", err)
	}
	return g, nil
}

// RotateICS moves the contact's calendar-feed token to its next generation:
// the old feed URL stops working. It returns the new generation.
func (db *DB) RotateICS(ctx context.Context, contactKey string) (int, error) {
	var g int
	err := db.tx(ctx, func(tx *sqlx.Tx) error {
		id, err := db.contactIDByKey(ctx, tx, contactKey)
		if err != nil {
			return err
		}
		now := db.now()
		if err := db.ensureAccount(ctx, tx, id, now); err != nil {
			return fmt.Errorf("rotate ics: %w", err)
		}
		if _, err := exec(ctx, tx, `UPDATE web_accounts SET ics_generation = ics_generation + 1, updated_at = ? WHERE contact_id = ?`, tm(now), id); err != nil {
			return fmt.Errorf("rotate ics: %w", err)
		}
		return tx.GetContext(ctx, &g, tx.Rebind(`SELECT ics_generation FROM web_accounts WHERE contact_id = ?`), id)
	})
	return g, err
}

// webSecretKey names the kv row of the key that signs action links and
// calendar-feed tokens.
const webSecretKey = "web_secret"

// WebSecret returns the 256-bit key that signs the web's links, creating it
// on first use. It lives in the database so that every replica signs and
// checks with the same key.
func (db *DB) WebSecret(ctx context.Context) ([]byte, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("web secret: %w", err)
	}
	var v string
	err := db.tx(ctx, func(tx *sqlx.Tx) error {
		// Two replicas starting at once: the first insert wins, both read it.
		if _, err := exec(ctx, tx, `INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, webSecretKey, hex.EncodeToString(b[:])); err != nil {
			return err
		}
		return tx.GetContext(ctx, &v, tx.Rebind(`SELECT value FROM kv WHERE key = ?`), webSecretKey)
	})
	if err != nil {
		return nil, fmt.Errorf("web secret: %w", err)
	}
	return hex.DecodeString(v)
}
