package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"duban/domain"
)

// Register orders (the web register's sort choices). Each is paged by key:
// (sort column, id), never OFFSET, so a deep page costs what the first does.
const (
	SortIDDesc      = "-id"
	SortIDAsc       = "id"
	SortDueAsc      = "due"
	SortDueDesc     = "-due"
	SortUpdatedDesc = "-updated"
)

// RegisterQuery selects a page of the web register (督办台账).
type RegisterQuery struct {
	Scope          Scope
	Unit           string // unit name
	Owner          string // contact key
	Statuses       []domain.Status
	Lights         []domain.Light
	SourceKey      string
	Classification string
	DueFrom, DueTo domain.Date
	// Search looks in the title, the detail and the source's title, number
	// and reply document number.
	Search string
	Sort   string
	// After is the cursor of the last row of the previous page: its sort
	// value ("" for a missing due date) and its id. Zero AfterID: first page.
	AfterValue string
	AfterID    int64
	// Limit is the page size; 0 means no limit (exports).
	Limit int
	// Today and WarnDays turn light filters into due-date ranges.
	Today    domain.Date
	WarnDays int
}

// RegisterRow is one line of the register.
type RegisterRow struct {
	*domain.Commitment
	OwnerNames     []string
	SourceNumber   string
	Classification string
	// Cursor is the row's (sort value, id), for the next page's After.
	CursorValue string
}

// where builds the query's conditions.
func (q RegisterQuery) where() ([]string, []any) {
	var where []string
	var args []any
	if cond, a := q.Scope.cond(); cond != "" {
		where, args = append(where, cond), append(args, a...)
	}
	if len(q.Statuses) > 0 {
		ph := make([]string, len(q.Statuses))
		for i, s := range q.Statuses {
			ph[i] = "?"
			args = append(args, string(s))
		}
		where = append(where, "c.status IN ("+strings.Join(ph, ",")+")")
	}
	if len(q.Lights) > 0 {
		t, w := q.Today.String(), q.Today.AddDays(q.WarnDays).String()
		var ors []string
		for _, l := range q.Lights {
			switch l {
			case domain.Red:
				ors, args = append(ors, "(c.status IN ('open','in_progress') AND c.due IS NOT NULL AND c.due < ?)"), append(args, t)
			case domain.Yellow:
				ors, args = append(ors, "(c.status IN ('open','in_progress') AND c.due IS NOT NULL AND c.due >= ? AND c.due <= ?)"), append(args, t, w)
			case domain.Green:
				ors, args = append(ors, "(c.status IN ('open','in_progress') AND (c.due IS NULL OR c.due > ?))"), append(args, w)
			case domain.LDone:
				ors = append(ors, "c.status IN ('done','verified')")
			case domain.Grey:
				ors = append(ors, "c.status = 'cancelled'")
			}
		}
		where = append(where, "("+strings.Join(ors, " OR ")+")")
	}
	if q.Unit != "" {
		where, args = append(where, "c.unit_id = (SELECT id FROM units WHERE name = ?)"), append(args, q.Unit)
	}
	if q.Owner != "" {
		where = append(where, "c.id IN (SELECT o.commitment_id FROM commitment_owners o JOIN contacts ct ON ct.id = o.contact_id WHERE ct.key = ?)")
		args = append(args, q.Owner)
	}
	if q.SourceKey != "" {
		where, args = append(where, "s.key = ?"), append(args, q.SourceKey)
	}
	if q.Classification != "" {
		where, args = append(where, "s.classification = ?"), append(args, q.Classification)
	}
	if !q.DueFrom.IsZero() {
		where, args = append(where, "c.due IS NOT NULL AND c.due >= ?"), append(args, q.DueFrom.String())
	}
	if !q.DueTo.IsZero() {
		where, args = append(where, "c.due IS NOT NULL AND c.due <= ?"), append(args, q.DueTo.String())
	}
	if strings.TrimSpace(q.Search) != "" {
		cond, cargs := searchCond(q.Search)
		where, args = append(where, cond), append(args, cargs...)
	}
	return where, args
}

// keyset returns the order and the condition that starts the page after
// the cursor. Undated items sort last in both directions of the due date.
func (q RegisterQuery) keyset() (order, cond string, args []any) {
	after := q.AfterID != 0
	switch q.Sort {
	case SortIDAsc:
		order = "c.id"
		if after {
			cond, args = "c.id > ?", []any{q.AfterID}
		}
	case SortDueAsc, SortDueDesc:
		op, dir := ">", ""
		if q.Sort == SortDueDesc {
			op, dir = "<", " DESC"
		}
		order = "c.due" + dir + " NULLS LAST, c.id" + dir
		if after {
			if q.AfterValue == "" {
				cond, args = "(c.due IS NULL AND c.id "+op+" ?)", []any{q.AfterID}
			} else {
				cond = "(c.due " + op + " ? OR (c.due = ? AND c.id " + op + " ?) OR c.due IS NULL)"
				args = []any{q.AfterValue, q.AfterValue, q.AfterID}
			}
		}
	case SortUpdatedDesc:
		order = "c.updated_at DESC, c.id DESC"
		if after {
			cond = "(c.updated_at < ? OR (c.updated_at = ? AND c.id < ?))"
			t := dbTime{}
			if err := t.parse(q.AfterValue); err == nil {
				args = []any{t, t, q.AfterID}
			} else {
				cond, args = "c.id < ?", []any{q.AfterID}
			}
		}
	default: // SortIDDesc: newest first.
		order = "c.id DESC"
		if after {
			cond, args = "c.id < ?", []any{q.AfterID}
		}
	}
	return order, cond, args
}

// Register returns one page of the register (or, with Limit 0, the whole
// filtered set), each row with its owners' names and its source.
func (db *DB) Register(ctx context.Context, q RegisterQuery, fn func(*RegisterRow) error) error {
	where, args := q.where()
	order, cond, kargs := q.keyset()
	if cond != "" {
		where, args = append(where, cond), append(args, kargs...)
	}
	query := `SELECT ` + commitmentColumns + `, COALESCE(s.number, '') AS source_number, COALESCE(s.classification, '') AS classification, ` +
		db.ownerNamesAgg() + ` AS owner_names` + commitmentFrom
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY " + order
	if q.Limit > 0 {
		query += fmt.Sprintf(" LIMIT %d", q.Limit)
	}
	rows, err := db.db.QueryxContext(ctx, db.db.Rebind(query), args...)
	if err != nil {
		return fmt.Errorf("register: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r struct {
			commitmentRow
			SourceNumber   string         `db:"source_number"`
			Classification string         `db:"classification"`
			OwnerNames     sql.NullString `db:"owner_names"`
		}
		if err := rows.StructScan(&r); err != nil {
			return fmt.Errorf("register: %w", err)
		}
		row := &RegisterRow{Commitment: r.domain(), SourceNumber: r.SourceNumber, Classification: r.Classification}
		if r.OwnerNames.String != "" {
			row.OwnerNames = strings.Split(r.OwnerNames.String, "\x1f")
		}
		switch q.Sort {
		case SortDueAsc, SortDueDesc:
			if !row.Due.IsZero() {
				row.CursorValue = row.Due.String()
			}
		case SortUpdatedDesc:
			row.CursorValue = row.UpdatedAt.UTC().Format(timeLayout)
		}
		if err := fn(row); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("register: %w", err)
	}
	return nil
}

// ownerNamesAgg gives a commitment's owners' names in their order,
// separated by the unit separator (names may hold commas).
func (db *DB) ownerNamesAgg() string {
	if db.dialect == Postgres {
		return `(SELECT string_agg(ct.name, chr(31) ORDER BY o.position) FROM commitment_owners o JOIN contacts ct ON ct.id = o.contact_id WHERE o.commitment_id = c.id)`
	}
	return `(SELECT group_concat(ct.name, char(31) ORDER BY o.position) FROM commitment_owners o JOIN contacts ct ON ct.id = o.contact_id WHERE o.commitment_id = c.id)`
}

// Units lists every unit's name, by name.
func (db *DB) Units(ctx context.Context) ([]string, error) {
	var out []string
	if err := db.db.SelectContext(ctx, &out, `SELECT name FROM units ORDER BY name`); err != nil {
		return nil, fmt.Errorf("list units: %w", err)
	}
	return out, nil
}
