package storetest

import (
	"context"
	"fmt"
	"testing"

	"duban/store"
)

// Bulk describes a generated register for the edge-case tests and the
// benchmark: n commitments over 50 units, 100 sources and 200 owners, as of
// mid-July 2024. Every redEvery-th commitment is red at the end of June
// 2024; of the others four in ten are done or verified (with their history)
// and the rest open and due from July 2024 on. One in fifty changed after
// June, so the June report reads their history.
type Bulk struct {
	N, RedEvery int
	// UnitName, if set, names unit i (0-based); default 第NN承办单位.
	UnitName func(i int) string
}

// Load writes the register with a few set-based statements: a recursive CTE
// on SQLite, generate_series on PostgreSQL.
func (g Bulk) Load(tb testing.TB, db *store.DB) {
	tb.Helper()
	ctx := context.Background()
	x := db.SQLX()
	pg := db.Dialect() == store.Postgres
	mustExec := func(q string, args ...any) {
		tb.Helper()
		if _, err := x.ExecContext(ctx, x.Rebind(q), args...); err != nil {
			tb.Fatalf("bulk load: %v\n%s", err, q)
		}
	}
	// seq yields i = 1..n as a FROM clause.
	seq := func(n int) string {
		if pg {
			return fmt.Sprintf("generate_series(1, %d) AS s(i)", n)
		}
		return fmt.Sprintf("(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < %d) SELECT i FROM s) s", n)
	}
	// day is the date base + days, as YYYY-MM-DD text; ts the instant at
	// hour h UTC of that day, as the store writes it.
	day := func(base, days string) string {
		if pg {
			return fmt.Sprintf("to_char(date '%s' + (%s)::int, 'YYYY-MM-DD')", base, days)
		}
		return fmt.Sprintf("date('%s', printf('%%+d days', %s))", base, days)
	}
	ts := func(base, days string, h int) string {
		if pg {
			return fmt.Sprintf("(timestamptz '%s 00:00:00+00' + make_interval(days => (%s)::int, hours => %d))", base, days, h)
		}
		return fmt.Sprintf("(strftime('%%Y-%%m-%%dT%%H:%%M:%%f', '%s', printf('%%+d days', %s), '+%d hours') || '000Z')", base, days, h)
	}
	name := g.UnitName
	if name == nil {
		name = func(i int) string { return fmt.Sprintf("第%02d承办单位", i+1) }
	}
	for i := 0; i < 50; i++ {
		mustExec(`INSERT INTO units (name) VALUES (?)`, name(i))
	}
	cls := []string{"A1", "A2", "A3", "B1", "B2", "C1", "C2"}
	sat := []string{"satisfied", "basically", "dissatisfied", ""}
	for i := 0; i < 100; i++ {
		mustExec(`INSERT INTO sources (key, kind, number, title, classification, satisfaction) VALUES (?, 'deputy_suggestion', ?, ?, ?, ?)`,
			fmt.Sprintf("src-%d", i), fmt.Sprintf("总第%d号", 200+i), fmt.Sprintf("关于第%d项工作的建议", i), cls[i%len(cls)], sat[i%len(sat)])
	}
	for i := 0; i < 200; i++ {
		chat := int64(100000 + i)
		if i%20 == 0 {
			chat = 0 // never linked: unreachable
		}
		mustExec(`INSERT INTO contacts (key, name, unit_id, role, chat_id) VALUES (?, ?, (SELECT MIN(id) FROM units) + ?, 'official', ?)`,
			fmt.Sprintf("owner-%d", i), fmt.Sprintf("责任人%d", i), i%50, chat)
	}
	var unit0, src0, contact0 int64
	if err := x.GetContext(ctx, &unit0, `SELECT MIN(id) FROM units`); err != nil {
		tb.Fatal(err)
	}
	if err := x.GetContext(ctx, &src0, `SELECT MIN(id) FROM sources`); err != nil {
		tb.Fatal(err)
	}
	if err := x.GetContext(ctx, &contact0, `SELECT MIN(id) FROM contacts WHERE key LIKE 'owner-%'`); err != nil {
		tb.Fatal(err)
	}
	red := fmt.Sprintf("i %% %d = 0", g.RedEvery)
	closed := "i % 10 BETWEEN 1 AND 4"
	done := ts("2023-09-01", "i % 300 + i % 20 - 10", 2) // when it was marked done
	status := fmt.Sprintf(`CASE WHEN %s THEN (CASE WHEN i %% 20 = 0 THEN 'in_progress' ELSE 'open' END)
		WHEN %s THEN (CASE WHEN i %% 2 = 1 THEN 'done' ELSE 'verified' END) ELSE 'open' END`, red, closed)
	due := fmt.Sprintf(`CASE WHEN %s THEN %s WHEN %s THEN %s ELSE %s END`,
		red, day("2023-06-01", "i % 390"), closed, day("2023-09-01", "i % 300"), day("2024-07-01", "i % 540"))
	closedAt := fmt.Sprintf(`CASE WHEN %s THEN NULL WHEN %s THEN (CASE WHEN i %% 2 = 1 THEN %s ELSE %s END) END`,
		red, closed, done, ts("2023-09-01", "i % 300 + i % 20 - 7", 2))
	lastProgress := fmt.Sprintf(`CASE WHEN %s THEN (CASE WHEN i %% 20 = 0 THEN %s END) WHEN %s THEN %s END`,
		red, ts("2023-01-01", "i % 500 + 1", 3), closed, done)
	updated := fmt.Sprintf(`CASE WHEN i %% 50 = 7 THEN %s ELSE %s END`, ts("2024-07-10", "0", 1), ts("2024-01-01", "i % 150", 0))
	mustExec(fmt.Sprintf(`INSERT INTO commitments (key, source_id, title, category, unit_id, due, due_precision, strength, progress,
		status, created_at, updated_at, closed_at, last_progress_at)
		SELECT 'bulk-' || i, %d + i %% 100, '第' || i || '项承诺：完成陶瓷固废点整治和复绿', 'cleanup', %d + i %% 50, %s, 'day', 'firm',
			CASE WHEN %s THEN 100 ELSE 0 END, %s, %s, %s, %s, %s
		FROM %s`, src0, unit0, due, closed, status, ts("2023-01-01", "i % 500", 0), updated, closedAt, lastProgress, seq(g.N)))
	mustExec(fmt.Sprintf(`INSERT INTO commitment_owners (commitment_id, contact_id, position)
		SELECT id, %d + id %% 200, 0 FROM commitments WHERE key LIKE 'bulk-%%'`, contact0))
	mustExec(`INSERT INTO status_changes (commitment_id, from_status, to_status, channel, created_at)
		SELECT id, 'open', 'done', 'bulk', last_progress_at FROM commitments WHERE status IN ('done', 'verified') AND key LIKE 'bulk-%'`)
	mustExec(`INSERT INTO status_changes (commitment_id, from_status, to_status, channel, created_at)
		SELECT id, 'done', 'verified', 'bulk', closed_at FROM commitments WHERE status = 'verified' AND key LIKE 'bulk-%'`)
	mustExec(`INSERT INTO status_changes (commitment_id, from_status, to_status, channel, created_at)
		SELECT id, 'open', 'in_progress', 'bulk', last_progress_at FROM commitments WHERE status = 'in_progress' AND key LIKE 'bulk-%'`)
	mustExec(`INSERT INTO progress_updates (commitment_id, percent, note, channel, created_at)
		SELECT id, 30, '已完成现场勘查，正在清运', 'bulk', last_progress_at FROM commitments WHERE status = 'in_progress' AND key LIKE 'bulk-%'`)
	if pg {
		// As autovacuum would have: visibility map and hint bits set, so
		// that the first report does not pay for them.
		mustExec(`VACUUM ANALYZE commitments, commitment_owners, status_changes, progress_updates, contacts, units, sources`)
	} else {
		mustExec(`ANALYZE`)
	}
}
