package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"

	"duban/domain"
)

// A month-end snapshot keeps the kinds ReportGroups counts (reportKindRow)
// for a period that has ended, under a key naming the two instants, the
// time zone and the warning days. The register as it was at an instant
// past is fixed by its history: a change made later is recorded later and
// does not alter it. What can alter it is a row written later but dated
// before the period's end: an import that backdates commitments or
// history. The snapshot therefore records the largest ids of commitments,
// status changes and extensions when it was made (its fingerprint), and is
// used only while no row above them is dated before the period's end (a
// probe of the rows added since, by primary key); otherwise, or when
// ReportParams.Rebuild asks, it is rebuilt. The first report of a closed
// month makes it; the scheduled report at the start of a month does so for
// the month just ended.

// snapshotKey names the snapshot of p's kinds.
func (p ReportParams) snapshotKey() string {
	return p.Cur.From.UTC().Format("2006-01-02T15:04:05Z") + "/" + p.Cur.To.UTC().Format("2006-01-02T15:04:05Z") + "/" +
		p.Prev.From.UTC().Format("2006-01-02T15:04:05Z") + "/" + p.Prev.To.UTC().Format("2006-01-02T15:04:05Z") + "/" +
		p.loc().String() + "/" + strconv.Itoa(p.WarnDays)
}

// snapshotFingerprint records the largest ids of the tables a snapshot
// depends on, taken before it is counted.
func (db *DB) snapshotFingerprint(ctx context.Context) (string, error) {
	var c, s, e int64
	err := db.db.QueryRowxContext(ctx, `SELECT (SELECT COALESCE(MAX(id), 0) FROM commitments),
		(SELECT COALESCE(MAX(id), 0) FROM status_changes), (SELECT COALESCE(MAX(id), 0) FROM extensions)`).Scan(&c, &s, &e)
	if err != nil {
		return "", fmt.Errorf("report snapshot: %w", err)
	}
	return fmt.Sprintf("%d/%d/%d", c, s, e), nil
}

// snapshotCurrent reports whether no row added since the fingerprint fp
// was taken is dated before the end of p's period.
func (db *DB) snapshotCurrent(ctx context.Context, p ReportParams, fp string) (bool, error) {
	var c, s, e int64
	if _, err := fmt.Sscanf(fp, "%d/%d/%d", &c, &s, &e); err != nil {
		return false, nil // an older form: rebuilt
	}
	q := `SELECT CASE WHEN EXISTS (SELECT 1 FROM commitments WHERE id > :mc AND created_at < :c_to)
		OR EXISTS (SELECT 1 FROM status_changes WHERE id > :ms AND created_at < :c_to)
		OR EXISTS (SELECT 1 FROM extensions WHERE id > :me AND decided_at < :c_to) THEN 0 ELSE 1 END`
	query, args, err := db.named(q, p, map[string]any{"mc": c, "ms": s, "me": e})
	if err != nil {
		return false, err
	}
	var ok int
	if err := db.db.QueryRowxContext(ctx, query, args...).Scan(&ok); err != nil {
		return false, fmt.Errorf("report snapshot: %w", err)
	}
	return ok == 1, nil
}

// loadSnapshot returns the kinds of p's snapshot if it exists and is
// current.
func (db *DB) loadSnapshot(ctx context.Context, p ReportParams) ([]reportKindRow, bool, error) {
	key := p.snapshotKey()
	var fp string
	if err := db.db.GetContext(ctx, &fp, db.db.Rebind(`SELECT fingerprint FROM report_snapshots WHERE key = ?`), key); err != nil {
		return nil, false, nil // none: made by the caller
	}
	if ok, err := db.snapshotCurrent(ctx, p, fp); err != nil || !ok {
		return nil, false, err
	}
	var rows []reportKindRow
	err := db.db.SelectContext(ctx, &rows, db.db.Rebind(`SELECT unit_id, source_id, code, n, min_due
		FROM report_snapshot_rows WHERE key = ?`), key)
	if err != nil {
		return nil, false, fmt.Errorf("report snapshot: %w", err)
	}
	return rows, true, nil
}

// saveSnapshot replaces the snapshot key with rows and the ids of the
// longest-overdue red commitments.
func (db *DB) saveSnapshot(ctx context.Context, key, fp string, rows []reportKindRow, topRed []int64, owners [][2]int64, settled []int64) error {
	list := func(xs []int64) string {
		s := make([]string, len(xs))
		for i, x := range xs {
			s[i] = strconv.FormatInt(x, 10)
		}
		return strings.Join(s, ",")
	}
	err := db.tx(ctx, func(tx *sqlx.Tx) error {
		for _, q := range []string{`DELETE FROM report_snapshot_rows WHERE key = ?`, `DELETE FROM report_snapshot_owners WHERE key = ?`,
			`DELETE FROM report_snapshots WHERE key = ?`} {
			if _, err := tx.ExecContext(ctx, tx.Rebind(q), key); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO report_snapshots (key, fingerprint, top_red, settled, created_at) VALUES (?, ?, ?, ?, ?)`),
			key, fp, list(topRed), list(settled), tm(db.now())); err != nil {
			return err
		}
		const batch = 200
		for i := 0; i < len(rows); i += batch {
			part := rows[i:min(i+batch, len(rows))]
			q := `INSERT INTO report_snapshot_rows (key, unit_id, source_id, code, n, min_due) VALUES `
			args := make([]any, 0, 6*len(part))
			for j, r := range part {
				if j > 0 {
					q += ", "
				}
				q += "(?, ?, ?, ?, ?, ?)"
				args = append(args, key, r.UnitID, r.SourceID, r.Code, r.N, r.MinDue)
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(q), args...); err != nil {
				return err
			}
		}
		for i := 0; i < len(owners); i += batch {
			part := owners[i:min(i+batch, len(owners))]
			q := `INSERT INTO report_snapshot_owners (key, unit_id, contact_id) VALUES `
			args := make([]any, 0, 3*len(part))
			for j, o := range part {
				if j > 0 {
					q += ", "
				}
				q += "(?, ?, ?)"
				args = append(args, key, o[0], o[1])
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(q), args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("report snapshot: %w", err)
	}
	return nil
}

// topRedKept is how many of the longest-overdue red commitments a
// snapshot keeps, for the summary's list.
const topRedKept = 50

// ReportTopRed streams the limit longest-overdue red commitments of p to fn,
// as ReportItems does with Lights red and OrderByOverdue: for an ended
// period whose snapshot is current, only those its list names are read.
func (db *DB) ReportTopRed(ctx context.Context, p ReportParams, limit int, fn func(*ReportItem) error) error {
	f := ReportItemFilter{Lights: []domain.Light{domain.Red}, Order: OrderByOverdue, Limit: limit}
	if limit > 0 && limit <= topRedKept && p.Snapshot && !p.Rebuild && !p.Cur.To.After(db.now()) {
		var snap struct {
			Fingerprint string `db:"fingerprint"`
			TopRed      string `db:"top_red"`
		}
		err := db.db.GetContext(ctx, &snap, db.db.Rebind(`SELECT fingerprint, top_red FROM report_snapshots WHERE key = ?`), p.snapshotKey())
		ok := false
		if err == nil {
			if ok, err = db.snapshotCurrent(ctx, p, snap.Fingerprint); err != nil {
				return err
			}
		}
		if top := snap.TopRed; ok {
			if top == "" {
				return nil // no red commitment
			}
			for _, s := range strings.Split(top, ",") {
				id, err := strconv.ParseInt(s, 10, 64)
				if err != nil {
					return fmt.Errorf("report snapshot: top red %q: %w", top, err)
				}
				f.IDs = append(f.IDs, id)
			}
		}
	}
	return db.ReportItems(ctx, p, f, fn)
}

// openOwners returns the (unit, contact) pairs of the owners of the
// commitments open or in progress at the end of p's period.
func (db *DB) openOwners(ctx context.Context, p ReportParams) ([][2]int64, error) {
	q := `SELECT DISTINCT COALESCE(c.unit_id, 0) AS unit_id, o.contact_id
		FROM commitments c JOIN commitment_owners o ON o.commitment_id = c.id
		WHERE c.created_at < :c_to AND ` + asOf("c", "st") + ` IN ('open','in_progress')`
	query, args, err := db.named(q, p, nil)
	if err != nil {
		return nil, err
	}
	rows, done, err := db.reportQuery(ctx, query, args)
	if err != nil {
		return nil, fmt.Errorf("report snapshot owners: %w", err)
	}
	defer done()
	var out [][2]int64
	for rows.Next() {
		var o [2]int64
		if err := rows.Scan(&o[0], &o[1]); err != nil {
			return nil, fmt.Errorf("report snapshot owners: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// snapshotUnreachable lists the unreachable owners of p from its snapshot,
// if it has a current one.
func (db *DB) snapshotUnreachable(ctx context.Context, p ReportParams) ([]ReportOwner, bool, error) {
	if !p.Snapshot || p.Rebuild || p.Cur.To.After(db.now()) {
		return nil, false, nil
	}
	key := p.snapshotKey()
	var fp string
	if err := db.db.GetContext(ctx, &fp, db.db.Rebind(`SELECT fingerprint FROM report_snapshots WHERE key = ?`), key); err != nil {
		return nil, false, nil
	}
	if ok, err := db.snapshotCurrent(ctx, p, fp); err != nil || !ok {
		return nil, false, err
	}
	var out []ReportOwner
	err := db.db.SelectContext(ctx, &out, db.db.Rebind(`SELECT s.unit_id, ct.id AS contact_id, ct.key, ct.name,
		CASE WHEN ct.chat_id = 0 THEN 'no linked Telegram chat' ELSE ct.unreachable_why END AS why
		FROM report_snapshot_owners s JOIN contacts ct ON ct.id = s.contact_id
		WHERE s.key = ? AND (ct.unreachable OR ct.chat_id = 0) AND NOT `+reachedOtherwise+`
		ORDER BY s.unit_id, ct.key`), key)
	if err != nil {
		return nil, false, fmt.Errorf("report unreachable owners: %w", err)
	}
	return out, true, nil
}

// settledSources returns the ids of the sources all of whose commitments
// were verified or cancelled, one at least verified, at the end of p's
// period.
func (db *DB) settledSources(ctx context.Context, p ReportParams) ([]int64, error) {
	query, args, err := db.named(secondReplyOwedSQL(db, false), p, nil)
	if err != nil {
		return nil, err
	}
	var srcs []ReportSource
	if err := db.reportSelect(ctx, &srcs, query, args); err != nil {
		return nil, fmt.Errorf("report snapshot sources: %w", err)
	}
	ids := make([]int64, len(srcs))
	for i, s := range srcs {
		ids[i] = s.ID
	}
	return ids, nil
}

// snapshotOwed lists the sources owing a second reply from p's snapshot,
// if it has a current one: those it keeps as settled, filtered by their
// current classification and second reply.
func (db *DB) snapshotOwed(ctx context.Context, p ReportParams) ([]ReportSource, bool, error) {
	if !p.Snapshot || p.Rebuild || p.Cur.To.After(db.now()) {
		return nil, false, nil
	}
	var snap struct {
		Fingerprint string `db:"fingerprint"`
		Settled     string `db:"settled"`
	}
	if err := db.db.GetContext(ctx, &snap, db.db.Rebind(`SELECT fingerprint, settled FROM report_snapshots WHERE key = ?`), p.snapshotKey()); err != nil {
		return nil, false, nil
	}
	if ok, err := db.snapshotCurrent(ctx, p, snap.Fingerprint); err != nil || !ok {
		return nil, false, err
	}
	if snap.Settled == "" {
		return nil, true, nil
	}
	for _, s := range strings.Split(snap.Settled, ",") {
		if _, err := strconv.ParseInt(s, 10, 64); err != nil {
			return nil, false, fmt.Errorf("report snapshot: settled %q: %w", snap.Settled, err)
		}
	}
	q := `SELECT s.id, s.key, s.number, s.title, s.reply_doc_no, s.classification, s.handling_unit, s.deputies,
			(SELECT COUNT(*) FROM commitments c WHERE c.source_id = s.id AND c.created_at < :c_to) AS n
		FROM sources s
		WHERE s.id IN (` + snap.Settled + `) AND (s.classification LIKE 'B%' OR s.classification LIKE '乙%')
			AND (s.second_reply_on IS NULL OR s.second_reply_on = '' OR s.second_reply_on >= :c_day)
		ORDER BY s.id`
	query, args, err := db.named(q, p, nil)
	if err != nil {
		return nil, false, err
	}
	var out []ReportSource
	if err := db.db.SelectContext(ctx, &out, query, args...); err != nil {
		return nil, false, fmt.Errorf("report second replies: %w", err)
	}
	return out, true, nil
}
