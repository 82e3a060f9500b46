package dispatch

import (
	"testing"
	"time"

	"duban/store/storetest"
)

// BenchmarkEnqueue times writing b.N outbox rows, 500 to a statement, as
// the scan does: duban's side of River's InsertManyFast in bench/river.
// It reports rows/s.
func BenchmarkEnqueue(b *testing.B) {
	for _, backend := range storetest.Backends {
		b.Run(storetest.Name(backend), func(b *testing.B) {
			db := storetest.Open(b, backend)
			b.ResetTimer()
			began := time.Now()
			enqueueMany(b, db, b.N, chatRange(1, 1000))
			elapsed := time.Since(began)
			b.StopTimer()
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "rows/s")
		})
	}
}
