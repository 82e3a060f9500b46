package main

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	_ "github.com/lib/pq"
	_ "modernc.org/sqlite"
)

// firstChat is the chat id of the first reminder recipient; recipient i
// has chat firstChat+i, so that each reminder is the only message its chat
// expects.
const firstChat = 1_000_000

// settings are a scenario's config values beyond the fixed ones.
type settings struct {
	ratePerSecond int           // per process; 0 unlimited
	scan          string        // schedule.scan
	giveUpAfter   time.Duration // delivery.give_up_after, when the build knows it
	maxBackoff    time.Duration // delivery.max_backoff, when the build knows it
}

// runEnv is one scenario's world: a database, a config file, the fake.
type runEnv struct {
	h      *harness
	name   string
	dir    string
	bin    string
	config string
	dbURL  string
	pgName string // the PostgreSQL database to drop, if any
	fake   *fakeAPI
	notes  []string
}

func (h *harness) newEnv(name, backend string, s settings) (*runEnv, error) {
	dir := filepath.Join(h.dir, name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	e := &runEnv{h: h, name: name, dir: dir, bin: h.bin, config: filepath.Join(dir, "duban.yaml")}
	if backend == "postgres" {
		e.pgName = fmt.Sprintf("duban_chaos_%d_%d", os.Getpid(), rand.IntN(1_000_000))
		if _, err := h.admin.Exec("CREATE DATABASE " + e.pgName); err != nil {
			return nil, fmt.Errorf("create database: %w", err)
		}
		u, _ := url.Parse(h.pgURL)
		u.Path = "/" + e.pgName
		e.dbURL = u.String()
	} else {
		e.dbURL = "sqlite://" + filepath.Join(dir, "duban.db")
	}
	fake, err := newFakeAPI()
	if err != nil {
		e.close()
		return nil, err
	}
	e.fake = fake
	if err := e.writeConfig(s); err != nil {
		e.close()
		return nil, err
	}
	return e, nil
}

func (e *runEnv) writeConfig(s settings) error {
	if s.scan == "" {
		s.scan = "@every 5s"
	}
	base := fmt.Sprintf(`timezone: UTC
database:
  url: %q
telegram:
  token: %q
  api_endpoint: %q
  supervision_chat_id: -1001
reminders:
  send_at: "00:00"
  lead_days: [1]
  warn_days: 1
  overdue_every_days: 7
  escalate_after_days: 30
  progress_every_days: 0
  working_days_only: false
schedule:
  scan: %q
  digest: "0 9 1 1 *"
  monthly_report: "0 9 1 1 *"
http:
  listen: ""
log:
  level: info
delivery:
  rate_per_second: %d
  per_chat_per_second: 0
  per_group_per_minute: 0
  max_attempts: 10
`, e.dbURL, token, e.fake.endpoint(), s.scan, s.ratePerSecond)
	var extra []string
	if s.giveUpAfter > 0 {
		extra = append(extra, fmt.Sprintf("  give_up_after: %s\n", s.giveUpAfter))
	}
	if s.maxBackoff > 0 {
		extra = append(extra, fmt.Sprintf("  max_backoff: %s\n", s.maxBackoff))
	}
	if err := os.WriteFile(e.config, []byte(base+strings.Join(extra, "")), 0o600); err != nil {
		return err
	}
	if len(extra) == 0 {
		_, err := e.duban("migrate")
		return err
	}
	// The delivery keys are new (SPEC §4); an older build refuses them as
	// unknown, and then runs with its own fixed backoff.
	if _, err := e.duban("migrate"); err != nil {
		if !strings.Contains(err.Error(), "unknown key") {
			return err
		}
		e.notes = append(e.notes, "build has no delivery.give_up_after/max_backoff")
		if err := os.WriteFile(e.config, []byte(base), 0o600); err != nil {
			return err
		}
		_, err = e.duban("migrate")
		return err
	}
	return nil
}

func (e *runEnv) close() {
	if e.fake != nil {
		e.fake.close()
	}
	if e.pgName != "" && !e.h.keep {
		if _, err := e.h.admin.Exec("DROP DATABASE IF EXISTS " + e.pgName + " WITH (FORCE)"); err != nil {
			fmt.Fprintf(os.Stderr, "chaos: drop %s: %v\n", e.pgName, err)
		}
	}
}

// importDue writes and imports n commitments due today, recipients
// from..from+n-1, one contact each.
func (e *runEnv) importDue(from, n int) error {
	path, err := e.writeImport(from, n)
	if err != nil {
		return err
	}
	_, err = e.duban("import", path)
	return err
}

func (e *runEnv) writeImport(from, n int) (string, error) {
	var b strings.Builder
	today := time.Now().UTC().Format("2006-01-02")
	b.WriteString("units:\n  - name: 混沌测试局\ncontacts:\n")
	for i := from; i < from+n; i++ {
		fmt.Fprintf(&b, "  - key: c%d\n    name: 联系人%d\n    unit: 混沌测试局\n    role: official\n    telegram_chat_id: %d\n", i, i, firstChat+i)
	}
	b.WriteString("commitments:\n")
	for i := from; i < from+n; i++ {
		fmt.Fprintf(&b, "  - key: k%d\n    title: 混沌测试承诺第%d项\n    category: other\n    unit: 混沌测试局\n    owners: [c%d]\n    due: %s\n    due_precision: day\n", i, i, i, today)
	}
	path := filepath.Join(e.dir, fmt.Sprintf("import-%d-%d.yaml", from, n))
	return path, os.WriteFile(path, []byte(b.String()), 0o600)
}

// tally compares what the fake received with chats from..from+n-1.
type tally struct{ expected, sent, dup int }

func (e *runEnv) tally(from, n int) tally {
	got := e.fake.received()
	t := tally{expected: n}
	for i := from; i < from+n; i++ {
		if c := got[int64(firstChat+i)]; c > 0 {
			t.sent++
			t.dup += c - 1
		}
	}
	return t
}

// waitAll waits until every expected chat has its message or until
// deadline; it returns when that happened.
func (e *runEnv) waitAll(from, n int, deadline time.Time) (time.Time, bool) {
	for {
		if e.tally(from, n).sent == n {
			return time.Now(), true
		}
		if time.Now().After(deadline) {
			return time.Time{}, false
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// waitSent waits until at least k of the expected chats have a message.
func (e *runEnv) waitSent(from, n, k int, d time.Duration) bool {
	end := time.Now().Add(d)
	for time.Now().Before(end) {
		if e.tally(from, n).sent >= k {
			return true
		}
		time.Sleep(100 * time.Millisecond)
	}
	return false
}

// outbox is the reminder rows by state at the end, with leased pending
// rows apart: "pending 3 (leased 3), dead 20".
func (e *runEnv) outbox() string {
	db, err := e.open()
	if err != nil {
		return "?"
	}
	defer db.Close()
	rows, err := db.Query(`SELECT state, locked_until IS NOT NULL, count(*) FROM notifications WHERE chat_id >= ` + fmt.Sprint(firstChat) + ` GROUP BY state, locked_until IS NOT NULL`)
	if err != nil {
		return "? " + firstLine(err.Error())
	}
	defer rows.Close()
	byState, leased := map[string]int{}, 0
	for rows.Next() {
		var st string
		var locked bool
		var n int
		if err := rows.Scan(&st, &locked, &n); err != nil {
			return "?"
		}
		byState[st] += n
		if st == "pending" && locked {
			leased += n
		}
	}
	var parts []string
	for st, n := range byState {
		s := fmt.Sprintf("%s %d", st, n)
		if st == "pending" && leased > 0 {
			s += fmt.Sprintf(" (leased %d)", leased)
		}
		parts = append(parts, s)
	}
	sort.Strings(parts)
	// Pending rows whose message already arrived will be sent again.
	if rows, err := db.Query(`SELECT chat_id FROM notifications WHERE state = 'pending' AND chat_id >= ` + fmt.Sprint(firstChat)); err == nil {
		got, again := e.fake.received(), 0
		for rows.Next() {
			var chat int64
			if rows.Scan(&chat) == nil && got[chat] > 0 {
				again++
			}
		}
		rows.Close()
		if again > 0 {
			parts = append(parts, fmt.Sprintf("%d pending already delivered", again))
		}
	}
	return strings.Join(parts, ", ")
}

// open opens the scenario's database directly (read only on SQLite).
func (e *runEnv) open() (*sql.DB, error) {
	driver, dsn := "postgres", e.dbURL
	if p, ok := strings.CutPrefix(e.dbURL, "sqlite://"); ok {
		driver, dsn = "sqlite", "file:"+p+"?mode=ro&_pragma=busy_timeout(5000)"
	}
	return sql.Open(driver, dsn)
}
