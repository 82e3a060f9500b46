package store_test

import (
	"context"
	"testing"
	"time"

	"duban/domain"
	"duban/store"
	"duban/store/storetest"
)

// The dashboard's figures are kept between views, and a change to a
// commitment (by any process: here straight in SQL) shows at the next
// view; the scan's own writes do not throw them away.
func TestDashboardSeesEveryChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		loc, _ := time.LoadLocation("Asia/Shanghai")
		today := domain.NewDate(2024, 7, 15)
		storetest.Bulk{N: 200, RedEvery: 10}.Load(t, db)
		red := func() int {
			t.Helper()
			units, err := db.DashboardByUnit(ctx, today, 7, loc)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, u := range units {
				n += u.Red
			}
			return n
		}
		before := red()
		if before == 0 {
			t.Fatal("no red items in the register")
		}
		x := db.SQLX()
		var id int64
		if err := x.Get(&id, x.Rebind(`SELECT MIN(id) FROM commitments WHERE status = 'open' AND due < ?`), today.String()); err != nil {
			t.Fatal(err)
		}
		if _, err := x.Exec(x.Rebind(`UPDATE commitments SET next_remind_at = NULL WHERE id = ?`), id); err != nil {
			t.Fatal(err)
		}
		if got := red(); got != before {
			t.Fatalf("red %d after a scan's write, want %d", got, before)
		}
		if _, err := x.Exec(x.Rebind(`UPDATE commitments SET status = 'done' WHERE id = ?`), id); err != nil {
			t.Fatal(err)
		}
		if got := red(); got != before-1 {
			t.Fatalf("red %d after an item was done, want %d", got, before-1)
		}
		if _, err := x.Exec(x.Rebind(`UPDATE commitments SET due = ? WHERE id = ?`), "2020-01-01", id+1); err != nil {
			t.Fatal(err)
		}
		red() // the due date moved: recomputed, whatever the light
		// A different day is a different dashboard.
		units, err := db.DashboardByUnit(ctx, domain.NewDate(2020, 1, 1), 7, loc)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, u := range units {
			n += u.Red
		}
		if n >= before-1 {
			t.Fatalf("red on 2020-01-01 is %d, not fewer than today's %d", n, before-1)
		}
	})
}
