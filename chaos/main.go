// Command chaos is duban's chaos suite: it builds duban from the tree,
// runs real `duban serve` processes against PostgreSQL and SQLite with
// the fake Bot API (telegram/telegramtest) on loopback, injects faults, and
// prints one Markdown table of sent, lost, duplicated and recovery_s per
// scenario. See chaos/README.md.
//
//	go run ./chaos -short              # about three minutes, for CI
//	go run ./chaos                     # the full suite (about an hour)
//	go run ./chaos -only replicas,sigterm
//	go run ./chaos -pg-restart         # also restart PostgreSQL (pg_ctlcluster)
package main

import (
	"database/sql"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

var reportOnly = new(bool)

type harness struct {
	short     bool
	keep      bool
	timeScale float64
	pgURL     string
	dir       string
	bin       string
	admin     *sql.DB
	pgRestart bool
}

// result is one row of the table.
type result struct {
	scenario, backend string
	tally
	bound    int // duplicates allowed: workers × crashes; -1 when none is
	recovery time.Duration
	ok       bool // every expected message arrived
	outbox   string
	notes    []string
}

type scenario struct {
	name string
	pg   bool // needs PostgreSQL
	opt  bool // opt-in only
	run  func(h *harness) (result, error)
}

func main() {
	h := &harness{}
	flag.BoolVar(&h.short, "short", os.Getenv("DUBAN_CHAOS_SHORT") != "", "the short form (about 3 minutes)")
	flag.BoolVar(&h.keep, "keep", false, "keep the work directory and the PostgreSQL databases")
	flag.BoolVar(&h.pgRestart, "pg-restart", false, "also restart the local PostgreSQL cluster under load (affects everyone using it)")
	flag.Float64Var(&h.timeScale, "time-scale", 0, "divide the outage durations and delivery settings by this (default 120 with -short, 1 otherwise)")
	reportOnly = flag.Bool("report-only", false, "exit 0 even when a scenario lost messages")
	only := flag.String("only", "", "comma-separated scenarios to run (default all)")
	flag.StringVar(&h.pgURL, "pg", envOr("DUBAN_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"), "PostgreSQL URL of a role that may create databases")
	flag.Parse()
	if h.timeScale <= 0 {
		h.timeScale = 1
		if h.short {
			h.timeScale = 120
		}
	}
	if err := h.main(*only); err != nil {
		fmt.Fprintln(os.Stderr, "chaos:", err)
		os.Exit(1)
	}
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func (h *harness) main(only string) error {
	dir, err := os.MkdirTemp("", "duban-chaos-")
	if err != nil {
		return err
	}
	h.dir = dir
	if !h.keep {
		defer os.RemoveAll(dir)
	} else {
		fmt.Fprintln(os.Stderr, "chaos: work directory", dir)
	}
	h.bin = filepath.Join(dir, "duban")
	fmt.Fprintln(os.Stderr, "chaos: go build -o", h.bin, "./cmd/duban")
	build := exec.Command("go", "build", "-o", h.bin, "./cmd/duban")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("build duban: %w", err)
	}
	h.admin, err = sql.Open("postgres", h.pgURL)
	if err == nil {
		err = h.admin.Ping()
	}
	pgUp := err == nil
	if !pgUp {
		fmt.Fprintln(os.Stderr, "chaos: PostgreSQL unreachable, its scenarios are skipped:", firstLine(err.Error()))
	}
	want := map[string]bool{}
	for _, s := range strings.Split(only, ",") {
		if s = strings.TrimSpace(s); s != "" {
			want[s] = true
		}
	}
	var results []result
	began := time.Now()
	for _, s := range h.scenarios() {
		if len(want) > 0 && !want[s.name] || len(want) == 0 && s.opt && !(s.name == "pg-restart" && h.pgRestart) {
			continue
		}
		if s.pg && !pgUp {
			continue
		}
		fmt.Fprintf(os.Stderr, "chaos: %s ...\n", s.name)
		t0 := time.Now()
		r, err := s.run(h)
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		fmt.Fprintf(os.Stderr, "chaos: %s done in %s: sent %d lost %d duplicated %d\n", s.name, time.Since(t0).Round(time.Second), r.sent, r.expected-r.sent, r.dup)
		results = append(results, r)
	}
	form := "full"
	if h.short {
		form = "short"
	}
	fmt.Printf("\nduban chaos suite (%s form, time scale %g, %s)\n\n", form, h.timeScale, time.Since(began).Round(time.Second))
	fmt.Print(table(results))
	bad := 0
	for _, r := range results {
		if r.sent < r.expected || r.bound >= 0 && r.dup > r.bound {
			bad++
		}
	}
	if bad > 0 && !*reportOnly {
		return fmt.Errorf("%d scenario(s) lost messages or repeated more than the bound", bad)
	}
	return nil
}

func table(rs []result) string {
	var b strings.Builder
	b.WriteString("| scenario | backend | expected | sent | lost | duplicated | dup bound | recovery_s | outbox at end | notes |\n")
	b.WriteString("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |\n")
	for _, r := range rs {
		frac := 0.0
		if r.expected > 0 {
			frac = float64(r.dup) / float64(r.expected)
		}
		bound := "—"
		if r.bound >= 0 {
			bound = fmt.Sprint(r.bound)
		}
		rec := "not within the wait"
		if r.ok {
			rec = fmt.Sprintf("%.1f", r.recovery.Seconds())
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %d | %d | %d (%.2f%%) | %s | %s | %s | %s |\n",
			r.scenario, r.backend, r.expected, r.sent, r.expected-r.sent, r.dup, 100*frac, bound, rec, r.outbox, strings.Join(r.notes, "; "))
	}
	return b.String()
}

// pick is the short or the full value.
func (h *harness) pick(short, full int) int {
	if h.short {
		return short
	}
	return full
}

func (h *harness) pickD(short, full time.Duration) time.Duration {
	if h.short {
		return short
	}
	return full
}

// settle is how long a scenario waits, after its fault ends, for the
// rest to arrive: longer than the 5-minute lease of the old dispatcher in
// the full form, longer than SPEC §4's 60 s in the short one.
func (h *harness) settle() time.Duration { return h.pickD(75*time.Second, 7*time.Minute) }

// scaled is d divided by the time scale.
func (h *harness) scaled(d time.Duration) time.Duration {
	return time.Duration(float64(d) / h.timeScale)
}
