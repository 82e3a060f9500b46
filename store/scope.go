package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"duban/domain"
)

// Scope is what a contact may see and change from chat: the commitments
// they own (or, with Unit, those of their unit too), or all of them.
type Scope struct {
	ContactID int64
	// All is for supervisors and admins.
	All bool
	// Unit adds the contact's unit's commitments (bot.unit_scope).
	Unit bool
}

// idSet returns a condition on c.id selecting the commitments of s, or ""
// for all. The unit case is a UNION rather than an OR so that both halves
// use their index (commitment_owners_contact, commitments_unit).
func (s Scope) idSet() (string, []any) {
	if s.All {
		return "", nil
	}
	if s.Unit {
		return `c.id IN (SELECT o.commitment_id FROM commitment_owners o WHERE o.contact_id = ?
			UNION SELECT cu.id FROM commitments cu WHERE cu.unit_id = (SELECT ct.unit_id FROM contacts ct WHERE ct.id = ?))`,
			[]any{s.ContactID, s.ContactID}
	}
	return `c.id IN (SELECT o.commitment_id FROM commitment_owners o WHERE o.contact_id = ?)`, []any{s.ContactID}
}

// InScope reports whether commitment id exists and is in s. Callers answer
// "not found" alike for both failures, so that ids cannot be probed.
func (db *DB) InScope(ctx context.Context, s Scope, id int64) (bool, error) {
	q := `SELECT COUNT(*) FROM commitments c WHERE c.id = ?`
	args := []any{id}
	if !s.All {
		q += ` AND (EXISTS (SELECT 1 FROM commitment_owners o WHERE o.commitment_id = c.id AND o.contact_id = ?)`
		args = append(args, s.ContactID)
		if s.Unit {
			q += ` OR c.unit_id = (SELECT ct.unit_id FROM contacts ct WHERE ct.id = ?)`
			args = append(args, s.ContactID)
		}
		q += `)`
	}
	var n int
	if err := db.db.GetContext(ctx, &n, db.db.Rebind(q), args...); err != nil {
		return false, fmt.Errorf("scope: %w", err)
	}
	return n > 0, nil
}

// ScopedQuery selects open and in-progress commitments for the bot's lists.
type ScopedQuery struct {
	Scope Scope
	// DueFrom and DueTo bound the due date, inclusive; zero means unbounded.
	// Either bound leaves out undated (ongoing) items.
	DueFrom, DueTo domain.Date
	// Limit caps the items returned (the total is counted regardless).
	Limit int
}

// ScopedList returns the active commitments of q, most urgent first (by due
// date, undated last, then id), at most q.Limit of them, and how many
// match in all. Owners are not filled in.
func (db *DB) ScopedList(ctx context.Context, q ScopedQuery) ([]*domain.Commitment, int, error) {
	where := []string{"c.status IN ('open','in_progress')"}
	var args []any
	if cond, a := q.Scope.idSet(); cond != "" {
		where, args = append(where, cond), append(args, a...)
	}
	if !q.DueFrom.IsZero() {
		where, args = append(where, "c.due IS NOT NULL AND c.due >= ?"), append(args, q.DueFrom.String())
	}
	if !q.DueTo.IsZero() {
		where, args = append(where, "c.due IS NOT NULL AND c.due <= ?"), append(args, q.DueTo.String())
	}
	// COUNT(*) OVER () gives the total before the LIMIT, in the same query.
	query := `SELECT ` + commitmentColumns + `, COUNT(*) OVER () AS total` + commitmentFrom +
		` WHERE ` + strings.Join(where, " AND ") + ` ORDER BY (c.due IS NULL), c.due, c.id`
	if q.Limit > 0 {
		query += fmt.Sprintf(" LIMIT %d", q.Limit)
	}
	var rows []struct {
		commitmentRow
		Total int `db:"total"`
	}
	if err := db.db.SelectContext(ctx, &rows, db.db.Rebind(query), args...); err != nil {
		return nil, 0, fmt.Errorf("scoped list: %w", err)
	}
	if len(rows) == 0 {
		return nil, 0, nil
	}
	out := make([]*domain.Commitment, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, rows[0].Total, nil
}

// UnitCount is how many commitments a unit has in some state.
type UnitCount struct {
	Unit  string `db:"unit"`
	Count int    `db:"n"`
}

// OverdueByUnit counts the active commitments due before today, by unit,
// most first; commitments without a unit count under "".
func (db *DB) OverdueByUnit(ctx context.Context, today domain.Date) ([]UnitCount, error) {
	var out []UnitCount
	err := db.db.SelectContext(ctx, &out, db.db.Rebind(`SELECT COALESCE(u.name, '') AS unit, COUNT(*) AS n
		FROM commitments c LEFT JOIN units u ON u.id = c.unit_id
		WHERE c.status IN ('open','in_progress') AND c.due IS NOT NULL AND c.due < ?
		GROUP BY u.name ORDER BY n DESC, unit`), today.String())
	if err != nil {
		return nil, fmt.Errorf("overdue by unit: %w", err)
	}
	return out, nil
}

// ExtensionByID returns the extension request with the given id.
func (db *DB) ExtensionByID(ctx context.Context, id int64) (*Extension, error) {
	var r extensionRow
	err := db.db.GetContext(ctx, &r, db.db.Rebind(extensionSelect+` WHERE id = ?`), id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "extension request %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("get extension: %w", err)
	}
	return r.domain(), nil
}
