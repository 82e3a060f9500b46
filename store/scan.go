package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"duban/domain"
)

// rescan is the next_remind_at of a commitment whose reminders must be
// worked out afresh: a change to it (progress, status, due date, owners)
// or to the reminder settings. It is earlier than any scan time, so the
// next scan looks at the row whatever clock it runs on (duban remind --at
// a past time included).
var rescan = tm(time.Unix(0, 0))

// ScanItem is a commitment whose reminder time has come, with its owners.
type ScanItem struct {
	Commitment *domain.Commitment
	Owners     []*domain.Contact
	// NextRemindAt is the value read, so that RecordScan can tell whether
	// the commitment changed in between.
	NextRemindAt time.Time
}

// DueForScan returns up to limit commitments whose next reminder time is at
// or before now, earliest first. Thanks to the partial index on
// next_remind_at, its cost grows with what is due, not with what is stored.
// Ties are not ordered by id on purpose: that would make the database sort
// every due row for each batch instead of reading the index in order.
func (db *DB) DueForScan(ctx context.Context, now time.Time, limit int) ([]ScanItem, error) {
	type row struct {
		commitmentRow
		Next dbTime `db:"next_remind_at"`
	}
	var rows []row
	q := `SELECT ` + commitmentColumns + `, c.next_remind_at` + commitmentFrom +
		` WHERE c.next_remind_at IS NOT NULL AND c.next_remind_at <= ? ORDER BY c.next_remind_at LIMIT ?`
	if err := db.db.SelectContext(ctx, &rows, db.db.Rebind(q), tm(now), limit); err != nil {
		return nil, fmt.Errorf("scan: %w", err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	owners, err := ownerContacts(ctx, db.db, ids)
	if err != nil {
		return nil, err
	}
	out := make([]ScanItem, len(rows))
	for i, r := range rows {
		c := r.domain()
		for _, o := range owners[r.ID] {
			c.Owners = append(c.Owners, o.Key)
		}
		out[i] = ScanItem{Commitment: c, Owners: owners[r.ID], NextRemindAt: r.Next.T}
	}
	return out, nil
}

// ownerContacts returns the owner contacts of each commitment. On
// PostgreSQL the ids go as one array parameter: with a long IN list the
// planner estimates badly and may scan the whole owners table.
func ownerContacts(ctx context.Context, q *sqlx.DB, ids []int64) (map[int64][]*domain.Contact, error) {
	const cols = `SELECT o.commitment_id AS cid, ct.id, ct.key, ct.name, COALESCE(u.name, '') AS unit, ct.role, ct.phone,
		ct.telegram_user_id, ct.chat_id, ct.language, ct.unreachable, ct.unreachable_why,
		ct.email, ct.channels, ct.email_unreachable_why
		FROM commitment_owners o JOIN contacts ct ON ct.id = o.contact_id LEFT JOIN units u ON u.id = ct.unit_id`
	var query string
	var args []any
	if q.DriverName() == "postgres" {
		query, args = cols+` WHERE o.commitment_id = ANY($1) ORDER BY o.commitment_id, o.position`, []any{pq.Array(ids)}
	} else {
		var err error
		query, args, err = sqlx.In(cols+` WHERE o.commitment_id IN (?) ORDER BY o.commitment_id, o.position`, ids)
		if err != nil {
			return nil, err
		}
	}
	var rows []struct {
		CID int64 `db:"cid"`
		contactRow
	}
	if err := q.SelectContext(ctx, &rows, query, args...); err != nil {
		return nil, fmt.Errorf("owner contacts: %w", err)
	}
	out := make(map[int64][]*domain.Contact, len(ids))
	for _, r := range rows {
		out[r.CID] = append(out[r.CID], r.contactRow.domain())
	}
	return out, nil
}

// ScanRecord is what a scan found for one commitment: the reminders to
// enqueue and its next reminder time.
type ScanRecord struct {
	Item          ScanItem
	Notifications []Notification
	Next          time.Time
}

// RecordScan writes what a scan found for a batch of commitments in one
// transaction: their reminders and their next reminder times. A next time
// is stored only if the commitment was not changed since it was read (a
// change resets next_remind_at, and the next scan looks again).
func (db *DB) RecordScan(ctx context.Context, recs []ScanRecord) (int, error) {
	return db.RecordScanBatched(ctx, recs, nil)
}

// Batch is one message that carries several reminders written by one scan
// to one chat: Carrier is the row that is sent, Members the ids of the
// reminder rows it carries. The members keep their own dedup keys and
// records; they wait as batched and become sent or dead with the carrier.
type Batch struct {
	Carrier Notification
	Members []int64
}

// RecordScanBatched is RecordScan that lets group bundle the reminders: it
// is called, inside the transaction, with the rows actually written (ids
// set; reminders already in the outbox are not among them, so nothing is
// sent twice) and returns the batches to write and the ids of written rows
// to drop unsent (a progress check beside a deadline reminder). Members of
// a carrier whose dedup key is already taken stay single messages.
func (db *DB) RecordScanBatched(ctx context.Context, recs []ScanRecord, group func(written []Notification) ([]Batch, []Dropped)) (int, error) {
	var n int
	err := db.tx(ctx, func(tx *sqlx.Tx) error {
		var all []Notification
		for _, r := range recs {
			all = append(all, r.Notifications...)
		}
		written, err := db.enqueueReturning(ctx, tx, all)
		if err != nil {
			return err
		}
		n = len(written)
		if group != nil && len(written) > 1 {
			bs, drop := group(written)
			if err := db.dropWritten(ctx, tx, drop); err != nil {
				return err
			}
			if err := db.writeBatches(ctx, tx, bs); err != nil {
				return err
			}
		}
		const chunk = 300
		for start := 0; start < len(recs); start += chunk {
			part := recs[start:min(start+chunk, len(recs))]
			args := make([]any, 0, 3*len(part))
			rows := make([]string, len(part))
			for i, r := range part {
				rows[i] = db.scanValuesRow()
				args = append(args, r.Item.Commitment.ID, tm(r.Next), tm(r.Item.NextRemindAt))
			}
			// One statement per chunk sets each commitment's next time, but
			// only where next_remind_at is still what the scan read.
			q := `WITH v(id, nxt, prev) AS (VALUES ` + strings.Join(rows, ",") + `)
				UPDATE commitments SET next_remind_at = (SELECT v.nxt FROM v WHERE v.id = commitments.id)
				WHERE id IN (SELECT v.id FROM v) AND next_remind_at = (SELECT v.prev FROM v WHERE v.id = commitments.id)`
			if _, err := exec(ctx, tx, q, args...); err != nil {
				return fmt.Errorf("record scan: %w", err)
			}
		}
		return nil
	})
	return n, err
}

// scanValuesRow is one row of RecordScan's VALUES list. PostgreSQL needs
// the parameters' types spelled out there; SQLite compares the text.
func (db *DB) scanValuesRow() string {
	if db.dialect == Postgres {
		return "(CAST(? AS BIGINT), CAST(? AS TIMESTAMPTZ), CAST(? AS TIMESTAMPTZ))"
	}
	return "(?, ?, ?)"
}

// Touch marks commitments for the next scan: their reminder time is
// recomputed from scratch (after a configuration change, for example).
func (db *DB) Touch(ctx context.Context) error {
	return db.tx(ctx, func(tx *sqlx.Tx) error {
		_, err := exec(ctx, tx, `UPDATE commitments SET next_remind_at = ? WHERE status IN ('open', 'in_progress')`, rescan)
		return err
	})
}

// writeBatches writes the carriers and marks their members batched.
func (db *DB) writeBatches(ctx context.Context, tx *sqlx.Tx, bs []Batch) error {
	for _, b := range bs {
		if len(b.Members) == 0 {
			continue
		}
		c, err := db.enqueueReturning(ctx, tx, []Notification{b.Carrier})
		if err != nil {
			return fmt.Errorf("record scan: batch: %w", err)
		}
		if len(c) == 0 {
			continue
		}
		q, args, err := sqlx.In(`UPDATE notifications SET state = 'batched', batch_id = ? WHERE id IN (?) AND state = 'pending'`,
			c[0].ID, b.Members)
		if err != nil {
			return err
		}
		if _, err := exec(ctx, tx, q, args...); err != nil {
			return fmt.Errorf("record scan: batch: %w", err)
		}
	}
	return nil
}

// Dropped is a row a scan wrote but will not send, and why.
type Dropped struct {
	ID  int64
	Why string
}

// dropWritten marks rows just written as dropped: their dedup keys stay
// taken, so later scans do not write them again.
func (db *DB) dropWritten(ctx context.Context, tx *sqlx.Tx, ds []Dropped) error {
	for _, d := range ds {
		if _, err := exec(ctx, tx, `UPDATE notifications SET state = 'dropped', last_error = ? WHERE id = ? AND state = 'pending'`,
			d.Why, d.ID); err != nil {
			return fmt.Errorf("record scan: drop: %w", err)
		}
	}
	return nil
}
