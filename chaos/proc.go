package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// replica is one `duban serve` slot: a process that a supervisor restarts
// (after a second, like systemd's Restart=always) when it exits on its own.
type replica struct {
	env *runEnv
	idx int

	mu       sync.Mutex
	cmd      *exec.Cmd
	log      string // current incarnation's log file
	gen      int
	exited   chan struct{}
	stopped  bool // no more restarts
	restarts int  // exits the harness did not ask for
}

// start starts a new incarnation.
func (r *replica) start() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.startLocked()
}

func (r *replica) startLocked() error {
	r.gen++
	r.log = filepath.Join(r.env.dir, fmt.Sprintf("serve-%d-%d.log", r.idx, r.gen))
	f, err := os.Create(r.log)
	if err != nil {
		return err
	}
	cmd := exec.Command(r.env.bin, "serve", "--config", r.env.config)
	cmd.Env = cleanEnv()
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		f.Close()
		return fmt.Errorf("start serve: %w", err)
	}
	exited := make(chan struct{})
	r.cmd, r.exited = cmd, exited
	gen := r.gen
	go func() {
		cmd.Wait()
		f.Close()
		close(exited)
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.stopped || r.gen != gen || r.cmd != cmd {
			return
		}
		// Exited without being asked: restart like a service manager.
		r.restarts++
		r.cmd = nil
		go func() {
			time.Sleep(time.Second)
			r.mu.Lock()
			defer r.mu.Unlock()
			if !r.stopped && r.gen == gen && r.cmd == nil {
				r.startLocked()
			}
		}()
	}()
	return nil
}

// signal sends sig to the current incarnation and waits for it to exit
// (up to wait). The supervisor does not restart it.
func (r *replica) signal(sig syscall.Signal, wait time.Duration) (time.Duration, bool) {
	r.mu.Lock()
	cmd, exited := r.cmd, r.exited
	r.cmd = nil
	r.mu.Unlock()
	if cmd == nil {
		return 0, true
	}
	began := time.Now()
	cmd.Process.Signal(sig)
	select {
	case <-exited:
		return time.Since(began), true
	case <-time.After(wait):
		cmd.Process.Kill()
		<-exited
		return time.Since(began), false
	}
}

// kill is kill -9.
func (r *replica) kill() { r.signal(syscall.SIGKILL, 10*time.Second) }

// stop ends the replica for good.
func (r *replica) stop() {
	r.mu.Lock()
	r.stopped = true
	r.mu.Unlock()
	r.signal(syscall.SIGKILL, 10*time.Second)
}

// alive reports whether an incarnation is running.
func (r *replica) alive() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cmd == nil {
		return false
	}
	select {
	case <-r.exited:
		return false
	default:
		return true
	}
}

// leading reports whether the current incarnation says it leads.
func (r *replica) leading() bool {
	if !r.alive() {
		return false
	}
	r.mu.Lock()
	path := r.log
	r.mu.Unlock()
	b, _ := os.ReadFile(path)
	i := bytes.LastIndex(b, []byte("leading: running scheduled jobs"))
	return i >= 0 && !bytes.Contains(b[i:], []byte("lost leadership"))
}

// waitLog waits until the current incarnation's log holds s.
func (r *replica) waitLog(s string, d time.Duration) bool {
	end := time.Now().Add(d)
	for time.Now().Before(end) {
		r.mu.Lock()
		path := r.log
		r.mu.Unlock()
		if b, _ := os.ReadFile(path); bytes.Contains(b, []byte(s)) {
			return true
		}
		time.Sleep(100 * time.Millisecond)
	}
	return false
}

// cleanEnv is the environment without DUBAN_ settings, so that only the
// harness's config file counts.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DUBAN_") {
			out = append(out, kv)
		}
	}
	return out
}

// duban runs a one-shot command of the built binary.
func (e *runEnv) duban(args ...string) (string, error) {
	cmd := exec.Command(e.bin, append([]string{"--config", e.config}, args...)...)
	cmd.Env = cleanEnv()
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("duban %s: %w: %s", args[0], err, firstLine(string(out)))
	}
	return string(out), nil
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
