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

// ownersSQL is the owners column of a report item: on SQLite the
// "position/contact id" pairs of commitment c, on PostgreSQL nothing (they
// are read in batches).
func (db *DB) ownersSQL() string {
	if db.dialect == Postgres {
		return "''"
	}
	return `COALESCE((SELECT group_concat(o.position || '/' || o.contact_id, ',') FROM commitment_owners o
		WHERE o.commitment_id = c.id), '')`
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
	// IDs, if set, keeps only these commitments.
	IDs []int64
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
	// On SQLite each row carries its owners as "position/contact id" pairs
	// from a subquery on the owners' primary key, put in order here (an
	// ORDER BY in the subquery would sort once per commitment). On
	// PostgreSQL, where a subquery per row is dear, they are read a batch
	// of items at a time on another connection.
	inline := db.dialect == SQLite
	const batch = 500
	buf := make([]*ReportItem, 0, batch)
	flush := func() error {
		if len(buf) == 0 {
			return nil
		}
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
		if inline {
			it.Owners = ownerNames(r.Owners, names)
			if err := fn(it); err != nil {
				return err
			}
			continue
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

// ownerNames turns "position/contact id" pairs, comma-separated, into the
// owners' names in order of position, then id.
func ownerNames(pairs string, names map[string]string) []string {
	if pairs == "" {
		return nil
	}
	type owner struct {
		pos, id int
		key     string
	}
	var list []owner
	for _, p := range strings.Split(pairs, ",") {
		pos, id, _ := strings.Cut(p, "/")
		a, _ := strconv.Atoi(pos)
		b, _ := strconv.Atoi(id)
		list = append(list, owner{a, b, id})
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].pos != list[j].pos {
			return list[i].pos < list[j].pos
		}
		return list[i].id < list[j].id
	})
	out := make([]string, len(list))
	for i, o := range list {
		out[i] = names[o.key]
	}
	return out
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
	// A batch of the full list is a run of ascending, nearly consecutive
	// ids: one range scan of the primary key is cheaper than a long IN
	// list. Anything sparser (red items, by due date) takes the IN list.
	var q string
	var args []any
	if slices.IsSorted(ids) && ids[len(ids)-1]-ids[0] < 2*int64(len(ids)) {
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
		order = "x.due_c" + db.collateC() + ", c.id"
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
		conds = append(conds, strings.NewReplacer("st", "st_c", "due", "due_c"+db.collateC()).Replace(cond))
		fast = append(fast, strings.NewReplacer("st", "c.status", "due", "c.due"+db.collateC()).Replace(cond))
	}
	where, candidates := "", ""
	if len(conds) > 0 {
		where = "(" + strings.Join(conds, " OR ") + ")"
		candidates = " AND (" + strings.Join(fast, " OR ") + " OR c.updated_at >= :c_to)"
	}
	if len(f.IDs) > 0 {
		ids := make([]string, len(f.IDs))
		for i, id := range f.IDs {
			ids[i] = strconv.FormatInt(id, 10)
		}
		candidates += " AND c.id IN (" + strings.Join(ids, ",") + ")"
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
		COALESCE(s.classification, '') AS class, ` + db.ownersSQL() + ` AS owners,
		lp.percent AS lp_percent, lp.note AS lp_note, lp.created_at AS lp_at, c.progress, c.last_progress_at`
	joins := `LEFT JOIN units u ON u.id = c.unit_id
		LEFT JOIN sources s ON s.id = c.source_id
		LEFT JOIN progress_updates lp ON lp.id = (CASE WHEN c.last_progress_at IS NOT NULL THEN
			(SELECT pu.id FROM progress_updates pu WHERE pu.commitment_id = c.id
				AND pu.created_at < :c_to ORDER BY pu.created_at DESC, pu.id DESC LIMIT 1) END)`
	var q string
	if where == "" && limit == "" && len(f.IDs) == 0 {
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
			innerOrder = "due_c" + db.collateC() + ", id"
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
