package store

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"duban/domain"
)

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
// few hundred kinds are summed here. For a period that has ended the kinds
// come from its month-end snapshot (report_snapshot.go), made on first use.
func (db *DB) ReportGroups(ctx context.Context, p ReportParams, fn func(*ReportGroup) error) error {
	kinds, err := db.reportKinds(ctx, p)
	if err != nil {
		return err
	}
	groups := map[[2]int64]*ReportGroup{}
	for i := range kinds {
		r := &kinds[i]
		r.KC, r.FC, r.KP, r.FP = r.Code&15, r.Code>>4&15, r.Code>>8&15, r.Code>>12&15
		key := [2]int64{r.UnitID, r.SourceID}
		g, ok := groups[key]
		if !ok {
			g = &ReportGroup{UnitID: r.UnitID, SourceID: r.SourceID}
			groups[key] = g
		}
		g.add(r)
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

// reportKinds returns the kinds of p: from the snapshot of an ended period
// when it is current, else counted (and then kept, for an ended period).
func (db *DB) reportKinds(ctx context.Context, p ReportParams) ([]reportKindRow, error) {
	ended := p.Snapshot && !p.Cur.To.After(db.now())
	var key, fp string
	if ended {
		if !p.Rebuild {
			kinds, ok, err := db.loadSnapshot(ctx, p)
			if err != nil || ok {
				return kinds, err
			}
		}
		key = p.snapshotKey()
		var err error
		if fp, err = db.snapshotFingerprint(ctx); err != nil {
			return nil, err
		}
	}
	kinds, err := db.countKinds(ctx, p)
	if err != nil {
		return nil, err
	}
	if ended {
		var top []int64
		err := db.ReportItems(ctx, p, ReportItemFilter{Lights: []domain.Light{domain.Red}, Order: OrderByOverdue, Limit: topRedKept},
			func(it *ReportItem) error {
				top = append(top, it.ID)
				return nil
			})
		if err != nil {
			return nil, err
		}
		owners, err := db.openOwners(ctx, p)
		if err != nil {
			return nil, err
		}
		settled, err := db.settledSources(ctx, p)
		if err != nil {
			return nil, err
		}
		if err := db.saveSnapshot(ctx, key, fp, kinds, top, owners, settled); err != nil {
			return nil, err
		}
	}
	return kinds, nil
}

// countKinds runs the reconstruction of reportGroupsSQL.
func (db *DB) countKinds(ctx context.Context, p ReportParams) ([]reportKindRow, error) {
	query, args, err := db.reportGroupsSQL(p)
	if err != nil {
		return nil, err
	}
	// The kinds are few (hundreds), so PostgreSQL should hash them rather
	// than sort a million rows: it cannot know, so sorting is discouraged
	// and the hash table given room.
	rows, done, err := db.reportQuery(ctx, query, args, "SET LOCAL enable_sort = off", "SET LOCAL work_mem = '64MB'")
	if err != nil {
		return nil, fmt.Errorf("report groups: %w", err)
	}
	defer done()
	var kinds []reportKindRow
	for rows.Next() {
		var r reportKindRow
		if err := rows.StructScan(&r); err != nil {
			return nil, fmt.Errorf("report groups: %w", err)
		}
		kinds = append(kinds, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("report groups: %w", err)
	}
	return kinds, nil
}

// kindSQL returns the light kind and the flags of a commitment as of :X_to
// from the stage-one columns st_X, due_X, done_X and ver_X (see
// reportKindRow).
func (db *DB) kindSQL(x string, loc *time.Location, until time.Time) (k, f string) {
	r := strings.NewReplacer("$X", x, "$C", db.collateC())
	k = r.Replace(`CASE WHEN st_$X IS NULL THEN 0
		WHEN st_$X IN ('open','in_progress') THEN (CASE WHEN due_$X$C < :$X_day THEN 1 WHEN due_$X$C <= :$X_warn THEN 2 ELSE 3 END)
		WHEN st_$X = 'done' THEN 4 WHEN st_$X = 'verified' THEN 5 ELSE 6 END`)
	f = r.Replace(`(CASE WHEN st_$X <> 'cancelled' AND due_$X$C < :$X_day THEN 1 ELSE 0 END)
		+ (CASE WHEN st_$X IN ('done','verified') AND due_$X$C < :$X_day AND ` + db.doneByDueSQL("done_"+x, "due_"+x, loc, until) + ` THEN 2 ELSE 0 END)
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
