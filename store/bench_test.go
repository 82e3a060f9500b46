package store_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"duban/dataset"
	"duban/domain"
	"duban/store"
	"duban/store/storetest"
)

// benchSize is 100,000 with DUBAN_BENCH_BIG=1 (the figures in the issue
// notes), and small otherwise so that `go test -bench .` stays quick.
func benchSize() int {
	if os.Getenv("DUBAN_BENCH_BIG") == "1" {
		return 100_000
	}
	// DUBAN_BENCH_SCALE (bench/): 1 is 100,000.
	if s, err := strconv.ParseFloat(os.Getenv("DUBAN_BENCH_SCALE"), 64); err == nil && s > 0 {
		return max(int(100_000*s), 1_000)
	}
	return 5_000
}

func bigDataset(n int) *dataset.Dataset {
	ds := &dataset.Dataset{}
	for i := 0; i < 100; i++ {
		ds.Contacts = append(ds.Contacts, dataset.Contact{Key: "c" + strconv.Itoa(i), Name: "联系人" + strconv.Itoa(i),
			Unit: "单位" + strconv.Itoa(i%20)})
	}
	base := domain.NewDate(2024, 1, 1)
	for i := 0; i < n; i++ {
		ds.Commitments = append(ds.Commitments, dataset.Commitment{Key: "k" + strconv.Itoa(i),
			Title: "承诺事项 " + strconv.Itoa(i), Category: "cleanup", Unit: "单位" + strconv.Itoa(i%20),
			Owners: []string{"c" + strconv.Itoa(i%100)}, Due: base.AddDays(i % 1000).String(), DuePrecision: "day"})
	}
	return ds
}

func BenchmarkImport(b *testing.B) {
	n := benchSize()
	ds := bigDataset(n)
	for _, backend := range storetest.Backends {
		b.Run(fmt.Sprintf("%s/%d", backend, n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				db := storetest.Open(b, backend)
				b.StartTimer()
				if _, err := db.Import(context.Background(), ds, store.ImportOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkList(b *testing.B) {
	n := benchSize()
	ds := bigDataset(n)
	for _, backend := range storetest.Backends {
		b.Run(fmt.Sprintf("%s/%d", backend, n), func(b *testing.B) {
			db := storetest.Open(b, backend)
			if _, err := db.Import(context.Background(), ds, store.ImportOptions{}); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				count := 0
				err := db.List(context.Background(), store.Filter{Loc: time.UTC}, func(*domain.Commitment) error { count++; return nil })
				if err != nil || count != n {
					b.Fatalf("%v, %d rows", err, count)
				}
			}
		})
	}
}
