// Command bench is duban's one benchmark command: it builds duban once,
// runs every workload and its peer in the same run and prints one Markdown
// table: workload, backend, duban, peer, ratio, aim, verdict.
//
//	go run ./bench                          # DUBAN_BENCH_SCALE=1: 1,000,000 commitments
//	DUBAN_BENCH_SCALE=0.01 go run ./bench   # the CI size
//
// The in-process workloads are the packages' own benchmarks (dispatch,
// scheduler, report, bot, store, web), run with `go test -bench -json`
// and sized by DUBAN_BENCH_SCALE; River (bench/river, its own module) runs
// as a subprocess on the same PostgreSQL; import, `list --format json`
// and the idle daemon's RSS go through the built binary. See
// bench/README.md.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// row is one line of the table.
type row struct {
	workload, backend string
	duban, peer       string
	ratio             string
	aim, verdict      string
}

type bench struct {
	scale float64
	pgURL string
	dir   string
	bin   string
	root  string
	rows  []row

	riverCooldown time.Duration
	failed        []string
}

func main() {
	b := &bench{}
	flag.StringVar(&b.pgURL, "pg", envOr("DUBAN_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"), "PostgreSQL URL")
	only := flag.String("only", "", "comma-separated workload groups: dispatch,scan,report,bot,web,e2e (default all)")
	flag.DurationVar(&b.riverCooldown, "river-cooldown", time.Millisecond, "River's FetchCooldown (its default, 100ms, caps it at workers per 100 ms)")
	keep := flag.Bool("keep", false, "keep the work directory")
	flag.Parse()
	b.scale = 1
	if v := os.Getenv("DUBAN_BENCH_SCALE"); v != "" {
		s, err := strconv.ParseFloat(v, 64)
		if err != nil || s <= 0 {
			fmt.Fprintln(os.Stderr, "bench: DUBAN_BENCH_SCALE: want a number above 0, got", v)
			os.Exit(2)
		}
		b.scale = s
	}
	if err := b.run(*only, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func (b *bench) run(only string, keep bool) error {
	var err error
	if b.root, err = os.Getwd(); err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(b.root, "bench", "river", "go.mod")); err != nil {
		return fmt.Errorf("run from the repository root: %w", err)
	}
	if b.dir, err = os.MkdirTemp("", "duban-bench-"); err != nil {
		return err
	}
	if keep {
		fmt.Fprintln(os.Stderr, "bench: work directory", b.dir)
	} else {
		defer os.RemoveAll(b.dir)
	}
	b.bin = filepath.Join(b.dir, "duban")
	b.logf("go build -o %s ./cmd/duban", b.bin)
	if out, err := exec.Command("go", "build", "-o", b.bin, "./cmd/duban").CombinedOutput(); err != nil {
		return fmt.Errorf("build: %w: %s", err, out)
	}
	want := map[string]bool{}
	for _, s := range strings.Split(only, ",") {
		if s = strings.TrimSpace(s); s != "" {
			want[s] = true
		}
	}
	began := time.Now()
	for _, g := range []struct {
		name string
		fn   func()
	}{
		{"dispatch", b.dispatch}, {"scan", b.scan}, {"report", b.report},
		{"bot", b.bot}, {"web", b.web}, {"e2e", b.e2e},
	} {
		if len(want) > 0 && !want[g.name] {
			continue
		}
		t0 := time.Now()
		g.fn()
		b.logf("%s done in %s", g.name, time.Since(t0).Round(time.Second))
	}
	host, _ := os.Hostname()
	fmt.Printf("\nduban benchmarks, DUBAN_BENCH_SCALE=%g (%s commitments), %s, %d CPUs, %s, %s on %s, took %s\n\n",
		b.scale, count(1_000_000*b.scale), runtime.Version(), runtime.NumCPU(), cpuModel(), time.Now().UTC().Format("2006-01-02 15:04 UTC"), host,
		time.Since(began).Round(time.Second))
	fmt.Println("| workload | backend | duban | peer | ratio | aim | verdict |")
	fmt.Println("| --- | --- | ---: | ---: | ---: | --- | --- |")
	for _, r := range b.rows {
		fmt.Printf("| %s | %s | %s | %s | %s | %s | %s |\n", r.workload, r.backend, dash(r.duban), dash(r.peer), dash(r.ratio), dash(r.aim), dash(r.verdict))
	}
	if b.scale != 1 {
		fmt.Printf("\nAims are for DUBAN_BENCH_SCALE=1; at %g the verdicts are not judged.\n", b.scale)
	}
	if len(b.failed) > 0 {
		fmt.Println()
		for _, f := range b.failed {
			fmt.Println("- failed:", f)
		}
		return fmt.Errorf("%d workload(s) failed", len(b.failed))
	}
	return nil
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func (b *bench) logf(f string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+f+"\n", args...)
}

func (b *bench) add(r row) { b.rows = append(b.rows, r) }

func (b *bench) fail(what string, err error) {
	b.failed = append(b.failed, what+": "+firstLine(err.Error()))
	b.add(row{workload: what, verdict: "failed"})
}

// verdict judges a value against an aim at scale 1; below it says what
// it would be, marked as not judged.
func (b *bench) verdict(hit bool) string {
	v := "miss"
	if hit {
		v = "hit"
	}
	if b.scale != 1 {
		return "(" + v + ", not judged)"
	}
	return v
}

// scaled is n × scale, at least lo.
func (b *bench) scaled(n float64, lo int) int { return max(int(math.Round(n*b.scale)), lo) }

func count(f float64) string {
	n := int(math.Round(f))
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return fmt.Sprintf("%dM", n/1_000_000)
	case n >= 1_000 && n%1_000 == 0:
		return fmt.Sprintf("%dk", n/1_000)
	}
	return strconv.Itoa(n)
}

func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// result is one benchmark line: its metrics by unit.
type result map[string]float64

// goBench runs `go test -run ^$ -bench pattern -benchtime benchtime -json
// pkg` with env and returns the results by benchmark name (without the
// -GOMAXPROCS suffix).
func (b *bench) goBench(pkg, pattern, benchtime string, env ...string) (map[string]result, error) {
	args := []string{"test", "-run", "^$", "-bench", pattern, "-benchtime", benchtime, "-timeout", "120m", "-json", pkg}
	b.logf("go %s", strings.Join(args, " "))
	cmd := exec.Command("go", args...)
	cmd.Env = append(os.Environ(), append([]string{"DUBAN_TEST_POSTGRES_URL=" + b.pgURL, "DUBAN_BENCH_SCALE=" + strconv.FormatFloat(b.scale, 'g', -1, 64)}, env...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var text strings.Builder
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var ev struct{ Action, Output string }
		if dec.Decode(&ev) != nil {
			break
		}
		if ev.Action == "output" {
			text.WriteString(ev.Output)
		}
	}
	res := map[string]result{}
	suffix := regexp.MustCompile(`-\d+$`)
	for _, line := range strings.Split(text.String(), "\n") {
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue
		}
		r := result{}
		for i := 2; i+1 < len(f); i += 2 {
			if v, err := strconv.ParseFloat(f[i], 64); err == nil {
				r[f[i+1]] = v
			}
		}
		res[suffix.ReplaceAllString(f[0], "")] = r
	}
	if err != nil {
		// Name the failing line: a test's FAIL or a build error.
		msg := stderr.String()
		for _, l := range strings.Split(text.String(), "\n") {
			if strings.Contains(l, "FAIL") || strings.Contains(l, "_test.go:") || strings.Contains(l, "panic") {
				msg = l + " " + msg
				break
			}
		}
		return res, fmt.Errorf("go test %s: %w: %s", pkg, err, firstLine(msg))
	}
	return res, nil
}

// timeCmd runs the built binary and returns its wall time; stdout is
// discarded unless out is set.
func (b *bench) timeCmd(out io.Writer, args ...string) (time.Duration, error) {
	cmd := exec.Command(b.bin, args...)
	cmd.Env = cleanEnv()
	if out == nil {
		out = io.Discard
	}
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = out, &stderr
	t0 := time.Now()
	err := cmd.Run()
	d := time.Since(t0)
	if err != nil {
		return d, fmt.Errorf("duban %s: %w: %s", args[len(args)-2], err, firstLine(stderr.String()))
	}
	return d, nil
}

// cleanEnv is the environment without DUBAN_ settings.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DUBAN_") {
			out = append(out, kv)
		}
	}
	return out
}

func ms(d float64) string { return fmt.Sprintf("%.2f ms", d) }

func secs(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }
