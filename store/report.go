package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"duban/domain"
)

// The report*.go files hold the SQL of the monthly report and the weekly
// digest: this one the reconstruction shared by all, report_groups.go the
// counts, report_items.go the item lists, report_lists.go the short lists.
// A report shows the register as it was at a past instant, so each query
// reconstructs a commitment's state from its history instead of reading its
// current columns:
//
//   - present: created before the instant;
//   - status: the from_status of the first status change at or after the
//     instant (what it was just before that change), or else the current
//     status; a closed commitment with no history (imported as done) counts
//     as open before its closed_at;
//   - due date: the old_due of the first extension approved at or after the
//     instant (the due date in force before that approval), or else the
//     current due date;
//   - done time: the last change to done before the instant, or else
//     closed_at (imported items).
//
// Every change of status, progress or due date also sets
// commitments.updated_at, so a commitment not updated since the instant is
// as it is now, and its history is not read at all: that keeps a report over
// a million commitments to one sequential scan with index probes only for
// the few that changed since.

// ReportPeriod is a span of time a report looks at: events in [From, To)
// belong to it, and lights and days overdue are those at To, the instant
// the period ends (what `duban list` would have shown then).
type ReportPeriod struct {
	From, To time.Time
}

// ReportParams says which periods a report compares (the month and the
// month before), in which time zone days are reckoned and how many days
// before its due date a commitment turns yellow.
type ReportParams struct {
	Cur, Prev ReportPeriod
	Loc       *time.Location
	WarnDays  int
	// Snapshot says the period is a calendar month whose counts are kept,
	// once it has ended, as its month-end snapshot (report_snapshot.go).
	Snapshot bool
	// Rebuild recounts an ended period instead of reading its month-end
	// snapshot (and replaces the snapshot).
	Rebuild bool
}

func (p ReportParams) loc() *time.Location {
	if p.Loc == nil {
		return time.UTC
	}
	return p.Loc
}

// Day returns the calendar day, in the report's time zone, of the instant
// per ends: the day on which its lights are computed.
func (p ReportParams) Day(per ReportPeriod) domain.Date { return domain.DateOf(per.To, p.loc()) }

// names returns the named parameters of the report queries.
func (p ReportParams) names() map[string]any {
	cd, pd := p.Day(p.Cur), p.Day(p.Prev)
	return map[string]any{
		"c_from": tm(p.Cur.From), "c_to": tm(p.Cur.To), "c_day": cd.String(), "c_warn": cd.AddDays(p.WarnDays).String(),
		"p_from": tm(p.Prev.From), "p_to": tm(p.Prev.To), "p_day": pd.String(), "p_warn": pd.AddDays(p.WarnDays).String(),
	}
}

// noFlatten keeps a subquery in FROM from being merged into the query
// around it. Merging would copy each of its expressions, history probes
// included, into every place the outer query names it, and evaluate them
// once per mention. SQLite does not flatten a subquery with a LIMIT;
// PostgreSQL does not pull up one with an OFFSET.
func (db *DB) noFlatten() string {
	if db.dialect == Postgres {
		return " OFFSET 0"
	}
	return " LIMIT -1"
}

// collateC compares YYYY-MM-DD text byte by byte on PostgreSQL, whose
// database collation (zh_CN.UTF-8, say) would otherwise call the C
// library's collation for every comparison of a due date, to the same
// result. SQLite compares bytes already.
func (db *DB) collateC() string {
	if db.dialect == Postgres {
		return ` COLLATE "C"`
	}
	return ""
}

// asOf returns the SQL of one column of commitment c as of the instant
// named :X_to (X is "c" or "p"): "st" its status (NULL when it was created
// at or after the instant: it did not exist then), "due" its due date,
// "done" when it was last marked done, "ver" when it was verified. A
// commitment not updated since the instant is read from its row; only the
// others probe their history. A verified commitment always probes for its
// done time: its closed_at is when it was verified, not when it was done.
func asOf(x, col string) string {
	to := ":" + x + "_to"
	r := strings.NewReplacer("$TO", to, "$FRESH", "c.updated_at < "+to)
	switch col {
	case "st":
		return r.Replace(`CASE WHEN c.created_at >= $TO THEN NULL
		WHEN $FRESH THEN c.status
		ELSE COALESCE(
			(SELECT sc.from_status FROM status_changes sc WHERE sc.commitment_id = c.id AND sc.created_at >= $TO
				ORDER BY sc.created_at, sc.id LIMIT 1),
			CASE WHEN c.closed_at >= $TO THEN 'open' ELSE c.status END)
	END`)
	case "due":
		return r.Replace(`CASE WHEN $FRESH THEN c.due
		ELSE NULLIF(COALESCE(
			(SELECT COALESCE(e.old_due, '') FROM extensions e WHERE e.commitment_id = c.id AND e.state = 'approved'
				AND e.decided_at >= $TO ORDER BY e.decided_at, e.id LIMIT 1),
			c.due, ''), '')
	END`)
	case "done":
		return r.Replace(`CASE WHEN $FRESH AND c.status = 'done' THEN c.closed_at
		WHEN $FRESH AND c.status <> 'verified' THEN NULL
		ELSE COALESCE(
			(SELECT MAX(sc.created_at) FROM status_changes sc WHERE sc.commitment_id = c.id AND sc.to_status = 'done' AND sc.created_at < $TO),
			CASE WHEN c.closed_at < $TO THEN c.closed_at ELSE c.created_at END)
	END`)
	case "ver":
		return r.Replace(`CASE WHEN $FRESH THEN (CASE WHEN c.status = 'verified' THEN c.closed_at END)
		ELSE COALESCE(
			(SELECT MAX(sc.created_at) FROM status_changes sc WHERE sc.commitment_id = c.id AND sc.to_status = 'verified' AND sc.created_at < $TO),
			CASE WHEN c.closed_at < $TO THEN c.closed_at ELSE c.created_at END)
	END`)
	}
	panic("asOf: unknown column " + col)
}

// asOfCols returns the columns cols of commitment c as of :X_to, named
// col_X (st_c, due_p, ...), each after a comma.
func asOfCols(x string, cols ...string) string {
	var b strings.Builder
	for _, col := range cols {
		b.WriteString(",\n\t" + asOf(x, col) + " AS " + col + "_" + x)
	}
	return b.String()
}

// doneByDueSQL returns SQL that is true when the instant done was on or
// before the due date due (YYYY-MM-DD text), that is before 24:00 of that
// day in loc. The end of the day is computed from the due date, so that
// the per-row work is a date addition rather than formatting a timestamp.
// SQLite knows no time zones: the UTC offsets of loc are spelled out, one
// branch per daylight-saving change since 2000 (none for Asia/Shanghai),
// and PostgreSQL gets the same arithmetic so that both agree.
func (db *DB) doneByDueSQL(done, due string, loc *time.Location, until time.Time) string {
	before := func(off int) string {
		if db.dialect == Postgres {
			return fmt.Sprintf("(%s AT TIME ZONE 'UTC') < CAST(%s AS date) + 1 - interval '%d seconds'", done, due, off)
		}
		if off > 0 && off < 86400 {
			// East of Greenwich the day ends on the same UTC date.
			end := time.Date(2000, 1, 2, 0, 0, 0, 0, time.UTC).Add(-time.Duration(off) * time.Second)
			// "::" is how sqlx.Named spells a literal colon.
			return fmt.Sprintf("%s < %s || '%s'", done, due, strings.ReplaceAll(end.Format("T15:04:05.000000Z"), ":", "::"))
		}
		return fmt.Sprintf("%s < strftime('%%Y-%%m-%%dT%%H::%%M::%%f', %s, '+1 day', '%+d seconds') || '000Z'", done, due, -off)
	}
	t := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	_, off := t.In(loc).Zone()
	var b strings.Builder
	for {
		_, end := t.In(loc).ZoneBounds()
		if end.IsZero() || !end.Before(until) {
			break
		}
		// A due date ends at the next midnight: from the day of a change on,
		// that midnight has the new offset.
		fmt.Fprintf(&b, " WHEN %s < '%s' THEN %s", due, domain.DateOf(end, loc), before(off))
		t = end
		_, off = t.In(loc).Zone()
	}
	if b.Len() == 0 {
		return before(off)
	}
	return "(CASE" + b.String() + " ELSE " + before(off) + " END)"
}

// reportQuery runs a report query. On PostgreSQL it runs in a read-only
// transaction with JIT compilation off: the correlated history probes make
// the planner's cost estimate of a report look huge, so PostgreSQL would
// spend seconds compiling a query that runs in milliseconds. done closes
// the rows and ends the transaction.
func (db *DB) reportQuery(ctx context.Context, query string, args []any, settings ...string) (rows *sqlx.Rows, done func(), err error) {
	if db.dialect != Postgres {
		return db.sqliteReportQuery(ctx, query, args)
	}
	tx, err := db.db.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, nil, err
	}
	for _, set := range append([]string{"SET LOCAL jit = off"}, settings...) {
		if set == "" {
			continue
		}
		if _, err := tx.ExecContext(ctx, set); err != nil {
			tx.Rollback()
			return nil, nil, err
		}
	}
	rows, err = tx.QueryxContext(ctx, query, args...)
	if err != nil {
		tx.Rollback()
		return nil, nil, err
	}
	return rows, func() {
		rows.Close()
		tx.Rollback()
	}, nil
}

// sqliteReportPragmas give a report's connection a larger page cache and
// memory-mapped reads: a report probes the history of commitments all over
// the file, and with SQLite's default 2 MB cache every probe is a read
// system call. They are set back when the report is done with the
// connection.
var sqliteReportPragmas = []struct{ name, value string }{
	{"cache_size", "-65536"},    // 64 MB
	{"mmap_size", "1073741824"}, // up to 1 GB of the file, shared with the OS page cache
}

func (db *DB) sqliteReportQuery(ctx context.Context, query string, args []any) (*sqlx.Rows, func(), error) {
	conn, err := db.db.Connx(ctx)
	if err != nil {
		return nil, nil, err
	}
	var restore []string
	for _, p := range sqliteReportPragmas {
		var old string
		if err := conn.GetContext(ctx, &old, "PRAGMA "+p.name); err == nil {
			restore = append(restore, "PRAGMA "+p.name+" = "+old)
		}
		conn.ExecContext(ctx, "PRAGMA "+p.name+" = "+p.value)
	}
	release := func() {
		for _, q := range restore {
			conn.ExecContext(context.Background(), q)
		}
		// The connection held a 64 MB cache and a map of the file: close
		// it rather than give it back to the pool, so that its memory
		// goes with it.
		conn.Raw(func(any) error { return driver.ErrBadConn })
		conn.Close()
	}
	rows, err := conn.QueryxContext(ctx, query, args...)
	if err != nil {
		release()
		return nil, nil, err
	}
	return rows, func() {
		rows.Close()
		release()
	}, nil
}

// reportSelect is reportQuery for a query whose rows all fit in dest.
func (db *DB) reportSelect(ctx context.Context, dest any, query string, args []any) error {
	rows, done, err := db.reportQuery(ctx, query, args)
	if err != nil {
		return err
	}
	defer done()
	return sqlx.StructScan(rows, dest)
}

// named expands :name parameters and rebinds for the dialect.
func (db *DB) named(q string, p ReportParams, extra map[string]any) (string, []any, error) {
	names := p.names()
	for k, v := range extra {
		names[k] = v
	}
	q, args, err := sqlx.Named(q, names)
	if err != nil {
		return "", nil, fmt.Errorf("report query: %w", err)
	}
	return db.db.Rebind(q), args, nil
}
