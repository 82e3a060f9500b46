package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"duban/dataset"
	"duban/domain"
)

// ImportStats counts what an import created and changed.
type ImportStats struct {
	Units, Contacts, Sources        int // created
	Commitments                     int // created
	ContactsUpdated, SourcesUpdated int
	CommitmentsUpdated              int
	Unchanged                       int
}

// ImportOptions tune Import.
type ImportOptions struct {
	File   string // named in errors
	DryRun bool   // check and count, then roll back
	// Progress, if set, is told how many commitments have been handled.
	Progress func(done, total int)
}

// errRollback ends a dry run's transaction without error.
var errRollback = fmt.Errorf("dry run")

// Import upserts a dataset by key in one transaction: any bad record aborts
// all of it, and every problem is reported with its line. ds must already
// have passed ds.Validate; Import adds the checks that need the database
// (unknown owners and sources).
func (db *DB) Import(ctx context.Context, ds *dataset.Dataset, opt ImportOptions) (ImportStats, error) {
	var st ImportStats
	err := db.tx(ctx, func(tx *sqlx.Tx) error {
		im := &importer{db: db, tx: tx, ctx: ctx, ds: ds, file: opt.File, now: db.now(), units: map[string]int64{}}
		if err := im.run(ds, &st, opt.Progress); err != nil {
			return err
		}
		if len(im.errs) > 0 {
			return im.errs
		}
		if opt.DryRun {
			return errRollback
		}
		return nil
	})
	if err == errRollback {
		err = nil
	}
	return st, err
}

type importer struct {
	db    *DB
	tx    *sqlx.Tx
	ctx   context.Context
	ds    *dataset.Dataset
	refs  *refs
	file  string
	now   time.Time
	errs  dataset.Errors
	units map[string]int64
}

func (im *importer) bad(line int, field, format string, args ...any) {
	im.errs = append(im.errs, im.ds.Errorf(im.file, line, field, format, args...))
}

func (im *importer) exec(q string, args ...any) error {
	_, err := exec(im.ctx, im.tx, q, args...)
	return err
}

func (im *importer) unit(name string) (sql.NullInt64, error) {
	if name == "" {
		return sql.NullInt64{}, nil
	}
	if id, ok := im.units[name]; ok {
		return sql.NullInt64{Int64: id, Valid: true}, nil
	}
	id, err := ensureUnit(im.ctx, im.tx, name)
	if err == nil {
		im.units[name] = id.Int64
	}
	return id, err
}

func (im *importer) run(ds *dataset.Dataset, st *ImportStats, progress func(int, int)) error {
	var err error
	if im.refs, err = loadRefs(im.ctx, im.tx, ds); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if errs := im.refs.sourceConflicts(ds, im.file); len(errs) > 0 {
		im.errs = append(im.errs, errs...)
		return nil
	}
	var existing []string
	if err := im.tx.SelectContext(im.ctx, &existing, `SELECT name FROM units`); err != nil {
		return err
	}
	for _, u := range ds.Units {
		if !slices.Contains(existing, u.Name) {
			st.Units++
			existing = append(existing, u.Name)
		}
		if _, err := im.unit(u.Name); err != nil {
			return err
		}
	}
	if err := im.contacts(ds.Contacts, st); err != nil {
		return err
	}
	if err := im.sources(ds.Sources, st); err != nil {
		return err
	}
	return im.commitments(ds.Commitments, st, progress)
}

func (im *importer) contacts(cs []dataset.Contact, st *ImportStats) error {
	for _, c := range cs {
		role, lang := c.Role, c.Language
		if role == "" {
			role = string(domain.Official)
		}
		if lang == "" {
			lang = "zh"
		}
		unit, err := im.unit(c.Unit)
		if err != nil {
			return err
		}
		var cur struct {
			ID       int64         `db:"id"`
			Name     string        `db:"name"`
			UnitID   sql.NullInt64 `db:"unit_id"`
			Role     string        `db:"role"`
			Phone    string        `db:"phone"`
			Email    string        `db:"email"`
			Channels string        `db:"channels"`
			Chat     int64         `db:"chat_id"`
			Lang     string        `db:"language"`
		}
		err = im.tx.GetContext(im.ctx, &cur, im.tx.Rebind(`SELECT id, name, unit_id, role, phone, email, channels, chat_id, language
			FROM contacts WHERE key = ?`), c.Key)
		// Email and channels, when the record leaves them out, keep what
		// an existing contact has; written empty, they clear it.
		email, channels := c.Email, strings.Join(c.Channels, ",")
		if err == nil {
			if c.Email == "" && !c.Fields.Has("email") {
				email = cur.Email
			}
			if len(c.Channels) == 0 && !c.Fields.Has("channels") {
				channels = cur.Channels
			}
		}
		switch {
		case err == sql.ErrNoRows:
			st.Contacts++
			if err := im.exec(`INSERT INTO contacts (key, name, unit_id, role, phone, email, channels, chat_id, language)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				c.Key, c.Name, unit, role, c.Phone, email, channels, c.TelegramChatID, lang); err != nil {
				return fmt.Errorf("import contact %s: %w", c.Key, err)
			}
		case err != nil:
			return err
		default:
			chat := cur.Chat
			if c.TelegramChatID != 0 {
				chat = c.TelegramChatID
			}
			if cur.Name == c.Name && cur.UnitID == unit && cur.Role == role && cur.Phone == c.Phone && cur.Email == email &&
				cur.Channels == channels && cur.Chat == chat && cur.Lang == lang {
				continue
			}
			st.ContactsUpdated++
			if err := im.exec(`UPDATE contacts SET name = ?, unit_id = ?, role = ?, phone = ?, email = ?, channels = ?, chat_id = ?,
				language = ? WHERE id = ?`, c.Name, unit, role, c.Phone, email, channels, chat, lang, cur.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

func (im *importer) sources(ss []dataset.Source, st *ImportStats) error {
	for _, s := range ss {
		kind := s.Kind
		if kind == "" {
			kind = "other"
		}
		replied, _ := domain.ParseDate(s.RepliedOn)
		second, _ := domain.ParseDate(s.SecondReplyOn)
		vals := []any{kind, s.Number, s.Title, s.Session, strings.Join(s.Deputies, "、"), s.ReplyDocNo, s.Classification,
			s.HandlingUnit, dbDate{replied}, s.Satisfaction, dbDate{second}}
		var cur sourceRow
		err := im.tx.GetContext(im.ctx, &cur, im.tx.Rebind(sourceSelect+` WHERE key = ?`), s.Key)
		switch {
		case err == sql.ErrNoRows:
			st.Sources++
			if err := im.exec(`INSERT INTO sources (kind, number, title, session, deputies, reply_doc_no, classification,
				handling_unit, replied_on, satisfaction, second_reply_on, key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				append(vals, s.Key)...); err != nil {
				return fmt.Errorf("import source %s: %w", s.Key, err)
			}
		case err != nil:
			return err
		default:
			if cur.Kind == kind && cur.Number == s.Number && cur.Title == s.Title && cur.Session == s.Session &&
				cur.Deputies == strings.Join(s.Deputies, "、") && cur.ReplyDocNo == s.ReplyDocNo && cur.Classification == s.Classification &&
				cur.HandlingUnit == s.HandlingUnit && cur.RepliedOn.D == replied && cur.Satisfaction == s.Satisfaction && cur.SecondReplyOn.D == second {
				continue
			}
			st.SourcesUpdated++
			if err := im.exec(`UPDATE sources SET kind = ?, number = ?, title = ?, session = ?, deputies = ?, reply_doc_no = ?,
				classification = ?, handling_unit = ?, replied_on = ?, satisfaction = ?, second_reply_on = ? WHERE key = ?`,
				append(vals, s.Key)...); err != nil {
				return err
			}
		}
	}
	return nil
}

// commitVals is a commitment as stored, for comparing an import with what
// the database holds.
type commitVals struct {
	SourceID     sql.NullInt64
	Title        string
	Detail       string
	Category     string
	UnitID       sql.NullInt64
	Due          domain.Date
	DuePrecision string
	Strength     string
	Target       string
	TargetValue  sql.NullFloat64
	TargetUnit   string
	LeadDays     string
	Progress     int
	Status       string
	CreatedAt    time.Time
	ClosedAt     dbTime
	Owners       string // contact ids, comma-separated, in order
}

// equal compares two stored forms, times by instant.
func (v commitVals) equal(w commitVals) bool {
	if !v.CreatedAt.Equal(w.CreatedAt) || v.ClosedAt.Valid != w.ClosedAt.Valid || !v.ClosedAt.T.Equal(w.ClosedAt.T) {
		return false
	}
	v.CreatedAt, v.ClosedAt, w.CreatedAt, w.ClosedAt = time.Time{}, dbTime{}, time.Time{}, dbTime{}
	return v == w
}

func (v *commitVals) args() []any {
	return []any{v.SourceID, v.Title, v.Detail, v.Category, v.UnitID, dbDate{v.Due}, v.DuePrecision, v.Strength,
		v.Target, v.TargetValue, v.TargetUnit, v.LeadDays, v.Progress, v.Status, tm(v.CreatedAt), v.ClosedAt}
}

const commitInsertCols = `source_id, title, detail, category, unit_id, due, due_precision, strength, target,
	target_value, target_unit, lead_days, progress, status, created_at, closed_at, key, updated_at, next_remind_at`

func (im *importer) commitments(cs []dataset.Commitment, st *ImportStats, progress func(int, int)) error {
	if len(cs) == 0 {
		return nil
	}
	contacts := map[string]int64{}
	sources := map[string]int64{}
	if err := loadKeys(im.ctx, im.tx, `SELECT key, id FROM contacts`, contacts); err != nil {
		return err
	}
	if err := loadKeys(im.ctx, im.tx, `SELECT key, id FROM sources`, sources); err != nil {
		return err
	}
	current, err := im.loadCommitments()
	if err != nil {
		return err
	}
	var inserts []newRow
	owners := map[int64]string{}
	for i, c := range cs {
		if progress != nil && i%1000 == 0 {
			progress(i, len(cs))
		}
		p := fmt.Sprintf("commitments[%d]", i)
		cur, exists := current[c.Key]
		v := commitVals{Title: c.Title, Detail: c.Detail, Category: c.Category, DuePrecision: c.DuePrecision,
			Strength: c.Strength, Target: c.Target, TargetUnit: c.TargetUnit, LeadDays: joinInts(c.LeadDays)}
		if v.Category == "" {
			v.Category = "other"
		}
		if v.Strength == "" {
			v.Strength = string(domain.Firm)
		}
		v.Due, _ = domain.ParseDate(c.Due)
		if v.DuePrecision == "" {
			prec, _ := domain.ResolvePrecision(v.Due, "")
			v.DuePrecision = string(prec)
		}
		if c.TargetValue != nil {
			v.TargetValue = sql.NullFloat64{Float64: *c.TargetValue, Valid: true}
		}
		if c.Source != "" {
			id, ok := sources[c.Source]
			if !ok {
				im.bad(c.Fields.At("source", c.Line), p+".source", "unknown source %q", c.Source)
			}
			v.SourceID = sql.NullInt64{Int64: id, Valid: ok}
		}
		ownerIDs := make([]string, 0, len(c.Owners))
		for _, o := range c.Owners {
			key, msg := im.refs.owner(o)
			id, ok := contacts[key]
			if !ok {
				if msg == "" {
					msg = fmt.Sprintf("unknown contact %q", o)
				}
				im.bad(c.Fields.At("owners", c.Line), p+".owners", "%s", msg)
				continue
			}
			ownerIDs = append(ownerIDs, fmt.Sprint(id))
		}
		v.Owners = strings.Join(ownerIDs, ",")
		if v.UnitID, err = im.unit(c.Unit); err != nil {
			return err
		}
		// Absent optional fields keep what an existing commitment has.
		v.Status, v.Progress, v.CreatedAt, v.ClosedAt = string(domain.Open), 0, im.now, dbTime{}
		if exists {
			v.Status, v.Progress, v.CreatedAt, v.ClosedAt = cur.Status, cur.Progress, cur.CreatedAt, cur.ClosedAt
		}
		if c.Status != "" {
			v.Status = c.Status
		}
		if c.Progress != nil {
			v.Progress = *c.Progress
		} else if c.Status == string(domain.Done) || c.Status == string(domain.Verified) {
			// Imported as done without a figure: the work is complete.
			v.Progress = 100
		}
		if c.CreatedAt != "" {
			t, _ := time.Parse(time.RFC3339, c.CreatedAt)
			v.CreatedAt = t.UTC()
		}
		if c.ClosedAt != "" {
			t, _ := time.Parse(time.RFC3339, c.ClosedAt)
			v.ClosedAt = tm(t.UTC())
		} else if c.Status != "" && !domain.Status(c.Status).Closed() {
			v.ClosedAt = dbTime{}
		} else if domain.Status(v.Status).Closed() && !v.ClosedAt.Valid {
			v.ClosedAt = tm(im.now)
		}
		if len(im.errs) > 0 {
			continue // keep checking, write nothing
		}
		if !exists {
			st.Commitments++
			// New rows go in as each batch fills, so that memory holds
			// one batch of them, not the whole file's.
			if inserts = append(inserts, newRow{c.Key, v}); len(inserts) == im.insertBatch() {
				if err := im.flush(inserts, owners); err != nil {
					return err
				}
				inserts = inserts[:0]
			}
			continue
		}
		if cur.commitVals.equal(v) {
			st.Unchanged++
			continue
		}
		st.CommitmentsUpdated++
		if err := im.exec(`UPDATE commitments SET source_id = ?, title = ?, detail = ?, category = ?, unit_id = ?, due = ?,
			due_precision = ?, strength = ?, target = ?, target_value = ?, target_unit = ?, lead_days = ?, progress = ?,
			status = ?, created_at = ?, closed_at = ?, updated_at = ?, next_remind_at = ? WHERE id = ?`,
			append(v.args(), tm(im.now), rescan, cur.ID)...); err != nil {
			return fmt.Errorf("update commitment %s: %w", c.Key, err)
		}
		if cur.Status != v.Status {
			if err := im.exec(`INSERT INTO status_changes (commitment_id, from_status, to_status, reason, channel, created_at)
				VALUES (?, ?, ?, '', 'import', ?)`, cur.ID, cur.Status, v.Status, tm(im.now)); err != nil {
				return err
			}
		}
		if cur.Owners != v.Owners {
			if err := im.exec(`DELETE FROM commitment_owners WHERE commitment_id = ?`, cur.ID); err != nil {
				return err
			}
			if err := im.insertOwners(map[int64]string{cur.ID: v.Owners}); err != nil {
				return err
			}
		}
	}
	if len(im.errs) > 0 {
		return nil
	}
	if err := im.flush(inserts, owners); err != nil {
		return err
	}
	if progress != nil {
		progress(len(cs), len(cs))
	}
	return im.insertOwners(owners)
}

// insertBatch is how many new commitments go in one statement: COPY on
// PostgreSQL, a multi-row INSERT on SQLite (its variable limit).
func (im *importer) insertBatch() int {
	if im.db.dialect == Postgres {
		return 5000
	}
	return 500
}

// flush inserts new commitments, one round trip per batch, and notes
// their owners for insertOwners.
func (im *importer) flush(part []newRow, owners map[int64]string) error {
	if len(part) == 0 {
		return nil
	}
	var ids map[string]int64
	var err error
	if im.db.dialect == Postgres {
		ids, err = im.copyCommitments(part)
	} else {
		ids, err = im.insertCommitments(part)
	}
	if err != nil {
		return fmt.Errorf("insert commitments: %w", err)
	}
	for _, r := range part {
		id := ids[r.key]
		owners[id] = r.vals.Owners
		if r.vals.Status != string(domain.Open) {
			at := r.vals.CreatedAt
			if r.vals.ClosedAt.Valid {
				at = r.vals.ClosedAt.T
			}
			if err := im.exec(`INSERT INTO status_changes (commitment_id, from_status, to_status, reason, channel, created_at)
				VALUES (?, 'open', ?, '', 'import', ?)`, id, r.vals.Status, tm(at)); err != nil {
				return err
			}
		}
	}
	return nil
}

// newRow is a commitment an import creates.
type newRow struct {
	key  string
	vals commitVals
}

// rowArgs are the values of commitInsertCols for a new row.
func (im *importer) rowArgs(r newRow) []any {
	next := rescan
	if domain.Status(r.vals.Status).Closed() {
		next = dbTime{}
	}
	return append(r.vals.args(), r.key, tm(im.now), next)
}

// insertCommitments inserts rows with one multi-row INSERT and returns
// their ids by key.
func (im *importer) insertCommitments(part []newRow) (map[string]int64, error) {
	var sb strings.Builder
	sb.WriteString(`INSERT INTO commitments (` + commitInsertCols + `) VALUES `)
	args := make([]any, 0, len(part)*19)
	for i, r := range part {
		if i > 0 {
			sb.WriteString(",")
		}
		sb.WriteString("(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
		args = append(args, im.rowArgs(r)...)
	}
	sb.WriteString(" RETURNING id, key")
	return im.idsByKey(sb.String(), args...)
}

// copyCommitments streams rows into PostgreSQL with COPY, then reads their
// ids back by key (COPY returns nothing).
func (im *importer) copyCommitments(part []newRow) (map[string]int64, error) {
	cols := strings.Split(commitInsertCols, ",")
	for i := range cols {
		cols[i] = strings.TrimSpace(cols[i])
	}
	stmt, err := im.tx.PrepareContext(im.ctx, pq.CopyIn("commitments", cols...))
	if err != nil {
		return nil, err
	}
	keys := make([]string, len(part))
	for i, r := range part {
		keys[i] = r.key
		if _, err := stmt.ExecContext(im.ctx, im.rowArgs(r)...); err != nil {
			stmt.Close()
			return nil, err
		}
	}
	if _, err := stmt.ExecContext(im.ctx); err != nil {
		stmt.Close()
		return nil, err
	}
	if err := stmt.Close(); err != nil {
		return nil, err
	}
	return im.idsByKey(`SELECT id, key FROM commitments WHERE key = ANY(?)`, pq.Array(keys))
}

// idsByKey runs a query returning (id, key) rows and maps keys to ids.
func (im *importer) idsByKey(q string, args ...any) (map[string]int64, error) {
	ids := map[string]int64{}
	rows, err := im.tx.QueryxContext(im.ctx, im.tx.Rebind(q), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var key string
		if err := rows.Scan(&id, &key); err != nil {
			return nil, err
		}
		ids[key] = id
	}
	return ids, rows.Err()
}

func (im *importer) insertOwners(owners map[int64]string) error {
	const batch = 1000
	var args []any
	n := 0
	flush := func() error {
		if n == 0 {
			return nil
		}
		q := `INSERT INTO commitment_owners (commitment_id, contact_id, position) VALUES ` +
			strings.TrimSuffix(strings.Repeat("(?,?,?),", n), ",")
		err := im.exec(q, args...)
		args, n = args[:0], 0
		return err
	}
	ids := make([]int64, 0, len(owners))
	for id := range owners {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if owners[id] == "" {
			continue
		}
		for pos, o := range strings.Split(owners[id], ",") {
			args = append(args, id, o, pos)
			n++
			if n == batch {
				if err := flush(); err != nil {
					return fmt.Errorf("insert owners: %w", err)
				}
			}
		}
	}
	if err := flush(); err != nil {
		return fmt.Errorf("insert owners: %w", err)
	}
	return nil
}

type currentCommitment struct {
	ID int64
	commitVals
}

func (im *importer) loadCommitments() (map[string]*currentCommitment, error) {
	rows, err := im.tx.QueryxContext(im.ctx, `SELECT id, key, source_id, title, detail, category, unit_id, due, due_precision,
		strength, target, target_value, target_unit, lead_days, progress, status, created_at, closed_at FROM commitments`)
	if err != nil {
		return nil, fmt.Errorf("load commitments: %w", err)
	}
	defer rows.Close()
	out := map[string]*currentCommitment{}
	byID := map[int64]*currentCommitment{}
	for rows.Next() {
		var c currentCommitment
		var key string
		var due dbDate
		var created dbTime
		if err := rows.Scan(&c.ID, &key, &c.SourceID, &c.Title, &c.Detail, &c.Category, &c.UnitID, &due, &c.DuePrecision,
			&c.Strength, &c.Target, &c.TargetValue, &c.TargetUnit, &c.LeadDays, &c.Progress, &c.Status, &created, &c.ClosedAt); err != nil {
			return nil, err
		}
		c.Due, c.CreatedAt = due.D, created.T
		out[key] = &c
		byID[c.ID] = &c
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	orows, err := im.tx.QueryxContext(im.ctx, `SELECT commitment_id, contact_id FROM commitment_owners ORDER BY commitment_id, position`)
	if err != nil {
		return nil, err
	}
	defer orows.Close()
	for orows.Next() {
		var cid, oid int64
		if err := orows.Scan(&cid, &oid); err != nil {
			return nil, err
		}
		if c := byID[cid]; c != nil {
			if c.Owners != "" {
				c.Owners += ","
			}
			c.Owners += fmt.Sprint(oid)
		}
	}
	return out, orows.Err()
}

func loadKeys(ctx context.Context, tx *sqlx.Tx, q string, into map[string]int64) error {
	rows, err := tx.QueryxContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var id int64
		if err := rows.Scan(&k, &id); err != nil {
			return err
		}
		into[k] = id
	}
	return rows.Err()
}
