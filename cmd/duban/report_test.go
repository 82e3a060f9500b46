package main

import (
	"context"
	"image/png"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"duban/config"
	"duban/store"
	"duban/store/storetest"
)

// TestReportCommand runs `duban report` on the example letter: the default
// month, each format, bad input, and --send once per month.
func TestReportCommand(t *testing.T) {
	tm := newTestMain(t, storetest.URL(t, store.SQLite))
	tm.now = time.Date(2024, 4, 15, 2, 0, 0, 0, time.UTC)
	tm.must("import", examplePath)
	tm.now = time.Date(2024, 8, 1, 1, 0, 0, 0, time.UTC) // 09:00 in Shanghai

	t.Run("the default month is the one just ended", func(t *testing.T) {
		out := tm.must("report")
		if !strings.HasPrefix(out, "督办月报 2024年7月\n") || !strings.Contains(out, "#2 凤岗村") {
			t.Errorf("report:\n%s", out)
		}
	})
	t.Run("md and csv go to standard output", func(t *testing.T) {
		if out := tm.must("report", "--month", "2024-05", "--format", "md"); !strings.HasPrefix(out, "# 督办月报 2024年5月") {
			t.Errorf("md:\n%s", out)
		}
		if out := tm.must("report", "--month", "2024-05", "--format", "csv"); !strings.HasPrefix(out, "\uFEFF编号,") {
			t.Errorf("csv:\n%s", out)
		}
	})
	t.Run("xlsx and png are written to --out", func(t *testing.T) {
		dir := t.TempDir()
		x, p := filepath.Join(dir, "r.xlsx"), filepath.Join(dir, "r.png")
		tm.must("report", "--format", "xlsx", "--out", x)
		tm.must("report", "--format", "png", "--out", p)
		if b, err := os.ReadFile(x); err != nil || !strings.HasPrefix(string(b), "PK") {
			t.Errorf("xlsx: %v", err)
		}
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := png.Decode(f); err != nil {
			t.Errorf("png: %v", err)
		}
	})
	t.Run("bad input exits 2", func(t *testing.T) {
		for _, args := range [][]string{
			{"report", "--format", "xlsx"},
			{"report", "--format", "pdf"},
			{"report", "--month", "2024-13"},
			{"report", "--month", "July"},
		} {
			if _, errs, code := tm.run(args...); code != 2 || errs == "" {
				t.Errorf("duban %s: exit %d, stderr %q; want 2 and a message", strings.Join(args, " "), code, errs)
			}
		}
	})
	t.Run("a month not yet over needs --partial", func(t *testing.T) {
		if _, errs, code := tm.run("report", "--month", "2024-08"); code != 2 || !strings.Contains(errs, "--partial") {
			t.Errorf("August on August 1: exit %d, stderr %q; want 2 naming --partial", code, errs)
		}
		out := tm.must("report", "--month", "2024-08", "--partial")
		if !strings.Contains(out, "截至 2024年8月1日 09:00（Asia/Shanghai，本月尚未结束）") {
			t.Errorf("partial:\n%s", out)
		}
		if _, _, code := tm.run("report", "--month", "2024-08", "--partial", "--send"); code != 2 {
			t.Errorf("--partial --send: exit %d, want 2", code)
		}
	})
	t.Run("--send queues the month's report once", func(t *testing.T) {
		tm.env["DUBAN_TELEGRAM_SUPERVISION_CHAT_ID"] = "-100500"
		defer delete(tm.env, "DUBAN_TELEGRAM_SUPERVISION_CHAT_ID")
		if out := tm.must("report", "--send"); !strings.Contains(out, "2024-07 月报已排队 3 条消息，发往会话 -100500") {
			t.Errorf("first --send: %q", out)
		}
		if out := tm.must("report", "--send", "--month", "2024-07"); !strings.Contains(out, "2024-07 月报已排队过，不再重复") {
			t.Errorf("second --send: %q", out)
		}
	})
}

// TestReportEntries runs serve's digest and monthly report jobs: the
// monthly one, also run when a replica becomes the leader, waits for this
// month's scheduled time and queues once.
func TestReportEntries(t *testing.T) {
	db := openStore(t, storetest.URL(t, store.SQLite))
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.Telegram.SupervisionChatID = -100500
	p := &parts{cfg: &cfg, db: db, log: slog.New(slog.DiscardHandler)}
	entries := reportEntries(p)
	if len(entries) != 2 || entries[0].Spec != "0 9 * * 1" || entries[1].Spec != "0 9 1 * *" || !entries[1].AtStart {
		t.Fatalf("entries %+v", entries)
	}
	ctx := context.Background()
	count := func() int {
		ns, err := db.Notifications(ctx, store.OutboxFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return len(ns)
	}
	monthly := entries[1].Job
	if err := monthly(ctx, time.Date(2024, 8, 1, 8, 0, 0, 0, cfg.Location)); err != nil || count() != 0 {
		t.Fatalf("before 09:00 on the 1st: %v, %d rows; want nothing", err, count())
	}
	if err := monthly(ctx, time.Date(2024, 8, 1, 9, 0, 0, 0, cfg.Location)); err != nil || count() != 3 {
		t.Fatalf("at 09:00: %v, %d rows; want 3", err, count())
	}
	if err := monthly(ctx, time.Date(2024, 8, 12, 15, 0, 0, 0, cfg.Location)); err != nil || count() != 3 {
		t.Fatalf("a restart later in the month: %v, %d rows; want still 3", err, count())
	}
	if err := entries[0].Job(ctx, time.Date(2024, 8, 5, 9, 0, 0, 0, cfg.Location)); err != nil || count() != 4 {
		t.Fatalf("digest: %v, %d rows; want 4", err, count())
	}
}
