package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"duban/domain"
)

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
func (db *DB) DueForScan(ctx context.Context, now time.Time, limit int) ([]ScanItem, error) {
	type row struct {
		commitmentRow
		Next dbTime `db:"next_remind_at"`
	}
	var rows []row
	q := `SELECT ` + commitmentColumns + `, c.next_remind_at` + commitmentFrom +
		` WHERE c.next_remind_at IS NOT NULL AND c.next_remind_at <= ? ORDER BY c.next_remind_at, c.id LIMIT ?`
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

// ownerContacts returns the owner contacts of each commitment.
func ownerContacts(ctx context.Context, q *sqlx.DB, ids []int64) (map[int64][]*domain.Contact, error) {
	query, args, err := sqlx.In(`SELECT o.commitment_id AS cid, ct.id, ct.key, ct.name, COALESCE(u.name, '') AS unit, ct.role, ct.phone,
		ct.telegram_user_id, ct.chat_id, ct.language, ct.unreachable, ct.unreachable_why
		FROM commitment_owners o JOIN contacts ct ON ct.id = o.contact_id LEFT JOIN units u ON u.id = ct.unit_id
		WHERE o.commitment_id IN (?) ORDER BY o.commitment_id, o.position`, ids)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		CID int64 `db:"cid"`
		contactRow
	}
	if err := q.SelectContext(ctx, &rows, q.Rebind(query), args...); err != nil {
		return nil, fmt.Errorf("owner contacts: %w", err)
	}
	out := make(map[int64][]*domain.Contact, len(ids))
	for _, r := range rows {
		out[r.CID] = append(out[r.CID], r.contactRow.domain())
	}
	return out, nil
}

// RecordScan writes the reminders a scan found for one commitment and its
// next reminder time, in one transaction. The next time is stored only if
// the commitment was not changed since it was read (a change resets
// next_remind_at, and the next scan looks again).
func (db *DB) RecordScan(ctx context.Context, it ScanItem, ns []Notification, next time.Time) (int, error) {
	var n int
	err := db.tx(ctx, func(tx *sqlx.Tx) error {
		var err error
		if n, err = db.enqueue(ctx, tx, ns); err != nil {
			return err
		}
		_, err = exec(ctx, tx, `UPDATE commitments SET next_remind_at = ? WHERE id = ? AND next_remind_at = ?`,
			tm(next), it.Commitment.ID, tm(it.NextRemindAt))
		return err
	})
	return n, err
}

// Touch marks commitments for the next scan: their reminder time is
// recomputed from scratch (after a configuration change, for example).
func (db *DB) Touch(ctx context.Context) error {
	return db.tx(ctx, func(tx *sqlx.Tx) error {
		_, err := exec(ctx, tx, `UPDATE commitments SET next_remind_at = ? WHERE status IN ('open', 'in_progress')`, tm(db.now()))
		return err
	})
}
