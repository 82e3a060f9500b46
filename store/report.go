package store

import (
	"context"
	"database/sql"
	"fmt"
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
		"p_from": tm(p.Prev.From), "p_to": tm(p.Prev.To), "p_day": pd.String(),
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

// asOfCols returns the stage-one columns of commitment c as of the instant
// named :X_to (X is "c" or "p"): st_X, due_X, done_X (when it was last
// marked done) and ver_X (when it was verified).
func asOfCols(x string) string {
	to := ":" + x + "_to"
	fresh := "c.updated_at < " + to
	return strings.NewReplacer("$TO", to, "$FRESH", fresh, "$X", x).Replace(`
	CASE WHEN $FRESH THEN c.status
		ELSE COALESCE(
			(SELECT sc.from_status FROM status_changes sc WHERE sc.commitment_id = c.id AND sc.created_at >= $TO
				ORDER BY sc.created_at, sc.id LIMIT 1),
			CASE WHEN c.closed_at >= $TO THEN 'open' ELSE c.status END)
	END AS st_$X,
	CASE WHEN $FRESH THEN c.due
		ELSE NULLIF(COALESCE(
			(SELECT COALESCE(e.old_due, '') FROM extensions e WHERE e.commitment_id = c.id AND e.state = 'approved'
				AND e.decided_at >= $TO ORDER BY e.decided_at, e.id LIMIT 1),
			c.due, ''), '')
	END AS due_$X,
	CASE WHEN $FRESH THEN (CASE c.status WHEN 'done' THEN c.closed_at WHEN 'verified' THEN COALESCE(c.last_progress_at, c.closed_at) END)
		ELSE COALESCE(
			(SELECT MAX(sc.created_at) FROM status_changes sc WHERE sc.commitment_id = c.id AND sc.to_status = 'done' AND sc.created_at < $TO),
			CASE WHEN c.closed_at < $TO THEN c.closed_at ELSE c.created_at END)
	END AS done_$X,
	CASE WHEN $FRESH THEN (CASE WHEN c.status = 'verified' THEN c.closed_at END)
		ELSE COALESCE(
			(SELECT MAX(sc.created_at) FROM status_changes sc WHERE sc.commitment_id = c.id AND sc.to_status = 'verified' AND sc.created_at < $TO),
			CASE WHEN c.closed_at < $TO THEN c.closed_at ELSE c.created_at END)
	END AS ver_$X`)
}

// stStatusSQL is the status of commitment c as of :c_to, for queries that
// need nothing else.
const stStatusSQL = `CASE WHEN c.updated_at < :c_to THEN c.status
		ELSE COALESCE(
			(SELECT sc.from_status FROM status_changes sc WHERE sc.commitment_id = c.id AND sc.created_at >= :c_to
				ORDER BY sc.created_at, sc.id LIMIT 1),
			CASE WHEN c.closed_at >= :c_to THEN 'open' ELSE c.status END)
	END`

// localDate returns SQL for the calendar day (YYYY-MM-DD) in loc of the
// timestamp expression e. SQLite knows no time zones, so the UTC offsets of
// loc are spelled out, one branch per daylight-saving transition since 2000
// (none for Asia/Shanghai); PostgreSQL gets the same arithmetic so that both
// give the same answer.
func (db *DB) localDate(e string, loc *time.Location, until time.Time) string {
	shift := func(off int) string {
		if db.dialect == Postgres {
			return fmt.Sprintf("to_char((%s AT TIME ZONE 'UTC') + interval '%d seconds', 'YYYY-MM-DD')", e, off)
		}
		return fmt.Sprintf("date(%s, '%+d seconds')", e, off)
	}
	t := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	_, off := t.In(loc).Zone()
	var b strings.Builder
	for {
		_, end := t.In(loc).ZoneBounds()
		if end.IsZero() || !end.Before(until) {
			break
		}
		fmt.Fprintf(&b, " WHEN %s < '%s' THEN %s", e, end.UTC().Format(timeLayout), shift(off))
		t = end
		_, off = t.In(loc).Zone()
	}
	if b.Len() == 0 {
		return shift(off)
	}
	return "CASE" + b.String() + " ELSE " + shift(off) + " END"
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

// ReportGroup counts the commitments of one unit and one source
// classification, as of the end of the current period (fields without a
// prefix) and of the previous one (Prev...).
type ReportGroup struct {
	UnitID int64  `db:"unit_id"`
	Class  string `db:"class"`
	// Items is how many commitments existed; Open how many were open or in
	// progress; Red, Yellow and Green split those by light.
	Items  int `db:"items"`
	Open   int `db:"open"`
	Red    int `db:"red"`
	Yellow int `db:"yellow"`
	Green  int `db:"green"`
	// NewlyRed is red at the end of the period but not at its start.
	NewlyRed int `db:"newly_red"`
	// Closed is how many were done or verified; Cancelled how many cancelled.
	Closed    int `db:"closed"`
	Cancelled int `db:"cancelled"`
	// Done is how many were marked done in the period (and still were done
	// or verified at its end); Verified how many were verified in it.
	Done     int `db:"done"`
	Verified int `db:"verified"`
	// DueByEnd is how many (not cancelled) were due on or before the
	// period's last day; OnTime how many of those were done by their due
	// date.
	DueByEnd int `db:"due_by_end"`
	OnTime   int `db:"on_time"`
	// OldestRedDue is the earliest due date of a red one.
	OldestRedDue domain.Date `db:"-"`

	PrevItems    int `db:"prev_items"`
	PrevOpen     int `db:"prev_open"`
	PrevRed      int `db:"prev_red"`
	PrevDone     int `db:"prev_done"`
	PrevVerified int `db:"prev_verified"`
	PrevDueByEnd int `db:"prev_due_by_end"`
	PrevOnTime   int `db:"prev_on_time"`
}

type reportGroupRow struct {
	ReportGroup
	OldestRed dbDate `db:"oldest_red_due"`
}

// ReportGroups streams the report's counts by unit and source
// classification: one sequential pass over the commitments, aggregated in
// the database.
func (db *DB) ReportGroups(ctx context.Context, p ReportParams, fn func(*ReportGroup) error) error {
	query, args, err := db.reportGroupsSQL(p)
	if err != nil {
		return err
	}
	rows, err := db.db.QueryxContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("report groups: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var g reportGroupRow
		if err := rows.StructScan(&g); err != nil {
			return fmt.Errorf("report groups: %w", err)
		}
		g.OldestRedDue = g.OldestRed.D
		if err := fn(&g.ReportGroup); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (db *DB) reportGroupsSQL(p ReportParams) (string, []any, error) {
	loc := p.loc()
	const act = `st_c IN ('open','in_progress')`
	const red = act + ` AND due_c < :c_day`
	const prevRed = `st_p IN ('open','in_progress') AND due_p < :p_day`
	when := func(cond string) string { return "SUM(CASE WHEN " + cond + " THEN 1 ELSE 0 END)" }
	q := `SELECT COALESCE(unit_id, 0) AS unit_id, class,
		COUNT(*) AS items,
		` + when(act) + ` AS open,
		` + when(red) + ` AS red,
		` + when(act+` AND due_c >= :c_day AND due_c <= :c_warn`) + ` AS yellow,
		` + when(act+` AND (due_c IS NULL OR due_c > :c_warn)`) + ` AS green,
		` + when(red+` AND NOT (st_p IS NOT NULL AND `+prevRed+`)`) + ` AS newly_red,
		` + when(`st_c IN ('done','verified')`) + ` AS closed,
		` + when(`st_c = 'cancelled'`) + ` AS cancelled,
		` + when(`st_c IN ('done','verified') AND done_c >= :c_from AND done_c < :c_to`) + ` AS done,
		` + when(`st_c = 'verified' AND ver_c >= :c_from AND ver_c < :c_to`) + ` AS verified,
		` + when(`st_c <> 'cancelled' AND due_c < :c_day`) + ` AS due_by_end,
		` + when(`st_c IN ('done','verified') AND due_c < :c_day AND `+db.localDate("done_c", loc, p.Cur.To)+` <= due_c`) + ` AS on_time,
		MIN(CASE WHEN ` + red + ` THEN due_c END) AS oldest_red_due,
		` + when(`st_p IS NOT NULL`) + ` AS prev_items,
		` + when(`st_p IN ('open','in_progress')`) + ` AS prev_open,
		` + when(`st_p IS NOT NULL AND `+prevRed) + ` AS prev_red,
		` + when(`st_p IN ('done','verified') AND done_p >= :p_from AND done_p < :p_to`) + ` AS prev_done,
		` + when(`st_p = 'verified' AND ver_p >= :p_from AND ver_p < :p_to`) + ` AS prev_verified,
		` + when(`st_p IS NOT NULL AND st_p <> 'cancelled' AND due_p < :p_day`) + ` AS prev_due_by_end,
		` + when(`st_p IN ('done','verified') AND due_p < :p_day AND `+db.localDate("done_p", loc, p.Cur.To)+` <= due_p`) + ` AS prev_on_time
	FROM (SELECT c.id, c.unit_id, COALESCE(s.classification, '') AS class,` + asOfCols("c") + `,` + asOfCols("p") + `
		FROM commitments c LEFT JOIN sources s ON s.id = c.source_id
		WHERE c.created_at < :c_to` + db.noFlatten() + `) a
	GROUP BY COALESCE(unit_id, 0), class
	ORDER BY COALESCE(unit_id, 0), class`
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

// ReportSatisfaction counts the sources of one unit (0: all units) by the
// deputies' satisfaction, among sources with a commitment of that unit that
// existed at the end of the period. Satisfaction has no history: it is the
// current value.
type ReportSatisfaction struct {
	UnitID       int64  `db:"unit_id"`
	Satisfaction string `db:"satisfaction"`
	Sources      int    `db:"n"`
}

// ReportSatisfactions returns the satisfaction counts by unit, and for all
// units together with UnitID 0 and Total set.
func (db *DB) ReportSatisfactions(ctx context.Context, p ReportParams) (byUnit, total []ReportSatisfaction, err error) {
	q := `SELECT COALESCE(x.unit_id, 0) AS unit_id, s.satisfaction, COUNT(*) AS n
		FROM (SELECT DISTINCT c.unit_id, c.source_id FROM commitments c WHERE c.source_id IS NOT NULL AND c.created_at < ?) x
		JOIN sources s ON s.id = x.source_id
		GROUP BY COALESCE(x.unit_id, 0), s.satisfaction`
	if err := db.db.SelectContext(ctx, &byUnit, db.db.Rebind(q), tm(p.Cur.To)); err != nil {
		return nil, nil, fmt.Errorf("report satisfaction: %w", err)
	}
	q = `SELECT 0 AS unit_id, s.satisfaction, COUNT(*) AS n FROM sources s
		WHERE EXISTS (SELECT 1 FROM commitments c WHERE c.source_id = s.id AND c.created_at < ?)
		GROUP BY s.satisfaction`
	if err := db.db.SelectContext(ctx, &total, db.db.Rebind(q), tm(p.Cur.To)); err != nil {
		return nil, nil, fmt.Errorf("report satisfaction: %w", err)
	}
	return byUnit, total, nil
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
		WHERE (ct.unreachable OR ct.chat_id = 0) AND c.created_at < :c_to AND ` + stStatusSQL + ` IN ('open','in_progress')
		GROUP BY COALESCE(c.unit_id, 0), ct.id, ct.key, ct.name, ct.chat_id, ct.unreachable_why
		ORDER BY COALESCE(c.unit_id, 0), ct.key`
	query, args, err := db.named(q, p, nil)
	if err != nil {
		return nil, err
	}
	var out []ReportOwner
	if err := db.db.SelectContext(ctx, &out, query, args...); err != nil {
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
	q := `SELECT s.id, s.key, s.number, s.title, s.reply_doc_no, s.classification, s.handling_unit, s.deputies, COUNT(*) AS n
		FROM (SELECT c.source_id, ` + stStatusSQL + ` AS st FROM commitments c JOIN sources s ON s.id = c.source_id
			WHERE c.created_at < :c_to AND (s.classification LIKE 'B%' OR s.classification LIKE '乙%')
				AND (s.second_reply_on IS NULL OR s.second_reply_on = '' OR s.second_reply_on >= :c_day)` + db.noFlatten() + `) x
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
	if err := db.db.SelectContext(ctx, &out, query, args...); err != nil {
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
	Owners       string         `db:"owners"`
	LPPercent    sql.NullInt64  `db:"lp_percent"`
	LPNote       sql.NullString `db:"lp_note"`
	LPAt         dbTime         `db:"lp_at"`
	Progress     int            `db:"progress"`
	LastProgress dbTime         `db:"last_progress_at"`
}

// ownerSep separates owner names in the aggregated owners column.
const ownerSep = "\x1f"

// ownersSQL aggregates the owner names of commitment c in order: the
// aggregate is spelled differently by the two dialects.
func (db *DB) ownersSQL() string {
	agg := "group_concat(ct.name, '" + ownerSep + "' ORDER BY o.position, ct.key)"
	if db.dialect == Postgres {
		agg = "string_agg(ct.name, '" + ownerSep + "' ORDER BY o.position, ct.key)"
	}
	return `(SELECT ` + agg + ` FROM commitment_owners o JOIN contacts ct ON ct.id = o.contact_id WHERE o.commitment_id = c.id)`
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
	rows, err := db.db.QueryxContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("report items: %w", err)
	}
	defer rows.Close()
	day := p.Day(p.Cur)
	at := day.Start(time.UTC)
	var r reportItemRow
	for rows.Next() {
		r = reportItemRow{}
		if err := rows.StructScan(&r); err != nil {
			return fmt.Errorf("report items: %w", err)
		}
		it := &ReportItem{ID: r.ID, Key: r.Key, Title: r.Title, Unit: r.Unit, SourceKey: r.SourceKey, SourceNumber: r.SourceNumber,
			Class: r.Class, Category: r.Category, Strength: r.Strength, DuePrecision: r.DuePrecision,
			Status: domain.Status(r.Status), Due: r.Due.D}
		if r.Owners != "" {
			it.Owners = strings.Split(r.Owners, ownerSep)
		}
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
		if err := fn(it); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (db *DB) reportItemsSQL(p ReportParams, f ReportItemFilter) (string, []any, error) {
	order := "c.id"
	if f.Order == OrderByOverdue {
		order = "x.due_c, c.id"
	}
	var conds []string
	for _, l := range f.Lights {
		switch l {
		case domain.Red:
			conds = append(conds, `(st_c IN ('open','in_progress') AND due_c < :c_day)`)
		case domain.Yellow:
			conds = append(conds, `(st_c IN ('open','in_progress') AND due_c >= :c_day AND due_c <= :c_warn)`)
		case domain.Green:
			conds = append(conds, `(st_c IN ('open','in_progress') AND (due_c IS NULL OR due_c > :c_warn))`)
		case domain.LDone:
			conds = append(conds, `(st_c IN ('done','verified'))`)
		case domain.Grey:
			conds = append(conds, `(st_c = 'cancelled')`)
		}
	}
	where := ""
	if len(conds) > 0 {
		where = "(" + strings.Join(conds, " OR ") + ")"
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
	inner := `SELECT c.id,` + asOfCols("c") + ` FROM commitments c WHERE c.created_at < :c_to`
	var from string
	if where == "" && limit == "" {
		// Every commitment, by id: one pass, nothing to sort but the
		// commitments themselves.
		from = `(` + inner + db.noFlatten() + `) x JOIN commitments c ON c.id = x.id`
	} else {
		innerOrder := "id"
		if f.Order == OrderByOverdue {
			innerOrder = "due_c, id"
		}
		from = `(SELECT y.* FROM (` + inner + db.noFlatten() + `) y WHERE ` + orTrue(where) + ` ORDER BY ` + innerOrder + limit + `) x
			JOIN commitments c ON c.id = x.id`
	}
	q := `SELECT x.id, x.st_c, x.due_c, x.done_c, c.key, c.title, c.category, c.strength, c.due_precision,
		COALESCE(u.name, '') AS unit, COALESCE(s.key, '') AS source_key, COALESCE(s.number, '') AS source_number,
		COALESCE(s.classification, '') AS class, COALESCE(` + db.ownersSQL() + `, '') AS owners,
		lp.percent AS lp_percent, lp.note AS lp_note, lp.created_at AS lp_at, c.progress, c.last_progress_at
		FROM ` + from + `
		LEFT JOIN units u ON u.id = c.unit_id
		LEFT JOIN sources s ON s.id = c.source_id
		LEFT JOIN progress_updates lp ON lp.id = (SELECT pu.id FROM progress_updates pu WHERE pu.commitment_id = c.id
			AND pu.created_at < :c_to ORDER BY pu.created_at DESC, pu.id DESC LIMIT 1)
		ORDER BY ` + order
	return db.named(q, p, map[string]any{"due_before": f.DueBefore.String()})
}

func orTrue(where string) string {
	if where == "" {
		return "1 = 1"
	}
	return where
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
