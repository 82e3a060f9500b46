package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"duban/store"
	"duban/store/storetest"
)

func TestBackupUnderAWriterRestoresASnapshot(t *testing.T) {
	ctx := context.Background()
	url := storetest.URL(t, store.SQLite)
	db, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	// A second handle writes as a running daemon would: a commit every
	// few milliseconds (paced by the commits themselves, not by sleeping).
	w, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	var written atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 1; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := w.SQLX().Exec(`INSERT INTO units (name) VALUES (?)`, fmt.Sprintf("unit-%06d", i)); err != nil {
				t.Error(err)
				return
			}
			written.Store(int64(i))
		}
	}()
	for written.Load() < 200 {
		runtime.Gosched() // wait on the writer's progress, not on a clock
	}
	backup := filepath.Join(t.TempDir(), "backup.db")
	if err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	after := written.Load()
	close(stop)
	wg.Wait()
	if fi, _ := os.Stat(backup); fi.Mode().Perm() != 0o600 {
		t.Errorf("backup mode %o, want 600", fi.Mode().Perm())
	}

	// Restore into a new database and compare with the source.
	target := storetest.URL(t, store.SQLite)
	if err := store.Restore(ctx, target, backup); err != nil {
		t.Fatal(err)
	}
	r, err := store.Open(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var check string
	r.SQLX().Get(&check, `PRAGMA integrity_check`)
	if check != "ok" {
		t.Errorf("integrity_check: %s", check)
	}
	var got []string
	r.SQLX().Select(&got, `SELECT name FROM units ORDER BY id`)
	n := int64(len(got))
	if n < 200 || n > after {
		t.Fatalf("backup holds %d rows; the writer had committed 200 before and %d after", n, after)
	}
	// A snapshot: exactly the first n commits, nothing torn or missing.
	var want []string
	db.SQLX().Select(&want, `SELECT name FROM units ORDER BY id LIMIT ?`, n)
	for i := range got {
		if got[i] != want[i] || got[i] != fmt.Sprintf("unit-%06d", i+1) {
			t.Fatalf("row %d: %q, source %q", i+1, got[i], want[i])
		}
	}
	t.Logf("backup of %d rows taken while the writer committed %d", n, after)
	if fi, _ := os.Stat(strings.TrimPrefix(target, "sqlite://")); fi.Mode().Perm() != 0o600 {
		t.Errorf("restored mode %o, want 600", fi.Mode().Perm())
	}
}

func TestRestoreRefusesWhileADaemonHoldsTheDatabase(t *testing.T) {
	ctx := context.Background()
	url := storetest.URL(t, store.SQLite)
	db, _ := store.Open(ctx, url)
	db.Migrate(ctx)
	backup := filepath.Join(t.TempDir(), "b.db")
	if err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	db.Close()
	lock, err := store.LockDaemon(url)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Restore(ctx, url, backup); !errors.Is(err, store.ErrDaemonRunning) {
		t.Errorf("restore under a daemon: %v, want ErrDaemonRunning", err)
	}
	lock.Release()
	if err := store.Restore(ctx, url, backup); err != nil {
		t.Errorf("restore once the daemon stopped: %v", err)
	}
	if err := store.Restore(ctx, url, filepath.Join(t.TempDir(), "none.db")); err == nil {
		t.Error("a missing backup restored")
	}
	junk := filepath.Join(t.TempDir(), "junk.db")
	os.WriteFile(junk, []byte("not a database at all, not at all"), 0o600)
	if err := store.Restore(ctx, url, junk); err == nil {
		t.Error("a junk file restored")
	}
}

func TestBackupOnPostgresPointsToPgDump(t *testing.T) {
	db := storetest.Open(t, store.Postgres)
	if err := db.Backup(context.Background(), filepath.Join(t.TempDir(), "x")); !errors.Is(err, store.ErrBackupPostgres) {
		t.Errorf("err = %v", err)
	}
}
