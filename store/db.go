// Package store keeps duban's register in SQL: SQLite (the zero-setup
// default, pure Go) or PostgreSQL, through sqlx, with the same schema and the
// same behaviour. Every exported method is one transaction.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"  // PostgreSQL driver.
	_ "modernc.org/sqlite" // SQLite driver, pure Go.
)

// Dialects.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

func init() {
	// modernc registers itself as "sqlite", which sqlx does not know.
	sqlx.BindDriver("sqlite", sqlx.QUESTION)
}

// DB is the register. Now is the clock every method reads.
type DB struct {
	db      *sqlx.DB
	dialect string
	// Now returns the current time; tests replace it.
	Now func() time.Time

	dashboard dashboardCache
	office    office
}

// Open connects to the database at rawURL: sqlite://PATH or
// postgres://user:pass@host:port/db?sslmode=disable. It does not migrate.
func Open(ctx context.Context, rawURL string) (*DB, error) {
	dialect, dsn, err := parseURL(rawURL)
	if err != nil {
		return nil, err
	}
	driver := "sqlite"
	if dialect == Postgres {
		driver = "postgres"
	}
	sdb, err := sqlx.Open(driver, dsn)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if dialect == SQLite {
		// One writer at a time is SQLite's rule; immediate transactions and a
		// busy timeout make writers queue instead of failing.
		sdb.SetMaxOpenConns(4)
		// Each connection keeps its own page cache: an idle daemon lets
		// them go rather than hold a report's or an import's pages.
		sdb.SetConnMaxIdleTime(time.Minute)
	} else {
		sdb.SetMaxOpenConns(16)
		sdb.SetMaxIdleConns(16)
	}
	if err := sdb.PingContext(ctx); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("connect to database %s: %s", RedactURL(rawURL), redactErr(err, rawURL))
	}
	return &DB{db: sdb, dialect: dialect, Now: time.Now}, nil
}

// parseURL turns a database URL into a dialect and a driver DSN.
func parseURL(rawURL string) (dialect, dsn string, err error) {
	switch {
	case strings.HasPrefix(rawURL, "sqlite://"):
		path := strings.TrimPrefix(rawURL, "sqlite://")
		query := ""
		if i := strings.IndexByte(path, '?'); i >= 0 {
			path, query = path[:i], path[i+1:]
		}
		if path == "" {
			return "", "", errors.New("database.url: sqlite:// needs a file path")
		}
		if err := privateDBFile(path); err != nil {
			return "", "", fmt.Errorf("database.url: %w", err)
		}
		dsn = "file:" + path + "?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)" +
			"&_pragma=busy_timeout(30000)&_pragma=synchronous(NORMAL)&_txlock=immediate"
		if query != "" {
			dsn += "&" + query
		}
		return SQLite, dsn, nil
	case strings.HasPrefix(rawURL, "postgres://"), strings.HasPrefix(rawURL, "postgresql://"):
		return Postgres, rawURL, nil
	}
	return "", "", fmt.Errorf("database.url: want sqlite://PATH or postgres://..., got %q", RedactURL(rawURL))
}

// RedactURL hides the password in a database URL.
func RedactURL(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.User == nil {
		return rawURL
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "***")
	}
	return u.String()
}

func redactErr(err error, rawURL string) string {
	s := err.Error()
	if u, perr := url.Parse(rawURL); perr == nil && u.User != nil {
		if pw, ok := u.User.Password(); ok && pw != "" {
			s = strings.ReplaceAll(s, pw, "***")
		}
	}
	return s
}

// Close closes the connection pool.
func (db *DB) Close() error { return db.db.Close() }

// Dialect returns SQLite or Postgres.
func (db *DB) Dialect() string { return db.dialect }

// SQLX returns the underlying pool, for packages that run their own reads
// (reports). Writes go through DB's methods.
func (db *DB) SQLX() *sqlx.DB { return db.db }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.db.PingContext(ctx) }

// now returns the clock's time in UTC, truncated to the second: that is
// what export writes (RFC 3339), so an export re-imports unchanged.
func (db *DB) now() time.Time { return db.Now().UTC().Truncate(time.Second) }

// tx runs fn in one transaction: begin, defer rollback, commit.
func (db *DB) tx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := db.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		tx.Rollback()
		db.afterRollback(ctx, err)
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// forUpdate locks the selected rows on PostgreSQL; SQLite's immediate
// transactions already hold the database's single write lock.
func (db *DB) forUpdate() string {
	if db.dialect == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// insertID inserts a row and returns its id: RETURNING works on both
// PostgreSQL and SQLite (3.35+).
func insertID(ctx context.Context, tx *sqlx.Tx, query string, args ...any) (int64, error) {
	var id int64
	err := tx.QueryRowxContext(ctx, tx.Rebind(query+" RETURNING id"), args...).Scan(&id)
	return id, err
}

func exec(ctx context.Context, tx *sqlx.Tx, query string, args ...any) (sql.Result, error) {
	return tx.ExecContext(ctx, tx.Rebind(query), args...)
}
