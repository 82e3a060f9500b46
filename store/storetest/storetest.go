// Package storetest gives tests a fresh, migrated database on each backend:
// a new SQLite file, or a new schema of a real PostgreSQL database that is
// dropped when the test ends.
//
// PostgreSQL is found through DUBAN_TEST_POSTGRES_URL (default
// postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable). When it
// cannot be reached the PostgreSQL half of a test is skipped, except under
// CI=true, where that is a failure: CI must not pass by skipping.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	_ "github.com/lib/pq" // PostgreSQL driver.

	"duban/store"
)

// Backends lists the backends every store test runs on.
var Backends = []string{store.SQLite, store.Postgres}

// DefaultPostgresURL is used when DUBAN_TEST_POSTGRES_URL is unset.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// PostgresURL returns the base PostgreSQL URL for tests.
func PostgresURL() string {
	if u := os.Getenv("DUBAN_TEST_POSTGRES_URL"); u != "" {
		return u
	}
	return DefaultPostgresURL
}

var (
	pgOnce sync.Once
	pgErr  error
)

// RequirePostgres skips tb (or fails it under CI=true) when PostgreSQL
// cannot be reached.
func RequirePostgres(tb testing.TB) {
	tb.Helper()
	pgOnce.Do(func() {
		db, err := sql.Open("postgres", PostgresURL())
		if err == nil {
			err = db.Ping()
			db.Close()
		}
		pgErr = err
	})
	if pgErr != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("PostgreSQL unreachable under CI=true: %v", pgErr)
		}
		tb.Skipf("SKIP-POSTGRES: PostgreSQL unreachable: %v", pgErr)
	}
}

// URL returns a database URL of a fresh, empty database for backend: a
// SQLite file in a temporary directory, or a new PostgreSQL schema
// (dropped at cleanup).
func URL(tb testing.TB, backend string) string {
	tb.Helper()
	switch backend {
	case store.SQLite:
		return "sqlite://" + filepath.Join(tb.TempDir(), "duban.db")
	case store.Postgres:
		RequirePostgres(tb)
		var b [6]byte
		rand.Read(b[:])
		schema := "t_" + hex.EncodeToString(b[:])
		admin, err := sql.Open("postgres", PostgresURL())
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
			admin.Close()
			tb.Fatalf("create schema: %v", err)
		}
		tb.Cleanup(func() {
			admin.Exec("DROP SCHEMA " + schema + " CASCADE")
			admin.Close()
		})
		u, err := url.Parse(PostgresURL())
		if err != nil {
			tb.Fatal(err)
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String()
	}
	tb.Fatalf("unknown backend %q", backend)
	return ""
}

// Open returns a fresh, migrated store on backend, closed at cleanup.
func Open(tb testing.TB, backend string) *store.DB {
	tb.Helper()
	db, err := store.Open(context.Background(), URL(tb, backend))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return db
}

// Each runs fn as a subtest on every backend, with a fresh store.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	for _, b := range Backends {
		t.Run(b, func(t *testing.T) { fn(t, Open(t, b)) })
	}
}

// Name returns a readable backend name for benchmarks.
func Name(backend string) string { return strings.ToLower(backend) }
