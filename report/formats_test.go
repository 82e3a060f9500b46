package report

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	xfont "golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/encoding/simplifiedchinese"

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

// TestPNG draws the chart with the system's fonts hidden, decodes it, and
// checks by rendering that the embedded font draws every label (each rune
// inks pixels, none falls back to the empty glyph); the image is kept in
// $DUBAN_CHART_DIR/duban-report-chart.png to look at.
func TestPNG(t *testing.T) {
	hideSystemFonts(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		exampleHistory(t, db)
		setClock(db, at(2024, 5, 10, 9, 0))
		addItem(t, db, "long-unit", longName, domainDate(2024, 6, 1))
		addItem(t, db, "other-unit", "市生态环境局", domainDate(2024, 8, 3))
		addItem(t, db, "rare-unit", "鄱阳县乐平市浮梁县婺源县", domainDate(2024, 8, 3))
		r := build(t, db, "2024-07")
		var buf bytes.Buffer
		if err := r.writePNG(&buf, noEnv); err != nil {
			t.Fatal(err)
		}
		b := buf.Bytes()
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
		face, err := EmbeddedFont()
		if err != nil {
			t.Fatal(err)
		}
		w := wordsFor("zh")
		labels := []string{"各单位红黄绿灯 " + w.monthTitle(r.Month) + "（" + w.asOfShort(r) + "）", "事项数", "红灯", "黄灯", "绿灯", "0123456789"}
		for _, u := range r.Units {
			labels = append(labels, clip(w.unit(u.Name), 16), barLabel(w, u.Cur.Red, u.Cur.Yellow, u.Cur.Green))
		}
		for _, l := range labels {
			for _, c := range l {
				if c != ' ' && !inks(t, face, c) {
					t.Errorf("embedded font does not draw %q of %q", c, l)
				}
			}
		}
	})
}

// TestPNGGB2312 checks that the embedded font draws every hanzi of GB2312
// (both levels), what unit names are written with.
func TestPNGGB2312(t *testing.T) {
	face, err := EmbeddedFont()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for hi := 0xB0; hi <= 0xF7; hi++ {
		for lo := 0xA1; lo <= 0xFE; lo++ {
			if hi == 0xD7 && lo > 0xF9 {
				break
			}
			s, err := simplifiedchinese.GBK.NewDecoder().Bytes([]byte{byte(hi), byte(lo)})
			if err != nil {
				t.Fatal(err)
			}
			n++
			if missingGlyphs(face, []string{string(s)}) != "" {
				t.Errorf("embedded font lacks %s", s)
			}
		}
	}
	if n != 6763 {
		t.Errorf("checked %d hanzi, want 6763", n)
	}
}

// TestPNGMissingGlyphs refuses to draw a chart whose unit name has a
// character no font at hand draws, and the scheduled report records the
// chart as dead instead of posting it.
func TestPNGMissingGlyphs(t *testing.T) {
	hideSystemFonts(t)
	db := storetest.Open(t, store.SQLite)
	exampleHistory(t, db)
	setClock(db, at(2024, 5, 10, 9, 0))
	addItem(t, db, "rare", "𠀾𡈽办", domainDate(2024, 6, 1))
	r := build(t, db, "2024-07")
	var buf bytes.Buffer
	var missing *MissingGlyphsError
	if err := r.writePNG(&buf, noEnv); !errors.As(err, &missing) || missing.Runes != "𠀾𡈽" {
		t.Fatalf("got %v, want a MissingGlyphsError naming 𠀾𡈽", err)
	}
	setClock(db, at(2024, 8, 1, 9, 0))
	if _, err := EnqueueMonthly(context.Background(), db, testConfig(), "2024-07"); err != nil {
		t.Fatal(err)
	}
	ns, err := db.Notifications(context.Background(), store.OutboxFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range ns {
		if strings.HasSuffix(n.DedupKey, "/png") && (n.State != store.StateDead || !strings.Contains(n.LastError, "no font draws")) {
			t.Errorf("png row %s is %s (%q), want dead: it would be posted", n.DedupKey, n.State, n.LastError)
		}
	}
}

// noEnv is an environment with nothing set.
func noEnv(string) string { return "" }

// hideSystemFonts makes the chart see no system font.
func hideSystemFonts(t *testing.T) {
	old := FontPaths
	FontPaths = []string{filepath.Join(t.TempDir(), "none.ttc")}
	t.Cleanup(func() { FontPaths = old })
}

// inks reports whether face draws r with some ink (not the empty glyph 0).
func inks(t *testing.T, f *sfnt.Font, r rune) bool {
	t.Helper()
	var buf sfnt.Buffer
	g, err := f.GlyphIndex(&buf, r)
	if err != nil || g == 0 {
		return false
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: 24, DPI: 72})
	if err != nil {
		t.Fatal(err)
	}
	dst := image.NewGray(image.Rect(0, 0, 48, 48))
	d := xfont.Drawer{Dst: dst, Src: image.White, Face: face, Dot: fixed.P(8, 36)}
	d.DrawString(string(r))
	for _, p := range dst.Pix {
		if p > 0 {
			return true
		}
	}
	return r == '　' // the ideographic space draws nothing, rightly
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

// TestXLSXSplitsLongSheets goes on to a second all-items sheet when the
// first is full, so that no sheet reaches Excel's row limit.
func TestXLSXSplitsLongSheets(t *testing.T) {
	old := sheetRows
	sheetRows = 4
	t.Cleanup(func() { sheetRows = old })
	db := storetest.Open(t, store.SQLite)
	exampleHistory(t, db)
	r := build(t, db, "2024-07")
	f, err := excelize.OpenReader(bytes.NewReader(render(t, r, "xlsx")))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := []string{"汇总", "红灯事项", "全部事项", "全部事项（2）"}
	if got := f.GetSheetList(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("sheets %v, want %v", got, want)
	}
	a, _ := f.GetRows("全部事项")
	b, _ := f.GetRows("全部事项（2）")
	if len(a) != 5 || len(b) != 3 || b[0][0] != "编号" || b[1][0] != "5" {
		t.Errorf("first sheet %d rows, second %d (%v); want 5 and 3 with a header", len(a), len(b), b)
	}
}
