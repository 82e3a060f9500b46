package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"syscall"
	"time"

	"duban/dispatch"
)

func (h *harness) scenarios() []scenario {
	return []scenario{
		{name: "replicas", pg: true, run: (*harness).replicas},
		{name: "terminate", pg: true, run: (*harness).terminate},
		{name: "pg-restart", pg: true, opt: true, run: (*harness).pgRestartScenario},
		{name: "refused", pg: true, run: (*harness).refused},
		{name: "slow", pg: true, run: (*harness).slow},
		{name: "sigterm", pg: true, run: (*harness).sigterm},
		{name: "sqlite-kill", run: (*harness).sqliteKill},
		{name: "sqlite-import", run: (*harness).sqliteImport},
	}
}

// workers is how many messages one duban process has in flight at most.
const workers = dispatch.DefaultWorkers

// startReplicas starts n replicas and waits until one leads.
func (e *runEnv) startReplicas(n int) ([]*replica, error) {
	var rs []*replica
	for i := 0; i < n; i++ {
		r := &replica{env: e, idx: i}
		if err := r.start(); err != nil {
			return rs, err
		}
		rs = append(rs, r)
	}
	end := time.Now().Add(60 * time.Second)
	for time.Now().Before(end) {
		for _, r := range rs {
			if r.leading() {
				return rs, nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return rs, fmt.Errorf("no replica leads after 60 s (see %s)", e.dir)
}

// finish waits for the rest after the fault ended at faultEnd, stops the
// replicas and fills in the result.
func (e *runEnv) finish(r *result, from, n int, faultEnd time.Time, rs []*replica) result {
	done, ok := e.waitAll(from, n, faultEnd.Add(e.h.settle()))
	r.ok = ok
	if ok {
		r.recovery = max(0, done.Sub(faultEnd))
	}
	restarts := 0
	for _, rep := range rs {
		rep.stop()
		restarts += rep.restarts
	}
	if restarts > 0 {
		r.notes = append(r.notes, fmt.Sprintf("%d exit(s) on its own, restarted after 1 s", restarts))
	}
	r.tally = e.tally(from, n)
	r.outbox = e.outbox()
	r.notes = append(e.notes, r.notes...)
	e.close()
	return *r
}

// replicas: three replicas on PostgreSQL, kill -9 of the leader every
// 20 s (5 s short) while the reminders are due; the killed one restarts.
func (h *harness) replicas() (result, error) {
	n := h.pick(600, 10000)
	e, err := h.newEnv("replicas", "postgres", settings{ratePerSecond: h.pick(10, 25)})
	if err != nil {
		return result{}, err
	}
	r := result{scenario: "3 replicas, kill -9 leader every " + h.pickD(5*time.Second, 20*time.Second).String(), backend: "postgres"}
	if err := e.importDue(0, n); err != nil {
		e.close()
		return r, err
	}
	rs, err := e.startReplicas(3)
	if err != nil {
		e.finish(&r, 0, n, time.Now(), rs)
		return r, err
	}
	e.waitSent(0, n, 1, 60*time.Second)
	kills, maxKills := 0, h.pick(3, 15)
	every := h.pickD(5*time.Second, 20*time.Second)
	faultEnd := time.Now()
	for kills < maxKills && e.tally(0, n).sent < n {
		time.Sleep(every)
		var leader *replica
		for wait := time.Now().Add(30 * time.Second); leader == nil && time.Now().Before(wait); {
			for _, rep := range rs {
				if rep.leading() {
					leader = rep
				}
			}
			if leader == nil {
				time.Sleep(200 * time.Millisecond)
			}
		}
		if leader == nil {
			r.notes = append(r.notes, "no leader for 30 s")
			break
		}
		leader.kill()
		kills++
		faultEnd = time.Now()
		if err := leader.start(); err != nil {
			return e.finish(&r, 0, n, faultEnd, rs), err
		}
	}
	r.bound = workers * kills
	r.notes = append(r.notes, fmt.Sprintf("%d kills", kills))
	return e.finish(&r, 0, n, faultEnd, rs), nil
}

// terminate: pg_terminate_backend of every connection to duban's
// database 5 times a second for a minute (12 s short), two replicas.
func (h *harness) terminate() (result, error) {
	n := h.pick(300, 3000)
	e, err := h.newEnv("terminate", "postgres", settings{ratePerSecond: h.pick(10, 25)})
	if err != nil {
		return result{}, err
	}
	period := h.pickD(10*time.Second, time.Minute)
	r := result{scenario: "pg_terminate_backend 5/s for " + period.String(), backend: "postgres", bound: -1}
	if err := e.importDue(0, n); err != nil {
		e.close()
		return r, err
	}
	rs, err := e.startReplicas(2)
	if err != nil {
		return e.finish(&r, 0, n, time.Now(), rs), err
	}
	e.waitSent(0, n, 1, 60*time.Second)
	terminated := 0
	for end := time.Now().Add(period); time.Now().Before(end); {
		var k int
		if err := h.admin.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, e.pgName).Scan(&k); err == nil {
			terminated += k
		}
		time.Sleep(200 * time.Millisecond)
	}
	r.notes = append(r.notes, fmt.Sprintf("%d connections terminated", terminated))
	return e.finish(&r, 0, n, time.Now(), rs), nil
}

// pgRestartScenario restarts the local PostgreSQL cluster under load
// (opt-in: it affects everyone on the machine).
func (h *harness) pgRestartScenario() (result, error) {
	n := h.pick(300, 3000)
	e, err := h.newEnv("pg-restart", "postgres", settings{ratePerSecond: h.pick(10, 25)})
	if err != nil {
		return result{}, err
	}
	r := result{scenario: "PostgreSQL restarted under load", backend: "postgres", bound: -1}
	if err := e.importDue(0, n); err != nil {
		e.close()
		return r, err
	}
	rs, err := e.startReplicas(2)
	if err != nil {
		return e.finish(&r, 0, n, time.Now(), rs), err
	}
	e.waitSent(0, n, n/10, 60*time.Second)
	vers, _ := filepath.Glob("/etc/postgresql/*")
	sort.Strings(vers)
	if len(vers) == 0 {
		r.notes = append(r.notes, "no /etc/postgresql: not restarted")
	} else {
		out, err := exec.Command("pg_ctlcluster", "--skip-systemctl-redirect", filepath.Base(vers[len(vers)-1]), "main", "restart").CombinedOutput()
		if err != nil {
			r.notes = append(r.notes, "pg_ctlcluster restart: "+firstLine(string(out)))
		}
	}
	for i := 0; i < 60 && h.admin.Ping() != nil; i++ {
		time.Sleep(500 * time.Millisecond)
	}
	return e.finish(&r, 0, n, time.Now(), rs), nil
}

// refused: Telegram refuses connections for 30 minutes (divided by the
// time scale, as are give_up_after and max_backoff).
func (h *harness) refused() (result, error) {
	n := h.pick(50, 200)
	outage := h.scaled(30 * time.Minute)
	e, err := h.newEnv("refused", "postgres", settings{giveUpAfter: h.scaled(72 * time.Hour), maxBackoff: h.scaled(10 * time.Minute)})
	if err != nil {
		return result{}, err
	}
	r := result{scenario: fmt.Sprintf("Telegram refused %s (30 min / %g)", outage, h.timeScale), backend: "postgres", bound: -1}
	rs, err := e.startReplicas(1)
	if err != nil {
		return e.finish(&r, 0, n, time.Now(), rs), err
	}
	began := time.Now()
	e.fake.gate.refuse()
	if err := e.importDue(0, n); err != nil {
		e.fake.gate.open()
		return e.finish(&r, 0, n, time.Now(), rs), err
	}
	time.Sleep(time.Until(began.Add(outage)))
	if got := e.tally(0, n).sent; got > 0 {
		r.notes = append(r.notes, fmt.Sprintf("%d arrived during the outage", got))
	}
	if err := e.fake.gate.open(); err != nil {
		return e.finish(&r, 0, n, time.Now(), rs), err
	}
	return e.finish(&r, 0, n, time.Now(), rs), nil
}

// slow: every sendMessage takes 15 s for a while (30 s short, 5 min full).
func (h *harness) slow() (result, error) {
	n := h.pick(8, 60)
	period := h.pickD(20*time.Second, 5*time.Minute)
	e, err := h.newEnv("slow", "postgres", settings{})
	if err != nil {
		return result{}, err
	}
	r := result{scenario: "Telegram 15 s per call for " + period.String(), backend: "postgres", bound: -1}
	if err := e.importDue(0, n); err != nil {
		e.close()
		return r, err
	}
	e.fake.setSlow(15 * time.Second)
	rs, err := e.startReplicas(1)
	if err != nil {
		return e.finish(&r, 0, n, time.Now(), rs), err
	}
	time.Sleep(period)
	r.notes = append(r.notes, fmt.Sprintf("%d arrived while slow", e.tally(0, n).sent))
	e.fake.setSlow(0)
	return e.finish(&r, 0, n, time.Now(), rs), nil
}

// sigterm: SIGTERM while sending to a Telegram that takes 15 s a call;
// restart at once with Telegram well again.
func (h *harness) sigterm() (result, error) {
	n := h.pick(40, 200)
	e, err := h.newEnv("sigterm", "postgres", settings{})
	if err != nil {
		return result{}, err
	}
	r := result{scenario: "SIGTERM during sending, Telegram 15 s per call", backend: "postgres", bound: workers}
	if err := e.importDue(0, n); err != nil {
		e.close()
		return r, err
	}
	e.fake.setSlow(15 * time.Second)
	rs, err := e.startReplicas(1)
	if err != nil {
		return e.finish(&r, 0, n, time.Now(), rs), err
	}
	time.Sleep(5 * time.Second)
	took, clean := rs[0].signal(syscall.SIGTERM, 60*time.Second)
	note := fmt.Sprintf("stopped in %.1f s", took.Seconds())
	if !clean {
		note = "did not stop within 60 s, killed"
	}
	r.notes = append(r.notes, note)
	e.fake.setSlow(0)
	restarted := time.Now()
	if err := rs[0].start(); err != nil {
		return e.finish(&r, 0, n, restarted, rs), err
	}
	return e.finish(&r, 0, n, restarted, rs), nil
}

// sqliteKill: kill -9 of the only process on SQLite while it sends,
// restarted at once.
func (h *harness) sqliteKill() (result, error) {
	n := h.pick(400, 2000)
	e, err := h.newEnv("sqlite-kill", "sqlite", settings{ratePerSecond: h.pick(20, 25)})
	if err != nil {
		return result{}, err
	}
	every := h.pickD(3*time.Second, 15*time.Second)
	r := result{scenario: "kill -9 during sending, every " + every.String(), backend: "sqlite"}
	if err := e.importDue(0, n); err != nil {
		e.close()
		return r, err
	}
	rs, err := e.startReplicas(1)
	if err != nil {
		return e.finish(&r, 0, n, time.Now(), rs), err
	}
	e.waitSent(0, n, 1, 60*time.Second)
	kills, faultEnd := 0, time.Now()
	for kills < h.pick(3, 4) && e.tally(0, n).sent < n {
		time.Sleep(every)
		rs[0].kill()
		kills++
		faultEnd = time.Now()
		if err := rs[0].start(); err != nil {
			return e.finish(&r, 0, n, faultEnd, rs), err
		}
	}
	r.bound = workers * kills
	r.notes = append(r.notes, fmt.Sprintf("%d kills", kills))
	return e.finish(&r, 0, n, faultEnd, rs), nil
}

// sqliteImport: kill -9 of serve and of a large import at once, on
// SQLite; the import must be all or nothing, and after a restart and a
// second import every reminder arrives.
func (h *harness) sqliteImport() (result, error) {
	base, m := h.pick(300, 1000), h.pick(20000, 100000)
	e, err := h.newEnv("sqlite-import", "sqlite", settings{ratePerSecond: 50, scan: "@every 3s"})
	if err != nil {
		return result{}, err
	}
	r := result{scenario: fmt.Sprintf("kill -9 of serve and of an import of %d", m), backend: "sqlite", bound: workers}
	if err := e.importDue(0, base); err != nil {
		e.close()
		return r, err
	}
	path, err := e.writeImport(base, m)
	if err != nil {
		e.close()
		return r, err
	}
	rs, err := e.startReplicas(1)
	if err != nil {
		return e.finish(&r, 0, base+m, time.Now(), rs), err
	}
	e.waitSent(0, base, 1, 60*time.Second)
	imp := exec.Command(e.bin, "--config", e.config, "import", path)
	imp.Env = cleanEnv()
	logf, _ := os.Create(filepath.Join(e.dir, "import.log"))
	imp.Stdout, imp.Stderr = logf, logf
	if err := imp.Start(); err != nil {
		return e.finish(&r, 0, base+m, time.Now(), rs), err
	}
	impDone := make(chan error, 1)
	go func() { impDone <- imp.Wait() }()
	select {
	case err := <-impDone:
		r.notes = append(r.notes, fmt.Sprintf("import ended before the kill (%v): kill it later next time", err))
	case <-time.After(h.pickD(time.Second, 3*time.Second)):
		imp.Process.Kill()
		<-impDone
	}
	rs[0].kill()
	logf.Close()
	if got, err := e.countCommitments(); err != nil {
		r.notes = append(r.notes, "count after kill: "+firstLine(err.Error()))
	} else if got == base || got == base+m {
		r.notes = append(r.notes, fmt.Sprintf("after the kill %d of %d imported (all or nothing)", got-base, m))
	} else {
		r.notes = append(r.notes, fmt.Sprintf("after the kill %d of %d imported: NOT ATOMIC", got-base, m))
	}
	// Deliver the big batch unthrottled after the restart, so that the
	// wait is for recovery and not for the rate limit.
	if err := e.writeConfig(settings{scan: "@every 3s"}); err != nil {
		return e.finish(&r, 0, base+m, time.Now(), rs), err
	}
	if err := rs[0].start(); err != nil {
		return e.finish(&r, 0, base+m, time.Now(), rs), err
	}
	t0 := time.Now()
	if _, err := e.duban("import", path); err != nil {
		return e.finish(&r, 0, base+m, time.Now(), rs), err
	}
	r.notes = append(r.notes, fmt.Sprintf("re-import %.1f s beside serve", time.Since(t0).Seconds()))
	return e.finish(&r, 0, base+m, time.Now(), rs), nil
}

// countCommitments counts the commitments in the database.
func (e *runEnv) countCommitments() (int, error) {
	out, err := e.sqlCount("SELECT count(*) FROM commitments")
	return out, err
}

func (e *runEnv) sqlCount(q string) (int, error) {
	db, err := e.open()
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var n int
	err = db.QueryRow(q).Scan(&n)
	return n, err
}
