package report

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"duban/domain"
	"duban/store"
	"duban/store/storetest"
)

// growingRegister imports the example letter in April 2024, then adds
// commitments in May, June and July, some red by their month's end, one
// done in June and verified in July, and one done in July.
func growingRegister(t testing.TB, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	importExample(t, db)
	by := owner(t, db)
	const city, env = "市城管局", "市生态环境局"
	setClock(db, at(2024, 5, 6, 9, 0))
	addItem(t, db, "may-red", city, domainDate(2024, 5, 20))
	addItem(t, db, "may-green", env, domainDate(2024, 12, 31))
	setClock(db, at(2024, 6, 3, 9, 0))
	addItem(t, db, "jun-red", env, domainDate(2024, 6, 10))
	doneJun := addItem(t, db, "jun-done", city, domainDate(2024, 6, 28))
	addItem(t, db, "jun-yellow", city, domainDate(2024, 7, 5))
	setClock(db, at(2024, 6, 20, 15, 0))
	if err := db.SetStatus(ctx, doneJun, domain.Done, "已办结", nil, by); err != nil {
		t.Fatal(err)
	}
	setClock(db, at(2024, 7, 2, 9, 0))
	doneJul := addItem(t, db, "jul-done", env, domainDate(2024, 7, 31))
	addItem(t, db, "jul-red", city, domainDate(2024, 7, 15))
	setClock(db, at(2024, 7, 10, 10, 0))
	if err := db.SetStatus(ctx, doneJun, domain.Verified, "", nil, store.Actor{Channel: "cli"}); err != nil {
		t.Fatal(err)
	}
	if err := db.SetStatus(ctx, doneJul, domain.Done, "已办结", nil, by); err != nil {
		t.Fatal(err)
	}
	// Something created after July, which no report of July may see.
	setClock(db, at(2024, 8, 2, 9, 0))
	addItem(t, db, "aug-new", city, domainDate(2024, 8, 5))
	setClock(db, at(2024, 8, 6, 9, 0))
}

// TestComparisonsAcrossMonths builds the reports of May, June and July
// 2024 on a register that grows each month: every "较上月" figure of a
// month is the difference between its report and the report of the month
// before, unit by unit and in total; "本月完成" counts what was done within
// the month (an item done in June and verified in July is done in June,
// verified in July). The three text reports are golden files.
func TestComparisonsAcrossMonths(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		growingRegister(t, db)
		months := []string{"2024-05", "2024-06", "2024-07"}
		var reports []*Report
		for _, m := range months {
			reports = append(reports, build(t, db, m))
		}
		// April is the month before May: its own report is the baseline.
		prev := build(t, db, "2024-04")
		for i, r := range reports {
			if r.Total.Prev != prevComparable(prev.Total.Cur) {
				t.Errorf("%s: month before in total %+v, want %s's figures %+v", months[i], r.Total.Prev, prev.Month, prevComparable(prev.Total.Cur))
			}
			before := map[string]Counts{}
			for _, u := range prev.Units {
				before[u.Name] = prevComparable(u.Cur)
			}
			for _, u := range r.Units {
				if u.Prev != before[u.Name] {
					t.Errorf("%s %s: month before %+v, want %+v", months[i], u.Name, u.Prev, before[u.Name])
				}
			}
			text := string(render(t, r, "text"))
			want := "在办 " + itoa(r.Total.Cur.Open) + " 项（较上月 " + Delta(r.Total.Cur.Open, prev.Total.Cur.Open) + "）"
			if !strings.Contains(text, want) {
				t.Errorf("%s: text lacks %q:\n%s", months[i], want, text)
			}
			want = "红灯 " + itoa(r.Total.Cur.Red) + " 项（较上月 " + Delta(r.Total.Cur.Red, prev.Total.Cur.Red)
			if !strings.Contains(text, want) {
				t.Errorf("%s: text lacks %q:\n%s", months[i], want, text)
			}
			prev = r
		}
		may, jun, jul := reports[0], reports[1], reports[2]
		for _, c := range []struct {
			name      string
			got, want int
		}{
			{"May items", may.Total.Cur.Items, 8},
			{"June items", jun.Total.Cur.Items, 11},
			{"July items (not August's)", jul.Total.Cur.Items, 13},
			{"June done", jun.Total.Cur.Done, 1},
			{"July done (not June's, verified in July)", jul.Total.Cur.Done, 1},
			{"July verified", jul.Total.Cur.Verified, 1},
			{"May red", may.Total.Cur.Red, 1},
			{"June red (May's, June's, and the letter's two due 2024-06-30)", jun.Total.Cur.Red, 4},
			{"July red", jul.Total.Cur.Red, 6},
		} {
			if c.got != c.want {
				t.Errorf("%s: %d, want %d", c.name, c.got, c.want)
			}
		}
		for i, r := range reports {
			name := "growing-" + months[i] + ".txt"
			b := render(t, r, "text")
			path := filepath.Join("testdata", name)
			if *update && db.Dialect() == store.SQLite {
				if err := os.WriteFile(path, b, 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if !bytes.Equal(b, want) {
				t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", name, b, want)
			}
		}
	})
}

// prevComparable keeps the figures a report carries for the month before.
func prevComparable(c Counts) Counts {
	return Counts{Items: c.Items, Open: c.Open, Red: c.Red, Done: c.Done, Verified: c.Verified,
		DueByEnd: c.DueByEnd, OnTime: c.OnTime, Extensions: c.Extensions, LateExtensions: c.LateExtensions}
}

// TestPartialMonth refuses a month not yet over, and with Partial titles
// the report with the moment it was made.
func TestPartialMonth(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	importExample(t, db)
	setClock(db, at(2024, 6, 12, 15, 4))
	m := Month{2024, 6}
	opts := OptionsFor(testConfig(), m)
	if _, err := Build(context.Background(), db, opts); domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(err.Error(), "--partial") {
		t.Fatalf("June on June 12: %v, want EINVALID naming --partial", err)
	}
	opts.Partial = true
	r, err := Build(context.Background(), db, opts)
	if err != nil {
		t.Fatal(err)
	}
	text := string(render(t, r, "text"))
	if !strings.Contains(text, "截至 2024年6月12日 15:04（Asia/Shanghai，本月尚未结束）") || strings.Contains(text, "6月30日 24:00") {
		t.Errorf("partial title wrong:\n%s", text)
	}
	opts.Month = Month{2024, 7}
	if _, err := Build(context.Background(), db, opts); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("a month not begun: %v, want EINVALID", err)
	}
}

// TestMonthEndSnapshot builds a closed month twice (the second from its
// month-end snapshot) and gets the same report; a commitment backdated
// into the month afterwards (as an import with created_at does) makes the
// snapshot stale and the report counts it; Rebuild recounts.
func TestMonthEndSnapshot(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		growingRegister(t, db)
		first := render(t, build(t, db, "2024-06"), "text")
		again := build(t, db, "2024-06")
		if b := render(t, again, "text"); !bytes.Equal(first, b) {
			t.Fatalf("from the snapshot:\n%s\nwant\n%s", b, first)
		}
		n := again.Total.Cur.Items
		setClock(db, at(2024, 6, 15, 9, 0))
		addItem(t, db, "backdated", "市城管局", domainDate(2024, 6, 20))
		setClock(db, at(2024, 8, 6, 9, 0))
		if r := build(t, db, "2024-06"); r.Total.Cur.Items != n+1 || r.Total.Cur.Red != again.Total.Cur.Red+1 {
			t.Errorf("after a backdated item: %d items, %d red; want %d, %d", r.Total.Cur.Items, r.Total.Cur.Red, n+1, again.Total.Cur.Red+1)
		}
		opts := OptionsFor(testConfig(), Month{2024, 6})
		opts.Rebuild = true
		r, err := Build(context.Background(), db, opts)
		if err != nil {
			t.Fatal(err)
		}
		if r.Total.Cur.Items != n+1 {
			t.Errorf("rebuilt: %d items, want %d", r.Total.Cur.Items, n+1)
		}
	})
}

// TestMonthEndSnapshotBulk compares a closed month's report counted from
// the register with the same report read from its snapshot, on the bulk
// register (unreachable owners, red items, sources owing a reply).
func TestMonthEndSnapshotBulk(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		storetest.Bulk{N: 2000, RedEvery: 10}.Load(t, db)
		setClock(db, at(2024, 7, 2, 9, 0)) // June has ended: its snapshot is kept
		opts := OptionsFor(testConfig(), Month{2024, 6})
		opts.Now = at(2024, 7, 2, 9, 0)
		opts.Rebuild = true
		counted, err := Build(context.Background(), db, opts)
		if err != nil {
			t.Fatal(err)
		}
		opts.Rebuild = false
		snap, err := Build(context.Background(), db, opts)
		if err != nil {
			t.Fatal(err)
		}
		if counted.Total.Unreachable == 0 || len(counted.TopRed) == 0 {
			t.Fatalf("bulk register has %d unreachable, %d red: nothing to compare", counted.Total.Unreachable, len(counted.TopRed))
		}
		a, b := string(render(t, counted, "md")), string(render(t, snap, "md"))
		if a != b {
			t.Errorf("from the snapshot:\n%s\nwant\n%s", b, a)
		}
	})
}

// TestSnapshotSecondReplyOwed: a B2 letter whose commitments were all
// verified or cancelled in July owes its second reply in July's report,
// counted and read from the snapshot alike, and not in June's.
func TestSnapshotSecondReplyOwed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		importExample(t, db)
		setClock(db, at(2024, 7, 10, 9, 0))
		for _, k := range []string{"jdz-111-fenggang-restoration", "jdz-111-dumping-patrol", "jdz-111-platform-coverage", "jdz-111-cihai-utilisation", "jdz-111-green-manufacturing-plan"} {
			id, err := db.CommitmentIDByKey(ctx, k)
			if err != nil {
				t.Fatalf("example key %s: %v", k, err)
			}
			if err := db.SetStatus(ctx, id, domain.Cancelled, "并入新方案", nil, store.Actor{Channel: "cli"}); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.SetStatus(ctx, idOf(t, db, "jdz-111-changnan-cleanup"), domain.Verified, "", nil, store.Actor{Channel: "cli"}); err != nil {
			t.Fatalf("verify: %v", err)
		}
		setClock(db, at(2024, 8, 2, 9, 0))
		for _, rebuild := range []bool{true, false} {
			opts := OptionsFor(testConfig(), Month{2024, 7})
			opts.Rebuild = rebuild
			r, err := Build(ctx, db, opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Owed) != 1 || r.Owed[0].Key != "jdz-16-4-111" || r.Owed[0].Commitments != 6 {
				t.Errorf("July (rebuild %v): owed %+v, want jdz-16-4-111 with 6 commitments", rebuild, r.Owed)
			}
		}
		if jun := build(t, db, "2024-06"); len(jun.Owed) != 0 {
			t.Errorf("June: owed %+v, want none", jun.Owed)
		}
	})
}
