package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"

	"duban/domain"
)

// ensureUnit returns the id of the unit with the given name, creating it if
// missing. An empty name is no unit.
func ensureUnit(ctx context.Context, tx *sqlx.Tx, name string) (sql.NullInt64, error) {
	if name == "" {
		return sql.NullInt64{}, nil
	}
	var id int64
	err := tx.GetContext(ctx, &id, tx.Rebind(`SELECT id FROM units WHERE name = ?`), name)
	if errors.Is(err, sql.ErrNoRows) {
		id, err = insertID(ctx, tx, `INSERT INTO units (name) VALUES (?)`, name)
	}
	if err != nil {
		return sql.NullInt64{}, fmt.Errorf("unit %q: %w", name, err)
	}
	return sql.NullInt64{Int64: id, Valid: true}, nil
}

type contactRow struct {
	ID             int64  `db:"id"`
	Key            string `db:"key"`
	Name           string `db:"name"`
	Unit           string `db:"unit"`
	Role           string `db:"role"`
	Phone          string `db:"phone"`
	Email          string `db:"email"`
	Channels       string `db:"channels"`
	TelegramUserID int64  `db:"telegram_user_id"`
	ChatID         int64  `db:"chat_id"`
	Language       string `db:"language"`
	Unreachable    bool   `db:"unreachable"`
	UnreachableWhy string `db:"unreachable_why"`
	EmailWhy       string `db:"email_unreachable_why"`
}

const contactSelect = `SELECT ct.id, ct.key, ct.name, COALESCE(u.name, '') AS unit, ct.role, ct.phone,
	ct.telegram_user_id, ct.chat_id, ct.language, ct.unreachable, ct.unreachable_why,
	ct.email, ct.channels, ct.email_unreachable_why
	FROM contacts ct LEFT JOIN units u ON u.id = ct.unit_id`

func (r contactRow) domain() *domain.Contact {
	return &domain.Contact{ID: r.ID, Key: r.Key, Name: r.Name, Unit: r.Unit, Role: domain.Role(r.Role),
		Phone: r.Phone, TelegramUserID: r.TelegramUserID, ChatID: r.ChatID, Language: r.Language,
		Unreachable: r.Unreachable, UnreachableWhy: r.UnreachableWhy,
		Email: r.Email, Channels: r.Channels, EmailUnreachable: r.EmailWhy}
}

// Contact returns the contact with the given key.
func (db *DB) Contact(ctx context.Context, key string) (*domain.Contact, error) {
	return db.contactWhere(ctx, "ct.key = ?", key)
}

// ContactByID returns the contact with the given id.
func (db *DB) ContactByID(ctx context.Context, id int64) (*domain.Contact, error) {
	return db.contactWhere(ctx, "ct.id = ?", id)
}

// ContactByChat returns the contact linked to a Telegram chat.
func (db *DB) ContactByChat(ctx context.Context, chatID int64) (*domain.Contact, error) {
	return db.contactWhere(ctx, "ct.chat_id = ? AND ct.chat_id <> 0", chatID)
}

// ContactByTelegramUser returns the contact linked to a Telegram user.
func (db *DB) ContactByTelegramUser(ctx context.Context, userID int64) (*domain.Contact, error) {
	return db.contactWhere(ctx, "ct.telegram_user_id = ? AND ct.telegram_user_id <> 0", userID)
}

func (db *DB) contactWhere(ctx context.Context, where string, arg any) (*domain.Contact, error) {
	var r contactRow
	err := db.db.GetContext(ctx, &r, db.db.Rebind(contactSelect+" WHERE "+where+" ORDER BY ct.id LIMIT 1"), arg)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "contact %v not found", arg)
	}
	if err != nil {
		return nil, fmt.Errorf("get contact: %w", err)
	}
	return r.domain(), nil
}

// Contacts lists every contact, by key.
func (db *DB) Contacts(ctx context.Context) ([]*domain.Contact, error) {
	var rows []contactRow
	if err := db.db.SelectContext(ctx, &rows, contactSelect+" WHERE ct.removed_at IS NULL ORDER BY ct.key"); err != nil {
		return nil, fmt.Errorf("list contacts: %w", err)
	}
	out := make([]*domain.Contact, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}

// AddContact creates a contact; its key must be new.
func (db *DB) AddContact(ctx context.Context, c *domain.Contact) error {
	if c.Key == "" || c.Name == "" {
		return domain.Errorf(domain.EINVALID, "contact needs a key and a name")
	}
	if c.Role == "" {
		c.Role = domain.Official
	}
	if _, err := domain.ParseRole(string(c.Role)); err != nil {
		return domain.Errorf(domain.EINVALID, "%v", err)
	}
	if c.Language == "" {
		c.Language = "zh"
	}
	return db.tx(ctx, func(tx *sqlx.Tx) error {
		var n int
		if err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT COUNT(*) FROM contacts WHERE key = ?`), c.Key); err != nil {
			return err
		}
		if n > 0 {
			return domain.Errorf(domain.EINVALID, "contact %q already exists", c.Key)
		}
		unit, err := ensureUnit(ctx, tx, c.Unit)
		if err != nil {
			return err
		}
		c.ID, err = insertID(ctx, tx, `INSERT INTO contacts (key, name, unit_id, role, phone, chat_id, language)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, c.Key, c.Name, unit, string(c.Role), c.Phone, c.ChatID, c.Language)
		if err != nil {
			return fmt.Errorf("add contact: %w", err)
		}
		return nil
	})
}

// SetContactChat links a contact to a Telegram chat and user, and clears
// its unreachable flag.
func (db *DB) SetContactChat(ctx context.Context, contactID, chatID, userID int64) error {
	return db.tx(ctx, func(tx *sqlx.Tx) error {
		_, err := exec(ctx, tx, `UPDATE contacts SET chat_id = ?, telegram_user_id = ?, unreachable = ?, unreachable_why = '' WHERE id = ?`,
			chatID, userID, false, contactID)
		return err
	})
}

// MarkUnreachable records that a chat cannot be reached (bot blocked, chat
// gone), for every contact linked to it.
func (db *DB) MarkUnreachable(ctx context.Context, chatID int64, why string) error {
	return db.tx(ctx, func(tx *sqlx.Tx) error {
		_, err := exec(ctx, tx, `UPDATE contacts SET unreachable = ?, unreachable_why = ? WHERE chat_id = ?`, true, why, chatID)
		return err
	})
}

// MigrateChat moves every reference to a group chat that Telegram upgraded
// to a supergroup onto its new id.
func (db *DB) MigrateChat(ctx context.Context, from, to int64) error {
	return db.tx(ctx, func(tx *sqlx.Tx) error {
		if _, err := exec(ctx, tx, `UPDATE contacts SET chat_id = ? WHERE chat_id = ?`, to, from); err != nil {
			return err
		}
		_, err := exec(ctx, tx, `UPDATE notifications SET chat_id = ? WHERE chat_id = ? AND state = 'pending'`, to, from)
		return err
	})
}

// MarkEmailUnreachable records that the mail server refused the contact's
// address; their other channels are untouched. Changing the address (or
// EmailReachable) clears it.
func (db *DB) MarkEmailUnreachable(ctx context.Context, contactID int64, why string) error {
	return db.tx(ctx, func(tx *sqlx.Tx) error {
		_, err := exec(ctx, tx, `UPDATE contacts SET email_unreachable_why = ? WHERE id = ?`, why, contactID)
		return err
	})
}

// ContactsByID returns the contacts with the given ids, removed ones
// included (a row written before a removal still names its contact).
func (db *DB) ContactsByID(ctx context.Context, ids []int64) (map[int64]*domain.Contact, error) {
	out := make(map[int64]*domain.Contact, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	q, args, err := sqlx.In(contactSelect+` WHERE ct.id IN (?)`, ids)
	if err != nil {
		return nil, err
	}
	var rows []contactRow
	if err := db.db.SelectContext(ctx, &rows, db.db.Rebind(q), args...); err != nil {
		return nil, fmt.Errorf("contacts: %w", err)
	}
	for _, r := range rows {
		out[r.ID] = r.domain()
	}
	return out, nil
}
