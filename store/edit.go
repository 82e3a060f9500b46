package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"duban/domain"
)

// CommitmentEdit changes a commitment's fields; nil fields stay.
type CommitmentEdit struct {
	Due       *domain.Date // the zero Date makes the item ongoing
	Precision *domain.Precision
	Owners    []string // contact keys, in order; nil: unchanged
	Unit      *string
	Title     *string
	Reason    string
}

// EditCommitment applies e to commitment id, writing one history row per
// field changed and the notifications ns, in one transaction. A changed due
// date starts a new reminder series: pending reminders of the old one are
// dropped.
func (db *DB) EditCommitment(ctx context.Context, id int64, e CommitmentEdit, by Actor, ns ...Notification) error {
	if err := checkNote(e.Reason); err != nil {
		return err
	}
	return db.change(ctx, by, func(tx *sqlx.Tx) error {
		var r commitmentRow
		err := tx.GetContext(ctx, &r, tx.Rebind(`SELECT `+commitmentColumns+commitmentFrom+` WHERE c.id = ?`+db.forUpdateOf("c")), id)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound(id)
		}
		if err != nil {
			return fmt.Errorf("edit commitment: %w", err)
		}
		now := db.now()
		record := func(field, old, new string) error {
			_, err := exec(ctx, tx, `INSERT INTO commitment_edits (commitment_id, field, old_value, new_value, reason, contact_id,
				telegram_user_id, telegram_update_id, web_session, channel, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				id, field, old, new, e.Reason, by.contact(), by.TelegramUserID, by.UpdateID, by.WebSession, by.channel(), tm(now))
			return err
		}
		if e.Title != nil && *e.Title != r.Title {
			if _, err := exec(ctx, tx, `UPDATE commitments SET title = ? WHERE id = ?`, *e.Title, id); err != nil {
				return err
			}
			if err := record("title", r.Title, *e.Title); err != nil {
				return err
			}
		}
		if e.Due != nil || e.Precision != nil {
			due, prec := r.Due.D, domain.Precision(r.DuePrecision)
			if e.Due != nil {
				due = *e.Due
			}
			if e.Precision != nil {
				prec = *e.Precision
			}
			due, prec = domain.NormalizeDue(due, prec)
			if due != r.Due.D || string(prec) != r.DuePrecision {
				if _, err := exec(ctx, tx, `UPDATE commitments SET due = ?, due_precision = ?, next_remind_at = ? WHERE id = ?`,
					dbDate{due}, string(prec), rescan, id); err != nil {
					return err
				}
				if err := record("due", r.Due.D.String()+" "+r.DuePrecision, due.String()+" "+string(prec)); err != nil {
					return err
				}
				if _, err := exec(ctx, tx, `UPDATE notifications SET state = 'dropped', last_error = 'due date changed'
					WHERE commitment_id = ? AND state = 'pending' AND kind IN ('lead','due','overdue','escalation')`, id); err != nil {
					return err
				}
			}
		}
		if e.Unit != nil && *e.Unit != r.Unit {
			uid, err := ensureUnit(ctx, tx, *e.Unit)
			if err != nil {
				return err
			}
			if _, err := exec(ctx, tx, `UPDATE commitments SET unit_id = ? WHERE id = ?`, uid, id); err != nil {
				return err
			}
			if err := record("unit", r.Unit, *e.Unit); err != nil {
				return err
			}
		}
		if e.Owners != nil {
			old, err := ownersOf(ctx, tx, []int64{id})
			if err != nil {
				return err
			}
			if strings.Join(old[id], ",") != strings.Join(e.Owners, ",") {
				if err := setOwners(ctx, tx, id, e.Owners); err != nil {
					return err
				}
				if err := record("owners", strings.Join(old[id], ","), strings.Join(e.Owners, ",")); err != nil {
					return err
				}
			}
		}
		if _, err := exec(ctx, tx, `UPDATE commitments SET updated_at = ? WHERE id = ?`, tm(now), id); err != nil {
			return err
		}
		_, err = db.enqueue(ctx, tx, ns)
		return err
	})
}

// forUpdateOf locks rows of the table aliased a on PostgreSQL (a join
// with nullable sides cannot lock them all).
func (db *DB) forUpdateOf(a string) string {
	if db.dialect == Postgres {
		return " FOR UPDATE OF " + a
	}
	return ""
}

// setOwners replaces a commitment's owners by the contacts keys, in order.
func setOwners(ctx context.Context, tx *sqlx.Tx, id int64, keys []string) error {
	if len(keys) == 0 {
		return domain.Errorf(domain.EINVALID, "commitment #%d needs at least one owner", id)
	}
	if _, err := exec(ctx, tx, `DELETE FROM commitment_owners WHERE commitment_id = ?`, id); err != nil {
		return err
	}
	for i, k := range keys {
		var cid int64
		err := tx.GetContext(ctx, &cid, tx.Rebind(`SELECT id FROM contacts WHERE key = ?`), k)
		if errors.Is(err, sql.ErrNoRows) {
			return domain.Errorf(domain.EINVALID, "unknown contact %q", k)
		}
		if err != nil {
			return err
		}
		if _, err := exec(ctx, tx, `INSERT INTO commitment_owners (commitment_id, contact_id, position) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
			id, cid, i); err != nil {
			return err
		}
	}
	return nil
}

// ActiveOwnedBy returns the ids of the open, in-progress and done
// commitments that contactID owns, by id.
func (db *DB) ActiveOwnedBy(ctx context.Context, contactID int64) ([]int64, error) {
	var ids []int64
	err := db.db.SelectContext(ctx, &ids, db.db.Rebind(`SELECT c.id FROM commitments c JOIN commitment_owners o ON o.commitment_id = c.id
		WHERE o.contact_id = ? AND c.status IN ('open','in_progress','done') ORDER BY c.id`), contactID)
	if err != nil {
		return nil, fmt.Errorf("owned commitments: %w", err)
	}
	return ids, nil
}

// Reassign moves commitments ids from contact from to contact to (the new
// owner takes the old one's place in the owner list), records each move
// in the history and writes ns, in one transaction. It returns how many
// moved.
func (db *DB) Reassign(ctx context.Context, ids []int64, from, to *domain.Contact, reason string, by Actor, ns ...Notification) (int, error) {
	n := 0
	err := db.change(ctx, by, func(tx *sqlx.Tx) error {
		now := db.now()
		for _, id := range ids {
			res, err := exec(ctx, tx, `UPDATE commitment_owners SET contact_id = ? WHERE commitment_id = ? AND contact_id = ?
				AND NOT EXISTS (SELECT 1 FROM commitment_owners x WHERE x.commitment_id = ? AND x.contact_id = ?)`,
				to.ID, id, from.ID, id, to.ID)
			if err != nil {
				return fmt.Errorf("reassign: %w", err)
			}
			if k, _ := res.RowsAffected(); k == 0 {
				// The new owner owns it already: the old one just leaves.
				if _, err := exec(ctx, tx, `DELETE FROM commitment_owners WHERE commitment_id = ? AND contact_id = ?`, id, from.ID); err != nil {
					return err
				}
			}
			if _, err := exec(ctx, tx, `INSERT INTO commitment_edits (commitment_id, field, old_value, new_value, reason, contact_id,
				telegram_user_id, telegram_update_id, web_session, channel, created_at) VALUES (?, 'owners', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				id, from.Key, to.Key, reason, by.contact(), by.TelegramUserID, by.UpdateID, by.WebSession, by.channel(), tm(now)); err != nil {
				return err
			}
			if _, err := exec(ctx, tx, `UPDATE commitments SET updated_at = ?, next_remind_at = ? WHERE id = ?`, tm(now), rescan, id); err != nil {
				return err
			}
			n++
		}
		_, err := db.enqueue(ctx, tx, ns)
		return err
	})
	return n, err
}

// DoneItem is a done commitment awaiting 销号: when and by whom it was
// marked done.
type DoneItem struct {
	Commitment *domain.Commitment
	DoneAt     time.Time
	ByID       int64
}

// AwaitingVerification returns the done commitments, the oldest done
// first, with when and by whom each was marked done.
func (db *DB) AwaitingVerification(ctx context.Context, limit int) ([]DoneItem, error) {
	q := `SELECT ` + commitmentColumns + `,
		(SELECT sc.created_at FROM status_changes sc WHERE sc.commitment_id = c.id AND sc.to_status = 'done' ORDER BY sc.id DESC LIMIT 1) AS done_at,
		COALESCE((SELECT sc.contact_id FROM status_changes sc WHERE sc.commitment_id = c.id AND sc.to_status = 'done' ORDER BY sc.id DESC LIMIT 1), 0) AS done_by
		` + commitmentFrom + ` WHERE c.status = 'done' ORDER BY c.updated_at, c.id`
	if limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", limit)
	}
	var rows []struct {
		commitmentRow
		DoneAt dbTime `db:"done_at"`
		DoneBy int64  `db:"done_by"`
	}
	if err := db.db.SelectContext(ctx, &rows, db.db.Rebind(q)); err != nil {
		return nil, fmt.Errorf("awaiting verification: %w", err)
	}
	out := make([]DoneItem, len(rows))
	for i, r := range rows {
		at := r.DoneAt.T
		if !r.DoneAt.Valid {
			at = r.UpdatedAt.T
		}
		out[i] = DoneItem{Commitment: r.domain(), DoneAt: at, ByID: r.DoneBy}
	}
	return out, nil
}

// ExtensionRequests returns the extension requests awaiting a decision,
// oldest first.
func (db *DB) ExtensionRequests(ctx context.Context, limit int) ([]*Extension, error) {
	q := extensionSelect + ` WHERE state = 'pending' ORDER BY created_at, id`
	if limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", limit)
	}
	var rows []extensionRow
	if err := db.db.SelectContext(ctx, &rows, db.db.Rebind(q)); err != nil {
		return nil, fmt.Errorf("pending extensions: %w", err)
	}
	out := make([]*Extension, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}

// ContactsByKey returns the contacts with the given keys, in that order;
// unknown keys are skipped.
func (db *DB) ContactsByKey(ctx context.Context, keys []string) ([]*domain.Contact, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	q, args, err := sqlx.In(contactSelect+` WHERE ct.key IN (?)`, keys)
	if err != nil {
		return nil, err
	}
	var rows []contactRow
	if err := db.db.SelectContext(ctx, &rows, db.db.Rebind(q), args...); err != nil {
		return nil, fmt.Errorf("contacts: %w", err)
	}
	by := make(map[string]*domain.Contact, len(rows))
	for _, r := range rows {
		by[r.Key] = r.domain()
	}
	out := make([]*domain.Contact, 0, len(keys))
	for _, k := range keys {
		if c, ok := by[k]; ok {
			out = append(out, c)
		}
	}
	return out, nil
}
