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

// joinedKey carries the transaction of ApplyUpdate in a context.
type joinedKey struct{}

// joinedTx is ApplyUpdate's transaction and the DB it belongs to.
type joinedTx struct {
	db *DB
	tx *sqlx.Tx
}

// joined returns the transaction ApplyUpdate put in ctx for this DB, or nil.
// DB.tx runs inside it instead of beginning its own, so that every store
// method called from ApplyUpdate's fn commits, or rolls back, with the
// record of the update.
func (db *DB) joined(ctx context.Context) *sqlx.Tx {
	if j, ok := ctx.Value(joinedKey{}).(joinedTx); ok && j.db == db {
		return j.tx
	}
	return nil
}

// ApplyUpdate runs fn in one transaction together with the record of the
// Telegram update updateID in bot_updates: either all of fn's changes and
// the record commit, or none do. Store methods that fn calls with the
// context it is given join the transaction.
//
// An update already recorded gives ErrUpdateApplied and fn does not run;
// two replicas applying the same update at once collide on the primary key
// of bot_updates, and the loser rolls back. An updateID of 0 (a terminal
// session, which has no updates) records nothing but still makes fn one
// transaction.
//
// fn must not read through methods that use their own connection while it
// runs (on SQLite the transaction holds the only write lock), and must not
// make network calls: do both before.
func (db *DB) ApplyUpdate(ctx context.Context, updateID int64, fn func(ctx context.Context) error) error {
	if db.joined(ctx) != nil {
		return errors.New("apply update: already inside a transaction")
	}
	if err := db.checkJoin(ctx); err != nil {
		return err
	}
	tx, err := db.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	if updateID != 0 {
		// The record goes first: on PostgreSQL a second transaction
		// inserting the same id waits here for the first to end, then
		// finds the conflict, so fn never runs twice at once.
		res, err := exec(ctx, tx, `INSERT INTO bot_updates (update_id, applied_at) VALUES (?, ?) ON CONFLICT (update_id) DO NOTHING`,
			updateID, tm(db.now()))
		if err != nil {
			return fmt.Errorf("record update %d: %w", updateID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrUpdateApplied
		}
	}
	if err := fn(context.WithValue(ctx, joinedKey{}, joinedTx{db: db, tx: tx})); err != nil {
		// A refused link code still counts as a failed attempt
		// (UseLinkCode), recorded once this transaction is gone.
		tx.Rollback()
		db.afterRollback(ctx, err)
		return err
	}
	if err := tx.Commit(); err != nil {
		return db.lostRace(ctx, updateID, fmt.Errorf("commit: %w", err))
	}
	return nil
}

// errNoJoin says that DB.tx does not run inside ApplyUpdate's transaction.
var errNoJoin = errors.New("apply update: DB.tx does not join the update's transaction (store/db.go lacks the db.joined check)")

// checkJoin makes sure DB.tx joins ApplyUpdate's transaction before one is
// begun: otherwise fn's store calls would each begin their own, and on
// SQLite wait for the write lock that ApplyUpdate holds.
func (db *DB) checkJoin(ctx context.Context) error {
	probe := &sqlx.Tx{}
	return db.tx(context.WithValue(ctx, joinedKey{}, joinedTx{db: db, tx: probe}), func(tx *sqlx.Tx) error {
		if tx != probe {
			return errNoJoin
		}
		return nil
	})
}

// lostRace turns a failed commit into ErrUpdateApplied when another
// replica recorded the same update meanwhile; everything fn did is rolled
// back.
func (db *DB) lostRace(ctx context.Context, updateID int64, err error) error {
	if updateID != 0 {
		if ok, _ := db.UpdateApplied(ctx, updateID); ok {
			return ErrUpdateApplied
		}
	}
	return err
}

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
