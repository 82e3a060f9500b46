package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"duban/domain"
	"duban/store"
	"duban/store/storetest"
)

// benchN is the register BenchmarkWeb serves: 1,000,000 commitments at
// DUBAN_BENCH_SCALE=1 (bench/), 20,000 otherwise so that `go test -bench`
// stays quick.
func benchN() int {
	if s, err := strconv.ParseFloat(os.Getenv("DUBAN_BENCH_SCALE"), 64); err == nil && s > 0 {
		return max(int(1_000_000*s), 1_000)
	}
	return 20_000
}

var nextRE = regexp.MustCompile(`id="next" href="\?([^"]+)"`)

// BenchmarkWeb times the workspace's pages as a supervisor sees them, on
// storetest.Bulk's register (a tenth red), through the whole handler
// (session, CSRF, query, template), and reports p50 and p99 in ms:
//
//	DUBAN_BENCH_SCALE=1 go test -run '^$' -bench BenchmarkWeb -benchtime 200x ./web/
//
// Pages: the register's first page; a filtered page 20 pages deep (one
// unit's red items, by key); the dashboard; an item page.
func BenchmarkWeb(b *testing.B) {
	n := benchN()
	loc := mustShanghai()
	now := time.Date(2024, 7, 15, 2, 0, 0, 0, time.UTC)
	for _, backend := range storetest.Backends {
		ctx := context.Background()
		db := storetest.Open(b, backend)
		db.Now = func() time.Time { return now }
		start := time.Now()
		storetest.Bulk{N: n, RedEvery: 10}.Load(b, db)
		b.Logf("%s: loaded %d commitments in %s", backend, n, time.Since(start).Round(time.Millisecond))
		if err := db.AddContact(ctx, &domain.Contact{Key: "ducha", Name: "督查室", Role: domain.Supervisor}); err != nil {
			b.Fatal(err)
		}
		ct, err := db.Contact(ctx, "ducha")
		if err != nil {
			b.Fatal(err)
		}
		if err := db.CreateWebSession(ctx, store.NewWebSession{ID: "bench-session-0123456789abcdef0123456789", ContactID: ct.ID,
			CSRF: "csrf", TTL: 24 * time.Hour, Method: "password"}); err != nil {
			b.Fatal(err)
		}
		srv, err := New(ctx, Options{DB: db, Loc: loc, WarnDays: 7, Now: db.Now})
		if err != nil {
			b.Fatal(err)
		}
		h := srv.Handler()
		get := func(path string) (int, string) {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			req.AddCookie(&http.Cookie{Name: sessionCookie, Value: "bench-session-0123456789abcdef0123456789"})
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			return rec.Code, rec.Body.String()
		}
		// The filtered deep page: follow "next" 20 times.
		deep := "/commitments?unit=" + "%E7%AC%AC03%E6%89%BF%E5%8A%9E%E5%8D%95%E4%BD%8D" + "&light=red&sort=due"
		for range 20 {
			code, body := get(deep)
			m := nextRE.FindStringSubmatch(body)
			if code != http.StatusOK || m == nil {
				break
			}
			deep = "/commitments?" + html.UnescapeString(m[1])
		}
		var item int64
		if err := db.SQLX().Get(&item, db.SQLX().Rebind(`SELECT id FROM commitments WHERE key = ?`), fmt.Sprintf("bulk-%d", n/2)); err != nil {
			b.Fatal(err)
		}
		for _, p := range []struct{ name, path string }{
			{"register-first", "/commitments"},
			{"register-filtered-deep", deep},
			{"dashboard", "/"},
			{"item", fmt.Sprintf("/commitments/%d", item)},
		} {
			b.Run(p.name+"/"+backend, func(b *testing.B) {
				t0 := time.Now()
				if code, body := get(p.path); code != http.StatusOK {
					b.Fatalf("%s: %d %.300s", p.path, code, body)
				}
				// The first view: for the dashboard, the scan its kept
				// figures save the others.
				b.ReportMetric(float64(time.Since(t0).Microseconds())/1000, "first-ms")
				var took []time.Duration
				for b.Loop() {
					t0 := time.Now()
					get(p.path)
					took = append(took, time.Since(t0))
				}
				slices.Sort(took)
				pct := func(q float64) float64 {
					return float64(took[min(int(q*float64(len(took))), len(took)-1)].Microseconds()) / 1000
				}
				b.ReportMetric(pct(0.50), "p50-ms")
				b.ReportMetric(pct(0.99), "p99-ms")
			})
		}
	}
}
