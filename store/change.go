package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// change runs fn as one change made by by: one transaction that first
// records the Telegram update that carried it (if any), then runs fn,
// then commits. An update already recorded gives ErrUpdateApplied and fn
// does not run; two replicas applying the same update at once collide on
// the primary key of bot_updates, and the loser rolls back. This is the
// only place an update id is recorded: it travels on the Actor, never in
// the context.
func (db *DB) change(ctx context.Context, by Actor, fn func(tx *sqlx.Tx) error) error {
	tx, err := db.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	if by.UpdateID != 0 {
		// The record goes first: on PostgreSQL a second transaction
		// inserting the same id waits here for the first to end, then
		// finds the conflict, so fn never runs twice at once.
		res, err := exec(ctx, tx, `INSERT INTO bot_updates (update_id, applied_at) VALUES (?, ?) ON CONFLICT (update_id) DO NOTHING`,
			by.UpdateID, tm(db.now()))
		if err != nil {
			return fmt.Errorf("record update %d: %w", by.UpdateID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrUpdateApplied
		}
	}
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return db.lostRace(ctx, by.UpdateID, fmt.Errorf("commit: %w", err))
	}
	return nil
}

// RecordUpdate records Telegram update id as applied when handling it
// changed nothing else (an answer to /list): a redelivery is then
// recognised. It returns ErrUpdateApplied if it was recorded already.
func (db *DB) RecordUpdate(ctx context.Context, id int64) error {
	if id == 0 {
		return nil
	}
	return db.change(ctx, Actor{UpdateID: id}, func(*sqlx.Tx) error { return nil })
}

// lostRace turns a failed commit into ErrUpdateApplied when another
// replica recorded the same update meanwhile; everything the change did is
// rolled back.
func (db *DB) lostRace(ctx context.Context, updateID int64, err error) error {
	if updateID != 0 {
		if ok, _ := db.UpdateApplied(ctx, updateID); ok {
			return ErrUpdateApplied
		}
	}
	return err
}
