package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"duban/domain"
	"duban/store"
	"duban/store/storetest"
)

var botNow = time.Date(2024, 6, 1, 9, 0, 0, 0, time.UTC)

// botFixture adds two units, an official in each, a supervisor, and one
// commitment per official (ids 1 and 2), due 2024-06-30.
func botFixture(t testing.TB, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	db.Now = func() time.Time { return botNow }
	for _, c := range []*domain.Contact{
		{Key: "zhang", Name: "张国斌", Unit: "管委会办公室", Role: domain.Official},
		{Key: "li", Name: "李明", Unit: "生态环境局", Role: domain.Official},
		{Key: "boss", Name: "王督查", Unit: "督查室", Role: domain.Supervisor},
	} {
		if err := db.AddContact(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []store.NewCommitment{
		{Key: "a", Title: "凤岗村复绿", Unit: "管委会办公室", Owners: []string{"zhang"}, Due: domain.NewDate(2024, 6, 30)},
		{Key: "b", Title: "昌南大道清运", Unit: "生态环境局", Owners: []string{"li"}, Due: domain.NewDate(2024, 6, 30)},
	} {
		if _, err := db.AddCommitment(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
}

// countRows counts the rows of a table.
func countRows(t testing.TB, db *store.DB, table string) int {
	t.Helper()
	var n int
	if err := db.SQLX().Get(&n, "SELECT COUNT(*) FROM "+table); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestChangeRecordsItsUpdate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		botFixture(t, db)
		by := func(update int64) store.Actor {
			return store.Actor{ContactID: 1, TelegramUserID: 501, Channel: "telegram", UpdateID: update}
		}

		t.Run("commits the change, its messages and the record together", func(t *testing.T) {
			err := db.AddProgress(ctx, 1, 40, "note", nil, by(10),
				store.Notification{ChatID: 9, Kind: store.KindExtension, DedupKey: "x/10", Body: "b"})
			if err != nil {
				t.Fatal(err)
			}
			if ok, _ := db.UpdateApplied(ctx, 10); !ok {
				t.Error("update 10 not recorded")
			}
			if n := countRows(t, db, "progress_updates"); n != 1 {
				t.Errorf("progress rows = %d, want 1", n)
			}
			if n := countRows(t, db, "notifications"); n != 1 {
				t.Errorf("outbox rows = %d, want 1", n)
			}
		})
		t.Run("refuses an update applied before, changing nothing", func(t *testing.T) {
			err := db.AddProgress(ctx, 1, 70, "", nil, by(10))
			if !errors.Is(err, store.ErrUpdateApplied) {
				t.Fatalf("err = %v, want ErrUpdateApplied", err)
			}
			if c, _ := db.Commitment(ctx, 1); c.Progress != 40 {
				t.Errorf("progress = %d, want still 40", c.Progress)
			}
		})
		t.Run("records nothing when the change is refused", func(t *testing.T) {
			err := db.AddProgress(ctx, 1, 60, "", nil, by(11),
				store.Notification{ChatID: 9, Kind: store.KindExtension, Body: "no dedup key: refused"})
			if err == nil {
				t.Fatal("a notification without dedup key was accepted")
			}
			if ok, _ := db.UpdateApplied(ctx, 11); ok {
				t.Error("failed update 11 recorded")
			}
			if n := countRows(t, db, "progress_updates"); n != 1 {
				t.Errorf("progress rows = %d, want still 1", n)
			}
		})
		t.Run("records nothing for update id 0", func(t *testing.T) {
			before := countRows(t, db, "bot_updates")
			if err := db.AddProgress(ctx, 1, 50, "", nil, by(0)); err != nil {
				t.Fatal(err)
			}
			if n := countRows(t, db, "bot_updates"); n != before {
				t.Errorf("bot_updates = %d, want %d", n, before)
			}
		})
		t.Run("applies one of two concurrent deliveries of an update", func(t *testing.T) {
			before := countRows(t, db, "progress_updates")
			var wg sync.WaitGroup
			errs := make([]error, 4)
			for i := range errs {
				wg.Go(func() { errs[i] = db.AddProgress(ctx, 2, 10, "", nil, by(12)) })
			}
			wg.Wait()
			ok := 0
			for _, err := range errs {
				switch {
				case err == nil:
					ok++
				case !errors.Is(err, store.ErrUpdateApplied):
					t.Errorf("unexpected error %v", err)
				}
			}
			if ok != 1 {
				t.Errorf("%d deliveries applied, want 1", ok)
			}
			if n := countRows(t, db, "progress_updates"); n != before+1 {
				t.Errorf("progress rows = %d, want %d", n, before+1)
			}
		})
	})
}

func TestBotOffset(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if got, err := db.BotOffset(ctx); err != nil || got != 0 {
			t.Fatalf("fresh offset = %d, %v; want 0", got, err)
		}
		for _, step := range []struct{ set, want int64 }{{5, 5}, {9, 9}, {3, 9}} {
			if err := db.SetBotOffset(ctx, step.set); err != nil {
				t.Fatal(err)
			}
			if got, _ := db.BotOffset(ctx); got != step.want {
				t.Errorf("after SetBotOffset(%d): offset = %d, want %d (it never moves back)", step.set, got, step.want)
			}
		}
	})
}

func TestPruneBotUpdates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := botNow
		db.Now = func() time.Time { return now }
		db.RecordUpdate(ctx, 1)
		now = now.Add(72 * time.Hour)
		db.RecordUpdate(ctx, 2)
		n, err := db.PruneBotUpdates(ctx, now.Add(-48*time.Hour))
		if err != nil || n != 1 {
			t.Fatalf("pruned %d, %v; want 1", n, err)
		}
		if ok, _ := db.UpdateApplied(ctx, 2); !ok {
			t.Error("recent update pruned")
		}
	})
}
