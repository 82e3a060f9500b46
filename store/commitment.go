package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"duban/domain"
)

// commitmentColumns selects a commitment with its unit and source key.
const commitmentColumns = `c.id, c.key, COALESCE(s.key, '') AS source_key, c.title, c.detail, c.category,
	COALESCE(u.name, '') AS unit, c.due, c.due_precision, c.strength, c.target, c.target_value, c.target_unit,
	c.lead_days, c.progress, c.status, c.created_at, c.updated_at, c.closed_at, c.last_progress_at`

const commitmentFrom = ` FROM commitments c LEFT JOIN units u ON u.id = c.unit_id LEFT JOIN sources s ON s.id = c.source_id`

type commitmentRow struct {
	ID             int64           `db:"id"`
	Key            string          `db:"key"`
	SourceKey      string          `db:"source_key"`
	Title          string          `db:"title"`
	Detail         string          `db:"detail"`
	Category       string          `db:"category"`
	Unit           string          `db:"unit"`
	Due            dbDate          `db:"due"`
	DuePrecision   string          `db:"due_precision"`
	Strength       string          `db:"strength"`
	Target         string          `db:"target"`
	TargetValue    sql.NullFloat64 `db:"target_value"`
	TargetUnit     string          `db:"target_unit"`
	LeadDays       string          `db:"lead_days"`
	Progress       int             `db:"progress"`
	Status         string          `db:"status"`
	CreatedAt      dbTime          `db:"created_at"`
	UpdatedAt      dbTime          `db:"updated_at"`
	ClosedAt       dbTime          `db:"closed_at"`
	LastProgressAt dbTime          `db:"last_progress_at"`
}

func (r *commitmentRow) domain() *domain.Commitment {
	c := &domain.Commitment{
		ID: r.ID, Key: r.Key, SourceKey: r.SourceKey, Title: r.Title, Detail: r.Detail,
		Category: r.Category, Unit: r.Unit, Due: r.Due.D, DuePrecision: domain.Precision(r.DuePrecision),
		Strength: domain.Strength(r.Strength), Target: r.Target, TargetUnit: r.TargetUnit,
		LeadDays: splitInts(r.LeadDays), Progress: r.Progress, Status: domain.Status(r.Status),
		CreatedAt: r.CreatedAt.T, UpdatedAt: r.UpdatedAt.T, ClosedAt: r.ClosedAt.ptr(),
		LastProgressAt: r.LastProgressAt.ptr(),
	}
	if r.TargetValue.Valid {
		v := r.TargetValue.Float64
		c.TargetValue = &v
	}
	return c
}

// Commitment returns the commitment with the given id, with its owners.
func (db *DB) Commitment(ctx context.Context, id int64) (*domain.Commitment, error) {
	var r commitmentRow
	err := db.db.GetContext(ctx, &r, db.db.Rebind(`SELECT `+commitmentColumns+commitmentFrom+` WHERE c.id = ?`), id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(id)
	}
	if err != nil {
		return nil, fmt.Errorf("get commitment: %w", err)
	}
	c := r.domain()
	owners, err := ownersOf(ctx, db.db, []int64{id})
	if err != nil {
		return nil, err
	}
	c.Owners = owners[id]
	return c, nil
}

func notFound(id int64) error {
	return domain.Errorf(domain.ENOTFOUND, "commitment #%d not found", id)
}

// CommitmentByKey returns the id of the commitment with the given key.
func (db *DB) CommitmentIDByKey(ctx context.Context, key string) (int64, error) {
	var id int64
	err := db.db.GetContext(ctx, &id, db.db.Rebind(`SELECT id FROM commitments WHERE key = ?`), key)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, domain.Errorf(domain.ENOTFOUND, "commitment %q not found", key)
	}
	return id, err
}

// ownersOf returns the owner contact keys of each commitment, in the order
// they were given.
func ownersOf(ctx context.Context, q sqlx.QueryerContext, ids []int64) (map[int64][]string, error) {
	out := make(map[int64][]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	query, args, err := sqlx.In(`SELECT o.commitment_id, ct.key FROM commitment_owners o
		JOIN contacts ct ON ct.id = o.contact_id WHERE o.commitment_id IN (?) ORDER BY o.commitment_id, o.position, ct.key`, ids)
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryxContext(ctx, sqlx.Rebind(bindOf(q), query), args...)
	if err != nil {
		return nil, fmt.Errorf("owners: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var key string
		if err := rows.Scan(&id, &key); err != nil {
			return nil, err
		}
		out[id] = append(out[id], key)
	}
	return out, rows.Err()
}

func bindOf(q any) int {
	switch v := q.(type) {
	case *sqlx.DB:
		return sqlx.BindType(v.DriverName())
	case *sqlx.Tx:
		return sqlx.BindType(v.DriverName())
	}
	return sqlx.QUESTION
}

// Filter selects commitments for List.
type Filter struct {
	Statuses  []domain.Status
	Lights    []domain.Light // computed at Now in Loc with WarnDays
	Unit      string
	Owner     string // contact key
	OwnerID   int64
	UnitID    int64
	SourceKey string
	// Search finds text in the title, detail, or the source's key,
	// number, title and reply document number, ignoring case.
	Search    string
	DueBefore domain.Date // due on or before
	IDs       []int64
	Limit     int
	// For light filters.
	Loc      *time.Location
	WarnDays int
}

// List streams the commitments that match f to fn, ordered by id, each with
// its owners. Light filters are turned into due-date ranges so that the
// database does the selecting.
func (db *DB) List(ctx context.Context, f Filter, fn func(*domain.Commitment) error) error {
	var where []string
	var args []any
	if len(f.Statuses) > 0 {
		ph := make([]string, len(f.Statuses))
		for i, s := range f.Statuses {
			ph[i] = "?"
			args = append(args, string(s))
		}
		where = append(where, "c.status IN ("+strings.Join(ph, ",")+")")
	}
	if len(f.Lights) > 0 {
		loc := f.Loc
		if loc == nil {
			loc = time.UTC
		}
		today := domain.DateOf(db.Now(), loc)
		var ors []string
		for _, l := range f.Lights {
			switch l {
			case domain.Red:
				ors = append(ors, "(c.status IN ('open','in_progress') AND c.due IS NOT NULL AND c.due < ?)")
				args = append(args, today.String())
			case domain.Yellow:
				ors = append(ors, "(c.status IN ('open','in_progress') AND c.due IS NOT NULL AND c.due >= ? AND c.due <= ?)")
				args = append(args, today.String(), today.AddDays(f.WarnDays).String())
			case domain.Green:
				ors = append(ors, "(c.status IN ('open','in_progress') AND (c.due IS NULL OR c.due > ?))")
				args = append(args, today.AddDays(f.WarnDays).String())
			case domain.LDone:
				ors = append(ors, "c.status IN ('done','verified')")
			case domain.Grey:
				ors = append(ors, "c.status = 'cancelled'")
			}
		}
		where = append(where, "("+strings.Join(ors, " OR ")+")")
	}
	if f.Unit != "" {
		where = append(where, "u.name = ?")
		args = append(args, f.Unit)
	}
	if f.UnitID != 0 {
		where = append(where, "c.unit_id = ?")
		args = append(args, f.UnitID)
	}
	if f.Owner != "" {
		where = append(where, "c.id IN (SELECT o.commitment_id FROM commitment_owners o JOIN contacts ct ON ct.id = o.contact_id WHERE ct.key = ?)")
		args = append(args, f.Owner)
	}
	if f.OwnerID != 0 {
		where = append(where, "c.id IN (SELECT o.commitment_id FROM commitment_owners o WHERE o.contact_id = ?)")
		args = append(args, f.OwnerID)
	}
	if f.SourceKey != "" {
		where = append(where, "s.key = ?")
		args = append(args, f.SourceKey)
	}
	if f.Search != "" {
		cond, cargs := searchCond(f.Search)
		where, args = append(where, cond), append(args, cargs...)
	}
	if !f.DueBefore.IsZero() {
		where = append(where, "c.due IS NOT NULL AND c.due <= ?")
		args = append(args, f.DueBefore.String())
	}
	if len(f.IDs) > 0 {
		ph := make([]string, len(f.IDs))
		for i, id := range f.IDs {
			ph[i] = "?"
			args = append(args, id)
		}
		where = append(where, "c.id IN ("+strings.Join(ph, ",")+")")
	}
	// Owners come in the same row, aggregated in their given order, so a
	// list streams in one query however many rows match.
	q := `SELECT ` + commitmentColumns + `, ` + db.ownersAgg() + ` AS owners` + commitmentFrom
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY c.id"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := db.db.QueryxContext(ctx, db.db.Rebind(q), args...)
	if err != nil {
		return fmt.Errorf("list commitments: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r struct {
			commitmentRow
			Owners sql.NullString `db:"owners"`
		}
		if err := rows.StructScan(&r); err != nil {
			return fmt.Errorf("list commitments: %w", err)
		}
		c := r.domain()
		if r.Owners.String != "" {
			c.Owners = strings.Split(r.Owners.String, ",")
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list commitments: %w", err)
	}
	return nil
}

// CountByLight counts commitments by light as of today, in one query.
func (db *DB) CountByLight(ctx context.Context, today domain.Date, warnDays int) (map[domain.Light]int, error) {
	q := db.db.Rebind(`SELECT
		SUM(CASE WHEN status IN ('open','in_progress') AND due IS NOT NULL AND due < ? THEN 1 ELSE 0 END),
		SUM(CASE WHEN status IN ('open','in_progress') AND due IS NOT NULL AND due >= ? AND due <= ? THEN 1 ELSE 0 END),
		SUM(CASE WHEN status IN ('open','in_progress') AND (due IS NULL OR due > ?) THEN 1 ELSE 0 END),
		SUM(CASE WHEN status IN ('done','verified') THEN 1 ELSE 0 END),
		SUM(CASE WHEN status = 'cancelled' THEN 1 ELSE 0 END)
		FROM commitments`)
	t, w := today.String(), today.AddDays(warnDays).String()
	var r, y, g, d, x sql.NullInt64
	if err := db.db.QueryRowxContext(ctx, q, t, t, w, w).Scan(&r, &y, &g, &d, &x); err != nil {
		return nil, fmt.Errorf("count by light: %w", err)
	}
	return map[domain.Light]int{domain.Red: int(r.Int64), domain.Yellow: int(y.Int64), domain.Green: int(g.Int64),
		domain.LDone: int(d.Int64), domain.Grey: int(x.Int64)}, nil
}

// ownersAgg is a correlated subquery giving a commitment's owner keys,
// comma-separated in their order. The aggregate is spelled differently in
// the two dialects (SQLite 3.44+ takes ORDER BY inside group_concat).
func (db *DB) ownersAgg() string {
	if db.dialect == Postgres {
		return `(SELECT string_agg(ct.key, ',' ORDER BY o.position) FROM commitment_owners o JOIN contacts ct ON ct.id = o.contact_id WHERE o.commitment_id = c.id)`
	}
	return `(SELECT group_concat(ct.key, ',' ORDER BY o.position) FROM commitment_owners o JOIN contacts ct ON ct.id = o.contact_id WHERE o.commitment_id = c.id)`
}

// searchCond is the one keyword search of the register, for the CLI's
// --search and the web's 搜索: text anywhere in the title, the detail, or
// the source's key, number, title or reply document number, ignoring case,
// with % and _ taken literally. It expects the commitment as c and its
// source as s.
func searchCond(text string) (string, []any) {
	like := "%" + likeEscaper.Replace(strings.ToLower(strings.TrimSpace(text))) + "%"
	var ors []string
	var args []any
	for _, col := range []string{"c.title", "c.detail", "s.key", "s.number", "s.title", "s.reply_doc_no"} {
		ors = append(ors, "LOWER(COALESCE("+col+", '')) LIKE ? ESCAPE '\\'")
		args = append(args, like)
	}
	return "(" + strings.Join(ors, " OR ") + ")", args
}

// likeEscaper makes user text literal in a LIKE pattern.
var likeEscaper = strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`)
