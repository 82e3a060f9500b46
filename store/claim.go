package store

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"duban/domain"
)

// ErrNotPending is returned (wrapped) by the Mark methods, Reroute and
// Release when the row is no longer pending: another dispatcher recorded it
// first, or its commitment closed and the row was dropped. The caller has
// nothing to undo; it must simply not record the row twice.
var ErrNotPending = errors.New("notification is no longer pending")

// claimReturning is the notifications column list qualified with the alias
// n, for the RETURNING clause of PostgreSQL's claim, where UPDATE ... FROM
// makes a bare "id" ambiguous. (SQLite's RETURNING takes bare names only.)
var claimReturning = func() string {
	cols := strings.Split(notificationCols, ",")
	for i, c := range cols {
		cols[i] = "n." + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}()

// Claim leases up to limit pending notifications that are due at now and
// not leased by anyone else, oldest first (by next attempt, then id): each
// gets locked_until = now+lease and is returned, so that no other
// dispatcher sends it until the lease runs out. Rows about a commitment
// that has meanwhile been closed (done, verified, cancelled) are marked
// dropped in the same transaction and not returned.
//
// The dispatcher sends the rows outside any transaction and records each
// result with MarkSent, MarkRetry, MarkDead or Release. A dispatcher that
// dies in between leaves its rows leased; they come back when the lease
// expires, so delivery is at least once.
func (db *DB) Claim(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]Notification, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("claim outbox: limit %d: want at least 1", limit)
	}
	if lease <= 0 {
		return nil, fmt.Errorf("claim outbox: lease %s: want more than 0", lease)
	}
	now = now.UTC()
	var out []Notification
	err := db.tx(ctx, func(tx *sqlx.Tx) error {
		var rows []notificationRow
		query, args := db.claimQuery(now, limit, now.Add(lease))
		if err := tx.SelectContext(ctx, &rows, tx.Rebind(query), args...); err != nil {
			return fmt.Errorf("claim outbox: %w", err)
		}
		if len(rows) == 0 {
			return nil
		}
		dropped, err := dropClosed(ctx, tx, rows)
		if err != nil {
			return err
		}
		out = make([]Notification, 0, len(rows))
		for i := range rows {
			if !dropped[rows[i].ID] {
				out = append(out, rows[i].notification())
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// RETURNING gives no order; the dispatcher wants the oldest first.
	sort.Slice(out, func(i, j int) bool {
		if !out[i].NextAttemptAt.Equal(out[j].NextAttemptAt) {
			return out[i].NextAttemptAt.Before(out[j].NextAttemptAt)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// claimQuery returns the claiming statement of the dialect and its
// arguments.
//
// The two differ because the databases lock differently. On PostgreSQL
// several replicas claim at once: the CTE locks the chosen rows FOR UPDATE
// SKIP LOCKED, so a replica passes over rows another one is claiming
// instead of waiting for them (and then taking them again), and the UPDATE
// ... RETURNING leases exactly the locked rows (river's pattern). SQLite
// has no row locks and no SKIP LOCKED, and needs none: the store's
// transactions are immediate, so the claiming UPDATE runs alone under the
// database's single write lock.
func (db *DB) claimQuery(now time.Time, limit int, until time.Time) (string, []any) {
	const due = `SELECT id FROM notifications
		WHERE state = 'pending' AND next_attempt_at <= ? AND (locked_until IS NULL OR locked_until < ?)
		ORDER BY next_attempt_at, id LIMIT ?`
	if db.dialect == Postgres {
		return `WITH due AS (` + due + ` FOR UPDATE SKIP LOCKED)
			UPDATE notifications AS n SET locked_until = ? FROM due WHERE n.id = due.id
			RETURNING ` + claimReturning,
			[]any{tm(now), tm(now), limit, tm(until)}
	}
	return `UPDATE notifications SET locked_until = ? WHERE id IN (` + due + `)
		RETURNING ` + notificationCols,
		[]any{tm(until), tm(now), tm(now), limit}
}

// dropClosed marks dropped the claimed rows whose commitment is closed,
// and returns their ids. SetStatus already drops them when the commitment
// closes; this catches a row enqueued by a scan that raced with the close.
// Only reminders are dropped, as SetStatus drops them: replies and news of
// a change answer a person, not a deadline.
func dropClosed(ctx context.Context, tx *sqlx.Tx, rows []notificationRow) (map[int64]bool, error) {
	var ids []int64
	for _, r := range rows {
		if r.CommitmentID != nil && domain.ChasesDeadline(r.Kind) {
			ids = append(ids, r.ID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	q, args, err := sqlx.In(`UPDATE notifications SET state = 'dropped', locked_until = NULL,
		last_error = 'commitment ' || (SELECT c.status FROM commitments c WHERE c.id = notifications.commitment_id)
		WHERE id IN (?) AND commitment_id IN (SELECT id FROM commitments WHERE status IN ('done', 'verified', 'cancelled'))
		RETURNING id`, ids)
	if err != nil {
		return nil, fmt.Errorf("claim outbox: %w", err)
	}
	var dropped []int64
	if err := tx.SelectContext(ctx, &dropped, tx.Rebind(q), args...); err != nil {
		return nil, fmt.Errorf("claim outbox: drop closed: %w", err)
	}
	out := make(map[int64]bool, len(dropped))
	for _, id := range dropped {
		out[id] = true
	}
	return out, nil
}

// MarkSent records that notification id was delivered as Telegram message
// messageID at at. It also accepts a row dropped while it was in flight
// (its commitment closed during the send): the message did go out, and the
// record should say so. A row already sent or dead is left alone and
// ErrNotPending returned.
func (db *DB) MarkSent(ctx context.Context, id int64, messageID int, at time.Time) error {
	return db.record(ctx, "mark sent", id, `UPDATE notifications SET state = 'sent', sent_at = ?, message_id = ?,
		attempts = attempts + 1, locked_until = NULL WHERE id = ? AND state IN ('pending', 'dropped')`,
		tm(at.UTC()), messageID, id)
}

// Delivery is one delivered message, for MarkSentAll.
type Delivery struct {
	ID        int64
	MessageID int
	At        time.Time
	// Channel is the channel that carried it ("telegram", "email", ...).
	Channel string
}

// MarkSentAll is MarkSent for several rows in one statement, so that a
// dispatcher whose workers finish together pays for one commit instead of
// one each. It returns the ids it left alone because they were already
// recorded.
func (db *DB) MarkSentAll(ctx context.Context, ds []Delivery) (notPending []int64, err error) {
	// (Members of a batch row are recorded sent in the same transaction.)
	if len(ds) == 0 {
		return nil, nil
	}
	var mid, at strings.Builder
	args := make([]any, 0, 5*len(ds))
	ids := make([]int64, len(ds))
	for i, d := range ds {
		mid.WriteString(" WHEN ? THEN CAST(? AS BIGINT)")
		args = append(args, d.ID, d.MessageID)
		ids[i] = d.ID
	}
	for _, d := range ds {
		at.WriteString(" WHEN ? THEN " + db.timeParam())
		args = append(args, d.ID, tm(d.At.UTC()))
	}
	var ch strings.Builder
	for _, d := range ds {
		c := d.Channel
		if c == "" {
			c = domain.ChannelTelegram
		}
		ch.WriteString(" WHEN ? THEN ?")
		args = append(args, d.ID, c)
	}
	in := strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")
	for _, id := range ids {
		args = append(args, id)
	}
	q := `UPDATE notifications SET state = 'sent', attempts = attempts + 1, locked_until = NULL,
		message_id = CASE id` + mid.String() + ` END, sent_at = CASE id` + at.String() + ` END,
		channel = CASE id` + ch.String() + ` END
		WHERE id IN (` + in + `) AND state IN ('pending', 'dropped') RETURNING id`
	var done []int64
	err = db.tx(ctx, func(tx *sqlx.Tx) error {
		if err := tx.SelectContext(ctx, &done, tx.Rebind(q), args...); err != nil {
			return fmt.Errorf("mark sent: %w", err)
		}
		// The reminders that went out inside a batch row's message are
		// sent with it: each keeps its own sent record.
		if err := settleBatched(ctx, tx, done, `state = 'sent', attempts = attempts + 1, sent_at = b.sent_at, message_id = b.message_id`); err != nil {
			return err
		}
		// A contact marked unreachable that a send just reached is
		// reachable again, and gets what it missed.
		return db.chatsReachable(ctx, tx, done)
	})
	if err != nil {
		return nil, err
	}
	recorded := make(map[int64]bool, len(done))
	for _, id := range done {
		recorded[id] = true
	}
	for _, id := range ids {
		if !recorded[id] {
			notPending = append(notPending, id)
		}
	}
	return notPending, nil
}

// timeParam is a placeholder for a dbTime where PostgreSQL cannot infer
// the type (inside CASE it would take the text for text). SQLite stores the
// text as it is; a CAST there would turn it into a number.
func (db *DB) timeParam() string {
	if db.dialect == Postgres {
		return "CAST(? AS TIMESTAMPTZ)"
	}
	return "?"
}

// MarkRetry records a failed attempt to send pending notification id:
// attempts is the new attempt count, next when to try again, lastErr why
// (it must not contain secrets; notify's errors are redacted). The lease is
// cleared so that any dispatcher may take the row when it is due.
func (db *DB) MarkRetry(ctx context.Context, id int64, attempts int, next time.Time, lastErr string) error {
	return db.MarkRetryAt(ctx, id, attempts, next, lastErr, db.now())
}

// MarkRetryAt is MarkRetry for an attempt that failed at failedAt, by the
// dispatcher's clock: the first failure of a streak is kept as
// failing_since, from which transient failures give up.
func (db *DB) MarkRetryAt(ctx context.Context, id int64, attempts int, next time.Time, lastErr string, failedAt time.Time) error {
	return db.record(ctx, "mark retry", id, `UPDATE notifications SET attempts = ?, next_attempt_at = ?, last_error = ?,
		failing_since = COALESCE(failing_since, ?), locked_until = NULL WHERE id = ? AND state = 'pending'`,
		attempts, tm(next.UTC()), clip(lastErr), tm(failedAt.UTC()), id)
}

// MarkDead gives up on pending notification id after a final failed
// attempt (counted), recording reason as its last error.
func (db *DB) MarkDead(ctx context.Context, id int64, reason string) error {
	return db.tx(ctx, func(tx *sqlx.Tx) error {
		res, err := exec(ctx, tx, `UPDATE notifications SET state = 'dead', attempts = attempts + 1, last_error = ?,
			dead_at = ?, locked_until = NULL WHERE id = ? AND state = 'pending'`, clip(reason), tm(db.now()), id)
		if err != nil {
			return fmt.Errorf("mark dead #%d: %w", id, err)
		}
		if n, err := res.RowsAffected(); err == nil && n == 0 {
			return fmt.Errorf("mark dead #%d: %w", id, ErrNotPending)
		}
		return settleBatched(ctx, tx, []int64{id}, `state = 'dead', attempts = attempts + 1, last_error = b.last_error, dead_at = b.dead_at`)
	})
}

// settleBatched gives the batched members of the batch rows ids the
// batch's outcome: set is an assignment list that may read the batch row
// as b.
func settleBatched(ctx context.Context, tx *sqlx.Tx, ids []int64, set string) error {
	if len(ids) == 0 {
		return nil
	}
	// A correlated subquery per column keeps the statement the same on
	// both databases (SQLite's UPDATE ... FROM differs from PostgreSQL's).
	cols := strings.Split(set, ", ")
	for i, c := range cols {
		name, val, _ := strings.Cut(c, " = ")
		if strings.HasPrefix(val, "b.") {
			cols[i] = name + " = (SELECT " + val + " FROM notifications b WHERE b.id = notifications.batch_id)"
		}
	}
	q, args, err := sqlx.In(`UPDATE notifications SET `+strings.Join(cols, ", ")+`
		WHERE batch_id IN (?) AND state = 'batched'`, ids)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind(q), args...); err != nil {
		return fmt.Errorf("settle batched reminders: %w", err)
	}
	return nil
}

// RenewLease extends the leases of rows a live dispatcher still holds to
// until, so that a short lease is safe for a long batch: only a
// dispatcher that stopped renewing (it died) loses its rows, and they are
// claimable again within one lease. Rows no longer pending are skipped.
func (db *DB) RenewLease(ctx context.Context, until time.Time, ids ...int64) error {
	if len(ids) == 0 {
		return nil
	}
	q, args, err := sqlx.In(`UPDATE notifications SET locked_until = ? WHERE id IN (?) AND state = 'pending'
		AND locked_until IS NOT NULL`, tm(until.UTC()), ids)
	if err != nil {
		return fmt.Errorf("renew lease: %w", err)
	}
	if _, err := db.db.ExecContext(ctx, db.db.Rebind(q), args...); err != nil {
		return fmt.Errorf("renew lease: %w", err)
	}
	return nil
}

// Reroute points pending notification id at newChat, for a group that
// Telegram upgraded to a supergroup. MigrateChat already moves every
// pending row of the old chat; Reroute makes sure of the row in hand even
// if it was enqueued since.
func (db *DB) Reroute(ctx context.Context, id int64, newChat int64) error {
	return db.record(ctx, "reroute", id, `UPDATE notifications SET chat_id = ? WHERE id = ? AND state = 'pending'`, newChat, id)
}

// Release gives back the leases of pending notifications that a dispatcher
// claimed but did not send (shutdown, a lease about to run out, a chat that
// must wait), without counting an attempt. Rows no longer pending are
// skipped silently.
//
// A non-zero next moves the released rows to at least next, and with them
// every unleased pending row of the same chats: a chat's messages go out in
// id order, so none may overtake one that has to wait (a retry after a
// failure, a group chat's rate limit).
func (db *DB) Release(ctx context.Context, next time.Time, ids ...int64) error {
	if len(ids) == 0 {
		return nil
	}
	in := strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")
	idArgs := make([]any, len(ids))
	for i, id := range ids {
		idArgs[i] = id
	}
	return db.tx(ctx, func(tx *sqlx.Tx) error {
		if _, err := exec(ctx, tx, `UPDATE notifications SET locked_until = NULL WHERE id IN (`+in+`) AND state = 'pending'`, idArgs...); err != nil {
			return fmt.Errorf("release outbox rows: %w", err)
		}
		if next.IsZero() {
			return nil
		}
		// Only rows due before next change, and the partial index on
		// pending rows by next_attempt_at finds them without reading the
		// history of sent ones.
		args := append([]any{tm(next.UTC()), tm(next.UTC())}, idArgs...)
		if _, err := exec(ctx, tx, `UPDATE notifications SET next_attempt_at = ?
			WHERE state = 'pending' AND next_attempt_at < ? AND locked_until IS NULL
			AND chat_id IN (SELECT chat_id FROM notifications WHERE id IN (`+in+`))`, args...); err != nil {
			return fmt.Errorf("release outbox rows: %w", err)
		}
		return nil
	})
}

// NextAttempt returns when the earliest pending notification may next be
// claimed (its next attempt, or the end of its lease if later), and false
// when nothing is pending.
func (db *DB) NextAttempt(ctx context.Context) (time.Time, bool, error) {
	var t dbTime
	err := db.db.GetContext(ctx, &t, `SELECT MIN(CASE WHEN locked_until IS NOT NULL AND locked_until > next_attempt_at
		THEN locked_until ELSE next_attempt_at END) FROM notifications WHERE state = 'pending'`)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("next attempt: %w", err)
	}
	return t.T, t.Valid, nil
}

// record runs one guarded update of notification id and returns
// ErrNotPending when it changed nothing. A single statement is a
// transaction of its own; running it without BEGIN and COMMIT saves two
// round trips on the dispatcher's hot path.
func (db *DB) record(ctx context.Context, what string, id int64, query string, args ...any) error {
	res, err := db.db.ExecContext(ctx, db.db.Rebind(query), args...)
	if err != nil {
		return fmt.Errorf("%s #%d: %w", what, id, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("%s #%d: %w", what, id, ErrNotPending)
	}
	return nil
}

// maxLastError bounds last_error: a failure's description, not a log.
const maxLastError = 1000

func clip(s string) string {
	if len(s) <= maxLastError {
		return s
	}
	cut := maxLastError
	for cut > 0 && s[cut]&0xC0 == 0x80 { // do not cut a UTF-8 sequence
		cut--
	}
	return s[:cut]
}
