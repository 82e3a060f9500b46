package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
)

// offsetKey is the kv key of the last Telegram update the bot handled.
const offsetKey = "telegram.offset"

// ErrUpdateApplied is returned by ApplyUpdate for an update whose changes
// are already in the database: a restart or a webhook retry delivered it
// again, and it must not be applied twice.
var ErrUpdateApplied = errors.New("telegram update already applied")

// UpdateApplied reports whether the changes of Telegram update id are in
// the database.
func (db *DB) UpdateApplied(ctx context.Context, id int64) (bool, error) {
	var n int
	if err := db.db.GetContext(ctx, &n, db.db.Rebind(`SELECT COUNT(*) FROM bot_updates WHERE update_id = ?`), id); err != nil {
		return false, fmt.Errorf("update applied: %w", err)
	}
	return n > 0, nil
}

// BotOffset returns the id of the last Telegram update the bot handled, 0
// if none: polling asks for the updates after it.
func (db *DB) BotOffset(ctx context.Context) (int64, error) {
	v, err := db.GetKV(ctx, offsetKey)
	if err != nil || v == "" {
		return 0, err
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("bot offset: kv %s = %q: %w", offsetKey, v, err)
	}
	return n, nil
}

// SetBotOffset records id as the last Telegram update handled. The offset
// never moves back, so a slow replica that lost leadership cannot rewind
// it.
func (db *DB) SetBotOffset(ctx context.Context, id int64) error {
	return db.tx(ctx, func(tx *sqlx.Tx) error {
		var v string
		err := tx.GetContext(ctx, &v, tx.Rebind(`SELECT value FROM kv WHERE key = ?`+db.forUpdate()), offsetKey)
		if errors.Is(err, sql.ErrNoRows) {
			_, err = exec(ctx, tx, `INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, offsetKey, strconv.FormatInt(id, 10))
			return err
		}
		if err != nil {
			return fmt.Errorf("set bot offset: %w", err)
		}
		if cur, perr := strconv.ParseInt(v, 10, 64); perr == nil && cur >= id {
			return nil
		}
		_, err = exec(ctx, tx, `UPDATE kv SET value = ? WHERE key = ?`, strconv.FormatInt(id, 10), offsetKey)
		return err
	})
}

// PruneBotUpdates forgets the records of updates applied before t.
// Telegram keeps an unconfirmed update for 24 hours, so records older than
// that can no longer match a redelivery.
func (db *DB) PruneBotUpdates(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := db.tx(ctx, func(tx *sqlx.Tx) error {
		res, err := exec(ctx, tx, `DELETE FROM bot_updates WHERE applied_at < ?`, tm(before))
		if err != nil {
			return fmt.Errorf("prune bot updates: %w", err)
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return n, err
}
