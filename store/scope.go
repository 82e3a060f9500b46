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

// cond is the condition that commitment c is in s, or "" for all.
func (s Scope) cond() (string, []any) {
	if s.All {
		return "", nil
	}
	q := `(EXISTS (SELECT 1 FROM commitment_owners o WHERE o.commitment_id = c.id AND o.contact_id = ?)`
	args := []any{s.ContactID}
	if s.Unit {
		q += ` OR c.unit_id = (SELECT ct.unit_id FROM contacts ct WHERE ct.id = ?)`
		args = append(args, s.ContactID)
	}
	return q + `)`, args
}

// InScope reports whether commitment id exists and is in s. Callers answer
// "not found" alike for both failures, so that ids cannot be probed.
func (db *DB) InScope(ctx context.Context, s Scope, id int64) (bool, error) {
	q, args := `SELECT COUNT(*) FROM commitments c WHERE c.id = ?`, []any{id}
	if cond, a := s.cond(); cond != "" {
		q, args = q+` AND `+cond, append(args, a...)
	}
	var n int
	if err := db.db.GetContext(ctx, &n, db.db.Rebind(q), args...); err != nil {
		return false, fmt.Errorf("scope: %w", err)
	}
	return n > 0, nil
}

// ScopedCommitment returns commitment id if it is in s, in one query, and
// the same "not found" error whether it is missing or out of scope. Owners
// are not filled in.
func (db *DB) ScopedCommitment(ctx context.Context, s Scope, id int64) (*domain.Commitment, error) {
	q, args := `SELECT `+commitmentColumns+commitmentFrom+` WHERE c.id = ?`, []any{id}
	if cond, a := s.cond(); cond != "" {
		q, args = q+` AND `+cond, append(args, a...)
	}
	var r commitmentRow
	err := db.db.GetContext(ctx, &r, db.db.Rebind(q), args...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(id)
	}
	if err != nil {
		return nil, fmt.Errorf("scoped commitment: %w", err)
	}
	return r.domain(), nil
}

// ScopedQuery selects open and in-progress commitments for the bot's lists.
type ScopedQuery struct {
	Scope Scope
	// DueFrom and DueTo bound the due date, inclusive; zero means unbounded.
	// Either bound leaves out undated (ongoing) items.
	DueFrom, DueTo domain.Date
	// Limit caps the items returned (the total is counted regardless).
	Limit int
	// NoTotal skips counting, for a caller that knows the total already:
	// ScopedList then returns the number of items as the total.
	NoTotal bool
}

// activeWhere is the condition of q on the commitments aliased a: active,
// and within the due range.
func (q ScopedQuery) activeWhere(a string) (string, []any) {
	where := []string{a + ".status IN ('open','in_progress')"}
	var args []any
	if !q.DueFrom.IsZero() {
		where, args = append(where, a+".due IS NOT NULL AND "+a+".due >= ?"), append(args, q.DueFrom.String())
	}
	if !q.DueTo.IsZero() {
		where, args = append(where, a+".due IS NOT NULL AND "+a+".due <= ?"), append(args, q.DueTo.String())
	}
	return strings.Join(where, " AND "), args
}

// order is the bot's "most urgent first": by due date, undated last, then
// id. NULLS LAST is PostgreSQL's default for an ascending index, so the
// partial indexes of migration 00003 serve it.
func order(a string) string { return a + ".due NULLS LAST, " + a + ".id" }

func (q ScopedQuery) limit() string {
	if q.Limit > 0 {
		return fmt.Sprintf(" LIMIT %d", q.Limit)
	}
	return ""
}

// ScopedList returns the active commitments of q, most urgent first (by due
// date, undated last, then id), at most q.Limit of them, and how many
// match in all. Owners are not filled in.
func (db *DB) ScopedList(ctx context.Context, q ScopedQuery) ([]*domain.Commitment, int, error) {
	if q.Scope.Unit && !q.Scope.All {
		return db.unitScopedList(ctx, q)
	}
	where, args := q.activeWhere("c")
	if !q.Scope.All {
		where += " AND c.id IN (SELECT o.commitment_id FROM commitment_owners o WHERE o.contact_id = ?)"
		args = append(args, q.Scope.ContactID)
	}
	// COUNT(*) OVER () gives the total before the LIMIT, in the same query.
	total := "COUNT(*) OVER ()"
	if q.NoTotal {
		total = "0"
	}
	query := `SELECT ` + commitmentColumns + `, ` + total + ` AS total` + commitmentFrom +
		` WHERE ` + where + ` ORDER BY ` + order("c") + q.limit()
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
	if q.NoTotal {
		return out, len(out), nil
	}
	return out, rows[0].Total, nil
}

// unitScopedList is ScopedList for an official with unit scope: the
// commitments of their unit and those they own elsewhere. Each half is
// selected on its own index (commitments_active_unit, commitment_owners_
// contact) and cut to the limit before the union, so a unit with
// thousands of commitments costs an index range, not a table scan.
func (db *DB) unitScopedList(ctx context.Context, q ScopedQuery) ([]*domain.Commitment, int, error) {
	uw, ua := q.activeWhere("cu")
	ow, oa := q.activeWhere("co")
	unitSel := `SELECT cu.id FROM commitments cu WHERE ` + uw + ` AND cu.unit_id = (SELECT ct.unit_id FROM contacts ct WHERE ct.id = ?)`
	ownSel := `SELECT co.id FROM commitment_owners o JOIN commitments co ON co.id = o.commitment_id WHERE o.contact_id = ? AND ` + ow
	args := append(append(append([]any{}, ua...), q.Scope.ContactID, q.Scope.ContactID), oa...)
	var total int
	if err := db.db.GetContext(ctx, &total, db.db.Rebind(`SELECT COUNT(*) FROM (`+unitSel+` UNION `+ownSel+`) t`), args...); err != nil {
		return nil, 0, fmt.Errorf("scoped list: %w", err)
	}
	if total == 0 {
		return nil, 0, nil
	}
	query := `SELECT ` + commitmentColumns + commitmentFrom + ` WHERE c.id IN (SELECT a.id FROM (` + unitSel +
		` ORDER BY ` + order("cu") + q.limit() + `) a UNION SELECT b.id FROM (` + ownSel + ` ORDER BY ` + order("co") + q.limit() +
		`) b) ORDER BY ` + order("c") + q.limit()
	var rows []commitmentRow
	if err := db.db.SelectContext(ctx, &rows, db.db.Rebind(query), args...); err != nil {
		return nil, 0, fmt.Errorf("scoped list: %w", err)
	}
	out := make([]*domain.Commitment, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, total, nil
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
	// Counted by unit id on the partial index, then named.
	err := db.db.SelectContext(ctx, &out, db.db.Rebind(`SELECT COALESCE(u.name, '') AS unit, t.n FROM
		(SELECT c.unit_id, COUNT(*) AS n FROM commitments c
		 WHERE c.status IN ('open','in_progress') AND c.due IS NOT NULL AND c.due < ? GROUP BY c.unit_id) t
		LEFT JOIN units u ON u.id = t.unit_id ORDER BY t.n DESC, unit`), today.String())
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
