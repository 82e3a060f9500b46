package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testMain runs the real command line in-process against one database.
type testMain struct {
	t   testing.TB
	url string
	now time.Time
	env map[string]string
	// stdin is what the next commands read from standard input.
	stdin string
}

func newTestMain(t testing.TB, url string) *testMain {
	return &testMain{t: t, url: url, now: time.Date(2024, 5, 20, 10, 0, 0, 0, time.UTC), env: map[string]string{}}
}

// run runs duban with args and returns stdout, stderr and the exit code.
func (tm *testMain) run(args ...string) (string, string, int) {
	tm.t.Helper()
	var out, errb bytes.Buffer
	m := &Main{Stdin: strings.NewReader(tm.stdin), Stdout: &out, Stderr: &errb, Now: func() time.Time { return tm.now },
		Getenv: func(k string) string { return tm.env[k] }}
	code := m.Run(context.Background(), append([]string{"--db", tm.url}, args...))
	return out.String(), errb.String(), code
}

// must runs duban and fails the test unless it exits 0.
func (tm *testMain) must(args ...string) string {
	tm.t.Helper()
	out, errs, code := tm.run(args...)
	if code != 0 {
		tm.t.Fatalf("duban %s: exit %d: %s", strings.Join(args, " "), code, errs)
	}
	return out
}

func writeFile(t testing.TB, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const examplePath = "../../examples/jingdezhen-111.yaml"
