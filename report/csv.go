package report

import (
	"bufio"
	"context"
	"encoding/csv"
	"io"
	"strconv"

	"duban/store"
)

// bom starts the CSV so that Excel and WPS read it as UTF-8.
const bom = "\uFEFF"

// WriteCSV writes one row per commitment that existed at the end of the
// month, as it was then, by id: UTF-8 with a byte order mark, a header row
// in the report's language, rows streamed from the database.
func (r *Report) WriteCSV(ctx context.Context, out io.Writer) error {
	w := wordsFor(r.Lang)
	b := bufio.NewWriter(out)
	if _, err := b.WriteString(bom); err != nil {
		return err
	}
	cw := csv.NewWriter(b)
	if err := cw.Write(w.itemHeader()); err != nil {
		return err
	}
	err := r.Items(ctx, store.ReportItemFilter{}, func(it *store.ReportItem) error {
		return cw.Write(r.itemStrings(w, it))
	})
	if err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return b.Flush()
}

// itemStrings is a commitment as a row of text, in the order of itemHeader.
func (r *Report) itemStrings(w words, it *store.ReportItem) []string {
	overdue := ""
	if it.DaysOverdue > 0 {
		overdue = strconv.Itoa(it.DaysOverdue)
	}
	return []string{strconv.FormatInt(it.ID, 10), it.Title, w.unit(it.Unit), w.ownerList(it.Owners), source(it.SourceNumber, it.SourceKey),
		it.Class, w.category(it.Category), w.strength(it.Strength), it.Due.String(), w.precision(it.DuePrecision),
		w.status(it.Status), w.light(it.Light), overdue, strconv.Itoa(it.Progress), date(it.LastProgressAt, r.Loc),
		it.LastProgressNote, date(it.DoneAt, r.Loc), it.Key}
}
