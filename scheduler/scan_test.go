package scheduler

import (
	"context"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"duban/calendar"
	"duban/config"
	"duban/dataset"
	"duban/remind"
	"duban/store"
	"duban/store/storetest"
)

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

// loadExample imports the example letter's commitments at created.
func loadExample(t testing.TB, db *store.DB, created time.Time) {
	t.Helper()
	f, err := os.Open("../examples/jingdezhen-111.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ds, err := dataset.ParseYAML(f, "example")
	if err != nil {
		t.Fatal(err)
	}
	if errs := ds.Validate("example", nil); len(errs) > 0 {
		t.Fatal(errs)
	}
	db.Now = func() time.Time { return created }
	if _, err := db.Import(context.Background(), ds, store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
}

func newScanner(db *store.DB) *Scanner {
	cfg := config.Default()
	cfg.Telegram.SupervisionChatID = -100111
	return &Scanner{DB: db, Policy: remind.PolicyFromConfig(&cfg, calendar.China()),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

func keys(t testing.TB, db *store.DB) []string {
	t.Helper()
	ns, err := db.Notifications(context.Background(), store.OutboxFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, n := range ns {
		out = append(out, n.DedupKey)
	}
	sort.Strings(out)
	return out
}

func TestScanIsIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		loadExample(t, db, at("2024-04-15 10:00"))
		s := newScanner(db)
		now := at("2024-06-21 09:05") // Friday: the 7-day reminder of the Sunday 06-30 deadline
		first, err := s.Scan(context.Background(), now, false)
		if err != nil {
			t.Fatal(err)
		}
		if first.Enqueued == 0 {
			t.Fatal("nothing enqueued")
		}
		want := keys(t, db)
		for i := 0; i < 5; i++ {
			if _, err := db.SQLX().Exec(`UPDATE commitments SET next_remind_at = created_at`); err != nil {
				t.Fatal(err) // force every row to be looked at again
			}
			res, err := s.Scan(context.Background(), now, false)
			if err != nil {
				t.Fatal(err)
			}
			if res.Enqueued != 0 {
				t.Fatalf("scan %d enqueued %d more", i+2, res.Enqueued)
			}
		}
		if got := keys(t, db); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("outbox changed:\n%v\n%v", want, got)
		}
		var found bool
		for _, k := range want {
			if strings.Contains(k, "/lead/lead-7/2024-06-30") && strings.Contains(k, "zhang-guobin") {
				found = true
			}
		}
		if !found {
			t.Fatalf("no 7-day lead reminder for the restoration on Friday 06-21: %v", want)
		}
	})
}

func TestScanFromTwoProcessesAtOnce(t *testing.T) {
	url := storetest.URL(t, store.Postgres)
	open := func() *store.DB {
		db, err := store.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	a, b := open(), open()
	if _, err := a.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	loadExample(t, a, at("2024-04-15 10:00"))
	now := at("2024-08-01 09:30")
	var wg sync.WaitGroup
	for _, db := range []*store.DB{a, b} {
		for i := 0; i < 3; i++ {
			wg.Add(1)
			go func(db *store.DB) {
				defer wg.Done()
				if _, err := newScanner(db).Scan(context.Background(), now, false); err != nil {
					t.Error(err)
				}
			}(db)
		}
	}
	wg.Wait()
	ks := keys(t, a)
	seen := map[string]bool{}
	for _, k := range ks {
		if seen[k] {
			t.Fatalf("duplicate %s", k)
		}
		seen[k] = true
	}
	if len(ks) == 0 {
		t.Fatal("nothing enqueued")
	}
}

func TestCatchUpAfterThreeWeeksDown(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		loadExample(t, db, at("2024-04-15 10:00"))
		s := newScanner(db)
		if _, err := s.Scan(context.Background(), at("2024-06-20 10:00"), false); err != nil {
			t.Fatal(err)
		}
		before := len(keys(t, db))
		// Down from 06-20 to 07-11: the 7-day, 1-day, due and escalation
		// stages of the restoration all passed meanwhile.
		res, err := s.Scan(context.Background(), at("2024-07-11 10:00"), false)
		if err != nil {
			t.Fatal(err)
		}
		perSeries := map[string]int{}
		for _, n := range res.Reminders {
			if n.CommitmentID != 2 {
				continue
			}
			series := n.Kind
			if series == "lead" || series == "due" || series == "overdue" {
				series = "deadline"
			}
			perSeries[series]++
		}
		for series, n := range perSeries {
			if n != 1 {
				t.Errorf("series %s got %d messages after downtime, want 1 (the latest stage)", series, n)
			}
		}
		if perSeries["deadline"] != 1 || perSeries["escalation"] != 1 {
			t.Errorf("catch-up sent %v, want one deadline reminder and one escalation", perSeries)
		}
		if len(keys(t, db)) <= before {
			t.Error("nothing enqueued after downtime")
		}
	})
}

func TestDryRunWritesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		loadExample(t, db, at("2024-04-15 10:00"))
		res, err := newScanner(db).Scan(context.Background(), at("2024-07-11 10:00"), true)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Reminders) == 0 {
			t.Fatal("dry run found nothing")
		}
		if ks := keys(t, db); len(ks) != 0 {
			t.Fatalf("dry run wrote %v", ks)
		}
	})
}

func TestScanReadsOnlyWhatIsDue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		loadExample(t, db, at("2024-04-15 10:00"))
		s := newScanner(db)
		if _, err := s.Scan(context.Background(), at("2024-04-15 10:05"), false); err != nil {
			t.Fatal(err)
		}
		// Right after, nothing is due: the scan looks at no row.
		res, err := s.Scan(context.Background(), at("2024-04-15 10:10"), false)
		if err != nil {
			t.Fatal(err)
		}
		if res.Commitments != 0 {
			t.Fatalf("scan looked at %d commitments, want 0", res.Commitments)
		}
		// A progress update makes its commitment due for a fresh look.
		db.Now = func() time.Time { return at("2024-04-16 10:00") }
		if err := db.AddProgress(context.Background(), 2, 10, "", nil, store.Actor{}); err != nil {
			t.Fatal(err)
		}
		res, err = s.Scan(context.Background(), at("2024-04-16 10:05"), false)
		if err != nil {
			t.Fatal(err)
		}
		if res.Commitments != 1 {
			t.Fatalf("scan looked at %d commitments, want 1", res.Commitments)
		}
	})
}
