package report

import (
	"bytes"
	"image/png"
	"os"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/image/font/sfnt"

	"duban/store"
	"duban/store/storetest"
)

// TestXLSX reads the workbook back: three sheets, a frozen header row, one
// row per red item and per commitment, numbers as numbers, dates as dates
// and the lights filled with their colour.
func TestXLSX(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		exampleHistory(t, db)
		r := build(t, db, "2024-07")
		f, err := excelize.OpenReader(bytes.NewReader(render(t, r, "xlsx")))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		names := r.SheetNames()
		if got := f.GetSheetList(); len(got) != 3 || got[0] != "汇总" || got[1] != "红灯事项" || got[2] != "全部事项" {
			t.Fatalf("sheets %v, want %v", got, names)
		}
		for sheet, want := range map[string]int{names[1]: 1 + 2, names[2]: 1 + 6} {
			rows, err := f.GetRows(sheet)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != want {
				t.Errorf("%s has %d rows, want %d", sheet, len(rows), want)
			}
			if rows[0][0] != "编号" || rows[0][8] != "期限" {
				t.Errorf("%s header %v", sheet, rows[0])
			}
			panes, err := f.GetPanes(sheet)
			if err != nil || !panes.Freeze || panes.YSplit != 1 {
				t.Errorf("%s: header row not frozen: %+v %v", sheet, panes, err)
			}
		}
		red := names[1]
		// The first red item: #2, due 2024-06-30, 32 days overdue.
		if v, _ := f.GetCellValue(red, "A2"); v != "2" {
			t.Errorf("A2 = %q, want 2", v)
		}
		for _, c := range []string{"A2", "I2", "M2", "N2", "O2"} {
			raw, _ := f.GetCellValue(red, c, excelize.Options{RawCellValue: true})
			if _, err := strconv.ParseFloat(raw, 64); err != nil {
				t.Errorf("%s = %q: not a number", c, raw)
			}
			if typ, _ := f.GetCellType(red, c); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
				t.Errorf("%s has type %v, want a number", c, typ)
			}
		}
		if v, _ := f.GetCellValue(red, "I2"); v != "2024-06-30" {
			t.Errorf("due shows %q, want 2024-06-30 (a date cell)", v)
		}
		if raw, _ := f.GetCellValue(red, "I2", excelize.Options{RawCellValue: true}); raw != "45473" {
			t.Errorf("due is %q, want the serial date 45473", raw)
		}
		if v, _ := f.GetCellValue(red, "O2"); v != "2024-05-20" {
			t.Errorf("last progress shows %q, want 2024-05-20", v)
		}
		if v, _ := f.GetCellValue(red, "M2"); v != "32" {
			t.Errorf("days overdue %q, want 32", v)
		}
		style, _ := f.GetCellStyle(red, "L2")
		if st, err := f.GetStyle(style); err != nil || len(st.Fill.Color) == 0 || st.Fill.Color[0] != "FFC7CE" {
			t.Errorf("red light cell not filled red: %+v %v", st, err)
		}
		all := names[2]
		style, _ = f.GetCellStyle(all, "L5") // #4, green
		if st, err := f.GetStyle(style); err != nil || len(st.Fill.Color) == 0 || st.Fill.Color[0] != "C6EFCE" {
			t.Errorf("green light cell not filled green: %+v %v", st, err)
		}
		if w, _ := f.GetColWidth(all, "B"); w < 40 {
			t.Errorf("title column %.0f wide, want at least 40", w)
		}
		sum := names[0]
		if v, _ := f.GetCellValue(sum, "A5"); v != "合计" {
			t.Errorf("summary A5 = %q, want 合计", v)
		}
		if v, _ := f.GetCellValue(sum, "A6"); v != "国家试验区管委会办公室" {
			t.Errorf("summary A6 = %q, want the unit", v)
		}
		if raw, _ := f.GetCellValue(sum, "N5", excelize.Options{RawCellValue: true}); raw != "1" {
			t.Errorf("satisfaction rate cell = %q, want 1 (100 %%)", raw)
		}
	})
}

// TestPNG draws the chart, decodes it, and checks that the font found has
// every glyph of the labels; the image is kept in
// /tmp/duban-report-chart.png to look at.
func TestPNG(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		exampleHistory(t, db)
		setClock(db, at(2024, 5, 10, 9, 0))
		addItem(t, db, "long-unit", longName, domainDate(2024, 6, 1))
		addItem(t, db, "other-unit", "市生态环境局", domainDate(2024, 8, 3))
		r := build(t, db, "2024-07")
		b := render(t, r, "png")
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if img.Bounds().Dx() < 1000 || img.Bounds().Dy() < 300 {
			t.Errorf("chart is %v, too small", img.Bounds())
		}
		if dir := os.Getenv("DUBAN_CHART_DIR"); dir != "" && db.Dialect() == store.SQLite {
			os.WriteFile(dir+"/duban-report-chart.png", b, 0o644) // to look at
		}
		face, path, err := FindFont(os.Getenv)
		if err != nil {
			t.Fatal(err)
		}
		if face == nil {
			if os.Getenv("CI") == "true" {
				t.Fatal("no CJK font under CI=true: .ci/run installs fonts-wqy-microhei")
			}
			t.Skip("no CJK font: install fonts-wqy-microhei")
		}
		for _, u := range r.Units {
			if label := clip(u.Name, 16); !hasGlyphs(face, label) {
				t.Errorf("font %s lacks glyphs of %q", path, label)
			}
		}
		for _, s := range []string{"各单位红黄绿灯 截至", "红灯黄灯绿灯事项数0123456789-:（）"} {
			if !hasGlyphs(face, s) {
				t.Errorf("font %s lacks glyphs of %q", path, s)
			}
		}
	})
}

// TestPNGWithoutFont draws with the default font when the configured one
// is missing, and warns.
func TestPNGWithoutFont(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	exampleHistory(t, db)
	r := build(t, db, "2024-07")
	var buf bytes.Buffer
	if err := r.writePNG(&buf, func(string) string { return "/nonexistent/font.ttf" }); err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(&buf); err != nil {
		t.Fatal(err)
	}
}

// hasGlyphs reports whether f draws every rune of s but spaces.
func hasGlyphs(f *sfnt.Font, s string) bool {
	var buf sfnt.Buffer
	for _, r := range s {
		if r == ' ' {
			continue
		}
		if g, err := f.GlyphIndex(&buf, r); err != nil || g == 0 {
			return false
		}
	}
	return true
}
