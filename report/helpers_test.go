package report

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"

	"duban/config"
	"duban/dataset"
	"duban/domain"
	"duban/store"
)

var shanghai = mustLoc("Asia/Shanghai")

func mustLoc(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// at returns a fixed instant in Shanghai time.
func at(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, shanghai)
}

// domainDate is the date y-m-d.
func domainDate(y, m, d int) domain.Date { return domain.NewDate(y, time.Month(m), d) }

// setClock makes db's clock read t.
func setClock(db *store.DB, t time.Time) { db.Now = func() time.Time { return t } }

// testConfig is the default configuration with a supervision chat.
func testConfig() *config.Config {
	cfg := config.Default()
	cfg.Telegram.SupervisionChatID = -100500
	return &cfg
}

// importExample loads examples/jingdezhen-111.yaml the way `duban import`
// does, on 2024-04-15 10:00, the day of the reply letter.
func importExample(t testing.TB, db *store.DB) {
	t.Helper()
	const file = "../examples/jingdezhen-111.yaml"
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := dataset.ParseYAML(bytes.NewReader(data), file)
	if err != nil {
		t.Fatal(err)
	}
	if errs := ds.Validate(file, config.Default().ClassificationScheme); len(errs) > 0 {
		t.Fatal(errs)
	}
	setClock(db, at(2024, 4, 15, 10, 0))
	if _, err := db.Import(context.Background(), ds, store.ImportOptions{File: file}); err != nil {
		t.Fatal(err)
	}
}

// idOf returns the id of the commitment with key.
func idOf(t testing.TB, db *store.DB, key string) int64 {
	t.Helper()
	id, err := db.CommitmentIDByKey(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// owner is the example's official, as an actor of changes.
func owner(t testing.TB, db *store.DB) store.Actor {
	c, err := db.Contact(context.Background(), "zhang-guobin")
	if err != nil {
		t.Fatal(err)
	}
	return store.Actor{ContactID: c.ID, Channel: "telegram"}
}

// build builds the report of month (YYYY-MM) in Chinese, Shanghai time, as
// if asked for once the month is over (the clock may be set earlier, by
// the changes a test makes).
func build(t testing.TB, db *store.DB, month string) *Report {
	t.Helper()
	m, err := ParseMonth(month)
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig()
	opts := OptionsFor(cfg, m)
	opts.Now = later(db.Now(), m.End(cfg.Location))
	r, err := Build(context.Background(), db, opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// later returns the later of a and b.
func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// render renders r in format.
func render(t testing.TB, r *Report, format string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := r.Render(context.Background(), format, &buf); err != nil {
		t.Fatalf("render %s: %v", format, err)
	}
	return buf.Bytes()
}

// addItem creates a commitment of unit due on due, at the clock's time.
func addItem(t testing.TB, db *store.DB, key, unit string, due domain.Date) int64 {
	t.Helper()
	id, err := db.AddCommitment(context.Background(), store.NewCommitment{Key: key, Title: "事项 " + key, Unit: unit,
		Owners: []string{"zhang-guobin"}, Due: due, SourceKey: "jdz-16-4-111"})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// find returns the item with id among r's items as of the month's end.
func find(t testing.TB, r *Report, id int64) *store.ReportItem {
	t.Helper()
	var found *store.ReportItem
	err := r.Items(context.Background(), store.ReportItemFilter{}, func(it *store.ReportItem) error {
		if it.ID == id {
			found = it
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}
