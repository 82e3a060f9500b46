package report

import (
	"context"
	"io"
	"os"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"duban/store"
	"duban/store/storetest"
)

// BenchmarkReport times the June 2024 report over a generated register
// (see bulk) on each backend, as text, xlsx and png, and reports the peak
// Go heap and memory obtained from the system while it runs. The default
// register has 20,000 commitments; DUBAN_BENCH_BIG=1 loads 1,000,000 with
// 100,000 red (the load takes minutes), DUBAN_BENCH_SCALE a fraction of
// that million (0.01: 10,000), DUBAN_BENCH_N any other size:
//
//	DUBAN_BENCH_BIG=1 go test ./report/ -run '^$' -bench BenchmarkReport -benchtime 1x -timeout 60m
//	DUBAN_BENCH_SCALE=0.01 go test ./report/ -run '^$' -bench BenchmarkReport -benchtime 1x
func BenchmarkReport(b *testing.B) {
	n := benchSize()
	for _, backend := range storetest.Backends {
		b.Run(backend, func(b *testing.B) {
			db := storetest.Open(b, backend)
			start := time.Now()
			storetest.Bulk{N: n, RedEvery: 10}.Load(b, db)
			b.Logf("%s: loaded %d commitments in %s", backend, n, time.Since(start).Round(time.Millisecond))
			cfg := testConfig()
			m, _ := ParseMonth("2024-06")
			ctx := context.Background()
			opts := OptionsFor(cfg, m)
			opts.Now = m.End(cfg.Location).Add(24 * time.Hour)
			var red int
			// The first report of a closed month counts and keeps its
			// month-end snapshot (the scheduled report does it when the
			// month closes); the later ones read it.
			b.Run("text-close", func(b *testing.B) {
				rebuild := opts
				rebuild.Rebuild = true
				peak := sampleMemory(b, func() {
					if _, err := Build(ctx, db, rebuild); err != nil {
						b.Fatal(err)
					}
				})
				peak.report(b)
			})
			b.Run("text", func(b *testing.B) {
				peak := sampleMemory(b, func() {
					r, err := Build(ctx, db, opts)
					if err != nil {
						b.Fatal(err)
					}
					red = r.Total.Cur.Red
					if len(r.Text()) == 0 {
						b.Fatal("empty text")
					}
				})
				peak.report(b)
			})
			b.Logf("%s: %d red", backend, red)
			b.Run("xlsx", func(b *testing.B) {
				var size int64
				peak := sampleMemory(b, func() {
					r, err := Build(ctx, db, opts)
					if err != nil {
						b.Fatal(err)
					}
					cw := &countWriter{}
					if err := r.WriteXLSX(ctx, cw); err != nil {
						b.Fatal(err)
					}
					size = cw.n
				})
				peak.report(b)
				b.ReportMetric(float64(size)/(1<<20), "xlsx-MB")
			})
			b.Run("png", func(b *testing.B) {
				peak := sampleMemory(b, func() {
					r, err := Build(ctx, db, opts)
					if err != nil {
						b.Fatal(err)
					}
					if err := r.WritePNG(&countWriter{}); err != nil {
						b.Fatal(err)
					}
				})
				peak.report(b)
			})
		})
	}
}

// benchSize is the number of commitments of the benchmark's register:
// 20,000 by default, 1,000,000 with DUBAN_BENCH_BIG=1, that million times
// DUBAN_BENCH_SCALE, or DUBAN_BENCH_N.
func benchSize() int {
	n := 20000
	if os.Getenv("DUBAN_BENCH_BIG") == "1" {
		n = 1000000
	}
	if v, err := strconv.ParseFloat(os.Getenv("DUBAN_BENCH_SCALE"), 64); err == nil && v > 0 {
		n = max(int(v*1000000), 100)
	}
	if v, err := strconv.Atoi(os.Getenv("DUBAN_BENCH_N")); err == nil && v > 0 {
		n = v
	}
	return n
}

// memPeak is the largest Go heap in use and memory obtained from the
// system seen while a benchmark ran.
type memPeak struct{ heapInuse, sys uint64 }

func (p memPeak) report(b *testing.B) {
	b.ReportMetric(float64(p.heapInuse)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(p.sys)/(1<<20), "peak-sys-MB")
}

// sampleMemory runs fn b.N times while sampling runtime.MemStats every
// 10 ms.
func sampleMemory(b *testing.B, fn func()) memPeak {
	b.ReportAllocs()
	runtime.GC()
	var peak memPeak
	var mu sync.Mutex
	sample := func() {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		mu.Lock()
		peak.heapInuse = max(peak.heapInuse, ms.HeapInuse)
		peak.sys = max(peak.sys, ms.Sys)
		mu.Unlock()
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				sample()
			}
		}
	}()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		fn()
	}
	b.StopTimer()
	close(done)
	wg.Wait()
	sample()
	return peak
}

// countWriter counts the bytes written to it.
type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}

var _ io.Writer = (*countWriter)(nil)

// TestBulkLoad checks the generated register the benchmark relies on:
// every tenth commitment red at the end of June, with history that the
// report reads back the same on both backends.
func TestBulkLoad(t *testing.T) {
	got := map[string]Counts{}
	var mu sync.Mutex
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		storetest.Bulk{N: 2000, RedEvery: 10}.Load(t, db)
		r := build(t, db, "2024-06")
		if r.Total.Cur.Red != 200 || r.Total.Cur.Items != 2000 {
			t.Errorf("%d red of %d, want 200 of 2000", r.Total.Cur.Red, r.Total.Cur.Items)
		}
		if len(r.Units) != 50 || r.Total.Unreachable == 0 || r.Total.Cur.OnTime == 0 || r.Total.Cur.DueByEnd <= r.Total.Cur.OnTime {
			t.Errorf("units %d, unreachable %d, on time %d of %d", len(r.Units), r.Total.Unreachable, r.Total.Cur.OnTime, r.Total.Cur.DueByEnd)
		}
		mu.Lock()
		got[db.Dialect()] = r.Total.Cur
		mu.Unlock()
	})
	if a, b := got[store.SQLite], got[store.Postgres]; got[store.Postgres] != (Counts{}) && a != b {
		t.Errorf("SQLite %+v\nPostgreSQL %+v", a, b)
	}
}
