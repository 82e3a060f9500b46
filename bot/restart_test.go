package bot_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"duban/bot"
	"duban/store"
	"duban/store/storetest"
	"duban/telegram"
	"duban/telegram/telegramtest"
)

var errKilled = errors.New("killed")

// progressRows counts commitment #1's progress updates.
func progressRows(t *testing.T, db *store.DB) int {
	t.Helper()
	var n int
	if err := db.SQLX().Get(&n, `SELECT COUNT(*) FROM progress_updates WHERE commitment_id = 1`); err != nil {
		t.Fatal(err)
	}
	return n
}

// crashAt runs the poller until the hook kills it at the first /progress
// update, then restarts it, and returns the replies of the second life.
func crashAt(t *testing.T, db *store.DB, kill func(h *telegram.Hooks, id *atomic.Int64)) (x *harness, id int64, second result) {
	x = newHarness(t, db)
	x.start(telegram.Hooks{})
	x.link()
	x.stop()

	var target atomic.Int64
	var hooks telegram.Hooks
	kill(&hooks, &target)
	x.start(hooks)
	id = int64(x.srv.PushText(zhangUser, telegramtest.User(zhangUser, "Z"), "/progress 1 40 第一次").UpdateID)
	target.Store(id)
	select {
	case err := <-x.done:
		if !errors.Is(err, errKilled) {
			t.Fatalf("Run returned %v, want the kill", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the poller was not killed")
	}
	x.cancel()
	x.cancel = nil
	if off, _ := db.BotOffset(context.Background()); off >= id {
		t.Fatalf("offset %d stored before the kill", off)
	}

	sent := len(x.srv.Sent())
	x.start(telegram.Hooks{}) // the restart: Telegram delivers the update again
	x.waitStored(id)
	return x, id, result{Sent: x.srv.Sent()[sent:]}
}

func TestRestartAfterApplyDoesNotApplyTwice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		x, id, second := crashAt(t, db, func(h *telegram.Hooks, target *atomic.Int64) {
			h.AfterUpdate = func(got int64) error {
				if got == target.Load() {
					return errKilled
				}
				return nil
			}
		})
		if n := progressRows(t, db); n != 1 {
			t.Errorf("progress rows = %d, want 1", n)
		}
		if len(second.Sent) != 0 {
			t.Errorf("the redelivered update was answered again: %q", second.texts())
		}
		if ok, _ := db.UpdateApplied(context.Background(), id); !ok {
			t.Error("update not recorded")
		}
		if got := x.commitment(1).Progress; got != 40 {
			t.Errorf("progress %d", got)
		}
	})
}

func TestRestartBeforeApplyAppliesOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		x, _, second := crashAt(t, db, func(h *telegram.Hooks, target *atomic.Int64) {
			h.BeforeUpdate = func(got int64) error {
				if got == target.Load() {
					return errKilled
				}
				return nil
			}
		})
		if n := progressRows(t, db); n != 1 {
			t.Errorf("progress rows = %d, want 1", n)
		}
		if len(second.Sent) != 1 || !strings.Contains(second.Sent[0].Text, "40%") {
			t.Errorf("second life answered %q", second.texts())
		}
		if got := x.commitment(1).Progress; got != 40 {
			t.Errorf("progress %d", got)
		}
	})
}

func TestOnlyTheLeaderPolls(t *testing.T) {
	x := newHarness(t, storetest.Open(t, store.SQLite))
	var leader atomic.Bool
	checked := make(chan struct{}, 100)
	p, err := telegram.NewPoller(telegram.PollerConfig{Handler: x.h, DB: x.db, Telegram: x.tg, IdleWait: time.Millisecond,
		Leader: telegram.LeaderFunc(func() bool {
			select {
			case checked <- struct{}{}:
			default:
			}
			return leader.Load()
		}),
		Hooks: telegram.Hooks{Stored: func(int64) { x.stored <- 0 }}})
	if err != nil {
		t.Fatal(err)
	}
	x.stored = make(chan int64, 10)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	defer func() { cancel(); <-done }()
	for range 5 {
		<-checked
	}
	if n := len(x.srv.Calls("getUpdates")); n != 0 {
		t.Fatalf("a follower polled %d times", n)
	}
	x.srv.PushText(wangUser, telegramtest.User(wangUser, "W"), "/whoami")
	leader.Store(true)
	select {
	case <-x.stored:
	case <-time.After(10 * time.Second):
		t.Fatal("the leader did not handle the update")
	}
	if got := x.srv.SentTo(wangUser); len(got) != 1 || !strings.Contains(got[0].Text, "王督查") {
		t.Errorf("sent %+v", got)
	}
}

// TestTokenNeverLogged kills the fake Bot API under a running poller, so
// that every request fails with an error that carries the request URL, and
// checks the captured slog output and tgbotapi's logger output.
func TestTokenNeverLogged(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	seed(t, db)
	srv := telegramtest.New(t, token)
	logs := &syncBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	tg, err := telegram.NewTelegram(telegram.TelegramConfig{Token: token, Endpoint: srv.Endpoint(), Logger: logger, Timeout: 2 * time.Second,
		Debug: true}) // tgbotapi logs every request and answer through its logger
	if err != nil {
		t.Fatal(err)
	}
	h := bot.New(bot.Config{DB: db, Location: shanghai, Files: tg, EvidenceDir: t.TempDir(), Logger: logger})
	failures := make(chan error, 100)
	p, _ := telegram.NewPoller(telegram.PollerConfig{Handler: h, DB: db, Telegram: tg, Logger: logger, MinBackoff: time.Millisecond,
		MaxBackoff: 5 * time.Millisecond, Hooks: telegram.Hooks{PollError: func(err error) { failures <- err }}})
	srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	for range 3 {
		select {
		case err := <-failures:
			if strings.Contains(err.Error(), token) {
				t.Errorf("poll error carries the token: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("no poll failure")
		}
	}
	cancel()
	<-done
	// Replies and file downloads fail too, with the same kind of error.
	if _, err := tg.DownloadFile(context.Background(), "PHOTO-1"); err == nil || strings.Contains(err.Error(), token) {
		t.Errorf("download error %v", err)
	}
	if err := telegram.RegisterCommands(context.Background(), tg); err == nil || strings.Contains(err.Error(), token) {
		t.Errorf("setMyCommands error %v", err)
	}
	out := logs.String()
	if !strings.Contains(out, "telegram poll failed") || !strings.Contains(out, "component=tgbotapi") {
		t.Fatalf("the logs lack the failures:\n%s", out)
	}
	if strings.Contains(out, token) || strings.Contains(out, "SECRET-bot-TOKEN") {
		t.Errorf("the token is in the logs:\n%s", out)
	}
}
