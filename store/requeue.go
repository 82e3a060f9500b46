package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// DefaultReachableWindow is how far back ContactReachable looks for
// messages that went dead while their contact was unreachable: the default
// delivery.give_up_after.
const DefaultReachableWindow = 72 * time.Hour

// requeueSet is what queuing a dead or failed row again changes: it goes
// out as new (attempts and give-up time start afresh) to its contact's
// current chat when it has one. A row carried by a batch waits for its
// batch again.
const requeueSet = `state = CASE WHEN batch_id IS NULL THEN 'pending' ELSE 'batched' END,
	attempts = 0, next_attempt_at = ?, due_at = ?, dead_at = NULL, failing_since = NULL, locked_until = NULL,
	chat_id = COALESCE((SELECT ct.chat_id FROM contacts ct WHERE ct.id = notifications.contact_id AND ct.chat_id <> 0), chat_id)`

// RetryNotifications queues dead or failed rows ids again (duban outbox
// retry). A row inside a batch that is retried by itself leaves the batch
// and goes as its own message; the members of a retried batch go with it.
// It returns how many rows were queued; ids in another state are skipped.
func (db *DB) RetryNotifications(ctx context.Context, ids ...int64) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	now := tm(db.now())
	var n int
	err := db.tx(ctx, func(tx *sqlx.Tx) error {
		q, args, err := sqlx.In(`UPDATE notifications SET batch_id = NULL WHERE id IN (?) AND batch_id IS NOT NULL
			AND state IN ('dead', 'failed') AND batch_id NOT IN (?)`, ids, ids)
		if err != nil {
			return err
		}
		if _, err := exec(ctx, tx, q, args...); err != nil {
			return fmt.Errorf("retry outbox rows: %w", err)
		}
		q, args, err = sqlx.In(`UPDATE notifications SET `+requeueSet+`
			WHERE (id IN (?) OR batch_id IN (?)) AND state IN ('dead', 'failed')`, now, now, ids, ids)
		if err != nil {
			return err
		}
		res, err := exec(ctx, tx, q, args...)
		if err != nil {
			return fmt.Errorf("retry outbox rows: %w", err)
		}
		k, _ := res.RowsAffected()
		n = int(k)
		return nil
	})
	return n, err
}

// RetryDead queues every dead row again (duban outbox retry --dead) and
// returns how many.
func (db *DB) RetryDead(ctx context.Context) (int, error) {
	now := tm(db.now())
	var n int
	err := db.tx(ctx, func(tx *sqlx.Tx) error {
		res, err := exec(ctx, tx, `UPDATE notifications SET `+requeueSet+` WHERE state = 'dead'`, now, now)
		if err != nil {
			return fmt.Errorf("retry dead outbox rows: %w", err)
		}
		k, _ := res.RowsAffected()
		n = int(k)
		return nil
	})
	return n, err
}

// ContactReachable records that contact contactID can be reached (a
// message arrived from their chat, or a send to them succeeded): their
// unreachable mark is cleared, and what went dead as unreachable for them
// in the last within (0: DefaultReachableWindow, the default
// delivery.give_up_after) is queued again, each message once. It is cheap
// for a contact that was never marked: one guarded update. The bot calls
// it on every incoming message; it returns how many messages were queued.
func (db *DB) ContactReachable(ctx context.Context, contactID int64, within time.Duration) (int, error) {
	var n int
	err := db.tx(ctx, func(tx *sqlx.Tx) error {
		var err error
		n, err = db.contactsReachable(ctx, tx, []int64{contactID}, within)
		return err
	})
	return n, err
}

// contactsReachable is ContactReachable for several contacts inside a
// caller's transaction.
func (db *DB) contactsReachable(ctx context.Context, tx *sqlx.Tx, ids []int64, within time.Duration) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	if within <= 0 {
		within = DefaultReachableWindow
	}
	q, args, err := sqlx.In(`UPDATE contacts SET unreachable = ?, unreachable_why = '' WHERE id IN (?) AND unreachable = ? RETURNING id`,
		false, ids, true)
	if err != nil {
		return 0, err
	}
	var back []int64
	if err := tx.SelectContext(ctx, &back, tx.Rebind(q), args...); err != nil {
		return 0, fmt.Errorf("contact reachable: %w", err)
	}
	if len(back) == 0 {
		return 0, nil
	}
	now := db.now()
	q, args, err = sqlx.In(`UPDATE notifications SET `+requeueSet+`
		WHERE state = 'dead' AND contact_id IN (?) AND dead_at >= ? AND last_error LIKE 'unreachable:%'`,
		tm(now), tm(now), back, tm(now.Add(-within)))
	if err != nil {
		return 0, err
	}
	res, err := exec(ctx, tx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("contact reachable: requeue: %w", err)
	}
	k, _ := res.RowsAffected()
	return int(k), nil
}

// chatsReachable is contactsReachable for the contacts linked to the chats
// of the sent rows ids: a send that succeeded proves the chat reachable.
// It costs one indexed update when no contact of those chats is marked.
func (db *DB) chatsReachable(ctx context.Context, tx *sqlx.Tx, sent []int64) error {
	if len(sent) == 0 {
		return nil
	}
	q, args, err := sqlx.In(`SELECT id FROM contacts WHERE unreachable = ? AND chat_id <> 0
		AND chat_id IN (SELECT chat_id FROM notifications WHERE id IN (?) AND channel = 'telegram')`, true, sent)
	if err != nil {
		return err
	}
	var ids []int64
	if err := tx.SelectContext(ctx, &ids, tx.Rebind(q), args...); err != nil {
		return fmt.Errorf("reachable after send: %w", err)
	}
	_, err = db.contactsReachable(ctx, tx, ids, 0)
	return err
}
