package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"duban/domain"
)

// hashSecret is how the web's secrets (session ids, sign-in tokens) are
// stored: their SHA-256. They are 256-bit random strings, so a plain hash
// is enough; a copy of the database signs no one in.
func hashSecret(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// WebSession is a signed-in browser.
type WebSession struct {
	// ID is the SHA-256 of the cookie's value, never the value itself.
	IDHash    string
	Contact   *domain.Contact
	CSRF      string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// NewWebSession describes a session to create at sign-in.
type NewWebSession struct {
	// ID is the cookie's value (random); only its hash is stored.
	ID        string
	ContactID int64
	CSRF      string
	TTL       time.Duration
	// Method is "password" or "link", Remote the client's address, for
	// the sign-in record.
	Method, Remote string
	// Replaces is the cookie value of the session the browser held before,
	// if any: it is ended, so that a session id planted before sign-in is
	// worth nothing after it.
	Replaces string
}

// CreateWebSession starts a session and records the sign-in, in one
// transaction.
func (db *DB) CreateWebSession(ctx context.Context, s NewWebSession) error {
	return db.tx(ctx, func(tx *sqlx.Tx) error {
		now := db.now()
		if s.Replaces != "" {
			if _, err := exec(ctx, tx, `DELETE FROM web_sessions WHERE id_hash = ?`, hashSecret(s.Replaces)); err != nil {
				return fmt.Errorf("create session: %w", err)
			}
		}
		// Expired sessions of anyone are swept here, where a write happens
		// anyway.
		if _, err := exec(ctx, tx, `DELETE FROM web_sessions WHERE expires_at < ?`, tm(now)); err != nil {
			return fmt.Errorf("create session: %w", err)
		}
		if _, err := exec(ctx, tx, `INSERT INTO web_sessions (id_hash, contact_id, csrf, created_at, expires_at, last_seen_at)
			VALUES (?, ?, ?, ?, ?, ?)`, hashSecret(s.ID), s.ContactID, s.CSRF, tm(now), tm(now.Add(s.TTL)), tm(now)); err != nil {
			return fmt.Errorf("create session: %w", err)
		}
		return recordSignin(ctx, tx, s.ContactID, "signin", s.Method, hashSecret(s.ID), s.Remote, now)
	})
}

func recordSignin(ctx context.Context, tx *sqlx.Tx, contactID int64, event, method, sessionHash, remote string, now time.Time) error {
	if len(sessionHash) > 12 {
		sessionHash = sessionHash[:12]
	}
	if _, err := exec(ctx, tx, `INSERT INTO web_signins (contact_id, event, method, session, remote, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		contactID, event, method, sessionHash, remote, tm(now)); err != nil {
		return fmt.Errorf("record sign-in: %w", err)
	}
	return nil
}

// WebSessionByID returns the live session whose cookie value is id, with
// its contact; an unknown or expired one is ENOTFOUND.
func (db *DB) WebSessionByID(ctx context.Context, id string) (*WebSession, error) {
	var r struct {
		IDHash    string `db:"id_hash"`
		ContactID int64  `db:"contact_id"`
		CSRF      string `db:"csrf"`
		CreatedAt dbTime `db:"created_at"`
		ExpiresAt dbTime `db:"expires_at"`
	}
	err := db.db.GetContext(ctx, &r, db.db.Rebind(`SELECT id_hash, contact_id, csrf, created_at, expires_at FROM web_sessions
		WHERE id_hash = ? AND expires_at > ?`), hashSecret(id), tm(db.now()))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "no such session")
	}
	if err != nil {
		return nil, fmt.Errorf("get session: %w", err)
	}
	ct, err := db.ContactByID(ctx, r.ContactID)
	if err != nil {
		return nil, err
	}
	return &WebSession{IDHash: r.IDHash, Contact: ct, CSRF: r.CSRF, CreatedAt: r.CreatedAt.T, ExpiresAt: r.ExpiresAt.T}, nil
}

// EndWebSession signs a session out and records it.
func (db *DB) EndWebSession(ctx context.Context, id, remote string) error {
	return db.tx(ctx, func(tx *sqlx.Tx) error {
		var contactID int64
		err := tx.GetContext(ctx, &contactID, tx.Rebind(`SELECT contact_id FROM web_sessions WHERE id_hash = ?`), hashSecret(id))
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("end session: %w", err)
		}
		if _, err := exec(ctx, tx, `DELETE FROM web_sessions WHERE id_hash = ?`, hashSecret(id)); err != nil {
			return fmt.Errorf("end session: %w", err)
		}
		return recordSignin(ctx, tx, contactID, "signout", "", hashSecret(id), remote, db.now())
	})
}

// WebSignin is one sign-in or sign-out.
type WebSignin struct {
	Event, Method, Remote string
	At                    time.Time
}

// LastWebSignin returns a contact's latest sign-in, or nil.
func (db *DB) LastWebSignin(ctx context.Context, contactID int64) (*WebSignin, error) {
	var r struct {
		Event  string `db:"event"`
		Method string `db:"method"`
		Remote string `db:"remote"`
		At     dbTime `db:"created_at"`
	}
	err := db.db.GetContext(ctx, &r, db.db.Rebind(`SELECT event, method, remote, created_at FROM web_signins
		WHERE contact_id = ? AND event = 'signin' ORDER BY created_at DESC, id DESC LIMIT 1`), contactID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("last sign-in: %w", err)
	}
	return &WebSignin{Event: r.Event, Method: r.Method, Remote: r.Remote, At: r.At.T}, nil
}
