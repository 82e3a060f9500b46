package report

import (
	"archive/zip"
	"compress/flate"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/mattn/go-runewidth"
	"github.com/xuri/excelize/v2"

	"duban/domain"
	"duban/store"
)

// xlsxStyles are the cell styles of the workbook.
type xlsxStyles struct {
	header, title, date, pct int
	light                    map[domain.Light]int
}

func newXLSXStyles(f *excelize.File) (*xlsxStyles, error) {
	s := &xlsxStyles{light: map[domain.Light]int{}}
	var err error
	add := func(st *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = f.NewStyle(st)
		return id
	}
	dateFmt, pctFmt := "yyyy-mm-dd", "0.0%"
	s.header = add(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}},
		Alignment: &excelize.Alignment{Vertical: "center"}})
	s.title = add(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	s.date = add(&excelize.Style{CustomNumFmt: &dateFmt})
	s.pct = add(&excelize.Style{CustomNumFmt: &pctFmt})
	// Excel's own light fills: light red, yellow and green with dark text.
	for l, c := range map[domain.Light][2]string{
		domain.Red:    {"FFC7CE", "9C0006"},
		domain.Yellow: {"FFEB9C", "9C5700"},
		domain.Green:  {"C6EFCE", "006100"},
	} {
		s.light[l] = add(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{c[0]}}, Font: &excelize.Font{Color: c[1]}})
	}
	return s, err
}

// WriteXLSX writes the report as a workbook of three sheets: the summary
// (totals, units, classifications, sources owing a second reply), the red
// items and all items. The two item sheets are streamed from the database
// through excelize's StreamWriter, so rows never pile up in memory; the
// workbook is zipped at the end.
func (r *Report) WriteXLSX(ctx context.Context, out io.Writer) error {
	w := wordsFor(r.Lang)
	f := excelize.NewFile()
	defer f.Close()
	st, err := newXLSXStyles(f)
	if err != nil {
		return fmt.Errorf("xlsx styles: %w", err)
	}
	names := r.SheetNames()
	if err := f.SetSheetName("Sheet1", names[0]); err != nil {
		return err
	}
	for _, n := range names[1:] {
		if _, err := f.NewSheet(n); err != nil {
			return err
		}
	}
	// Before the streams: afterwards excelize would parse every streamed
	// sheet back into memory to change it.
	f.SetActiveSheet(0)
	if err := r.summarySheet(f, names[0], w, st); err != nil {
		return fmt.Errorf("xlsx summary: %w", err)
	}
	red := store.ReportItemFilter{Lights: []domain.Light{domain.Red}, Order: store.OrderByOverdue}
	if err := r.itemSheet(ctx, f, names[1], w, st, red); err != nil {
		return fmt.Errorf("xlsx red items: %w", err)
	}
	if err := r.itemSheet(ctx, f, names[2], w, st, store.ReportItemFilter{}); err != nil {
		return fmt.Errorf("xlsx all items: %w", err)
	}
	// excelize zips the workbook into a buffer before writing it out; a
	// zip writer of our own on out streams it instead, so a million-row
	// workbook is never held whole in memory. (The buffer stays empty. It
	// would only be patched for zip64 entries, parts over 4 GB.)
	// The fastest deflate level: a third of the default's time for a
	// slightly larger file.
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter {
		zw := zip.NewWriter(out)
		zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
		return zw
	})
	if _, err := f.WriteTo(io.Discard); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	return nil
}

// SheetNames returns the names of the summary, red items and all items
// sheets, in the report's language.
func (r *Report) SheetNames() [3]string {
	w := wordsFor(r.Lang)
	return [3]string{w.pick("汇总", "Summary"), w.pick("红灯事项", "Red items"), w.pick("全部事项", "All items")}
}

// cellWidth is the column width that shows s, counting CJK characters as
// two, within bounds.
func cellWidth(s string, lo, hi float64) float64 {
	return min(max(float64(runewidth.StringWidth(s))+2, lo), hi)
}

func (r *Report) summarySheet(f *excelize.File, sheet string, w words, st *xlsxStyles) error {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	header := unitHeader(w)
	unitW := cellWidth(w.total(), 12, 60)
	for _, u := range r.Units {
		unitW = max(unitW, cellWidth(w.unit(u.Name), 12, 60))
	}
	for _, c := range r.Classes {
		unitW = max(unitW, cellWidth(w.class(c.Class), 12, 60))
	}
	if err := sw.SetColWidth(1, 1, unitW); err != nil {
		return err
	}
	for i, h := range header[1:] {
		if err := sw.SetColWidth(i+2, i+2, cellWidth(h, 9, 20)); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 4, TopLeftCell: "A5", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	row := 1
	put := func(cells ...any) error {
		cell, _ := excelize.CoordinatesToCellName(1, row)
		row++
		return sw.SetRow(cell, cells)
	}
	title := w.pick("督办月报 "+w.monthTitle(r.Month), "Supervision report, "+w.monthTitle(r.Month))
	if err := put(excelize.Cell{StyleID: st.title, Value: title}); err != nil {
		return err
	}
	if err := put(w.asOf(r)); err != nil {
		return err
	}
	row++
	if err := put(headerCells(header, st)...); err != nil {
		return err
	}
	total := Stats{Name: w.total(), Cur: r.Total.Cur, Prev: r.Total.Prev, Unreachable: r.Total.Unreachable, Rated: r.Total.Rated, Satisfied: r.Total.Satisfied}
	for _, u := range append([]Stats{total}, r.Units...) {
		if err := put(unitCells(w, u, st)...); err != nil {
			return err
		}
	}
	row++
	if err := put(headerCells(classHeader(w), st)...); err != nil {
		return err
	}
	for _, c := range r.Classes {
		cr, ok := c.Cur.OnTimeRate()
		if err := put(w.class(c.Class), c.Cur.Items, c.Cur.Open, countCell(c.Cur.Red, domain.Red, st), Delta(c.Cur.Red, c.Prev.Red),
			c.Cur.Closed, c.Cur.Done, pctCell(cr, ok, st), c.Cur.Extensions); err != nil {
			return err
		}
	}
	row++
	if err := put(headerCells([]string{w.pick("待二次答复的B类来源", "B-class sources owing a second reply"), w.pick("来源", "Source"),
		w.pick("答复文号", "Reply"), w.pick("分类", "Class"), w.pick("事项", "Items")}, st)...); err != nil {
		return err
	}
	for _, s := range r.Owed {
		if err := put(s.Title, source(s.Number, s.Key), s.ReplyDocNo, s.Classification, s.Commitments); err != nil {
			return err
		}
	}
	if len(r.Unreachable) > 0 {
		row++
		if err := put(headerCells([]string{w.pick("联系不上的责任人", "Unreachable owners"), w.pick("键", "Key"), w.pick("原因", "Why")}, st)...); err != nil {
			return err
		}
		for _, o := range r.Unreachable {
			if err := put(o.Name, o.Key, o.Why); err != nil {
				return err
			}
		}
	}
	return sw.Flush()
}

func headerCells(h []string, st *xlsxStyles) []any {
	out := make([]any, len(h))
	for i, v := range h {
		out[i] = excelize.Cell{StyleID: st.header, Value: v}
	}
	return out
}

// countCell fills a count of red, yellow or green items with its light's
// colour when it is not zero.
func countCell(n int, l domain.Light, st *xlsxStyles) any {
	if n == 0 {
		return n
	}
	return excelize.Cell{StyleID: st.light[l], Value: n}
}

// pctCell is a rate as a real percentage, or empty.
func pctCell(v float64, ok bool, st *xlsxStyles) any {
	if !ok {
		return nil
	}
	return excelize.Cell{StyleID: st.pct, Value: v / 100}
}

func unitCells(w words, u Stats, st *xlsxStyles) []any {
	c, p := u.Cur, u.Prev
	cr, cok := c.OnTimeRate()
	pr, pok := p.OnTimeRate()
	sr, sok := u.SatisfactionRate()
	return []any{w.unit(u.Name), c.Items, c.Open, countCell(c.Red, domain.Red, st), Delta(c.Red, p.Red), countCell(c.Yellow, domain.Yellow, st),
		countCell(c.Green, domain.Green, st), c.MaxDaysOverdue, c.NewlyRed, c.Done, c.Verified, pctCell(cr, cok, st), pctCell(pr, pok, st),
		pctCell(sr, sok, st), c.Extensions, c.LateExtensions, u.Unreachable}
}

// itemSheet streams the items f selects into sheet, one row each after a
// frozen header row.
// sheetRows is how many items an item sheet holds, below Excel's limit of
// 1,048,576 rows with room to spare: the rest go on to a sheet named
// after the first with a number (全部事项（2）).
var sheetRows = 1000000

func (r *Report) itemSheet(ctx context.Context, file *excelize.File, sheet string, w words, st *xlsxStyles, f store.ReportItemFilter) error {
	sw, err := r.itemSheetStart(file, sheet, w, st)
	if err != nil {
		return err
	}
	row, part := 2, 1
	cells := make([]any, len(w.itemHeader()))
	err = r.pipeItems(ctx, f, func(it *store.ReportItem) error {
		if row > sheetRows+1 {
			if err := sw.Flush(); err != nil {
				return err
			}
			part++
			next := w.pick(fmt.Sprintf("%s（%d）", sheet, part), fmt.Sprintf("%s (%d)", sheet, part))
			if _, err := file.NewSheet(next); err != nil {
				return err
			}
			if sw, err = r.itemSheetStart(file, next, w, st); err != nil {
				return err
			}
			row = 2
		}
		r.itemCells(cells, w, it, st)
		cell, _ := excelize.CoordinatesToCellName(1, row)
		row++
		return sw.SetRow(cell, cells)
	})
	if err != nil {
		return err
	}
	return sw.Flush()
}

// itemSheetStart opens the stream of an item sheet and writes its header.
func (r *Report) itemSheetStart(file *excelize.File, sheet string, w words, st *xlsxStyles) (*excelize.StreamWriter, error) {
	sw, err := file.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	header := w.itemHeader()
	titleW, unitW := 40.0, cellWidth(w.unit(""), 12, 60)
	for _, it := range r.TopRed {
		titleW = max(titleW, cellWidth(it.Title, 40, 80))
	}
	for _, u := range r.Units {
		unitW = max(unitW, cellWidth(w.unit(u.Name), 12, 60))
	}
	widths := []float64{8, titleW, unitW, 16, 14, 10, 10, 10, 12, 10, 10, 8, 10, 10, 14, 40, 12, 28}
	for i, h := range header {
		if err := sw.SetColWidth(i+1, i+1, max(widths[i], cellWidth(h, 8, 20))); err != nil {
			return nil, err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	if err := sw.SetRow("A1", headerCells(header, st)); err != nil {
		return nil, err
	}
	return sw, nil
}

// pipeItems is Items with the reading and fn on two goroutines, batches of
// items passed between them: reading rows and writing cells each take about
// half the time of a big workbook, so they overlap.
func (r *Report) pipeItems(ctx context.Context, f store.ReportItemFilter, fn func(*store.ReportItem) error) error {
	const size = 256
	batches := make(chan []*store.ReportItem, 8)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	read := make(chan error, 1)
	go func() {
		defer close(batches)
		batch := make([]*store.ReportItem, 0, size)
		err := r.Items(ctx, f, func(it *store.ReportItem) error {
			if batch = append(batch, it); len(batch) == size {
				select {
				case batches <- batch:
				case <-ctx.Done():
					return ctx.Err()
				}
				batch = make([]*store.ReportItem, 0, size)
			}
			return nil
		})
		if err == nil && len(batch) > 0 {
			select {
			case batches <- batch:
			case <-ctx.Done():
				err = ctx.Err()
			}
		}
		read <- err
	}()
	for batch := range batches {
		for _, it := range batch {
			if err := fn(it); err != nil {
				cancel()
				for range batches {
				}
				<-read
				return err
			}
		}
	}
	return <-read
}

// itemCells fills cells with a commitment's row, in the order of
// itemHeader: numbers as numbers, dates as dates.
func (r *Report) itemCells(cells []any, w words, it *store.ReportItem, st *xlsxStyles) {
	day := func(d domain.Date) any {
		if d.IsZero() {
			return nil
		}
		return excelize.Cell{StyleID: st.date, Value: d.Start(time.UTC)}
	}
	local := func(t *time.Time) any {
		if t == nil {
			return nil
		}
		return day(domain.DateOf(*t, r.Loc))
	}
	light := any(w.light(it.Light))
	if s, ok := st.light[it.Light]; ok {
		light = excelize.Cell{StyleID: s, Value: w.light(it.Light)}
	}
	var overdue any
	if it.DaysOverdue > 0 {
		overdue = it.DaysOverdue
	}
	note := any(nil)
	if it.LastProgressNote != "" {
		note = it.LastProgressNote
	}
	cells[0], cells[1], cells[2], cells[3] = it.ID, it.Title, w.unit(it.Unit), w.ownerList(it.Owners)
	cells[4], cells[5], cells[6], cells[7] = source(it.SourceNumber, it.SourceKey), it.Class, w.category(it.Category), w.strength(it.Strength)
	cells[8], cells[9], cells[10], cells[11] = day(it.Due), w.precision(it.DuePrecision), w.status(it.Status), light
	cells[12], cells[13], cells[14], cells[15] = overdue, it.Progress, local(it.LastProgressAt), note
	cells[16], cells[17] = local(it.DoneAt), it.Key
}
