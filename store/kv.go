package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// GetKV returns a small setting kept in the database ("" when absent).
func (db *DB) GetKV(ctx context.Context, key string) (string, error) {
	var v string
	err := db.db.GetContext(ctx, &v, db.db.Rebind(`SELECT value FROM kv WHERE key = ?`), key)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("get %s: %w", key, err)
	}
	return v, nil
}

// SetKV stores a small setting.
func (db *DB) SetKV(ctx context.Context, key, value string) error {
	return db.tx(ctx, func(tx *sqlx.Tx) error {
		_, err := exec(ctx, tx, `INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
		return err
	})
}
