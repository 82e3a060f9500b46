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
// does not alter it. What can alter it is an import that backdates items
// or history, or a deletion; the snapshot therefore carries a fingerprint
// of what existed before the period's end (how many commitments, the
// largest id, how many status changes and decided extensions) and is
// rebuilt when that differs, or when ReportParams.Rebuild asks. The first
// report of a closed month materialises it; the scheduled report at the
// start of a month does so for the month just ended.

// snapshotKey names the snapshot of p's kinds.
func (p ReportParams) snapshotKey() string {
	return p.Cur.From.UTC().Format("2006-01-02T15:04:05Z") + "/" + p.Cur.To.UTC().Format("2006-01-02T15:04:05Z") + "/" +
		p.Prev.From.UTC().Format("2006-01-02T15:04:05Z") + "/" + p.Prev.To.UTC().Format("2006-01-02T15:04:05Z") + "/" +
		p.loc().String() + "/" + strconv.Itoa(p.WarnDays)
}

// snapshotFingerprint counts what existed before the end of p's period.
func (db *DB) snapshotFingerprint(ctx context.Context, p ReportParams) (string, error) {
	q := `SELECT (SELECT COUNT(*) FROM commitments WHERE created_at < :c_to),
		(SELECT COALESCE(MAX(id), 0) FROM commitments WHERE created_at < :c_to),
		(SELECT COUNT(*) FROM status_changes WHERE created_at < :c_to),
		(SELECT COUNT(*) FROM extensions WHERE decided_at < :c_to)`
	query, args, err := db.named(q, p, nil)
	if err != nil {
		return "", err
	}
	var a, b, c, d int64
	if err := db.db.QueryRowxContext(ctx, query, args...).Scan(&a, &b, &c, &d); err != nil {
		return "", fmt.Errorf("report snapshot: %w", err)
	}
	return fmt.Sprintf("%d/%d/%d/%d", a, b, c, d), nil
}

// loadSnapshot returns the kinds of the snapshot key if it exists with
// fingerprint fp.
func (db *DB) loadSnapshot(ctx context.Context, key, fp string) ([]reportKindRow, bool, error) {
	var have string
	err := db.db.GetContext(ctx, &have, db.db.Rebind(`SELECT fingerprint FROM report_snapshots WHERE key = ?`), key)
	if err != nil || have != fp {
		return nil, false, nil // none, or stale: rebuilt by the caller
	}
	var rows []reportKindRow
	err = db.db.SelectContext(ctx, &rows, db.db.Rebind(`SELECT unit_id, source_id, code, n, min_due
		FROM report_snapshot_rows WHERE key = ?`), key)
	if err != nil {
		return nil, false, fmt.Errorf("report snapshot: %w", err)
	}
	return rows, true, nil
}

// saveSnapshot replaces the snapshot key with rows and the ids of the
// longest-overdue red commitments.
func (db *DB) saveSnapshot(ctx context.Context, key, fp string, rows []reportKindRow, topRed []int64) error {
	ids := make([]string, len(topRed))
	for i, id := range topRed {
		ids[i] = strconv.FormatInt(id, 10)
	}
	err := db.tx(ctx, func(tx *sqlx.Tx) error {
		for _, q := range []string{`DELETE FROM report_snapshot_rows WHERE key = ?`, `DELETE FROM report_snapshots WHERE key = ?`} {
			if _, err := tx.ExecContext(ctx, tx.Rebind(q), key); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO report_snapshots (key, fingerprint, top_red, created_at) VALUES (?, ?, ?, ?)`),
			key, fp, strings.Join(ids, ","), tm(db.now())); err != nil {
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
		fp, err := db.snapshotFingerprint(ctx, p)
		if err != nil {
			return err
		}
		var top string
		err = db.db.GetContext(ctx, &top, db.db.Rebind(`SELECT top_red FROM report_snapshots WHERE key = ? AND fingerprint = ?`),
			p.snapshotKey(), fp)
		if err == nil {
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
