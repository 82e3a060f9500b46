package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"duban/domain"
)

// This file holds the SQL of the monthly report and the weekly digest. A
// report shows the register as it was at a past instant, so each query
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

// asOf returns the SQL of one column of commitment c as of the instant
// named :X_to (X is "c" or "p"): "st" its status, "due" its due date,
// "done" when it was last marked done, "ver" when it was verified. A
// commitment not updated since the instant is read from its row; only the
// others probe their history.
func asOf(x, col string) string {
	to := ":" + x + "_to"
	r := strings.NewReplacer("$TO", to, "$FRESH", "c.updated_at < "+to)
	switch col {
	case "st":
		return r.Replace(`CASE WHEN $FRESH THEN c.status
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
		return r.Replace(`CASE WHEN $FRESH THEN (CASE c.status WHEN 'done' THEN c.closed_at WHEN 'verified' THEN COALESCE(c.last_progress_at, c.closed_at) END)
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
		return fmt.Sprintf("%s < strftime('%%Y-%%m-%%dT%%H:%%M:%%f', %s, '+1 day', '%+d seconds') || '000Z'", done, due, -off)
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
	if DebugHook != nil {
		DebugHook(query, args)
	}
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

// ReportGroup counts the commitments of one unit and one source, as of
// the end of the current period (fields without a prefix) and of the
// previous one (Prev...).
type ReportGroup struct {
	// UnitID and SourceID are 0 for commitments without one.
	UnitID, SourceID int64
	// Items is how many commitments existed; Open how many were open or in
	// progress; Red, Yellow and Green split those by light.
	Items, Open, Red, Yellow, Green int
	// NewlyRed is red at the end of the period but not at its start.
	NewlyRed int
	// Closed is how many were done or verified; Cancelled how many
	// cancelled.
	Closed, Cancelled int
	// Done is how many were marked done in the period (and still were done
	// or verified at its end); Verified how many were verified in it.
	Done, Verified int
	// DueByEnd is how many (not cancelled) were due on or before the
	// period's last day; OnTime how many of those were done by their due
	// date (local time).
	DueByEnd, OnTime int
	// OldestRedDue is the earliest due date of a red one.
	OldestRedDue domain.Date

	PrevItems, PrevOpen, PrevRed, PrevDone, PrevVerified, PrevDueByEnd, PrevOnTime int
}

// reportKindRow counts the commitments of one unit and source that share a
// kind at both instants, packed in Code as k_c + 16 f_c + 256 k_p + 4096 f_p:
// k is the light (1 red, 2 yellow, 3 green, 4 done,
// 5 verified, 6 cancelled, 0 not yet created) and f a set of flags (1 due
// by the end, 2 done on time, 4 marked done in the period, 8 verified in
// it).
type reportKindRow struct {
	UnitID   int64  `db:"unit_id"`
	SourceID int64  `db:"source_id"`
	Code     int    `db:"code"`
	N        int    `db:"n"`
	MinDue   dbDate `db:"min_due"`
	// KC, FC, KP and FP are unpacked from Code.
	KC, FC, KP, FP int `db:"-"`
}

// Light kinds and flags of reportKindRow.
const (
	kRed, kYellow, kGreen, kDone, kVerified, kCancelled = 1, 2, 3, 4, 5, 6
	fDueByEnd, fOnTime, fDone, fVerified                = 1, 2, 4, 8
)

// add counts the commitments of r into g.
func (g *ReportGroup) add(r *reportKindRow) {
	n := r.N
	g.Items += n
	switch r.KC {
	case kRed:
		g.Red += n
		if g.OldestRedDue.IsZero() || r.MinDue.D.Before(g.OldestRedDue) {
			g.OldestRedDue = r.MinDue.D
		}
		if r.KP != kRed {
			g.NewlyRed += n
		}
	case kYellow:
		g.Yellow += n
	case kGreen:
		g.Green += n
	case kDone, kVerified:
		g.Closed += n
	case kCancelled:
		g.Cancelled += n
	}
	if r.KC >= kRed && r.KC <= kGreen {
		g.Open += n
	}
	flags := func(f int, due, ontime, done, ver *int) {
		if f&fDueByEnd != 0 {
			*due += n
		}
		if f&fOnTime != 0 {
			*ontime += n
		}
		if f&fDone != 0 {
			*done += n
		}
		if f&fVerified != 0 {
			*ver += n
		}
	}
	flags(r.FC, &g.DueByEnd, &g.OnTime, &g.Done, &g.Verified)
	if r.KP != 0 {
		g.PrevItems += n
	}
	if r.KP >= kRed && r.KP <= kGreen {
		g.PrevOpen += n
	}
	if r.KP == kRed {
		g.PrevRed += n
	}
	flags(r.FP, &g.PrevDueByEnd, &g.PrevOnTime, &g.PrevDone, &g.PrevVerified)
}

// ReportGroups streams the report's counts by unit and source, ordered by
// unit and source: one sequential pass over the commitments. The database
// sorts each commitment into its kind at both instants and counts them; the
// few hundred kinds are summed here.
func (db *DB) ReportGroups(ctx context.Context, p ReportParams, fn func(*ReportGroup) error) error {
	query, args, err := db.reportGroupsSQL(p)
	if err != nil {
		return err
	}
	// The kinds are few (hundreds), so PostgreSQL should hash them rather
	// than sort a million rows: it cannot know, so sorting is discouraged
	// and the hash table given room.
	rows, done, err := db.reportQuery(ctx, query, args, "SET LOCAL enable_sort = off", "SET LOCAL work_mem = '64MB'")
	if err != nil {
		return fmt.Errorf("report groups: %w", err)
	}
	defer done()
	groups := map[[2]int64]*ReportGroup{}
	for rows.Next() {
		var r reportKindRow
		if err := rows.StructScan(&r); err != nil {
			return fmt.Errorf("report groups: %w", err)
		}
		r.KC, r.FC, r.KP, r.FP = r.Code&15, r.Code>>4&15, r.Code>>8&15, r.Code>>12&15
		key := [2]int64{r.UnitID, r.SourceID}
		g, ok := groups[key]
		if !ok {
			g = &ReportGroup{UnitID: r.UnitID, SourceID: r.SourceID}
			groups[key] = g
		}
		g.add(&r)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("report groups: %w", err)
	}
	keys := make([][2]int64, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i][0] != keys[j][0] {
			return keys[i][0] < keys[j][0]
		}
		return keys[i][1] < keys[j][1]
	})
	for _, k := range keys {
		if err := fn(groups[k]); err != nil {
			return err
		}
	}
	return nil
}

// kindSQL returns the light kind and the flags of a commitment as of :X_to
// from the stage-one columns st_X, due_X, done_X and ver_X (see
// reportKindRow).
func (db *DB) kindSQL(x string, loc *time.Location, until time.Time) (k, f string) {
	r := strings.NewReplacer("$X", x)
	k = r.Replace(`CASE WHEN st_$X IS NULL THEN 0
		WHEN st_$X IN ('open','in_progress') THEN (CASE WHEN due_$X < :$X_day THEN 1 WHEN due_$X <= :$X_warn THEN 2 ELSE 3 END)
		WHEN st_$X = 'done' THEN 4 WHEN st_$X = 'verified' THEN 5 ELSE 6 END`)
	f = r.Replace(`(CASE WHEN st_$X <> 'cancelled' AND due_$X < :$X_day THEN 1 ELSE 0 END)
		+ (CASE WHEN st_$X IN ('done','verified') AND due_$X < :$X_day AND ` + db.doneByDueSQL("done_"+x, "due_"+x, loc, until) + ` THEN 2 ELSE 0 END)
		+ (CASE WHEN st_$X IN ('done','verified') AND done_$X >= :$X_from AND done_$X < :$X_to THEN 4 ELSE 0 END)
		+ (CASE WHEN st_$X = 'verified' AND ver_$X >= :$X_from AND ver_$X < :$X_to THEN 8 ELSE 0 END)`)
	return k, f
}

func (db *DB) reportGroupsSQL(p ReportParams) (string, []any, error) {
	loc := p.loc()
	kc, fc := db.kindSQL("c", loc, p.Cur.To)
	kp, fp := db.kindSQL("p", loc, p.Cur.To)
	// The kinds are packed into one number, and only a red commitment's
	// due date kept, so that what SQLite sorts to group is small.
	q := `SELECT unit_id, source_id, code, COUNT(*) AS n, MIN(red_due) AS min_due
	FROM (SELECT unit_id, source_id, k_c + 16 * f_c + 256 * k_p + 4096 * f_p AS code,
			CASE WHEN k_c = 1 THEN due_c END AS red_due
		FROM (SELECT COALESCE(unit_id, 0) AS unit_id, COALESCE(source_id, 0) AS source_id, due_c,
				` + kc + ` AS k_c,
				` + fc + ` AS f_c,
				` + kp + ` AS k_p,
				` + fp + ` AS f_p
			FROM (SELECT c.unit_id, c.source_id` + asOfCols("c", "st", "due", "done", "ver") + asOfCols("p", "st", "due", "done", "ver") + `
				FROM commitments c WHERE c.created_at < :c_to` + db.noFlatten() + `) a` + db.noFlatten() + `) b` + db.noFlatten() + `) k
	GROUP BY unit_id, source_id, code`
	return db.named(q, p, nil)
}

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

// ReportUnreachable lists, by unit of the commitment, the owners of
// commitments open or in progress at the end of the period who cannot be
// reached: flagged unreachable, or with no linked Telegram chat. The flags
// have no history: they are the current ones. The same owner appears once
// per unit.
func (db *DB) ReportUnreachable(ctx context.Context, p ReportParams) ([]ReportOwner, error) {
	q := `SELECT COALESCE(c.unit_id, 0) AS unit_id, ct.id AS contact_id, ct.key, ct.name,
		CASE WHEN ct.chat_id = 0 THEN 'no linked Telegram chat' ELSE ct.unreachable_why END AS why
		FROM contacts ct JOIN commitment_owners o ON o.contact_id = ct.id JOIN commitments c ON c.id = o.commitment_id
		WHERE (ct.unreachable OR ct.chat_id = 0) AND c.created_at < :c_to AND ` + asOf("c", "st") + ` IN ('open','in_progress')
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
	// Verified and cancelled are final, so a source with a commitment that
	// is neither now, and has not changed since the instant, cannot
	// qualify: that rules out most sources with one index probe each
	// before any history is read.
	q := `SELECT s.id, s.key, s.number, s.title, s.reply_doc_no, s.classification, s.handling_unit, s.deputies, COUNT(*) AS n
		FROM (SELECT c.source_id, ` + asOf("c", "st") + ` AS st
			FROM (SELECT s.id FROM sources s
				WHERE (s.classification LIKE 'B%' OR s.classification LIKE '乙%')
					AND (s.second_reply_on IS NULL OR s.second_reply_on = '' OR s.second_reply_on >= :c_day)
					AND NOT EXISTS (SELECT 1 FROM commitments o WHERE o.source_id = s.id AND o.created_at < :c_to
						AND o.updated_at < :c_to AND o.status NOT IN ('verified', 'cancelled'))` + db.noFlatten() + `) cand
			JOIN commitments c ON c.source_id = cand.id
			WHERE c.created_at < :c_to` + db.noFlatten() + `) x
		JOIN sources s ON s.id = x.source_id
		GROUP BY s.id, s.key, s.number, s.title, s.reply_doc_no, s.classification, s.handling_unit, s.deputies
		HAVING SUM(CASE WHEN x.st = 'verified' THEN 1 ELSE 0 END) > 0
			AND SUM(CASE WHEN x.st NOT IN ('verified', 'cancelled') THEN 1 ELSE 0 END) = 0
		ORDER BY s.id`
	query, args, err := db.named(q, p, nil)
	if err != nil {
		return nil, err
	}
	var out []ReportSource
	if err := db.reportSelect(ctx, &out, query, args); err != nil {
		return nil, fmt.Errorf("report second replies: %w", err)
	}
	return out, nil
}

// ReportItem is one commitment as it was at the end of a report's period.
type ReportItem struct {
	ID           int64
	Key          string
	Title        string
	Unit         string
	Owners       []string // names, in order
	SourceKey    string
	SourceNumber string
	Class        string
	Category     string
	Strength     string
	DuePrecision string
	Status       domain.Status
	Due          domain.Date
	Light        domain.Light
	DaysOverdue  int
	// Progress is the percent of the last progress update before the end of
	// the period (for an item with no updates at all, the imported value).
	Progress int
	// LastProgressAt and LastProgressNote are those of that update.
	LastProgressAt   *time.Time
	LastProgressNote string
	// DoneAt is when it was last marked done, for done and verified items.
	DoneAt *time.Time
}

type reportItemRow struct {
	ID           int64          `db:"id"`
	Status       string         `db:"st_c"`
	Due          dbDate         `db:"due_c"`
	DoneAt       dbTime         `db:"done_c"`
	Key          string         `db:"key"`
	Title        string         `db:"title"`
	Category     string         `db:"category"`
	Strength     string         `db:"strength"`
	DuePrecision string         `db:"due_precision"`
	Unit         string         `db:"unit"`
	SourceKey    string         `db:"source_key"`
	SourceNumber string         `db:"source_number"`
	Class        string         `db:"class"`
	LPPercent    sql.NullInt64  `db:"lp_percent"`
	LPNote       sql.NullString `db:"lp_note"`
	LPAt         dbTime         `db:"lp_at"`
	Progress     int            `db:"progress"`
	LastProgress dbTime         `db:"last_progress_at"`
}

// contactNames maps contact ids to names.
func (db *DB) contactNames(ctx context.Context) (map[string]string, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT id, name FROM contacts`)
	if err != nil {
		return nil, fmt.Errorf("contact names: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		out[strconv.FormatInt(id, 10)] = name
	}
	return out, rows.Err()
}

// Report item orders.
const (
	// OrderByID lists commitments by id.
	OrderByID = "id"
	// OrderByOverdue lists the longest overdue first (earliest due date),
	// then by id.
	OrderByOverdue = "overdue"
)

// ReportItemFilter selects the commitments ReportItems streams.
type ReportItemFilter struct {
	// Lights keeps only commitments with one of these lights (red, yellow,
	// green); empty keeps every commitment that existed.
	Lights []domain.Light
	// DueBefore, if set, keeps only commitments due before that day.
	DueBefore domain.Date
	// Order is OrderByID (default) or OrderByOverdue.
	Order string
	// Limit, if positive, stops after that many.
	Limit int
}

// ReportItems streams to fn the commitments that existed at the end of the
// current period, as they were then, without holding them all in memory.
func (db *DB) ReportItems(ctx context.Context, p ReportParams, f ReportItemFilter, fn func(*ReportItem) error) error {
	query, args, err := db.reportItemsSQL(p, f)
	if err != nil {
		return err
	}
	names, err := db.contactNames(ctx)
	if err != nil {
		return err
	}
	rows, done, err := db.reportQuery(ctx, query, args, sortSetting(f))
	if err != nil {
		return fmt.Errorf("report items: %w", err)
	}
	defer done()
	day := p.Day(p.Cur)
	at := day.Start(time.UTC)
	// Owners are read a batch of items at a time, on another connection:
	// one indexed query per batch instead of a subquery per item.
	const batch = 500
	buf := make([]*ReportItem, 0, batch)
	flush := func() error {
		ids := make([]int64, len(buf))
		for i, it := range buf {
			ids[i] = it.ID
		}
		owners, err := db.ownerIDs(ctx, ids)
		if err != nil {
			return err
		}
		for _, it := range buf {
			for _, o := range owners[it.ID] {
				it.Owners = append(it.Owners, names[o])
			}
			if err := fn(it); err != nil {
				return err
			}
		}
		buf = buf[:0]
		return nil
	}
	for rows.Next() {
		var r reportItemRow
		if err := rows.StructScan(&r); err != nil {
			return fmt.Errorf("report items: %w", err)
		}
		it := &ReportItem{ID: r.ID, Key: r.Key, Title: r.Title, Unit: r.Unit, SourceKey: r.SourceKey, SourceNumber: r.SourceNumber,
			Class: r.Class, Category: r.Category, Strength: r.Strength, DuePrecision: r.DuePrecision,
			Status: domain.Status(r.Status), Due: r.Due.D}
		it.Light = domain.LightOf(it.Status, it.Due, at, time.UTC, p.WarnDays)
		if it.Status.Active() {
			it.DaysOverdue = domain.DaysOverdue(it.Due, at, time.UTC)
		}
		switch {
		case r.LPPercent.Valid:
			it.Progress = int(r.LPPercent.Int64)
			it.LastProgressAt = r.LPAt.ptr()
			it.LastProgressNote = r.LPNote.String
		case r.LastProgress.Valid && !r.LastProgress.T.Before(p.Cur.To):
			it.Progress = 0 // every update came later
		default:
			it.Progress = r.Progress
		}
		if it.Status == domain.Done || it.Status == domain.Verified {
			it.DoneAt = r.DoneAt.ptr()
		}
		if buf = append(buf, it); len(buf) == batch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("report items: %w", err)
	}
	return flush()
}

// sortSetting steers PostgreSQL to read every commitment in id order
// through the primary key rather than sort them all on disk.
func sortSetting(f ReportItemFilter) string {
	if len(f.Lights) == 0 && f.Limit == 0 && f.DueBefore.IsZero() {
		return "SET LOCAL enable_sort = off"
	}
	return ""
}

// ownerIDs returns the owner contact ids of each commitment, in order.
func (db *DB) ownerIDs(ctx context.Context, ids []int64) (map[int64][]string, error) {
	out := make(map[int64][]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	// A batch of the full list is a run of ascending ids: one range scan
	// of the primary key is cheaper than a long IN list.
	var q string
	var args []any
	if slices.IsSorted(ids) {
		q, args = `SELECT commitment_id, contact_id FROM commitment_owners WHERE commitment_id BETWEEN ? AND ?
			ORDER BY commitment_id, position, contact_id`, []any{ids[0], ids[len(ids)-1]}
	} else {
		var err error
		q, args, err = sqlx.In(`SELECT commitment_id, contact_id FROM commitment_owners WHERE commitment_id IN (?)
			ORDER BY commitment_id, position, contact_id`, ids)
		if err != nil {
			return nil, err
		}
	}
	rows, err := db.db.QueryContext(ctx, db.db.Rebind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("report owners: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c, o int64
		if err := rows.Scan(&c, &o); err != nil {
			return nil, err
		}
		out[c] = append(out[c], strconv.FormatInt(o, 10))
	}
	return out, rows.Err()
}

func (db *DB) reportItemsSQL(p ReportParams, f ReportItemFilter) (string, []any, error) {
	order := "c.id"
	if f.Order == OrderByOverdue {
		order = "x.due_c, c.id"
	}
	// The light conditions are written twice: on the as-of columns, and on
	// the current ones for the commitments not changed since the instant,
	// so that only those that may qualify are reconstructed.
	var conds, fast []string
	for _, l := range f.Lights {
		var cond string
		switch l {
		case domain.Red:
			cond = `(st IN ('open','in_progress') AND due < :c_day)`
		case domain.Yellow:
			cond = `(st IN ('open','in_progress') AND due >= :c_day AND due <= :c_warn)`
		case domain.Green:
			cond = `(st IN ('open','in_progress') AND (due IS NULL OR due > :c_warn))`
		case domain.LDone:
			cond = `(st IN ('done','verified'))`
		case domain.Grey:
			cond = `(st = 'cancelled')`
		default:
			continue
		}
		conds = append(conds, strings.NewReplacer("st", "st_c", "due", "due_c").Replace(cond))
		fast = append(fast, strings.NewReplacer("st", "c.status", "due", "c.due").Replace(cond))
	}
	where, candidates := "", ""
	if len(conds) > 0 {
		where = "(" + strings.Join(conds, " OR ") + ")"
		candidates = " AND (" + strings.Join(fast, " OR ") + " OR c.updated_at >= :c_to)"
	}
	if !f.DueBefore.IsZero() {
		if where != "" {
			where += " AND "
		}
		where += "due_c < :due_before"
	}
	limit := ""
	if f.Limit > 0 {
		limit = fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	cols := `c.key, c.title, c.category, c.strength, c.due_precision,
		COALESCE(u.name, '') AS unit, COALESCE(s.key, '') AS source_key, COALESCE(s.number, '') AS source_number,
		COALESCE(s.classification, '') AS class,
		lp.percent AS lp_percent, lp.note AS lp_note, lp.created_at AS lp_at, c.progress, c.last_progress_at`
	joins := `LEFT JOIN units u ON u.id = c.unit_id
		LEFT JOIN sources s ON s.id = c.source_id
		LEFT JOIN progress_updates lp ON lp.id = (CASE WHEN c.last_progress_at IS NOT NULL THEN
			(SELECT pu.id FROM progress_updates pu WHERE pu.commitment_id = c.id
				AND pu.created_at < :c_to ORDER BY pu.created_at DESC, pu.id DESC LIMIT 1) END)`
	var q string
	if where == "" && limit == "" {
		// Every commitment, by id: one pass over the table in its own
		// order, each history probe evaluated once.
		q = `SELECT c.id AS id` + asOfCols("c", "st", "due", "done") + `, ` + cols + `
		FROM commitments c ` + joins + `
		WHERE c.created_at < :c_to
		ORDER BY c.id`
	} else {
		// A selection: the as-of columns are computed once in a subquery,
		// filtered and sorted there, and only the rows kept are joined.
		innerOrder := "id"
		if f.Order == OrderByOverdue {
			innerOrder = "due_c, id"
		}
		if where == "" {
			where = "1 = 1"
		}
		q = `SELECT x.id, x.st_c, x.due_c, x.done_c, ` + cols + `
		FROM (SELECT y.* FROM (SELECT c.id` + asOfCols("c", "st", "due", "done") + ` FROM commitments c
				WHERE c.created_at < :c_to` + candidates + db.noFlatten() + `) y
			WHERE ` + where + ` ORDER BY ` + innerOrder + limit + `) x
		JOIN commitments c ON c.id = x.id
		` + joins + `
		ORDER BY ` + order
	}
	return db.named(q, p, map[string]any{"due_before": f.DueBefore.String()})
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
