package store_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"duban/store"
	"duban/store/storetest"
)

func TestSQLiteFilesAreOwnerOnly(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	url := storetest.URL(t, store.SQLite)
	path := strings.TrimPrefix(url, "sqlite://")
	// A directory that does not exist yet is created owner-only too.
	path = strings.Replace(path, "duban.db", "data/duban.db", 1)
	db, err := store.Open(context.Background(), "sqlite://"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]os.FileMode{path: 0o600, path + "-wal": 0o600, path + "-shm": 0o600, strings.TrimSuffix(path, "/duban.db"): 0o700} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s: mode %o, want %o", p, got, want)
		}
	}
	t.Run("an existing world-readable file is narrowed", func(t *testing.T) {
		db.Close()
		os.Chmod(path, 0o644)
		db2, err := store.Open(context.Background(), "sqlite://"+path)
		if err != nil {
			t.Fatal(err)
		}
		db2.Close()
		if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
			t.Errorf("mode %o, want 600", fi.Mode().Perm())
		}
	})
	t.Run("the evidence directory is owner-only", func(t *testing.T) {
		dir := strings.TrimSuffix(path, "/duban.db") + "/evidence/2024"
		if err := store.PrivateDir(dir); err != nil {
			t.Fatal(err)
		}
		if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
			t.Errorf("mode %o, want 700", fi.Mode().Perm())
		}
	})
}

func TestLinkCodesAreStoredAsHashes(t *testing.T) {
	ctx := context.Background()
	t.Run("sqlite: the file read as another process would holds no usable code", func(t *testing.T) {
		url := storetest.URL(t, store.SQLite)
		db, err := store.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		botFixture(t, db)
		var codes []string
		for _, k := range []string{"zhang", "li", "boss"} {
			lc, err := db.IssueLinkCode(ctx, k)
			if err != nil {
				t.Fatal(err)
			}
			codes = append(codes, lc.Code)
		}
		path := strings.TrimPrefix(url, "sqlite://")
		var raw []byte
		for _, p := range []string{path, path + "-wal"} {
			b, _ := os.ReadFile(p)
			raw = append(raw, b...)
		}
		for _, c := range codes {
			if bytes.Contains(raw, []byte(c)) {
				t.Errorf("code %s is in the database file", c)
			}
		}
		// What is stored does not link when sent as a code.
		var stored []string
		db.SQLX().Select(&stored, `SELECT code FROM link_codes`)
		for _, h := range stored {
			if _, err := db.UseLinkCode(ctx, h, 999, 999); err == nil {
				t.Errorf("the stored value %s links", h)
			}
		}
	})
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		botFixture(t, db)
		lc, err := db.IssueLinkCode(ctx, "zhang")
		if err != nil {
			t.Fatal(err)
		}
		var n int
		db.SQLX().Get(&n, db.SQLX().Rebind(`SELECT COUNT(*) FROM link_codes WHERE code = ?`), lc.Code)
		if n != 0 {
			t.Error("the code is stored in plain text")
		}
		t.Run("a code read out with dashes and in lower case still links", func(t *testing.T) {
			spoken := strings.ToLower(lc.Code[:8] + "-" + lc.Code[8:])
			if _, err := db.UseLinkCode(ctx, spoken, 100001, 100001); err != nil {
				t.Fatal(err)
			}
		})
	})
}

func TestFailedLinkAttemptsAreLimited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		botFixture(t, db)
		now := botNow
		db.Now = func() time.Time { return now }
		lc, _ := db.IssueLinkCode(ctx, "zhang")
		for i := 0; i < store.MaxLinkAttempts; i++ {
			if _, err := db.UseLinkCode(ctx, "WRONGCODE2345678", 777, 777); !errors.Is(err, store.ErrLinkCodeUnknown) {
				t.Fatalf("attempt %d: %v", i+1, err)
			}
		}
		if _, err := db.UseLinkCode(ctx, lc.Code, 777, 777); !errors.Is(err, store.ErrLinkTooManyAttempts) {
			t.Fatalf("sixth attempt with the right code: %v, want ErrLinkTooManyAttempts", err)
		}
		if _, err := db.UseLinkCode(ctx, lc.Code, 778, 778); err != nil {
			t.Errorf("another chat is not limited: %v", err)
		}
		lc, _ = db.IssueLinkCode(ctx, "li")
		now = now.Add(time.Hour + time.Second)
		if _, err := db.UseLinkCode(ctx, lc.Code, 777, 777); err != nil {
			t.Errorf("an hour later: %v", err)
		}
	})
}
