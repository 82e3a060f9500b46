package report

import (
	"bytes"
	"context"
	"html"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"duban/domain"
	"duban/store"
	"duban/store/storetest"
)

// TestEdgeCases covers an empty register, a unit with a 60-character name
// and 10,000 red items.
func TestEdgeCases(t *testing.T) {
	t.Run("a month with no commitments", func(t *testing.T) {
		storetest.Each(t, func(t *testing.T, db *store.DB) {
			r := build(t, db, "2024-06")
			if r.Total.Cur.Items != 0 || len(r.Units) != 0 {
				t.Fatalf("empty register: %+v", r.Total)
			}
			if text := r.Text(); !strings.Contains(text, "本月无承诺事项") {
				t.Errorf("text does not say there is nothing:\n%s", text)
			}
			if csv := render(t, r, "csv"); strings.Count(string(csv), "\n") != 1 {
				t.Errorf("CSV of nothing has more than a header: %q", csv)
			}
			for _, format := range []string{"md", "xlsx", "png"} {
				if b := render(t, r, format); len(b) == 0 {
					t.Errorf("%s is empty", format)
				}
			}
		})
	})
	t.Run("a unit with a 60-character name", func(t *testing.T) {
		storetest.Each(t, func(t *testing.T, db *store.DB) {
			importExample(t, db)
			setClock(db, at(2024, 5, 1, 9, 0))
			if n := utf8.RuneCountInString(longName); n != 60 {
				t.Fatalf("longName has %d characters", n)
			}
			for _, k := range []string{"long-1", "long-2", "long-3"} {
				addItem(t, db, k, longName, domainDate(2024, 5, 20))
			}
			r := build(t, db, "2024-06")
			if r.Units[0].Name != longName {
				t.Fatalf("worst unit %q, want the long one", r.Units[0].Name)
			}
			text := r.Text()
			if !strings.Contains(text, clip(longName, 30)) || strings.Contains(text, longName) {
				t.Errorf("text should clip the long name to 30 characters:\n%s", text)
			}
			md := render(t, r, "md")
			if !bytes.Contains(md, []byte("| "+longName+" |")) {
				t.Error("Markdown should keep the whole name")
			}
			f, err := excelize.OpenReader(bytes.NewReader(render(t, r, "xlsx")))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if w, _ := f.GetColWidth("汇总", "A"); w < 60 || w > 60.5 {
				t.Errorf("summary unit column %.1f wide, want the cap of 60", w)
			}
			if v, _ := f.GetCellValue("汇总", "A6"); v != longName {
				t.Errorf("summary A6 = %q, want the whole long name", v)
			}
			render(t, r, "png")
		})
	})
	t.Run("10,000 red items keep the text under 4096 characters", func(t *testing.T) {
		storetest.Each(t, func(t *testing.T, db *store.DB) {
			storetest.Bulk{N: 10000, RedEvery: 1}.Load(t, db)
			r := build(t, db, "2024-06")
			if r.Total.Cur.Red != 10000 {
				t.Fatalf("%d red, want 10000", r.Total.Cur.Red)
			}
			text := r.Text()
			if n := utf16Len(html.EscapeString(text)); n > 4096 || n > MaxText {
				t.Errorf("text is %d characters", n)
			}
			if !strings.Contains(text, "详见附件") || !strings.Contains(text, "另有 99") {
				t.Errorf("text does not say how many more are in the attachment:\n%s", text)
			}
			var n int
			err := r.Items(context.Background(), store.ReportItemFilter{Lights: []domain.Light{domain.Red}}, func(*store.ReportItem) error {
				n++
				return nil
			})
			if err != nil || n != 10000 {
				t.Errorf("streamed %d red items (%v), want 10000", n, err)
			}
			if md := render(t, r, "md"); bytes.Count(md, []byte("\n| #")) != 10000 {
				t.Errorf("Markdown lists %d red items, want 10000", bytes.Count(md, []byte("\n| #")))
			}
		})
	})
}
