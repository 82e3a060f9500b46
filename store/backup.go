package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/jmoiron/sqlx"

	"duban/domain"
)

// ErrBackupPostgres says that PostgreSQL is backed up with its own tools.
var ErrBackupPostgres = domain.Errorf(domain.EINVALID,
	"PostgreSQL 数据库请用 pg_dump 备份、pg_restore 恢复 (back up PostgreSQL with pg_dump, restore with pg_restore)")

// ErrDaemonRunning refuses a restore while `duban serve` has the database.
var ErrDaemonRunning = domain.Errorf(domain.EINVALID,
	"守护进程正在使用数据库，请先停止 duban serve (a daemon holds the database: stop duban serve first)")

// Backup writes a consistent copy of a SQLite database to file, readable
// by its owner only, while other connections and processes go on writing:
// VACUUM INTO copies one read transaction's snapshot, the WAL included.
// file must not exist. On PostgreSQL it returns ErrBackupPostgres.
func (db *DB) Backup(ctx context.Context, file string) error {
	if db.dialect != SQLite {
		return ErrBackupPostgres
	}
	// VACUUM INTO accepts an empty file: create it 0600 first, so the
	// copy is never readable by others, not even for a moment.
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return domain.Errorf(domain.EINVALID, "backup: %v", err)
	}
	f.Close()
	if _, err := db.db.ExecContext(ctx, `VACUUM INTO ?`, file); err != nil {
		os.Remove(file)
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

// DaemonLock is held by `duban serve` on a SQLite database for as long as
// it runs: an exclusive flock on PATH.lock beside the database file. The
// kernel drops it when the process dies, so a crash leaves no stale lock.
type DaemonLock struct{ f *os.File }

// sqlitePath returns the file of a sqlite:// URL.
func sqlitePath(rawURL string) (string, bool) {
	if !strings.HasPrefix(rawURL, "sqlite://") {
		return "", false
	}
	p := strings.TrimPrefix(rawURL, "sqlite://")
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	return p, true
}

// LockDaemon takes the daemon lock of the SQLite database at rawURL; on
// PostgreSQL it returns a lock that holds nothing (restore is pg_restore's
// business there). It fails with ErrDaemonRunning when another process
// holds it.
func LockDaemon(rawURL string) (*DaemonLock, error) {
	path, ok := sqlitePath(rawURL)
	if !ok {
		return &DaemonLock{}, nil
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
	}
	f, err := os.OpenFile(path+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("daemon lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, ErrDaemonRunning
		}
		return nil, fmt.Errorf("daemon lock: %w", err)
	}
	return &DaemonLock{f: f}, nil
}

// Release gives the lock up.
func (l *DaemonLock) Release() {
	if l != nil && l.f != nil {
		syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
		l.f.Close()
		l.f = nil
	}
}

// Restore replaces the SQLite database at rawURL with the backup file:
// it refuses while a daemon holds the database (LockDaemon), checks the
// backup with PRAGMA integrity_check, copies it beside the database
// (0600), drops the old -wal and -shm, and renames the copy into place.
// On PostgreSQL it returns ErrBackupPostgres.
func Restore(ctx context.Context, rawURL, backup string) error {
	path, ok := sqlitePath(rawURL)
	if !ok {
		return ErrBackupPostgres
	}
	lock, err := LockDaemon(rawURL)
	if err != nil {
		return err
	}
	defer lock.Release()
	if err := checkBackup(ctx, backup); err != nil {
		return err
	}
	tmp := path + ".restore"
	if err := copyFile(backup, tmp); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	for _, p := range []string{path + "-wal", path + "-shm"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			os.Remove(tmp)
			return fmt.Errorf("restore: %w", err)
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("restore: %w", err)
	}
	return nil
}

// checkBackup opens a backup read-only and runs integrity_check on it.
func checkBackup(ctx context.Context, file string) error {
	if _, err := os.Stat(file); err != nil {
		return domain.Errorf(domain.EINVALID, "restore: %v", err)
	}
	// Opened read-only without Open's pragmas: checking must not turn the
	// backup into a WAL database or write to it at all.
	b, err := sqlx.Open("sqlite", "file:"+file+"?mode=ro")
	if err != nil {
		return domain.Errorf(domain.EINVALID, "restore: %s: %v", file, err)
	}
	defer b.Close()
	var res string
	if err := b.GetContext(ctx, &res, `PRAGMA integrity_check`); err != nil {
		return domain.Errorf(domain.EINVALID, "restore: %s: not a duban SQLite backup: %v", file, err)
	}
	if res != "ok" {
		return domain.Errorf(domain.EINVALID, "restore: %s: integrity check failed: %s", file, res)
	}
	return nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
