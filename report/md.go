package report

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"duban/domain"
	"duban/store"
)

// WriteMarkdown writes the whole report as Markdown: the totals against
// last month, a table per unit and per classification, every red item
// (streamed from the database) and the sources owing a second reply.
func (r *Report) WriteMarkdown(ctx context.Context, out io.Writer) error {
	w := wordsFor(r.Lang)
	b := bufio.NewWriter(out)
	line := func(format string, args ...any) { fmt.Fprintf(b, format+"\n", args...) }
	line("# %s", w.pick("督办月报 "+w.monthTitle(r.Month), "Supervision report, "+w.monthTitle(r.Month)))
	line("")
	line("%s", w.asOf(r))
	line("")

	line("## %s", w.pick("总体", "Overall"))
	line("")
	t, p := r.Total.Cur, r.Total.Prev
	cr, cok := t.OnTimeRate()
	pr, pok := p.OnTimeRate()
	sr, sok := r.Total.SatisfactionRate()
	table(b, []string{w.pick("指标", "Figure"), w.pick("本月", "This month"), w.pick("上月", "Last month"), w.pick("变化", "Change")}, [][]string{
		{w.pick("承诺事项", "Commitments"), itoa(t.Items), itoa(p.Items), Delta(t.Items, p.Items)},
		{w.pick("在办", "Open"), itoa(t.Open), itoa(p.Open), Delta(t.Open, p.Open)},
		{w.pick("红灯（逾期）", "Red (overdue)"), itoa(t.Red), itoa(p.Red), Delta(t.Red, p.Red)},
		{w.pick("本月新增红灯", "Newly red"), itoa(t.NewlyRed), "", ""},
		{w.pick("黄灯", "Yellow"), itoa(t.Yellow), "", ""},
		{w.pick("绿灯", "Green"), itoa(t.Green), "", ""},
		{w.pick("最长逾期（天）", "Longest overdue (days)"), itoa(t.MaxDaysOverdue), "", ""},
		{w.pick("完成", "Done"), itoa(t.Done), itoa(p.Done), Delta(t.Done, p.Done)},
		{w.pick("销号", "Verified"), itoa(t.Verified), itoa(p.Verified), Delta(t.Verified, p.Verified)},
		{w.pick("办成率（按期完成/到期）", "On-time completion (done on time / due)"), fmt.Sprintf("%s (%d/%d)", Rate(cr, cok), t.OnTime, t.DueByEnd), fmt.Sprintf("%s (%d/%d)", Rate(pr, pok), p.OnTime, p.DueByEnd), ""},
		{w.pick("满意率（代表评价）", "Deputies' satisfaction"), fmt.Sprintf("%s (%d/%d)", Rate(sr, sok), r.Total.Satisfied, r.Total.Rated), "", ""},
		{w.pick("批准延期（其中逾期申请）", "Extensions granted (filed late)"), fmt.Sprintf("%d (%d)", t.Extensions, t.LateExtensions), fmt.Sprintf("%d (%d)", p.Extensions, p.LateExtensions), Delta(t.Extensions, p.Extensions)},
		{w.pick("联系不上的责任人", "Unreachable owners"), itoa(r.Total.Unreachable), "", ""},
	})

	line("## %s", w.pick("各单位（红灯多者在前）", "By unit, worst first"))
	line("")
	var rows [][]string
	for _, u := range r.Units {
		rows = append(rows, unitRow(w, u))
	}
	if len(r.Units) > 0 {
		rows = append(rows, unitRow(w, Stats{Name: w.total(), Cur: r.Total.Cur, Prev: r.Total.Prev, Unreachable: r.Total.Unreachable,
			Rated: r.Total.Rated, Satisfied: r.Total.Satisfied}))
	}
	table(b, unitHeader(w), rows)

	line("## %s", w.pick("来源分类", "By source classification"))
	line("")
	rows = rows[:0]
	for _, c := range r.Classes {
		rows = append(rows, classRow(w, c))
	}
	table(b, classHeader(w), rows)

	line("## %s", w.pick(fmt.Sprintf("红灯事项（%d 项，逾期最久的在前）", t.Red), fmt.Sprintf("Red items (%d, longest overdue first)", t.Red)))
	line("")
	header := []string{w.pick("编号", "ID"), w.pick("事项", "Title"), w.pick("承办单位", "Unit"), w.pick("责任人", "Owners"),
		w.pick("期限", "Due"), w.pick("逾期天数", "Days overdue"), w.pick("最近进展", "Last progress"), w.pick("进展日期", "On")}
	writeRow(b, header)
	writeRow(b, rule(len(header)))
	err := r.Items(ctx, store.ReportItemFilter{Lights: []domain.Light{domain.Red}, Order: store.OrderByOverdue}, func(it *store.ReportItem) error {
		last := w.pick("无", "none")
		if it.LastProgressAt != nil {
			last = strings.TrimSpace(fmt.Sprintf("%d%% %s", it.Progress, it.LastProgressNote))
		}
		writeRow(b, []string{"#" + strconv.FormatInt(it.ID, 10), it.Title, w.unit(it.Unit), w.ownerList(it.Owners), w.day(it.Due),
			itoa(it.DaysOverdue), last, w.when(it.LastProgressAt, r.Loc)})
		return nil
	})
	if err != nil {
		return err
	}
	line("")

	line("## %s", w.pick("待二次答复的B类来源", "B-class sources owing a second reply"))
	line("")
	if len(r.Owed) == 0 {
		line("%s", w.pick("无。", "None."))
	}
	for _, s := range r.Owed {
		line("- %s", mdEscape(owedLine(w, s)))
	}
	if len(r.Unreachable) > 0 {
		line("")
		line("## %s", w.pick("联系不上的责任人", "Unreachable owners"))
		line("")
		for _, o := range r.Unreachable {
			line("- %s (%s): %s", mdEscape(o.Name), mdEscape(o.Key), mdEscape(o.Why))
		}
	}
	return b.Flush()
}

func itoa(n int) string { return strconv.Itoa(n) }

func unitHeader(w words) []string {
	return []string{w.pick("单位", "Unit"), w.pick("事项", "Items"), w.pick("在办", "Open"), w.pick("红灯", "Red"),
		w.pick("较上月", "Change"), w.pick("黄灯", "Yellow"), w.pick("绿灯", "Green"), w.pick("最长逾期", "Longest overdue"),
		w.pick("新增红灯", "Newly red"), w.pick("完成", "Done"), w.pick("销号", "Verified"), w.pick("办成率", "On time"),
		w.pick("上月办成率", "On time, last month"), w.pick("满意率", "Satisfaction"), w.pick("批准延期", "Extended"),
		w.pick("逾期申请", "Filed late"), w.pick("联系不上", "Unreachable")}
}

func unitRow(w words, u Stats) []string {
	c, p := u.Cur, u.Prev
	cr, cok := c.OnTimeRate()
	pr, pok := p.OnTimeRate()
	sr, sok := u.SatisfactionRate()
	return []string{w.unit(u.Name), itoa(c.Items), itoa(c.Open), itoa(c.Red), Delta(c.Red, p.Red), itoa(c.Yellow), itoa(c.Green),
		itoa(c.MaxDaysOverdue), itoa(c.NewlyRed), itoa(c.Done), itoa(c.Verified), Rate(cr, cok), Rate(pr, pok), Rate(sr, sok),
		itoa(c.Extensions), itoa(c.LateExtensions), itoa(u.Unreachable)}
}

func classHeader(w words) []string {
	return []string{w.pick("分类", "Class"), w.pick("事项", "Items"), w.pick("在办", "Open"), w.pick("红灯", "Red"),
		w.pick("较上月", "Change"), w.pick("完成/销号", "Done or verified"), w.pick("本月完成", "Done this month"),
		w.pick("办成率", "On time"), w.pick("批准延期", "Extended")}
}

func classRow(w words, c ClassStats) []string {
	cr, cok := c.Cur.OnTimeRate()
	return []string{w.class(c.Class), itoa(c.Cur.Items), itoa(c.Cur.Open), itoa(c.Cur.Red), Delta(c.Cur.Red, c.Prev.Red),
		itoa(c.Cur.Closed), itoa(c.Cur.Done), Rate(cr, cok), itoa(c.Cur.Extensions)}
}

// table writes a Markdown table and a blank line.
func table(b *bufio.Writer, header []string, rows [][]string) {
	writeRow(b, header)
	writeRow(b, rule(len(header)))
	for _, r := range rows {
		writeRow(b, r)
	}
	b.WriteString("\n")
}

func rule(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "---"
	}
	return out
}

func writeRow(b *bufio.Writer, cells []string) {
	b.WriteString("|")
	for _, c := range cells {
		b.WriteString(" ")
		b.WriteString(mdEscape(c))
		b.WriteString(" |")
	}
	b.WriteString("\n")
}

// mdEscape keeps user text from breaking a table or starting markup.
var mdEscaper = strings.NewReplacer("|", `\|`, "\r\n", " ", "\n", " ", "\r", " ", "*", `\*`, "_", `\_`, "`", "\\`", "<", "&lt;", ">", "&gt;")

func mdEscape(s string) string { return mdEscaper.Replace(s) }
