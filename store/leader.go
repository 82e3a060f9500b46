package store

import (
	"context"
	"database/sql"
	"fmt"
)

// leaderLockKey is the PostgreSQL advisory lock that elects the replica
// which runs scheduled jobs and Telegram polling.
const leaderLockKey = 0x6475_6261_6e // "duban"

// Leader is a held (or not) leadership: on PostgreSQL a session advisory
// lock on a dedicated connection; on SQLite, which serves one process,
// always held.
type Leader struct {
	db   *DB
	conn *sql.Conn
}

// TryLead tries to become the leader. It returns a Leader when this process
// holds the lock, nil when another one does. The lock lives as long as the
// connection: if the holder dies, PostgreSQL ends its session and frees the
// lock, and the next TryLead of another replica takes over.
func (db *DB) TryLead(ctx context.Context) (*Leader, error) {
	if db.dialect != Postgres {
		return &Leader{db: db}, nil
	}
	conn, err := db.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("leader: %w", err)
	}
	var ok bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, int64(leaderLockKey)).Scan(&ok); err != nil {
		conn.Close()
		return nil, fmt.Errorf("leader: %w", err)
	}
	if !ok {
		conn.Close()
		return nil, nil
	}
	return &Leader{db: db, conn: conn}, nil
}

// Check reports whether leadership is still held (the connection is alive).
func (l *Leader) Check(ctx context.Context) error {
	if l.conn == nil {
		return nil
	}
	return l.conn.PingContext(ctx)
}

// Release gives leadership up.
func (l *Leader) Release(ctx context.Context) {
	if l.conn == nil {
		return
	}
	l.conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1)`, int64(leaderLockKey))
	l.conn.Close()
}
