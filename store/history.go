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
// "web", "link" or "import".
type Actor struct {
	ContactID      int64
	TelegramUserID int64
	Channel        string
	// UpdateID is the Telegram update that carried the change: the method
	// that opens the change's transaction records it there, so that an
	// update delivered twice is applied once (ErrUpdateApplied).
	UpdateID int64
	// WebSession is the web session that made the change.
	WebSession string
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
// The notifications ns are written in the same transaction.
func (db *DB) AddProgress(ctx context.Context, id int64, pct int, note string, evidence []string, by Actor, ns ...Notification) error {
	if err := domain.ValidPercent(pct); err != nil {
		return err
	}
	if err := checkNote(note); err != nil {
		return err
	}
	return db.change(ctx, by, func(tx *sqlx.Tx) error {
		st, _, err := db.lockCommitment(ctx, tx, id)
		if err != nil {
			return err
		}
		if !st.Active() {
			return &domain.MoveError{ID: id, From: st, Action: "progress"}
		}
		now := db.now()
		if err := db.insertProgress(ctx, tx, id, pct, note, evidence, by, now); err != nil {
			return fmt.Errorf("add progress: %w", err)
		}
		if st == domain.Open {
			if err := db.recordStatus(ctx, tx, id, st, domain.InProgress, "", by, now); err != nil {
				return err
			}
		}
		if _, err = exec(ctx, tx, `UPDATE commitments SET progress = ?, last_progress_at = ?, updated_at = ?, next_remind_at = ? WHERE id = ?`,
			pct, tm(now), tm(now), rescan, id); err != nil {
			return err
		}
		_, err = db.enqueue(ctx, tx, ns)
		return err
	})
}

// insertProgress writes a progress update with who made it and how.
func (db *DB) insertProgress(ctx context.Context, tx *sqlx.Tx, id int64, pct int, note string, evidence []string, by Actor, now time.Time) error {
	_, err := exec(ctx, tx, `INSERT INTO progress_updates (commitment_id, contact_id, telegram_user_id, telegram_update_id, web_session,
		percent, note, evidence, channel, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, by.contact(), by.TelegramUserID, by.UpdateID, by.WebSession, pct, note, strings.Join(evidence, "\n"), by.channel(), tm(now))
	return err
}

func checkNote(note string) error {
	if n := len([]rune(note)); n > domain.MaxNoteLen {
		return domain.Errorf(domain.EINVALID, "text too long: %d characters, at most %d", n, domain.MaxNoteLen)
	}
	return nil
}

// recordStatus writes a status change to the history and to the row.
func (db *DB) recordStatus(ctx context.Context, tx *sqlx.Tx, id int64, from, to domain.Status, reason string, by Actor, now time.Time) error {
	if _, err := exec(ctx, tx, `INSERT INTO status_changes (commitment_id, from_status, to_status, reason, contact_id, telegram_user_id,
		telegram_update_id, web_session, channel, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, string(from), string(to), reason, by.contact(), by.TelegramUserID, by.UpdateID, by.WebSession, by.channel(), tm(now)); err != nil {
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
// update. Cancelling needs a reason. The notifications ns are written in
// the same transaction.
func (db *DB) SetStatus(ctx context.Context, id int64, to domain.Status, reason string, evidence []string, by Actor, ns ...Notification) error {
	if err := checkNote(reason); err != nil {
		return err
	}
	if (to == domain.Cancelled) && strings.TrimSpace(reason) == "" {
		return domain.Errorf(domain.EINVALID, "cancel needs a reason")
	}
	return db.change(ctx, by, func(tx *sqlx.Tx) error {
		from, _, err := db.lockCommitment(ctx, tx, id)
		if err != nil {
			return err
		}
		if !domain.CanTransition(from, to) {
			return &domain.MoveError{ID: id, From: from, To: to}
		}
		now := db.now()
		if to == domain.Done {
			if err := db.insertProgress(ctx, tx, id, 100, reason, evidence, by, now); err != nil {
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
			// Reminders queued before the change are dropped, not sent. The
			// messages this change causes are written after, and go out.
			if _, err = exec(ctx, tx, `UPDATE notifications SET state = 'dropped', last_error = ? WHERE commitment_id = ? AND state = 'pending'
				AND kind IN ('lead','due','overdue','escalation','progress_check')`, "commitment "+string(to), id); err != nil {
				return err
			}
		}
		_, err = db.enqueue(ctx, tx, ns)
		return err
	})
}

// Extension is a request to move a due date (延期申请), with who asked and
// who decided.
type Extension struct {
	ID             int64
	CommitmentID   int64
	OldDue         domain.Date
	RequestedDue   domain.Date
	Reason         string
	RequesterID    int64
	Channel        string
	Late           bool
	State          string
	CreatedAt      time.Time
	DecidedAt      *time.Time
	DeciderID      int64
	DecidedChannel string
	DecisionReason string
}

// Extension states.
const (
	ExtPending  = "pending"
	ExtApproved = "approved"
	ExtRejected = "rejected"
)

// RequestExtension files an extension request. One filed after the due date
// is accepted but marked late. A commitment has at most one pending request;
// an ongoing one (no due date) takes none. notes, if not nil, gives the
// notifications the request causes, written in the same transaction.
func (db *DB) RequestExtension(ctx context.Context, id int64, want domain.Date, reason string, loc *time.Location, by Actor,
	notes ...func(*Extension) []Notification) (*Extension, error) {
	if strings.TrimSpace(reason) == "" {
		return nil, domain.Errorf(domain.EINVALID, "an extension needs a reason")
	}
	if err := checkNote(reason); err != nil {
		return nil, err
	}
	var ext *Extension
	err := db.change(ctx, by, func(tx *sqlx.Tx) error {
		st, due, err := db.lockCommitment(ctx, tx, id)
		if err != nil {
			return err
		}
		if !st.Active() {
			return &domain.MoveError{ID: id, From: st, Action: "extend"}
		}
		if due.IsZero() {
			return domain.Errorf(domain.EINVALID, "commitment #%d is ongoing: it has no due date to extend", id)
		}
		now := db.now()
		today := domain.DateOf(now, loc)
		if !want.After(today) {
			return domain.Errorf(domain.EINVALID, "the new due date %s is not in the future", want)
		}
		if !want.After(due) {
			return domain.Errorf(domain.EINVALID, "the new due date %s is not after the current one, %s", want, due)
		}
		var pending int
		if err := tx.GetContext(ctx, &pending, tx.Rebind(`SELECT COUNT(*) FROM extensions WHERE commitment_id = ? AND state = 'pending'`), id); err != nil {
			return err
		}
		if pending > 0 {
			return domain.Errorf(domain.EINVALID, "commitment #%d already has a pending extension request", id)
		}
		late := today.After(due)
		eid, err := insertID(ctx, tx, `INSERT INTO extensions (commitment_id, old_due, requested_due, reason, requester_id, telegram_user_id,
			channel, telegram_update_id, late, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)`,
			id, dbDate{due}, dbDate{want}, reason, by.contact(), by.TelegramUserID, by.channel(), by.UpdateID, late, tm(now))
		if err != nil {
			return fmt.Errorf("request extension: %w", err)
		}
		ext = &Extension{ID: eid, CommitmentID: id, OldDue: due, RequestedDue: want, Reason: reason, RequesterID: by.ContactID,
			Channel: by.channel(), Late: late, State: ExtPending, CreatedAt: now}
		for _, f := range notes {
			if _, err := db.enqueue(ctx, tx, f(ext)); err != nil {
				return err
			}
		}
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

// Extensions returns every extension request of a commitment, oldest first.
func (db *DB) Extensions(ctx context.Context, commitmentID int64) ([]*Extension, error) {
	var rows []extensionRow
	if err := db.db.SelectContext(ctx, &rows, db.db.Rebind(extensionSelect+` WHERE commitment_id = ? ORDER BY id`), commitmentID); err != nil {
		return nil, fmt.Errorf("extensions: %w", err)
	}
	out := make([]*Extension, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}

const extensionSelect = `SELECT id, commitment_id, old_due, requested_due, reason, COALESCE(requester_id, 0) AS requester_id, channel, late, state,
	created_at, decided_at, COALESCE(decided_by, 0) AS decided_by, decided_channel, decision_reason FROM extensions`

type extensionRow struct {
	ID             int64  `db:"id"`
	CommitmentID   int64  `db:"commitment_id"`
	OldDue         dbDate `db:"old_due"`
	RequestedDue   dbDate `db:"requested_due"`
	Reason         string `db:"reason"`
	RequesterID    int64  `db:"requester_id"`
	Channel        string `db:"channel"`
	Late           bool   `db:"late"`
	State          string `db:"state"`
	CreatedAt      dbTime `db:"created_at"`
	DecidedAt      dbTime `db:"decided_at"`
	DecidedBy      int64  `db:"decided_by"`
	DecidedChannel string `db:"decided_channel"`
	DecisionReason string `db:"decision_reason"`
}

func (r extensionRow) domain() *Extension {
	return &Extension{ID: r.ID, CommitmentID: r.CommitmentID, OldDue: r.OldDue.D, RequestedDue: r.RequestedDue.D,
		Reason: r.Reason, RequesterID: r.RequesterID, Channel: r.Channel, Late: r.Late, State: r.State, CreatedAt: r.CreatedAt.T,
		DecidedAt: r.DecidedAt.ptr(), DeciderID: r.DecidedBy, DecidedChannel: r.DecidedChannel, DecisionReason: r.DecisionReason}
}

// DecideExtension approves or rejects a commitment's pending extension
// request. Approval moves the due date (the old one stays in the request),
// which starts a new reminder series.
func (db *DB) DecideExtension(ctx context.Context, commitmentID int64, approve bool, by Actor) (*Extension, error) {
	return db.Decide(ctx, Decision{CommitmentID: commitmentID, Approve: approve}, by)
}

// Decision is a supervisor's answer to an extension request.
type Decision struct {
	// ExtensionID names the request; 0 takes CommitmentID's pending one.
	ExtensionID  int64
	CommitmentID int64
	Approve      bool
	Reason       string
	// Notes, if set, gives the notifications the decision causes, written
	// in the same transaction.
	Notes func(*Extension) []Notification
}

// Decide approves or rejects an extension request, recording who decided
// and why. A request no longer pending gives EINVALID.
func (db *DB) Decide(ctx context.Context, d Decision, by Actor) (*Extension, error) {
	if err := checkNote(d.Reason); err != nil {
		return nil, err
	}
	var ext *Extension
	err := db.change(ctx, by, func(tx *sqlx.Tx) error {
		cid := d.CommitmentID
		if d.ExtensionID != 0 {
			if err := tx.GetContext(ctx, &cid, tx.Rebind(`SELECT commitment_id FROM extensions WHERE id = ?`), d.ExtensionID); err != nil {
				if errors.Is(err, sql.ErrNoRows) {
					return domain.Errorf(domain.ENOTFOUND, "extension request %d not found", d.ExtensionID)
				}
				return err
			}
		}
		if _, _, err := db.lockCommitment(ctx, tx, cid); err != nil {
			return err
		}
		var r extensionRow
		var err error
		if d.ExtensionID != 0 {
			err = tx.GetContext(ctx, &r, tx.Rebind(extensionSelect+` WHERE id = ?`), d.ExtensionID)
		} else {
			err = tx.GetContext(ctx, &r, tx.Rebind(extensionSelect+` WHERE commitment_id = ? AND state = 'pending'`), cid)
		}
		if errors.Is(err, sql.ErrNoRows) {
			return domain.Errorf(domain.EINVALID, "commitment #%d has no pending extension request", cid)
		}
		if err != nil {
			return err
		}
		if r.State != ExtPending {
			return domain.Errorf(domain.EINVALID, "extension request %d of commitment #%d is already %s", r.ID, cid, r.State)
		}
		now := db.now()
		state := ExtRejected
		if d.Approve {
			state = ExtApproved
		}
		if _, err := exec(ctx, tx, `UPDATE extensions SET state = ?, decided_by = ?, decided_tg_user = ?, decided_channel = ?, decision_reason = ?, decided_at = ? WHERE id = ?`,
			state, by.contact(), by.TelegramUserID, by.channel(), d.Reason, tm(now), r.ID); err != nil {
			return err
		}
		if d.Approve {
			if _, err := exec(ctx, tx, `UPDATE commitments SET due = ?, due_precision = 'day', updated_at = ?, next_remind_at = ? WHERE id = ?`,
				dbDate{r.RequestedDue.D}, tm(now), rescan, cid); err != nil {
				return err
			}
			// Reminders of the old series that have not gone out are moot.
			if _, err := exec(ctx, tx, `UPDATE notifications SET state = 'dropped', last_error = 'due date extended'
				WHERE commitment_id = ? AND state = 'pending' AND kind IN ('lead','due','overdue','escalation')`, cid); err != nil {
				return err
			}
		}
		ext = r.domain()
		ext.State, ext.DecidedAt, ext.DeciderID, ext.DecidedChannel, ext.DecisionReason = state, &now, by.ContactID, by.channel(), d.Reason
		if d.Notes != nil {
			if _, err := db.enqueue(ctx, tx, d.Notes(ext)); err != nil {
				return err
			}
		}
		return nil
	})
	return ext, err
}
