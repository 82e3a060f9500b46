package store

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"duban/domain"
)

// UnitLights are a unit's figures for the dashboard, as of one day.
type UnitLights struct {
	Unit      string `db:"unit"`
	Total     int    `db:"total"`
	Active    int    `db:"active"` // 在办: open or in progress
	Red       int    `db:"red"`
	Yellow    int    `db:"yellow"`
	Green     int    `db:"green"`
	Done      int    `db:"done"` // done or verified
	Cancelled int    `db:"cancelled"`
	// DueByToday counts items (not cancelled) due before today, OnTime
	// those of them done by their due date.
	DueByToday int `db:"due_by_today"`
	OnTime     int `db:"on_time"`
}

// DoneRate is 办成率: done or verified among the items not cancelled, in
// percent, and false when there are none.
func (u UnitLights) DoneRate() (float64, bool) {
	n := u.Total - u.Cancelled
	if n == 0 {
		return 0, false
	}
	return 100 * float64(u.Done) / float64(n), true
}

// OnTimeRate is 按期办结率: done by the due date among the items already
// due, in percent, and false when none is due yet.
func (u UnitLights) OnTimeRate() (float64, bool) {
	if u.DueByToday == 0 {
		return 0, false
	}
	return 100 * float64(u.OnTime) / float64(u.DueByToday), true
}

// localDate is the SQL of the local calendar day of a timestamp column,
// for a zone whose offset is off seconds (China keeps one offset all
// year). The dialects spell date arithmetic differently.
func (db *DB) localDate(col string, off int) string {
	if db.dialect == Postgres {
		return fmt.Sprintf("to_char((%s AT TIME ZONE 'UTC') + interval '%d seconds', 'YYYY-MM-DD')", col, off)
	}
	return fmt.Sprintf("date(%s, '%+d seconds')", col, off)
}

// dashboardCache keeps the last figures DashboardByUnit computed, with
// what they were computed for. One entry: it never grows.
type dashboardCache struct {
	mu       sync.Mutex
	gen      int64
	today    domain.Date
	warnDays int
	loc      *time.Location
	at       time.Time
	units    []UnitLights
}

// dashboardMaxAge bounds how long figures are kept even when no change
// was counted: on PostgreSQL a change counted by a transaction that had
// not yet committed when the figures were read would otherwise keep them
// stale until the next change.
const dashboardMaxAge = time.Minute

// changeGeneration counts the changes to commitments that move the
// dashboard's figures (status, due date, unit, closing; migration 00012).
func (db *DB) changeGeneration(ctx context.Context) (int64, error) {
	var n int64
	q := `SELECT n FROM change_counters WHERE name = 'commitments'`
	if db.dialect == Postgres {
		q = `SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM commitments_changed`
	}
	err := db.db.GetContext(ctx, &n, q)
	return n, err
}

// DashboardByUnit counts each unit's commitments by light as of today, in
// one grouped query; the units are named, most red first. The figures are
// kept until a commitment changes (or a minute has passed), so that a
// dashboard over a million items does not scan them on every view.
func (db *DB) DashboardByUnit(ctx context.Context, today domain.Date, warnDays int, loc *time.Location) ([]UnitLights, error) {
	gen, err := db.changeGeneration(ctx)
	if err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	c := &db.dashboard
	c.mu.Lock()
	if c.units != nil && c.gen == gen && c.today == today && c.warnDays == warnDays && c.loc == loc && time.Since(c.at) < dashboardMaxAge {
		out := slices.Clone(c.units)
		c.mu.Unlock()
		return out, nil
	}
	c.mu.Unlock()
	start := time.Now()
	out, err := db.dashboardByUnit(ctx, today, warnDays, loc)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.gen, c.today, c.warnDays, c.loc, c.at, c.units = gen, today, warnDays, loc, start, slices.Clone(out)
	c.mu.Unlock()
	return out, nil
}

func (db *DB) dashboardByUnit(ctx context.Context, today domain.Date, warnDays int, loc *time.Location) ([]UnitLights, error) {
	_, off := time.Date(today.Year, today.Month, today.Day, 12, 0, 0, 0, loc).Zone()
	doneDay := db.localDate("COALESCE(c.last_progress_at, c.closed_at)", off)
	t, w := today.String(), today.AddDays(warnDays).String()
	q := db.db.Rebind(`SELECT COALESCE(u.name, '') AS unit, g.total, g.active, g.red, g.yellow, g.green, g.done, g.cancelled, g.due_by_today, g.on_time FROM
		(SELECT c.unit_id, COUNT(*) AS total,
			SUM(CASE WHEN c.status IN ('open','in_progress') THEN 1 ELSE 0 END) AS active,
			SUM(CASE WHEN c.status IN ('open','in_progress') AND c.due IS NOT NULL AND c.due < ? THEN 1 ELSE 0 END) AS red,
			SUM(CASE WHEN c.status IN ('open','in_progress') AND c.due IS NOT NULL AND c.due >= ? AND c.due <= ? THEN 1 ELSE 0 END) AS yellow,
			SUM(CASE WHEN c.status IN ('open','in_progress') AND (c.due IS NULL OR c.due > ?) THEN 1 ELSE 0 END) AS green,
			SUM(CASE WHEN c.status IN ('done','verified') THEN 1 ELSE 0 END) AS done,
			SUM(CASE WHEN c.status = 'cancelled' THEN 1 ELSE 0 END) AS cancelled,
			SUM(CASE WHEN c.status <> 'cancelled' AND c.due IS NOT NULL AND c.due < ? THEN 1 ELSE 0 END) AS due_by_today,
			SUM(CASE WHEN c.status IN ('done','verified') AND c.due IS NOT NULL AND c.due < ? AND ` + doneDay + ` <= c.due THEN 1 ELSE 0 END) AS on_time
		FROM commitments c GROUP BY c.unit_id) g
		LEFT JOIN units u ON u.id = g.unit_id ORDER BY g.red DESC, unit`)
	var out []UnitLights
	if err := db.db.SelectContext(ctx, &out, q, t, t, w, w, t, t); err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	return out, nil
}

// Escalation is an escalation message sent to the supervision office.
type Escalation struct {
	CommitmentID int64  `db:"commitment_id"`
	Title        string `db:"title"`
	Unit         string `db:"unit"`
	SentAt       dbTime `db:"sent_at"`
}

// At is when the escalation went out.
func (e Escalation) At() time.Time { return e.SentAt.T }

// EscalationsSince lists the escalations sent since a time, newest first.
func (db *DB) EscalationsSince(ctx context.Context, since time.Time, limit int) ([]Escalation, error) {
	var out []Escalation
	err := db.db.SelectContext(ctx, &out, db.db.Rebind(`SELECT n.commitment_id, c.title, COALESCE(u.name, '') AS unit, n.sent_at
		FROM notifications n JOIN commitments c ON c.id = n.commitment_id LEFT JOIN units u ON u.id = c.unit_id
		WHERE n.kind = 'escalation' AND n.state = 'sent' AND n.sent_at >= ? ORDER BY n.sent_at DESC LIMIT `+fmt.Sprint(limit)), tm(since))
	if err != nil {
		return nil, fmt.Errorf("escalations: %w", err)
	}
	return out, nil
}
