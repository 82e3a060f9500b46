package report

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"duban/domain"
	"duban/store"
	"duban/store/storetest"
)

// TestAsOf checks that a report shows the register as it stood at the end
// of its month, whatever happened since.
func TestAsOf(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		importExample(t, db)
		by := owner(t, db)
		const unit = "市城管局"
		setClock(db, at(2024, 5, 10, 9, 0))
		late := addItem(t, db, "done-after", unit, domain.NewDate(2024, 6, 15))
		extended := addItem(t, db, "extended-after", unit, domain.NewDate(2024, 6, 15))
		onTime := addItem(t, db, "done-on-time", unit, domain.NewDate(2024, 6, 15))

		// Done on the due day itself, at 23:30 local time: on time.
		setClock(db, at(2024, 6, 15, 23, 30))
		if err := db.SetStatus(ctx, onTime, domain.Done, "清理完毕", nil, by); err != nil {
			t.Fatal(err)
		}
		// Asked for in June, approved in July.
		setClock(db, at(2024, 6, 20, 10, 0))
		if _, err := db.RequestExtension(ctx, extended, domain.NewDate(2024, 9, 30), "雨季施工受阻", shanghai, by); err != nil {
			t.Fatal(err)
		}
		setClock(db, at(2024, 7, 3, 10, 0))
		if err := db.SetStatus(ctx, late, domain.Done, "已完成", nil, by); err != nil {
			t.Fatal(err)
		}
		setClock(db, at(2024, 7, 5, 15, 0))
		if _, err := db.DecideExtension(ctx, extended, true, store.Actor{Channel: "cli"}); err != nil {
			t.Fatal(err)
		}
		// Created after June.
		setClock(db, at(2024, 7, 10, 9, 0))
		later := addItem(t, db, "created-after", unit, domain.NewDate(2024, 7, 20))
		setClock(db, at(2024, 8, 2, 9, 0))

		june := build(t, db, "2024-06")
		t.Run("an item done on the 3rd of the next month is red in the month's report", func(t *testing.T) {
			it := find(t, june, late)
			if it == nil || it.Light != domain.Red || it.Status != domain.Open || it.DaysOverdue != 16 {
				t.Fatalf("June: got %+v, want open, red, 16 days overdue", it)
			}
			if !hasRed(june, late) {
				t.Errorf("June's red list misses #%d", late)
			}
			jul := build(t, db, "2024-07")
			if it := find(t, jul, late); it.Light != domain.LDone || it.Status != domain.Done || it.DoneAt == nil {
				t.Errorf("July: got %+v, want done", it)
			}
		})
		t.Run("an extension approved the next month does not change the month's report", func(t *testing.T) {
			it := find(t, june, extended)
			if it.Due != domain.NewDate(2024, 6, 15) || it.Light != domain.Red {
				t.Fatalf("June: got due %s light %s, want 2024-06-15 red", it.Due, it.Light)
			}
			if june.Total.Cur.Extensions != 0 {
				t.Errorf("June counts %d extensions granted, want 0", june.Total.Cur.Extensions)
			}
			jul := build(t, db, "2024-07")
			if it := find(t, jul, extended); it.Due != domain.NewDate(2024, 9, 30) || it.Light != domain.Green {
				t.Errorf("July: got due %s light %s, want 2024-09-30 green", it.Due, it.Light)
			}
			if jul.Total.Cur.Extensions != 1 {
				t.Errorf("July counts %d extensions granted, want 1", jul.Total.Cur.Extensions)
			}
		})
		t.Run("an item created after the month is absent", func(t *testing.T) {
			if it := find(t, june, later); it != nil {
				t.Fatalf("June lists #%d, created in July", later)
			}
			if june.Total.Cur.Items != 6+3 {
				t.Errorf("June counts %d items, want 9", june.Total.Cur.Items)
			}
			csv := render(t, june, "csv")
			if bytes.Contains(csv, []byte("created-after")) {
				t.Error("June's CSV lists an item created in July")
			}
		})
		t.Run("on-time completion counts an item done on its due day", func(t *testing.T) {
			// Due by the end of June: the example's three plus the three
			// added; done on time: one.
			var u *Stats
			for i := range june.Units {
				if june.Units[i].Name == unit {
					u = &june.Units[i]
				}
			}
			if u == nil || u.Cur.DueByEnd != 3 || u.Cur.OnTime != 1 || u.Cur.Done != 1 {
				t.Fatalf("June %s: got %+v, want 3 due, 1 on time, 1 done in June", unit, u)
			}
			if u.Cur.Red != 2 || u.Cur.NewlyRed != 2 {
				t.Errorf("June %s: %d red, %d newly red; want 2 and 2", unit, u.Cur.Red, u.Cur.NewlyRed)
			}
		})
		t.Run("the worst unit comes first", func(t *testing.T) {
			// Both units have two red items; 市城管局's are 16 days overdue,
			// the others' one day.
			if june.Units[0].Name != unit {
				t.Fatalf("first unit %q, want %q", june.Units[0].Name, unit)
			}
			text := june.Text()
			if strings.Index(text, "1. "+unit) < 0 || strings.Index(text, "2. 国家试验区管委会办公室") < 0 {
				t.Errorf("text does not list the worst unit first:\n%s", text)
			}
		})
	})
}

// TestStatusHistoryBeforeTheMonth checks that a status reached and left
// again after the month does not leak into it: verified in August after
// being done in June shows as done in June's and July's reports.
func TestStatusHistoryBeforeTheMonth(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		importExample(t, db)
		by := owner(t, db)
		id := idOf(t, db, "jdz-111-fenggang-restoration")
		setClock(db, at(2024, 6, 28, 9, 0))
		if err := db.SetStatus(ctx, id, domain.Done, "复绿完成", nil, by); err != nil {
			t.Fatal(err)
		}
		setClock(db, at(2024, 8, 5, 9, 0))
		if err := db.SetStatus(ctx, id, domain.Verified, "", nil, store.Actor{Channel: "cli"}); err != nil {
			t.Fatal(err)
		}
		jun, jul, aug := build(t, db, "2024-06"), build(t, db, "2024-07"), build(t, db, "2024-08")
		if it := find(t, jun, id); it.Status != domain.Done || date(it.DoneAt, shanghai) != "2024-06-28" {
			t.Errorf("June: %s done %s, want done on 2024-06-28", it.Status, date(it.DoneAt, shanghai))
		}
		if it := find(t, jul, id); it.Status != domain.Done {
			t.Errorf("July: %s, want done", it.Status)
		}
		if it := find(t, aug, id); it.Status != domain.Verified {
			t.Errorf("August: %s, want verified", it.Status)
		}
		if jun.Total.Cur.Done != 1 || jun.Total.Cur.OnTime != 1 || aug.Total.Cur.Verified != 1 || jul.Total.Cur.Verified != 0 {
			t.Errorf("done in June %d, on time %d, verified in July %d and August %d; want 1, 1, 0, 1",
				jun.Total.Cur.Done, jun.Total.Cur.OnTime, jul.Total.Cur.Verified, aug.Total.Cur.Verified)
		}
	})
}

func hasRed(r *Report, id int64) bool {
	for _, it := range r.TopRed {
		if it.ID == id {
			return true
		}
	}
	return false
}

// TestOnTimeAcrossZones checks the on-time rule at the edge of the due day
// in zones east and west of Greenwich, with and without daylight saving:
// done at 23:30 local on the due day is on time, at 00:30 the next day is
// late, and both backends agree.
func TestOnTimeAcrossZones(t *testing.T) {
	for _, zone := range []string{"Asia/Shanghai", "UTC", "America/New_York", "Pacific/Auckland"} {
		t.Run(zone, func(t *testing.T) {
			loc := mustLoc(zone)
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				ctx := context.Background()
				importExample(t, db)
				by := owner(t, db)
				for _, m := range []time.Month{time.January, time.June} {
					setClock(db, time.Date(2024, m, 1, 9, 0, 0, 0, loc))
					onTime := addItem(t, db, "on-time-"+m.String(), "市城管局", domainDate(2024, int(m), 15))
					late := addItem(t, db, "late-"+m.String(), "市城管局", domainDate(2024, int(m), 15))
					setClock(db, time.Date(2024, m, 15, 23, 30, 0, 0, loc))
					if err := db.SetStatus(ctx, onTime, domain.Done, "", nil, by); err != nil {
						t.Fatal(err)
					}
					setClock(db, time.Date(2024, m, 16, 0, 30, 0, 0, loc))
					if err := db.SetStatus(ctx, late, domain.Done, "", nil, by); err != nil {
						t.Fatal(err)
					}
					r, err := Build(ctx, db, Options{Month: Month{2024, m}, Loc: loc, WarnDays: 7, Now: Month{2024, m}.End(loc)})
					if err != nil {
						t.Fatal(err)
					}
					// The rate is cumulative: June counts January's too.
					want := 1
					if m == time.June {
						want = 2
					}
					for _, u := range r.Units {
						if u.Name == "市城管局" && (u.Cur.OnTime != want || u.Cur.DueByEnd != 2*want || u.Cur.Done != 2) {
							t.Errorf("%s: %d of %d on time, %d done this month; want %d of %d, 2 done", m, u.Cur.OnTime, u.Cur.DueByEnd, u.Cur.Done, want, 2*want)
						}
					}
				}
			})
		})
	}
}

// TestItemFilters streams the items of each light and checks them against
// the counts.
func TestItemFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		exampleHistory(t, db)
		r := build(t, db, "2024-07")
		c := r.Total.Cur
		for light, want := range map[domain.Light]int{domain.Red: c.Red, domain.Yellow: c.Yellow, domain.Green: c.Green,
			domain.LDone: c.Closed, domain.Grey: c.Cancelled} {
			n := 0
			err := r.Items(context.Background(), store.ReportItemFilter{Lights: []domain.Light{light}}, func(it *store.ReportItem) error {
				if it.Light != light {
					t.Errorf("%s filter gave #%d, %s", light, it.ID, it.Light)
				}
				n++
				return nil
			})
			if err != nil || n != want {
				t.Errorf("%s: %d items (%v), want %d", light, n, err, want)
			}
		}
	})
}
