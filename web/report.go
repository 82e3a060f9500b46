package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"

	"duban/domain"
	"duban/report"
	"duban/store"
)

// reportDownloads are the formats of a report a page links to, with the
// Content-Type each is served as.
var reportDownloads = map[string]string{
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"png":  "image/png",
	"csv":  "text/csv; charset=utf-8",
	"md":   "text/markdown; charset=utf-8",
}

// reportData is the monthly report page.
type reportData struct {
	Month, Prev, Next string
	Partial           bool
	AsOf              string
	// Overall rows are figure, this month, last month, change.
	Overall [][]string
	Units   [][]string
	Classes [][]string
	Red     []*store.ReportItem
	Owed    []store.ReportSource
	Unreach []store.ReportOwner
}

// reportsIndex sends a supervisor to the month just ended.
func (s *Server) reportsIndex(w http.ResponseWriter, r *http.Request) {
	if !supervises(viewer(r)) {
		s.notFound(w, r)
		return
	}
	http.Redirect(w, r, "/reports/"+report.MonthBefore(s.Now(), s.Loc).String(), http.StatusSeeOther)
}

// monthlyReport is /reports/{YYYY-MM}: the month's report (SPEC §9) as a
// page with its chart, and /reports/{YYYY-MM}.{xlsx,png,csv,md} its
// downloads, built by the report package as `duban report` builds them. A
// month not yet over is shown as of now, and says so. For supervisors
// only: anyone else gets the same 404 as a page that does not exist.
func (s *Server) monthlyReport(w http.ResponseWriter, r *http.Request) {
	v := viewer(r)
	if !supervises(v) {
		s.notFound(w, r)
		return
	}
	name, ext, _ := strings.Cut(r.PathValue("month"), ".")
	m, err := report.ParseMonth(name)
	if _, ok := reportDownloads[ext]; err != nil || len(name) != len("2006-01") || (ext != "" && !ok) {
		s.notFound(w, r)
		return
	}
	now := s.Now()
	if now.Before(m.Start(s.Loc)) {
		s.notFound(w, r)
		return
	}
	l := langOf(v)
	code := "zh"
	if l.en {
		code = "en"
	}
	rep, err := report.Build(r.Context(), s.DB, report.Options{Month: m, Loc: s.Loc, WarnDays: s.WarnDays, Lang: code,
		Scheme: s.Scheme, Logger: s.Logger, Now: now, Partial: now.Before(m.End(s.Loc))})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if ext != "" {
		s.reportFile(w, r, rep, name, ext)
		return
	}
	d := reportData{Month: name, Prev: m.Prev().String(), Partial: rep.Partial, Owed: rep.Owed, Unreach: rep.Unreachable}
	if end := m.End(s.Loc); !now.Before(end) {
		d.Next = report.Month{Year: end.Year(), Month: end.Month()}.String()
	}
	d.AsOf = l.F("report.asof", m.LastDay().String()+" 24:00")
	if rep.Partial {
		d.AsOf = l.F("report.asof.partial", l.Time(rep.AsOf, s.Loc))
	}
	d.Overall = overallRows(l, rep.Total)
	for _, u := range rep.Units {
		d.Units = append(d.Units, unitReportRow(l, u, u.Name))
	}
	if len(rep.Units) > 0 {
		d.Units = append(d.Units, unitReportRow(l, rep.Total, l.T("col.total")))
	}
	for _, c := range rep.Classes {
		rate := report.Rate(c.Cur.OnTimeRate())
		d.Classes = append(d.Classes, []string{orDash(c.Class), itoa(c.Cur.Items), itoa(c.Cur.Open), itoa(c.Cur.Red),
			report.Delta(c.Cur.Red, c.Prev.Red), itoa(c.Cur.Closed), itoa(c.Cur.Done), rate, itoa(c.Cur.Extensions)})
	}
	err = rep.Items(r.Context(), store.ReportItemFilter{Lights: []domain.Light{domain.Red}, Order: store.OrderByOverdue},
		func(it *store.ReportItem) error {
			d.Red = append(d.Red, it)
			return nil
		})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderStatus(w, r, http.StatusOK, "report", "report", d)
}

// reportFile writes one download of the report. It is rendered whole
// before the first byte goes out, so that a failure is a clean error.
func (s *Server) reportFile(w http.ResponseWriter, r *http.Request, rep *report.Report, month, ext string) {
	var buf bytes.Buffer
	if err := rep.Render(r.Context(), ext, &buf); err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", reportDownloads[ext])
	h.Set("Cache-Control", "private, no-store")
	disp := "attachment"
	if ext == "png" {
		disp = "inline" // the page shows the chart
	}
	h.Set("Content-Disposition", fmt.Sprintf(`%s; filename="duban-report-%s.%s"`, disp, month, ext))
	w.Write(buf.Bytes())
}

func overallRows(l lang, t report.Stats) [][]string {
	c, p := t.Cur, t.Prev
	return [][]string{
		{l.T("report.items"), itoa(c.Items), itoa(p.Items), report.Delta(c.Items, p.Items)},
		{l.T("report.open"), itoa(c.Open), itoa(p.Open), report.Delta(c.Open, p.Open)},
		{l.T("report.red"), itoa(c.Red), itoa(p.Red), report.Delta(c.Red, p.Red)},
		{l.T("report.newlyred"), itoa(c.NewlyRed), "", ""},
		{l.T("light.yellow"), itoa(c.Yellow), "", ""},
		{l.T("light.green"), itoa(c.Green), "", ""},
		{l.T("report.maxoverdue"), itoa(c.MaxDaysOverdue), "", ""},
		{l.T("status.done"), itoa(c.Done), itoa(p.Done), report.Delta(c.Done, p.Done)},
		{l.T("status.verified"), itoa(c.Verified), itoa(p.Verified), report.Delta(c.Verified, p.Verified)},
		{l.T("report.ontime"), fmt.Sprintf("%s (%d/%d)", report.Rate(c.OnTimeRate()), c.OnTime, c.DueByEnd),
			fmt.Sprintf("%s (%d/%d)", report.Rate(p.OnTimeRate()), p.OnTime, p.DueByEnd), ""},
		{l.T("report.satisfaction"), fmt.Sprintf("%s (%d/%d)", report.Rate(t.SatisfactionRate()), t.Satisfied, t.Rated), "", ""},
		{l.T("report.extensions"), fmt.Sprintf("%d (%d)", c.Extensions, c.LateExtensions), fmt.Sprintf("%d (%d)", p.Extensions, p.LateExtensions),
			report.Delta(c.Extensions, p.Extensions)},
		{l.T("report.unreachable"), itoa(t.Unreachable), "", ""},
	}
}

func unitReportRow(l lang, u report.Stats, name string) []string {
	c, p := u.Cur, u.Prev
	if name == "" {
		name = l.T("report.nounit")
	}
	return []string{name, itoa(c.Items), itoa(c.Open), itoa(c.Red), report.Delta(c.Red, p.Red), itoa(c.Yellow), itoa(c.Green),
		itoa(c.MaxDaysOverdue), itoa(c.Done), itoa(c.Verified), report.Rate(c.OnTimeRate()), report.Rate(u.SatisfactionRate()),
		itoa(c.Extensions), itoa(u.Unreachable)}
}

func itoa(n int) string { return fmt.Sprint(n) }
