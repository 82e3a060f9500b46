package main

import (
	"bufio"
	"bytes"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "github.com/lib/pq"
)

// dispatch: outbox no-op drain against River's no-op jobs at 16 and 64
// workers, and duban's enqueue against River's InsertManyFast.
func (b *bench) dispatch() {
	n := b.scaled(100_000, 2_000)
	res, err := b.goBench("./dispatch", "^BenchmarkDispatch$/^postgres$/^noop$/^workers=(16|64)$", fmt.Sprintf("%dx", n))
	if err != nil {
		b.fail("outbox no-op drain", err)
	}
	enq, err := b.goBench("./dispatch", "^BenchmarkEnqueue$/^postgres$", fmt.Sprintf("%dx", n))
	if err != nil {
		b.fail("outbox enqueue", err)
	}
	var insert float64
	for _, w := range []int{16, 64} {
		rv, ins, err := b.river(n, w)
		if err != nil {
			b.fail(fmt.Sprintf("River no-op at %d workers", w), err)
		}
		if ins > 0 {
			insert = ins
		}
		d := res[fmt.Sprintf("BenchmarkDispatch/postgres/noop/workers=%d", w)]["msgs/s"]
		r := row{workload: fmt.Sprintf("outbox no-op drain, %d workers, %s msgs (msgs/s)", w, count(float64(n))), backend: "postgres",
			aim: "≥ 1.2× River"}
		if d > 0 {
			r.duban = fmt.Sprintf("%.0f", d)
		}
		if rv > 0 {
			r.peer = fmt.Sprintf("River %.0f (cooldown %s)", rv, b.riverCooldown)
		}
		if d > 0 && rv > 0 {
			r.ratio = fmt.Sprintf("%.2f×", d/rv)
			r.verdict = b.verdict(d/rv >= 1.2)
		}
		b.add(r)
	}
	d := enq["BenchmarkEnqueue/postgres"]["rows/s"]
	r := row{workload: fmt.Sprintf("enqueue %s rows (rows/s; River: InsertManyFast)", count(float64(n))), backend: "postgres"}
	if d > 0 {
		r.duban = fmt.Sprintf("%.0f", d)
	}
	if insert > 0 {
		r.peer = fmt.Sprintf("River %.0f", insert)
	}
	if d > 0 && insert > 0 {
		r.ratio = fmt.Sprintf("%.2f×", d/insert)
	}
	b.add(r)
}

var (
	riverWorked   = regexp.MustCompile(`: ([0-9.]+) jobs/s`)
	riverInserted = regexp.MustCompile(`inserted (\d+) jobs in ([^;]+);`)
)

// river runs bench/river (its own module) and returns its drain and
// insert rates in jobs/s.
func (b *bench) river(n, workers int) (drain, insert float64, err error) {
	schema := fmt.Sprintf("river_bench_%d", os.Getpid())
	b.logf("(cd bench/river && go run . -n %d -workers %d -cooldown %s)", n, workers, b.riverCooldown)
	cmd := exec.Command("go", "run", ".", "-n", strconv.Itoa(n), "-workers", strconv.Itoa(workers), "-url", b.pgURL, "-schema", schema,
		"-cooldown", b.riverCooldown.String())
	cmd.Dir = filepath.Join(b.root, "bench", "river")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, 0, fmt.Errorf("river: %w: %s", err, lastLine(string(out)))
	}
	if m := riverWorked.FindStringSubmatch(string(out)); m != nil {
		drain, _ = strconv.ParseFloat(m[1], 64)
	}
	if m := riverInserted.FindStringSubmatch(string(out)); m != nil {
		k, _ := strconv.Atoi(m[1])
		if d, err := time.ParseDuration(strings.TrimSpace(m[2])); err == nil && d > 0 {
			insert = float64(k) / d.Seconds()
		}
	}
	if drain == 0 {
		return 0, insert, fmt.Errorf("river: no rate in %q", lastLine(string(out)))
	}
	return drain, insert, nil
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// scan: the reminder scan with nothing due and with 10k due at 1M.
func (b *bench) scan() {
	res, err := b.goBench("./scheduler", "^BenchmarkScan$", "5x")
	if err != nil {
		b.fail("scan", err)
	}
	for _, name := range sortedKeys(res) {
		// BenchmarkScan/<backend>/<n>/<nothing-due|N-due>
		p := strings.Split(name, "/")
		if len(p) != 4 {
			continue
		}
		n, _ := strconv.Atoi(p[2])
		took := res[name]["ns/op"] / 1e6
		r := row{backend: p[1], duban: ms(took)}
		if p[3] == "nothing-due" {
			r.workload = fmt.Sprintf("scan, nothing due, %s stored", count(float64(n)))
			r.aim, r.verdict = "< 5 ms", b.verdict(took < 5)
		} else {
			due, _ := strconv.Atoi(strings.TrimSuffix(p[3], "-due"))
			r.workload = fmt.Sprintf("scan, %s due, %s stored", count(float64(due)), count(float64(n)))
			r.aim, r.verdict = "< 500 ms", b.verdict(took < 500)
		}
		b.add(r)
	}
}

// report: the monthly report's text and xlsx (and png, when the package
// has that benchmark) at 1M with 100k red.
func (b *bench) report() {
	n := b.scaled(1_000_000, 1_000)
	res, err := b.goBench("./report", "^BenchmarkReport$", "1x", fmt.Sprintf("DUBAN_BENCH_N=%d", n))
	if err != nil {
		b.fail("monthly report", err)
	}
	for _, name := range sortedKeys(res) {
		p := strings.Split(name, "/") // BenchmarkReport/<backend>/<format>
		if len(p) != 3 {
			continue
		}
		m := res[name]
		s := m["ns/op"] / 1e9
		r := row{workload: fmt.Sprintf("monthly report %s, %s (%s red)", p[2], count(float64(n)), count(float64(n)/10)), backend: p[1],
			duban: fmt.Sprintf("%.2f s", s)}
		if h, ok := m["peak-heap-MB"]; ok {
			r.duban += fmt.Sprintf(", heap %.0f MB", h)
		}
		switch p[2] {
		case "text", "png":
			r.aim, r.verdict = "< 1 s", b.verdict(s < 1)
		case "xlsx":
			r.aim, r.verdict = "< 10 s, heap < 200 MB", b.verdict(s < 10 && m["peak-heap-MB"] < 200)
		}
		b.add(r)
	}
}

// bot: /list and /progress p50/p99 through the bot's handler.
func (b *bench) bot() {
	res, err := b.goBench("./bot", "^BenchmarkHandler$", "2000x")
	if err != nil {
		b.fail("bot /list, /progress", err)
	}
	for _, cmd := range []string{"list", "progress"} {
		m, ok := res["BenchmarkHandler/"+cmd]
		if !ok {
			continue
		}
		b.add(row{workload: fmt.Sprintf("/%s p50 / p99, %s", cmd, count(1_000_000*b.scale)), backend: "postgres",
			duban: fmt.Sprintf("%.2f / %.2f ms", m["p50-ms"], m["p99-ms"]), aim: "p99 < 10 ms", verdict: b.verdict(m["p99-ms"] < 10)})
	}
}

// web: the workspace's pages (web.BenchmarkWeb) as a supervisor sees
// them, through the whole handler: register first page, a filtered page
// 20 pages deep, dashboard, item page.
func (b *bench) web() {
	res, err := b.goBench("./web", "^BenchmarkWeb$", "200x")
	if err != nil {
		b.fail("web pages", err)
	}
	aims := map[string]float64{"register-first": 100, "register-filtered-deep": 100, "dashboard": 200, "item": 50}
	for _, name := range sortedKeys(res) {
		m := res[name]
		p := strings.Split(strings.TrimPrefix(name, "BenchmarkWeb/"), "/")
		if len(p) != 2 {
			continue
		}
		aim := aims[p[0]]
		b.add(row{workload: fmt.Sprintf("web %s p50 / p99 (first view), %s", p[0], count(1_000_000*b.scale)), backend: p[1],
			duban: fmt.Sprintf("%.2f / %.2f ms (%.0f ms)", m["p50-ms"], m["p99-ms"], m["first-ms"]), aim: fmt.Sprintf("p99 < %.0f ms", aim),
			verdict: b.verdict(m["p99-ms"] < aim)})
	}
}

func sortedKeys(m map[string]result) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// e2e: through the built binary, on one data set per backend prepared
// once: import of 100k, `list --format json`, the png report, and the
// idle daemon's RSS after its first scan and report.
func (b *bench) e2e() {
	n := b.scaled(100_000, 1_000)
	path := filepath.Join(b.dir, "import.yaml")
	if err := writeImport(path, n); err != nil {
		b.fail("e2e data set", err)
		return
	}
	for _, backend := range []string{"sqlite", "postgres"} {
		dbURL, drop, err := b.database(backend)
		if err != nil {
			b.fail(backend+" database", err)
			continue
		}
		b.e2eOn(backend, dbURL, path, n)
		drop()
	}
}

func (b *bench) e2eOn(backend, dbURL, path string, n int) {
	if _, err := b.timeCmd(nil, "--db", dbURL, "migrate"); err != nil {
		b.fail(backend+" migrate", err)
		return
	}
	took, err := b.timeCmd(nil, "--db", dbURL, "import", path)
	if err != nil {
		b.fail(backend+" import", err)
		return
	}
	b.add(row{workload: fmt.Sprintf("import %s (binary)", count(float64(n))), backend: backend, duban: secs(took),
		aim: "< 5 s at 100k", verdict: b.verdict(took < 5*time.Second)})

	var out countWriter
	took, err = b.timeCmd(&out, "--db", dbURL, "list", "--format", "json")
	if err != nil {
		b.fail(backend+" list", err)
	} else {
		b.add(row{workload: fmt.Sprintf("list --format json, %s (binary, %.1f MB)", count(float64(n)), float64(out.n)/(1<<20)), backend: backend,
			duban: secs(took), aim: "< 1 s at 100k", verdict: b.verdict(took < time.Second)})
	}

	png := filepath.Join(b.dir, backend+".png")
	took, err = b.timeCmd(nil, "--db", dbURL, "report", "--month", "2024-06", "--format", "png", "--out", png)
	if err != nil {
		b.fail(backend+" report png", err)
	} else {
		b.add(row{workload: fmt.Sprintf("monthly report png, %s (binary, whole process)", count(float64(n))), backend: backend,
			duban: secs(took), aim: "< 1 s", verdict: b.verdict(took < time.Second)})
	}

	rss, idle, err := b.idleRSS(dbURL)
	if err != nil {
		b.fail(backend+" idle RSS", err)
		return
	}
	// RSS is the process's anonymous memory (heap, SQLite's caches) plus
	// the pages of files it maps (the binary's code, SQLite's map of the
	// database): both are shown, the aim is on their sum.
	b.add(row{workload: fmt.Sprintf("serve RSS, %s idle after first scan and report, %s stored", idle, count(float64(n))), backend: backend,
		duban: fmt.Sprintf("%.1f MB (anon %.1f, file %.1f)", rss.total, rss.anon, rss.file), aim: "< 30 MB (10 min idle)", verdict: b.verdict(rss.total < 30)})
}

// idleRSS starts `duban serve` on dbURL (console notifier, no HTTP),
// waits for its first scan and monthly report, lets it idle 10 minutes ×
// scale (at least 5 s) and reads VmRSS from /proc.
func (b *bench) idleRSS(dbURL string) (memory, time.Duration, error) {
	cfg := filepath.Join(b.dir, "serve.yaml")
	if err := os.WriteFile(cfg, []byte("http:\n  listen: \"\"\ntelegram:\n  supervision_chat_id: -1001\n"), 0o600); err != nil {
		return memory{}, 0, err
	}
	logPath := filepath.Join(b.dir, "serve.log")
	logf, err := os.Create(logPath)
	if err != nil {
		return memory{}, 0, err
	}
	defer logf.Close()
	cmd := exec.Command(b.bin, "--config", cfg, "--db", dbURL, "serve")
	cmd.Env = cleanEnv()
	cmd.Stdout, cmd.Stderr = nil, logf // the console notifier's messages are not wanted
	if err := cmd.Start(); err != nil {
		return memory{}, 0, err
	}
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}()
	deadline := time.Now().Add(10 * time.Minute)
	for {
		log, _ := os.ReadFile(logPath)
		if bytes.Contains(log, []byte("job=scan")) && bytes.Contains(log, []byte(`job="monthly report"`)) {
			break
		}
		if time.Now().After(deadline) {
			return memory{}, 0, fmt.Errorf("serve: no first scan and report in 10 minutes (%s)", lastLine(string(log)))
		}
		if cmd.ProcessState != nil {
			return memory{}, 0, fmt.Errorf("serve exited: %s", lastLine(string(log)))
		}
		time.Sleep(200 * time.Millisecond)
	}
	idle := max(time.Duration(float64(10*time.Minute)*b.scale), 5*time.Second)
	b.logf("serve: first scan and report done; idle %s", idle)
	time.Sleep(idle)
	m, err := vmRSS(cmd.Process.Pid)
	return m, idle, err
}

// memory is a process's resident set in MB: in all, anonymous, file-backed.
type memory struct{ total, anon, file float64 }

func vmRSS(pid int) (memory, error) {
	var m memory
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return m, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	found := false
	for sc.Scan() {
		for _, field := range []struct {
			name string
			dst  *float64
		}{{"VmRSS:", &m.total}, {"RssAnon:", &m.anon}, {"RssFile:", &m.file}} {
			if v, ok := strings.CutPrefix(sc.Text(), field.name); ok {
				kb, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
				if err != nil {
					return m, err
				}
				*field.dst = float64(kb) / 1024
				found = found || field.name == "VmRSS:"
			}
		}
	}
	if !found {
		return m, fmt.Errorf("no VmRSS for %d", pid)
	}
	return m, nil
}

// database makes an empty database of the backend and returns its URL
// and how to drop it.
func (b *bench) database(backend string) (string, func(), error) {
	if backend == "sqlite" {
		p := filepath.Join(b.dir, "bench.db")
		return "sqlite://" + p, func() { os.Remove(p); os.Remove(p + "-wal"); os.Remove(p + "-shm") }, nil
	}
	admin, err := sql.Open("postgres", b.pgURL)
	if err != nil {
		return "", nil, err
	}
	name := fmt.Sprintf("duban_bench_%d_%d", os.Getpid(), rand.IntN(1_000_000))
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("create database: %w", err)
	}
	u, err := url.Parse(b.pgURL)
	if err != nil {
		admin.Close()
		return "", nil, err
	}
	u.Path = "/" + name
	return u.String(), func() {
		if _, err := admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			b.logf("drop %s: %v", name, err)
		}
		admin.Close()
	}, nil
}

// writeImport writes n commitments of 100 contacts in 20 units, due over
// 1,000 days from 2024-01-01 (so that many are overdue), as YAML.
func writeImport(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	w.WriteString("contacts:\n")
	for i := 0; i < 100; i++ {
		fmt.Fprintf(w, "  - key: c%d\n    name: 联系人%d\n    unit: 单位%d\n    role: official\n    telegram_chat_id: %d\n", i, i, i%20, 1_000_000+i)
	}
	w.WriteString("commitments:\n")
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		fmt.Fprintf(w, "  - key: k%d\n    title: 承诺事项%d\n    category: cleanup\n    unit: 单位%d\n    owners: [c%d]\n    due: %s\n    due_precision: day\n",
			i, i, i%20, i%100, base.AddDate(0, 0, i%1000).Format("2006-01-02"))
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// countWriter counts the bytes written to it.
type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}
