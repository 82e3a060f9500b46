package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"duban/domain"
)

// ReportUnit is a unit by id and name.
type ReportUnit struct {
	ID   int64  `db:"id"`
	Name string `db:"name"`
}

// ReportUnits lists every unit.
func (db *DB) ReportUnits(ctx context.Context) ([]ReportUnit, error) {
	var out []ReportUnit
	if err := db.db.SelectContext(ctx, &out, `SELECT id, name FROM units ORDER BY id`); err != nil {
		return nil, fmt.Errorf("report units: %w", err)
	}
	return out, nil
}

// ReportExtension counts the extensions of one unit approved in a period.
type ReportExtension struct {
	UnitID int64  `db:"unit_id"`
	Class  string `db:"class"`
	Prev   bool   `db:"-"`
	Count  int    `db:"n"`
	Late   int    `db:"late"`
}

// ReportExtensions counts, by unit and source classification, the
// extensions approved in the current and in the previous period, late ones
// (filed after the due date) apart.
func (db *DB) ReportExtensions(ctx context.Context, p ReportParams) ([]ReportExtension, error) {
	var out []ReportExtension
	for i, per := range []ReportPeriod{p.Cur, p.Prev} {
		var rows []ReportExtension
		q := `SELECT COALESCE(c.unit_id, 0) AS unit_id, COALESCE(s.classification, '') AS class, COUNT(*) AS n,
			SUM(CASE WHEN e.late THEN 1 ELSE 0 END) AS late
			FROM extensions e JOIN commitments c ON c.id = e.commitment_id LEFT JOIN sources s ON s.id = c.source_id
			WHERE e.state = 'approved' AND e.decided_at >= ? AND e.decided_at < ?
			GROUP BY COALESCE(c.unit_id, 0), COALESCE(s.classification, '')`
		if err := db.db.SelectContext(ctx, &rows, db.db.Rebind(q), tm(per.From), tm(per.To)); err != nil {
			return nil, fmt.Errorf("report extensions: %w", err)
		}
		for _, r := range rows {
			r.Prev = i == 1
			out = append(out, r)
		}
	}
	return out, nil
}

// ReportOwner is an owner of an open commitment who cannot be reached.
type ReportOwner struct {
	UnitID    int64  `db:"unit_id"`
	ContactID int64  `db:"contact_id"`
	Key       string `db:"key"`
	Name      string `db:"name"`
	Why       string `db:"why"`
}

// reachedOtherwise is true of a contact whom a channel beyond Telegram
// reaches (SPEC §14): a robot, or an e-mail address the server has not
// refused. Such a contact is not unreachable for want of a Telegram chat.
const reachedOtherwise = `(ct.channels LIKE '%wecom%' OR ct.channels LIKE '%dingtalk%'
	OR (ct.channels LIKE '%email%' AND ct.email <> '' AND ct.email_unreachable_why = ''))`

// ReportUnreachable lists, by unit of the commitment, the owners of
// commitments open or in progress at the end of the period who cannot be
// reached: flagged unreachable, or with no linked Telegram chat, and no
// other channel of theirs reaches them (reachedOtherwise). The flags
// have no history: they are the current ones. The same owner appears once
// per unit.
func (db *DB) ReportUnreachable(ctx context.Context, p ReportParams) ([]ReportOwner, error) {
	if out, ok, err := db.snapshotUnreachable(ctx, p); err != nil || ok {
		return out, err
	}
	q := `SELECT COALESCE(c.unit_id, 0) AS unit_id, ct.id AS contact_id, ct.key, ct.name,
		CASE WHEN ct.chat_id = 0 THEN 'no linked Telegram chat' ELSE ct.unreachable_why END AS why
		FROM contacts ct JOIN commitment_owners o ON o.contact_id = ct.id JOIN commitments c ON c.id = o.commitment_id
		WHERE (ct.unreachable OR ct.chat_id = 0) AND NOT ` + reachedOtherwise + ` AND c.created_at < :c_to AND ` + asOf("c", "st") + ` IN ('open','in_progress')
		GROUP BY COALESCE(c.unit_id, 0), ct.id, ct.key, ct.name, ct.chat_id, ct.unreachable_why
		ORDER BY COALESCE(c.unit_id, 0), ct.key`
	query, args, err := db.named(q, p, nil)
	if err != nil {
		return nil, err
	}
	var out []ReportOwner
	if err := db.reportSelect(ctx, &out, query, args); err != nil {
		return nil, fmt.Errorf("report unreachable owners: %w", err)
	}
	return out, nil
}

// DeadUnreachable lists the contacts to whom a message was given up since
// the given time because they could not be reached (no linked chat, bot
// blocked, chat not found).
func (db *DB) DeadUnreachable(ctx context.Context, since time.Time) ([]ReportOwner, error) {
	q := `SELECT 0 AS unit_id, ct.id AS contact_id, ct.key, ct.name, MAX(n.last_error) AS why
		FROM notifications n JOIN contacts ct ON ct.id = n.contact_id
		WHERE n.state = 'dead' AND n.created_at >= ?
			AND (n.last_error LIKE '%unreachable%' OR n.last_error LIKE '%chat not found%' OR n.last_error LIKE '%403%'
				OR n.last_error LIKE '%blocked%' OR n.last_error LIKE '%kicked%')
		GROUP BY ct.id, ct.key, ct.name ORDER BY ct.key`
	var out []ReportOwner
	if err := db.db.SelectContext(ctx, &out, db.db.Rebind(q), tm(since)); err != nil {
		return nil, fmt.Errorf("dead notifications: %w", err)
	}
	return out, nil
}

// ReportSource is a B-class source (the timetable kind) whose commitments
// were all verified at the end of the period and whose second reply to the
// deputies was not yet sent.
type ReportSource struct {
	ID             int64  `db:"id"`
	Key            string `db:"key"`
	Number         string `db:"number"`
	Title          string `db:"title"`
	ReplyDocNo     string `db:"reply_doc_no"`
	Classification string `db:"classification"`
	HandlingUnit   string `db:"handling_unit"`
	Deputies       string `db:"deputies"`
	Commitments    int    `db:"n"`
}

// ReportSecondReplyOwed lists the B-class sources (classification B… or
// 乙…) that had at least one commitment, all of them verified (cancelled
// ones aside), at the end of the period, and no second reply recorded on or
// before its last day.
func (db *DB) ReportSecondReplyOwed(ctx context.Context, p ReportParams) ([]ReportSource, error) {
	if out, ok, err := db.snapshotOwed(ctx, p); err != nil || ok {
		return out, err
	}
	query, args, err := db.named(secondReplyOwedSQL(db, true), p, nil)
	if err != nil {
		return nil, err
	}
	var out []ReportSource
	if err := db.reportSelect(ctx, &out, query, args); err != nil {
		return nil, fmt.Errorf("report second replies: %w", err)
	}
	return out, nil
}

// secondReplyOwedSQL selects the sources all of whose commitments were
// verified or cancelled, at least one verified, at the end of the period;
// with current, only the B-class ones with no second reply by then (the
// classification and the reply are current columns, so a month-end
// snapshot keeps every source that qualifies by its commitments, and
// filters them when read).
func secondReplyOwedSQL(db *DB, current bool) string {
	filter := ""
	if current {
		filter = `(s.classification LIKE 'B%' OR s.classification LIKE '乙%')
					AND (s.second_reply_on IS NULL OR s.second_reply_on = '' OR s.second_reply_on >= :c_day) AND `
	}
	// Verified and cancelled are final, so a source with a commitment that
	// is neither now, and has not changed since the instant, cannot
	// qualify: that rules out most sources with one index probe each
	// before any history is read.
	return `SELECT s.id, s.key, s.number, s.title, s.reply_doc_no, s.classification, s.handling_unit, s.deputies, COUNT(*) AS n
		FROM (SELECT c.source_id, ` + asOf("c", "st") + ` AS st
			FROM (SELECT s.id FROM sources s
				WHERE ` + filter + `NOT EXISTS (SELECT 1 FROM commitments o WHERE o.source_id = s.id AND o.created_at < :c_to
						AND o.updated_at < :c_to AND o.status NOT IN ('verified', 'cancelled'))` + db.noFlatten() + `) cand
			JOIN commitments c ON c.source_id = cand.id
			WHERE c.created_at < :c_to` + db.noFlatten() + `) x
		JOIN sources s ON s.id = x.source_id
		GROUP BY s.id, s.key, s.number, s.title, s.reply_doc_no, s.classification, s.handling_unit, s.deputies
		HAVING SUM(CASE WHEN x.st = 'verified' THEN 1 ELSE 0 END) > 0
			AND SUM(CASE WHEN x.st NOT IN ('verified', 'cancelled') THEN 1 ELSE 0 END) = 0
		ORDER BY s.id`
}

// PendingExtensionItem is an extension request waiting for a decision.
type PendingExtensionItem struct {
	CommitmentID int64
	Title        string
	Unit         string
	OldDue       domain.Date
	RequestedDue domain.Date
	Reason       string
	Late         bool
	Requester    string // name
	CreatedAt    time.Time
}

type pendingExtensionRow struct {
	CommitmentID int64  `db:"commitment_id"`
	Title        string `db:"title"`
	Unit         string `db:"unit"`
	OldDue       dbDate `db:"old_due"`
	RequestedDue dbDate `db:"requested_due"`
	Reason       string `db:"reason"`
	Late         bool   `db:"late"`
	Requester    string `db:"requester"`
	CreatedAt    dbTime `db:"created_at"`
}

// PendingExtensions lists the extension requests waiting for a decision,
// oldest first, at most limit of them (0: all), and how many there are.
func (db *DB) PendingExtensions(ctx context.Context, limit int) ([]PendingExtensionItem, int, error) {
	var n int
	if err := db.db.GetContext(ctx, &n, `SELECT COUNT(*) FROM extensions WHERE state = 'pending'`); err != nil {
		return nil, 0, fmt.Errorf("pending extensions: %w", err)
	}
	q := `SELECT e.commitment_id, c.title, COALESCE(u.name, '') AS unit, e.old_due, e.requested_due, e.reason, e.late, e.created_at,
		COALESCE(ct.name, '') AS requester
		FROM extensions e JOIN commitments c ON c.id = e.commitment_id LEFT JOIN units u ON u.id = c.unit_id
		LEFT JOIN contacts ct ON ct.id = e.requester_id
		WHERE e.state = 'pending' ORDER BY e.created_at, e.id`
	if limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", limit)
	}
	var rows []pendingExtensionRow
	if err := db.db.SelectContext(ctx, &rows, q); err != nil {
		return nil, 0, fmt.Errorf("pending extensions: %w", err)
	}
	out := make([]PendingExtensionItem, len(rows))
	for i, r := range rows {
		out[i] = PendingExtensionItem{CommitmentID: r.CommitmentID, Title: r.Title, Unit: r.Unit, OldDue: r.OldDue.D,
			RequestedDue: r.RequestedDue.D, Reason: r.Reason, Late: r.Late, Requester: r.Requester, CreatedAt: r.CreatedAt.T}
	}
	return out, n, nil
}

// ExistingDedupKeys reports which of the given outbox dedup keys are
// already taken, so that a caller can skip building what would be skipped.
func (db *DB) ExistingDedupKeys(ctx context.Context, keys ...string) (map[string]bool, error) {
	out := make(map[string]bool, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	q, args, err := sqlx.In(`SELECT dedup_key FROM notifications WHERE dedup_key IN (?)`, keys)
	if err != nil {
		return nil, err
	}
	var found []string
	if err := db.db.SelectContext(ctx, &found, db.db.Rebind(q), args...); err != nil {
		return nil, fmt.Errorf("dedup keys: %w", err)
	}
	for _, k := range found {
		out[k] = true
	}
	return out, nil
}
