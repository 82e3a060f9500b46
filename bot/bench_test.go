package bot_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"duban/bot"
	"duban/store"
	"duban/store/storetest"
)

// benchSize is the register BenchmarkHandler runs against: 1,000,000
// commitments and 10,000 contacts with DUBAN_BENCH_BIG=1, a small one
// otherwise so that `go test -bench .` stays quick.
func benchSize() (commitments, contacts int) {
	if os.Getenv("DUBAN_BENCH_BIG") == "1" {
		return 1_000_000, 10_000
	}
	// DUBAN_BENCH_SCALE (bench/): 1 is 1,000,000 commitments, 10,000 contacts.
	if s, err := strconv.ParseFloat(os.Getenv("DUBAN_BENCH_SCALE"), 64); err == nil && s > 0 {
		return max(int(1_000_000*s), 1_000), max(int(10_000*s), 100)
	}
	return 20_000, 1_000
}

// bulkLoad fills a fresh PostgreSQL schema with generate_series: 100 units;
// contacts 1..nc, official, linked to user (and chat) 1,000,000+id;
// commitments 1..n, commitment g owned by contact ((g-1) % nc)+1, in its
// unit, due on one of 1,000 days from 2023-01-01, a tenth of them done.
func bulkLoad(b *testing.B, db *store.DB, n, nc int) {
	b.Helper()
	start := time.Now()
	for _, q := range []string{
		`INSERT INTO units (name) SELECT 'unit-' || g FROM generate_series(1, 100) g`,
		fmt.Sprintf(`INSERT INTO contacts (key, name, unit_id, role, telegram_user_id, chat_id, language)
			SELECT 'c' || g, 'Contact ' || g, (g %% 100) + 1, 'official', 1000000 + g, 1000000 + g, 'zh'
			FROM generate_series(1, %d) g`, nc),
		fmt.Sprintf(`INSERT INTO commitments (key, title, unit_id, due, due_precision, status, progress, created_at, updated_at)
			SELECT 'k' || g, 'Commitment ' || g || ' <&>', (((g - 1) %% %[2]d) + 1) %% 100 + 1,
				to_char(date '2023-01-01' + (g %% 1000), 'YYYY-MM-DD'), 'day',
				CASE WHEN ((g - 1) / %[2]d) %% 10 = 9 THEN 'done' ELSE 'open' END, 0, now(), now()
			FROM generate_series(1, %[1]d) g`, n, nc),
		fmt.Sprintf(`INSERT INTO commitment_owners (commitment_id, contact_id, position)
			SELECT id, ((id - 1) %% %d) + 1, 0 FROM commitments`, nc),
		`VACUUM ANALYZE`, // as autovacuum would have: index-only scans need the visibility map
	} {
		if _, err := db.SQLX().Exec(q); err != nil {
			b.Fatalf("bulk load: %v", err)
		}
	}
	b.Logf("loaded %d commitments, %d contacts in %s", n, nc, time.Since(start).Round(time.Millisecond))
}

// BenchmarkHandler times Handler.Handle for /list and /progress on
// PostgreSQL and reports the 50th and 99th percentiles. Run the big one
// with:
//
//	DUBAN_BENCH_BIG=1 go test -run '^$' -bench BenchmarkHandler -benchtime 2000x ./bot/
func BenchmarkHandler(b *testing.B) {
	n, nc := benchSize()
	db := storetest.Open(b, store.Postgres)
	db.Now = func() time.Time { return now }
	bulkLoad(b, db, n, nc)
	h := bot.New(bot.Config{DB: db, Location: shanghai, WarnDays: 7, Username: "test_bot"})
	ctx := context.Background()
	var update int64
	perContact := n / nc
	for _, name := range []string{"list", "progress"} {
		b.Run(name, func(b *testing.B) {
			var took []time.Duration
			i := 0
			for b.Loop() {
				contact := int64(i%nc) + 1
				text := "/list"
				if name == "progress" {
					// Positions 0-8 of a contact's commitments are open.
					j := int64((i / nc) % max(min(perContact, 9), 1))
					text = fmt.Sprintf("/progress %d %d bench", contact+j*int64(nc), i%101)
				}
				update++
				in := bot.In{UpdateID: update, ChatID: 1_000_000 + contact, ChatType: bot.Private, UserID: 1_000_000 + contact, Text: text, MessageID: 1}
				start := time.Now()
				outs := h.Handle(ctx, in)
				took = append(took, time.Since(start))
				if i == 0 && (len(outs) != 1 || !strings.Contains(outs[0].Text, "#")) {
					b.Fatalf("%s: %+v", text, outs)
				}
				i++
			}
			slices.Sort(took)
			pct := func(p float64) float64 {
				return float64(took[min(int(p*float64(len(took))), len(took)-1)].Microseconds()) / 1000
			}
			b.ReportMetric(pct(0.50), "p50-ms")
			b.ReportMetric(pct(0.99), "p99-ms")
		})
	}
}
