package report

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"duban/dispatch"
	"duban/notify"
	"duban/store"
	"duban/store/storetest"
	"duban/telegram"
	"duban/telegram/telegramtest"
)

// stepClock is a dispatch.Clock whose Sleep moves time forward at once, so
// retry_after and leases pass without the test waiting.
type stepClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *stepClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.Advance(d)
	return nil
}

func (c *stepClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d > 0 {
		c.t = c.t.Add(d)
	}
}

// killAfter lets n sends through, then "kills the process": it cancels the
// run and never answers, so the next message is claimed but neither sent
// nor recorded.
type killAfter struct {
	notify.Notifier
	n      int
	cancel context.CancelFunc
	mu     sync.Mutex
}

func (k *killAfter) Send(ctx context.Context, m notify.Message) (notify.Result, error) {
	k.mu.Lock()
	if k.n == 0 {
		k.mu.Unlock()
		k.cancel()
		<-ctx.Done()
		return notify.Result{}, ctx.Err()
	}
	k.n--
	k.mu.Unlock()
	return k.Notifier.Send(ctx, m)
}

// TestScheduledReportSentOnceAcrossRestart sends the scheduled report
// through the real dispatcher and Telegram client to the fake Bot API: the
// process dies after the text went out, restarts, runs the schedule again,
// meets a 429 on the upload, and in the end the supervision chat has the
// text, the xlsx and the png exactly once each.
func TestScheduledReportSentOnceAcrossRestart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		importExample(t, db)
		cfg := testConfig()
		chat := cfg.Telegram.SupervisionChatID
		clock := &stepClock{t: at(2024, 8, 1, 9, 0)}
		db.Now = clock.Now
		fake := telegramtest.New(t, "42:report-token")
		fake.SetNow(clock.Now)
		tg, err := telegram.NewTelegram(telegram.TelegramConfig{Token: "42:report-token", Endpoint: fake.Endpoint()})
		if err != nil {
			t.Fatal(err)
		}
		if n, err := EnqueueMonthly(ctx, db, cfg, ""); err != nil || n != 3 {
			t.Fatalf("enqueue: %d %v", n, err)
		}

		// First process: sends the text, then dies in the middle.
		runCtx, cancel := context.WithCancel(ctx)
		first := &dispatch.Dispatcher{DB: db, Notifier: &killAfter{Notifier: tg, n: 1, cancel: cancel}, Clock: clock,
			Workers: 1, Grace: time.Millisecond}
		first.RunOnce(runCtx)
		if got := len(fake.SentTo(chat)); got != 1 {
			t.Fatalf("before the crash %d messages arrived, want the text only", got)
		}

		// Restart: the schedule runs again at leader start (nothing new is
		// enqueued), the lease of the claimed row runs out, Telegram
		// answers the upload once with 429.
		clock.Advance(10 * time.Minute)
		if n, err := EnqueueMonthly(ctx, db, cfg, ""); err != nil || n != 0 {
			t.Fatalf("second enqueue wrote %d rows (%v), want 0", n, err)
		}
		fake.FailNext("sendDocument", chat, telegramtest.TooManyRequests(3))
		second := &dispatch.Dispatcher{DB: db, Notifier: tg, Clock: clock, Workers: 1}
		for i := 0; i < 5; i++ {
			if _, err := second.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
			clock.Advance(5 * time.Second)
		}
		byMethod := map[string]int{}
		for _, m := range fake.SentTo(chat) {
			byMethod[m.Method]++
			if m.Method == "sendDocument" && !strings.HasSuffix(m.FileName, ".xlsx") {
				t.Errorf("document %q is not the xlsx", m.FileName)
			}
		}
		if byMethod["sendMessage"] != 1 || byMethod["sendDocument"] != 1 || byMethod["sendPhoto"] != 1 {
			t.Fatalf("the supervision chat got %v, want one text, one xlsx, one png", byMethod)
		}
		if calls := len(fake.Calls("sendDocument")); calls != 2 {
			t.Fatalf("%d sendDocument calls, want 2 (one refused with 429, one accepted)", calls)
		}
		ns, err := db.Notifications(ctx, store.OutboxFilter{Kind: store.KindReport})
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range ns {
			if n.State != store.StateSent {
				t.Errorf("%s is %s, want sent", n.DedupKey, n.State)
			}
		}
	})
}
