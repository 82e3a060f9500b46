// Command river measures River (riverqueue/river) on duban's PostgreSQL,
// as the yardstick for duban's outbox: it inserts N no-op jobs into a
// schema of its own, runs River's migrations there, starts a client and
// prints how many jobs a second it drains. Compare with
//
//	go test ./dispatch/ -run '^$' -bench Dispatch
//
// in the main module, which moves the same number of outbox rows to a fake
// Telegram. It is a separate module so that duban itself does not depend
// on River.
//
//	go run . -n 20000 -workers 16            # River's defaults otherwise
//	go run . -n 20000 -workers 1000 -cooldown 1ms
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
)

// noopArgs is a job that does nothing.
type noopArgs struct{}

// Kind names the job kind.
func (noopArgs) Kind() string { return "noop" }

// noopWorker counts the jobs it is given and closes done at the last one.
type noopWorker struct {
	river.WorkerDefaults[noopArgs]
	worked *atomic.Int64
	total  int64
	done   chan struct{}
}

// Work does nothing but count.
func (w *noopWorker) Work(context.Context, *river.Job[noopArgs]) error {
	if w.worked.Add(1) == w.total {
		close(w.done)
	}
	return nil
}

func main() {
	url := flag.String("url", envOr("DUBAN_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"), "PostgreSQL URL")
	n := flag.Int("n", 20000, "jobs to insert and drain")
	workers := flag.Int("workers", 16, "River MaxWorkers for the default queue")
	schema := flag.String("schema", "river_bench", "schema to create (and drop) for River's tables")
	cooldown := flag.Duration("cooldown", river.FetchCooldownDefault, "River FetchCooldown: least time between two fetches")
	flag.Parse()
	if err := run(context.Background(), *url, *n, *workers, *cooldown, *schema); err != nil {
		log.Fatal(err)
	}
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func run(ctx context.Context, url string, n, workers int, cooldown time.Duration, schema string) error {
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return err
	}
	defer pool.Close()
	ident := pgx.Identifier{schema}.Sanitize()
	if _, err := pool.Exec(ctx, "DROP SCHEMA IF EXISTS "+ident+" CASCADE; CREATE SCHEMA "+ident); err != nil {
		return fmt.Errorf("create schema: %w", err)
	}
	defer pool.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+ident+" CASCADE")

	driver := riverpgxv5.New(pool)
	migrator, err := rivermigrate.New(driver, &rivermigrate.Config{Schema: schema})
	if err != nil {
		return err
	}
	if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}

	w := &noopWorker{worked: new(atomic.Int64), total: int64(n), done: make(chan struct{})}
	ws := river.NewWorkers()
	river.AddWorker(ws, w)
	client, err := river.NewClient(driver, &river.Config{
		Schema:            schema,
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: workers}},
		Workers:           ws,
		FetchCooldown:     cooldown,
		FetchPollInterval: max(cooldown, river.FetchPollIntervalDefault),
	})
	if err != nil {
		return err
	}

	// Insert everything first, as the outbox benchmark does.
	began := time.Now()
	for done := 0; done < n; {
		batch := make([]river.InsertManyParams, 0, 1000)
		for ; done < n && len(batch) < cap(batch); done++ {
			batch = append(batch, river.InsertManyParams{Args: noopArgs{}})
		}
		if _, err := client.InsertManyFast(ctx, batch); err != nil {
			return fmt.Errorf("insert: %w", err)
		}
	}
	inserted := time.Since(began)

	began = time.Now()
	if err := client.Start(ctx); err != nil {
		return err
	}
	select {
	case <-w.done:
	case <-time.After(10 * time.Minute):
		return fmt.Errorf("worked %d of %d jobs in 10 minutes", w.worked.Load(), n)
	}
	worked := time.Since(began)
	stopCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := client.Stop(stopCtx); err != nil {
		return err
	}
	// Completions are written in batches; count them once the client is
	// stopped, so that the figure is for jobs recorded done.
	var completed int
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM "+ident+".river_job WHERE state = 'completed'").Scan(&completed); err != nil {
		return err
	}
	fmt.Printf("river v0.51.2: inserted %d jobs in %v; worked them with %d workers, fetch cooldown %v, in %v: %.0f jobs/s (%d recorded completed)\n",
		n, inserted.Round(time.Millisecond), workers, cooldown, worked.Round(time.Millisecond), float64(n)/worked.Seconds(), completed)
	return nil
}
