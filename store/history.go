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

// Actor is who made a change and through which channel: "cli", "telegram",
// "web" or "import".
type Actor struct {
	ContactID      int64
	TelegramUserID int64
	Channel        string
}

func (a Actor) contact() sql.NullInt64 {
	return sql.NullInt64{Int64: a.ContactID, Valid: a.ContactID != 0}
}

func (a Actor) channel() string {
	if a.Channel == "" {
		return "cli"
	}
	return a.Channel
}

// lockCommitment reads a commitment's status and due date inside tx,
// locking the row on PostgreSQL so that concurrent changes queue.
func (db *DB) lockCommitment(ctx context.Context, tx *sqlx.Tx, id int64) (domain.Status, domain.Date, error) {
	var st string
	var due dbDate
	err := tx.QueryRowxContext(ctx, tx.Rebind(`SELECT status, due FROM commitments WHERE id = ?`+db.forUpdate()), id).Scan(&st, &due)
	if errors.Is(err, sql.ErrNoRows) {
		return "", domain.Date{}, notFound(id)
	}
	if err != nil {
		return "", domain.Date{}, fmt.Errorf("lock commitment: %w", err)
	}
	return domain.Status(st), due.D, nil
}

// AddProgress records a progress update. The first one moves an open
// commitment to in_progress. A closed commitment takes no progress.
func (db *DB) AddProgress(ctx context.Context, id int64, pct int, note string, evidence []string, by Actor) error {
	if err := domain.ValidPercent(pct); err != nil {
		return err
	}
	if err := checkNote(note); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sqlx.Tx) error {
		st, _, err := db.lockCommitment(ctx, tx, id)
		if err != nil {
			return err
		}
		if !st.Active() {
			return domain.Errorf(domain.EINVALID, "commitment #%d is %s: it takes no more progress", id, st)
		}
		now := db.now()
		if _, err := exec(ctx, tx, `INSERT INTO progress_updates (commitment_id, contact_id, telegram_user_id, percent, note, evidence, channel, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, id, by.contact(), by.TelegramUserID, pct, note, strings.Join(evidence, "\n"), by.channel(), tm(now)); err != nil {
			return fmt.Errorf("add progress: %w", err)
		}
		if st == domain.Open {
			if err := db.recordStatus(ctx, tx, id, st, domain.InProgress, "", by, now); err != nil {
				return err
			}
		}
		_, err = exec(ctx, tx, `UPDATE commitments SET progress = ?, last_progress_at = ?, updated_at = ?, next_remind_at = ? WHERE id = ?`,
			pct, tm(now), tm(now), rescan, id)
		return err
	})
}

func checkNote(note string) error {
	if n := len([]rune(note)); n > domain.MaxNoteLen {
		return domain.Errorf(domain.EINVALID, "text too long: %d characters, at most %d", n, domain.MaxNoteLen)
	}
	return nil
}

// recordStatus writes a status change to the history and to the row.
func (db *DB) recordStatus(ctx context.Context, tx *sqlx.Tx, id int64, from, to domain.Status, reason string, by Actor, now time.Time) error {
	if _, err := exec(ctx, tx, `INSERT INTO status_changes (commitment_id, from_status, to_status, reason, contact_id, telegram_user_id, channel, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, id, string(from), string(to), reason, by.contact(), by.TelegramUserID, by.channel(), tm(now)); err != nil {
		return fmt.Errorf("record status: %w", err)
	}
	closed := dbTime{}
	if to.Closed() {
		closed = tm(now)
	}
	_, err := exec(ctx, tx, `UPDATE commitments SET status = ?, closed_at = ?, updated_at = ?, next_remind_at = ? WHERE id = ?`,
		string(to), closed, tm(now), rescan, id)
	return err
}

// SetStatus moves a commitment to a new status, refusing illegal moves.
// Marking done may carry a note and evidence, recorded as a 100 % progress
// update. Cancelling and reopening need a reason.
func (db *DB) SetStatus(ctx context.Context, id int64, to domain.Status, reason string, evidence []string, by Actor) error {
	if err := checkNote(reason); err != nil {
		return err
	}
	if (to == domain.Cancelled) && strings.TrimSpace(reason) == "" {
		return domain.Errorf(domain.EINVALID, "cancel needs a reason")
	}
	return db.tx(ctx, func(tx *sqlx.Tx) error {
		from, _, err := db.lockCommitment(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := domain.Transition(from, to); err != nil {
			return domain.Errorf(domain.EINVALID, "commitment #%d: %s", id, domain.ErrorMessage(err))
		}
		now := db.now()
		if to == domain.Done {
			if _, err := exec(ctx, tx, `INSERT INTO progress_updates (commitment_id, contact_id, telegram_user_id, percent, note, evidence, channel, created_at)
				VALUES (?, ?, ?, 100, ?, ?, ?, ?)`, id, by.contact(), by.TelegramUserID, reason, strings.Join(evidence, "\n"), by.channel(), tm(now)); err != nil {
				return fmt.Errorf("mark done: %w", err)
			}
			if _, err := exec(ctx, tx, `UPDATE commitments SET progress = 100, last_progress_at = ? WHERE id = ?`, tm(now), id); err != nil {
				return err
			}
		}
		if err := db.recordStatus(ctx, tx, id, from, to, reason, by, now); err != nil {
			return err
		}
		if to.Closed() {
			// Reminders queued before the change are dropped, not sent.
			_, err = exec(ctx, tx, `UPDATE notifications SET state = 'dropped', last_error = ? WHERE commitment_id = ? AND state = 'pending' AND kind <> 'reply'`,
				"commitment "+string(to), id)
		}
		return err
	})
}

// Extension is a request to move a due date (延期申请).
type Extension struct {
	ID           int64
	CommitmentID int64
	OldDue       domain.Date
	RequestedDue domain.Date
	Reason       string
	RequesterID  int64
	Late         bool
	State        string
	CreatedAt    time.Time
	DecidedAt    *time.Time
}

// RequestExtension files an extension request. One filed after the due date
// is accepted but marked late. A commitment has at most one pending request.
func (db *DB) RequestExtension(ctx context.Context, id int64, want domain.Date, reason string, loc *time.Location, by Actor) (*Extension, error) {
	if strings.TrimSpace(reason) == "" {
		return nil, domain.Errorf(domain.EINVALID, "an extension needs a reason")
	}
	if err := checkNote(reason); err != nil {
		return nil, err
	}
	var ext *Extension
	err := db.tx(ctx, func(tx *sqlx.Tx) error {
		st, due, err := db.lockCommitment(ctx, tx, id)
		if err != nil {
			return err
		}
		if !st.Active() {
			return domain.Errorf(domain.EINVALID, "commitment #%d is %s: nothing to extend", id, st)
		}
		now := db.now()
		today := domain.DateOf(now, loc)
		if !want.After(today) {
			return domain.Errorf(domain.EINVALID, "the new due date %s is not in the future", want)
		}
		if !due.IsZero() && !want.After(due) {
			return domain.Errorf(domain.EINVALID, "the new due date %s is not after the current one, %s", want, due)
		}
		var pending int
		if err := tx.GetContext(ctx, &pending, tx.Rebind(`SELECT COUNT(*) FROM extensions WHERE commitment_id = ? AND state = 'pending'`), id); err != nil {
			return err
		}
		if pending > 0 {
			return domain.Errorf(domain.EINVALID, "commitment #%d already has a pending extension request", id)
		}
		late := !due.IsZero() && today.After(due)
		eid, err := insertID(ctx, tx, `INSERT INTO extensions (commitment_id, old_due, requested_due, reason, requester_id, telegram_user_id, late, state, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?)`, id, dbDate{due}, dbDate{want}, reason, by.contact(), by.TelegramUserID, late, tm(now))
		if err != nil {
			return fmt.Errorf("request extension: %w", err)
		}
		ext = &Extension{ID: eid, CommitmentID: id, OldDue: due, RequestedDue: want, Reason: reason, RequesterID: by.ContactID, Late: late, State: "pending", CreatedAt: now}
		return nil
	})
	return ext, err
}

// PendingExtension returns the pending extension request of a commitment.
func (db *DB) PendingExtension(ctx context.Context, commitmentID int64) (*Extension, error) {
	var r extensionRow
	err := db.db.GetContext(ctx, &r, db.db.Rebind(extensionSelect+` WHERE commitment_id = ? AND state = 'pending'`), commitmentID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "commitment #%d has no pending extension request", commitmentID)
	}
	if err != nil {
		return nil, err
	}
	return r.domain(), nil
}

const extensionSelect = `SELECT id, commitment_id, old_due, requested_due, reason, COALESCE(requester_id, 0) AS requester_id, late, state, created_at, decided_at FROM extensions`

type extensionRow struct {
	ID           int64  `db:"id"`
	CommitmentID int64  `db:"commitment_id"`
	OldDue       dbDate `db:"old_due"`
	RequestedDue dbDate `db:"requested_due"`
	Reason       string `db:"reason"`
	RequesterID  int64  `db:"requester_id"`
	Late         bool   `db:"late"`
	State        string `db:"state"`
	CreatedAt    dbTime `db:"created_at"`
	DecidedAt    dbTime `db:"decided_at"`
}

func (r extensionRow) domain() *Extension {
	return &Extension{ID: r.ID, CommitmentID: r.CommitmentID, OldDue: r.OldDue.D, RequestedDue: r.RequestedDue.D,
		Reason: r.Reason, RequesterID: r.RequesterID, Late: r.Late, State: r.State, CreatedAt: r.CreatedAt.T, DecidedAt: r.DecidedAt.ptr()}
}

// DecideExtension approves or rejects a commitment's pending extension
// request. Approval moves the due date (the old one stays in the request),
// which starts a new reminder series.
func (db *DB) DecideExtension(ctx context.Context, commitmentID int64, approve bool, by Actor) (*Extension, error) {
	var ext *Extension
	err := db.tx(ctx, func(tx *sqlx.Tx) error {
		if _, _, err := db.lockCommitment(ctx, tx, commitmentID); err != nil {
			return err
		}
		var r extensionRow
		err := tx.GetContext(ctx, &r, tx.Rebind(extensionSelect+` WHERE commitment_id = ? AND state = 'pending'`), commitmentID)
		if errors.Is(err, sql.ErrNoRows) {
			return domain.Errorf(domain.EINVALID, "commitment #%d has no pending extension request", commitmentID)
		}
		if err != nil {
			return err
		}
		now := db.now()
		state := "rejected"
		if approve {
			state = "approved"
		}
		if _, err := exec(ctx, tx, `UPDATE extensions SET state = ?, decided_by = ?, decided_tg_user = ?, decided_at = ? WHERE id = ?`,
			state, by.contact(), by.TelegramUserID, tm(now), r.ID); err != nil {
			return err
		}
		if approve {
			if _, err := exec(ctx, tx, `UPDATE commitments SET due = ?, due_precision = 'day', updated_at = ?, next_remind_at = ? WHERE id = ?`,
				dbDate{r.RequestedDue.D}, tm(now), rescan, commitmentID); err != nil {
				return err
			}
			// Reminders of the old series that have not gone out are moot.
			if _, err := exec(ctx, tx, `UPDATE notifications SET state = 'dropped', last_error = 'due date extended'
				WHERE commitment_id = ? AND state = 'pending' AND kind IN ('lead','due','overdue','escalation')`, commitmentID); err != nil {
				return err
			}
		}
		r.State = state
		ext = r.domain()
		ext.DecidedAt = &now
		return nil
	})
	return ext, err
}
