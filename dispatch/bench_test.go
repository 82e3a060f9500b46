package dispatch

import (
	"context"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"duban/notify"
	"duban/store"
	"duban/store/storetest"
	"duban/telegram/telegramtest"
)

// BenchmarkDispatch measures the outbox's throughput: b.N messages to 1,000
// chats, from pending rows to recorded sent, with no rate limits. "telegram"
// sends through the real telegram.Telegram client to a fake Bot API that
// answers at once; "noop" through a notifier that does nothing, which
// measures the claim-and-record machinery alone, the figure to set beside
// bench/river's no-op jobs. It reports msgs/s.
//
//	go test ./dispatch/ -run '^$' -bench Dispatch -benchtime 20000x
func BenchmarkDispatch(b *testing.B) {
	for _, backend := range storetest.Backends {
		for _, via := range []string{"telegram", "noop"} {
			for _, workers := range []int{16, 64} {
				name := storetest.Name(backend) + "/" + via + "/workers=" + strconv.Itoa(workers)
				b.Run(name, func(b *testing.B) { benchDispatch(b, backend, via, workers) })
			}
		}
	}
}

func benchDispatch(b *testing.B, backend, via string, workers int) {
	db := storetest.Open(b, backend)
	var n notify.Notifier = noopNotifier{}
	if via == "telegram" {
		n = newTelegram(b, telegramtest.New(b, token))
	}
	d := &Dispatcher{DB: db, Notifier: n, Logger: slog.New(slog.DiscardHandler), Workers: workers, Batch: 200}
	enqueueMany(b, db, b.N, chatRange(1, 1000))
	b.ResetTimer()
	began := time.Now()
	// One RunOnce ends when a claim finds nothing; on a loaded machine a
	// row given back near the end (its lease's send window passed) can
	// miss that claim, and Run would take it on its next round. So does
	// this loop.
	sent := 0
	for range 100 {
		st, err := d.RunOnce(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		sent += st.Sent
		if sent >= b.N {
			break
		}
	}
	elapsed := time.Since(began)
	b.StopTimer()
	if sent != b.N {
		b.Fatalf("sent %d of %d", sent, b.N)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "msgs/s")
	depth, err := db.OutboxDepth(context.Background())
	if err != nil || depth[store.StateSent] != b.N {
		b.Fatalf("outbox %v, %v", depth, err)
	}
}

// noopNotifier delivers nothing, at once.
type noopNotifier struct{}

func (noopNotifier) Send(context.Context, notify.Message) (notify.Result, error) {
	return notify.Result{MessageID: 1}, nil
}
