package scheduler

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"duban/store"
	"duban/store/storetest"
)

// bulkLoad inserts n open commitments, each with one owner, whose next
// reminder time is in the future, straight in SQL (an import of a million
// rows would dominate the benchmark's set-up).
func bulkLoad(b *testing.B, db *store.DB, n int, future time.Time) {
	b.Helper()
	x := db.SQLX()
	ctx := context.Background()
	mustExec := func(q string, args ...any) {
		if _, err := x.ExecContext(ctx, x.Rebind(q), args...); err != nil {
			b.Fatalf("%s: %v", q, err)
		}
	}
	mustExec(`INSERT INTO units (name) VALUES ('单位')`)
	mustExec(`INSERT INTO contacts (key, name, unit_id, chat_id) VALUES ('owner', '承办人', 1, 100001)`)
	ts := future.UTC().Format("2006-01-02T15:04:05.000000Z")
	if db.Dialect() == store.Postgres {
		mustExec(`INSERT INTO commitments (key, title, unit_id, due, due_precision, status, created_at, updated_at, next_remind_at)
			SELECT 'k' || g, '承诺事项 ' || g, 1, '2031-06-30', 'day', 'open', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z', ?
			FROM generate_series(1, ?) g`, ts, n)
	} else {
		mustExec(`WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < ?)
			INSERT INTO commitments (key, title, unit_id, due, due_precision, status, created_at, updated_at, next_remind_at)
			SELECT 'k' || i, '承诺事项 ' || i, 1, '2031-06-30', 'day', 'open', '2024-01-01T00:00:00.000000Z', '2024-01-01T00:00:00.000000Z', ? FROM g`, n, ts)
	}
	mustExec(`INSERT INTO commitment_owners (commitment_id, contact_id, position) SELECT id, 1, 0 FROM commitments`)
	if db.Dialect() == store.Postgres {
		mustExec(`ANALYZE`)
	}
}

func BenchmarkScan(b *testing.B) {
	n, due := 20_000, 2_000
	if os.Getenv("DUBAN_BENCH_BIG") == "1" {
		n, due = 1_000_000, 10_000
	}
	// DUBAN_BENCH_SCALE (bench/): 1 is 1,000,000 with 10,000 due.
	if s, err := strconv.ParseFloat(os.Getenv("DUBAN_BENCH_SCALE"), 64); err == nil && s > 0 {
		n, due = max(int(1_000_000*s), 1_000), max(int(10_000*s), 100)
	}
	now := at("2031-05-01 10:00")
	for _, backend := range storetest.Backends {
		b.Run(fmt.Sprintf("%s/%d/nothing-due", backend, n), func(b *testing.B) {
			db := storetest.Open(b, backend)
			bulkLoad(b, db, n, now.Add(24*time.Hour))
			s := newScanner(db)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				res, err := s.Scan(context.Background(), now, false)
				if err != nil || res.Commitments != 0 {
					b.Fatal(err, res.Commitments)
				}
			}
		})
		b.Run(fmt.Sprintf("%s/%d/%d-due", backend, n, due), func(b *testing.B) {
			db := storetest.Open(b, backend)
			bulkLoad(b, db, n, now.Add(24*time.Hour))
			s := newScanner(db)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				// The due-day reminder of due commitments: lead-30 on 2031-05-31 is
				// not yet due on 05-01, so move those commitments' dates in.
				x := db.SQLX()
				if _, err := x.Exec(x.Rebind(`UPDATE commitments SET due = ?, next_remind_at = ? WHERE id <= ?`),
					fmt.Sprintf("2031-05-%02d", 2+i%20), "2031-05-01T00:00:00.000000Z", due); err != nil {
					b.Fatal(err)
				}
				if db.Dialect() == store.Postgres {
					// The set-up's 10,000-row UPDATE leaves dead tuples
					// that a real database's autovacuum would clear.
					if _, err := x.Exec(`VACUUM ANALYZE commitments`); err != nil {
						b.Fatal(err)
					}
				}
				b.StartTimer()
				res, err := s.Scan(context.Background(), now, false)
				if err != nil || res.Commitments != due || res.Enqueued < due {
					b.Fatal(err, res.Commitments, res.Enqueued)
				}
			}
		})
	}
}
