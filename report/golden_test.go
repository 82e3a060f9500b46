package report

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"

	"duban/store"
	"duban/store/storetest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// exampleHistory replays a little history on the example letter: progress
// on the restoration in May and on the platform in June.
func exampleHistory(t testing.TB, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	importExample(t, db)
	by := owner(t, db)
	setClock(db, at(2024, 5, 20, 16, 30))
	if err := db.AddProgress(ctx, idOf(t, db, "jdz-111-fenggang-restoration"), 40, "已完成场地平整，开始覆土", nil, by); err != nil {
		t.Fatal(err)
	}
	setClock(db, at(2024, 6, 25, 11, 0))
	if err := db.AddProgress(ctx, idOf(t, db, "jdz-111-platform-coverage"), 60, "已有150家规上企业上平台", nil, by); err != nil {
		t.Fatal(err)
	}
	setClock(db, at(2024, 8, 1, 9, 0))
}

// TestGolden renders the example letter's report for May 2024 (before the
// June deadlines) and July 2024 (after them) as text, Markdown and CSV, and
// checks them against testdata/; run with -update to rewrite the files.
// SQLite and PostgreSQL must give the same bytes.
func TestGolden(t *testing.T) {
	var mu sync.Mutex
	got := map[string]map[string][]byte{} // backend → file → bytes
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		exampleHistory(t, db)
		out := map[string][]byte{}
		for _, month := range []string{"2024-05", "2024-07"} {
			r := build(t, db, month)
			for format, ext := range map[string]string{"text": "txt", "md": "md", "csv": "csv"} {
				name := "jingdezhen-" + month + "." + ext
				b := render(t, r, format)
				out[name] = b
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
		}
		mu.Lock()
		got[db.Dialect()] = out
		mu.Unlock()
	})
	lite, pg := got[store.SQLite], got[store.Postgres]
	if lite == nil || pg == nil {
		t.Skip("PostgreSQL not reached: cannot compare the backends")
	}
	var names []string
	for n := range lite {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if !bytes.Equal(lite[n], pg[n]) {
			t.Errorf("%s: SQLite and PostgreSQL differ:\n--- sqlite\n%s\n--- postgres\n%s", n, lite[n], pg[n])
		}
	}
}

// TestCSVHasBOMAndOneRowPerCommitment checks the CSV's byte order mark and
// that it has a row for each commitment that existed.
func TestCSVHasBOMAndOneRowPerCommitment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		exampleHistory(t, db)
		b := render(t, build(t, db, "2024-07"), "csv")
		if !bytes.HasPrefix(b, []byte("\xEF\xBB\xBF编号,")) {
			t.Fatalf("CSV does not start with a BOM and the header: %q", b[:min(len(b), 20)])
		}
		if n := bytes.Count(b, []byte("\n")); n != 1+6 {
			t.Errorf("CSV has %d lines, want a header and 6 commitments", n)
		}
	})
}
