package web

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"duban/domain"
	"duban/store"
	"duban/web/form"
)

// exportHeader is the export's columns: keys for machines first, then what
// a person reads.
func exportHeader(l lang) []string {
	return []string{"id", "key", l.T("col.title"), l.T("col.unit"), l.T("col.owners"), l.T("col.due"), l.T("field.precision"),
		l.T("col.status"), l.T("col.light"), l.T("col.progress"), l.T("col.overdue"), l.T("col.source"), l.T("col.class"), l.T("field.updated")}
}

func (s *Server) exportRow(l lang, r *store.RegisterRow) []string {
	now := s.Now()
	od := 0
	if r.Status.Active() {
		od = domain.DaysOverdue(r.Due, now, s.Loc)
	}
	return []string{strconv.FormatInt(r.ID, 10), r.Key, r.Title, r.Unit, strings.Join(r.OwnerNames, "、"), r.Due.String(),
		string(r.DuePrecision), l.Status(r.Status), l.Light(r.Light(now, s.Loc, s.WarnDays)), strconv.Itoa(r.Progress),
		strconv.Itoa(od), r.SourceNumber, r.Classification, l.Time(r.UpdatedAt, s.Loc)}
}

// exportQuery is the register's filter without paging: the whole set.
func (s *Server) exportQuery(w http.ResponseWriter, r *http.Request) (store.RegisterQuery, bool) {
	f, err := form.ParseFilter(r.URL.Query())
	if err != nil {
		s.renderStatus(w, r, http.StatusBadRequest, "error", "error.bad", "bad:"+err.Error())
		return store.RegisterQuery{}, false
	}
	f.After = ""
	q := f.Query()
	v := viewer(r)
	q.Scope, q.Today, q.WarnDays = s.scopeOf(v), s.today(), s.WarnDays
	return q, true
}

func (s *Server) exportName(ext string) string {
	return fmt.Sprintf("duban-%s.%s", s.today(), ext)
}

// registerCSV streams the filtered register as CSV, UTF-8 with a BOM so
// that Excel and WPS open it right.
func (s *Server) registerCSV(w http.ResponseWriter, r *http.Request) {
	q, ok := s.exportQuery(w, r)
	if !ok {
		return
	}
	l := langOf(viewer(r))
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+s.exportName("csv")+`"`)
	w.Write([]byte("\ufeff"))
	cw := csv.NewWriter(w)
	cw.Write(exportHeader(l))
	err := s.DB.Register(r.Context(), q, func(row *store.RegisterRow) error { return cw.Write(s.exportRow(l, row)) })
	cw.Flush()
	if err != nil {
		s.Logger.Error("export csv", "err", err.Error())
	}
}

// registerXLSX writes the filtered register as one sheet, streamed row by
// row.
func (s *Server) registerXLSX(w http.ResponseWriter, r *http.Request) {
	q, ok := s.exportQuery(w, r)
	if !ok {
		return
	}
	l := langOf(viewer(r))
	f := excelize.NewFile()
	defer f.Close()
	sheet := l.T("register")
	f.SetSheetName("Sheet1", sheet)
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	row := 1
	put := func(cells []string) error {
		vals := make([]any, len(cells))
		for i, c := range cells {
			vals[i] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, row)
		row++
		return sw.SetRow(cell, vals)
	}
	put(exportHeader(l))
	if err := s.DB.Register(r.Context(), q, func(rr *store.RegisterRow) error { return put(s.exportRow(l, rr)) }); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := sw.Flush(); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+s.exportName("xlsx")+`"`)
	f.Write(w)
}
