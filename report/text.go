package report

import (
	"fmt"
	"html"
	"io"
	"strings"
	"unicode/utf16"

	"duban/store"
)

// MaxText bounds the text summary, in UTF-16 code units of its HTML-escaped
// form (what Telegram counts), below Telegram's 4096 so that it always goes
// as one message.
const MaxText = 4000

// textLimits say how many lines of each list the summary shows.
type textLimits struct{ units, classes, red, owed int }

// WriteText writes the summary meant for Telegram: the totals, the worst
// units first, the classifications, the longest-overdue red items and the
// sources owing a second reply, cut to fit one message (MaxText), with a
// line saying how many more are in the attachment. It is plain text; HTML
// escape it for Telegram's HTML parse mode.
func (r *Report) WriteText(w io.Writer) error {
	_, err := io.WriteString(w, r.Text())
	return err
}

// Text returns the summary WriteText writes.
func (r *Report) Text() string {
	lim := textLimits{units: 10, classes: 10, red: len(r.TopRed), owed: 5}
	for {
		s := r.text(lim)
		if utf16Len(html.EscapeString(s)) <= MaxText {
			return s
		}
		switch {
		case lim.red > 3:
			lim.red--
		case lim.units > 5:
			lim.units--
		case lim.owed > 1:
			lim.owed--
		case lim.classes > 3:
			lim.classes--
		case lim.red > 0:
			lim.red--
		case lim.units > 0:
			lim.units--
		case lim.owed > 0:
			lim.owed--
		case lim.classes > 0:
			lim.classes--
		default:
			return clip(s, MaxText/2)
		}
	}
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

func (r *Report) text(lim textLimits) string {
	w := wordsFor(r.Lang)
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	t, p := r.Total.Cur, r.Total.Prev
	line("%s", w.pick("督办月报 "+w.monthTitle(r.Month), "Supervision report, "+w.monthTitle(r.Month)))
	line("%s", w.asOf(r))
	line("")
	if t.Items == 0 {
		line("%s", w.pick("本月无承诺事项。", "No commitments this month."))
	}
	if w.zh {
		line("【总体】承诺事项 %d 项，在办 %d 项（较上月 %s）", t.Items, t.Open, Delta(t.Open, p.Open))
		line("红灯 %d 项（较上月 %s，本月新增 %d），黄灯 %d，绿灯 %d%s", t.Red, Delta(t.Red, p.Red), t.NewlyRed, t.Yellow, t.Green, w.longest(t.MaxDaysOverdue, "；"))
		line("本月完成 %d 项、销号 %d 项（上月完成 %d、销号 %d）", t.Done, t.Verified, p.Done, p.Verified)
		cr, cok := t.OnTimeRate()
		pr, pok := p.OnTimeRate()
		sr, sok := r.Total.SatisfactionRate()
		line("办成率 %s（按期完成 %d/%d，上月 %s）；满意率 %s（满意 %d/%d 件）", Rate(cr, cok), t.OnTime, t.DueByEnd, Rate(pr, pok), Rate(sr, sok), r.Total.Satisfied, r.Total.Rated)
		line("本月批准延期 %d 项（其中逾期申请 %d 项）；联系不上的责任人 %d 人", t.Extensions, t.LateExtensions, r.Total.Unreachable)
	} else {
		line("OVERALL: %d commitments, %d open (%s on last month)", t.Items, t.Open, Delta(t.Open, p.Open))
		line("Red %d (%s on last month, %d newly red), yellow %d, green %d%s", t.Red, Delta(t.Red, p.Red), t.NewlyRed, t.Yellow, t.Green, w.longest(t.MaxDaysOverdue, "; "))
		line("Done this month %d, verified %d (last month: %d done, %d verified)", t.Done, t.Verified, p.Done, p.Verified)
		cr, cok := t.OnTimeRate()
		pr, pok := p.OnTimeRate()
		sr, sok := r.Total.SatisfactionRate()
		line("On-time completion %s (%d of %d done by the due date; last month %s); deputies' satisfaction %s (%d of %d sources)", Rate(cr, cok), t.OnTime, t.DueByEnd, Rate(pr, pok), Rate(sr, sok), r.Total.Satisfied, r.Total.Rated)
		line("Extensions granted %d (%d filed late); unreachable owners %d", t.Extensions, t.LateExtensions, r.Total.Unreachable)
	}
	if len(r.Units) > 0 && lim.units > 0 {
		line("")
		line("%s", w.pick("【各单位】红灯多者在前", "BY UNIT, worst first"))
		for i, u := range r.Units {
			if i == lim.units {
				line("%s", w.pick(fmt.Sprintf("……另有 %d 个单位，见附件", len(r.Units)-i), fmt.Sprintf("… %d more units in the attachment", len(r.Units)-i)))
				break
			}
			line("%d. %s", i+1, r.unitLine(w, u))
		}
	}
	if len(r.Classes) > 0 && lim.classes > 0 {
		line("")
		line("%s", w.pick("【来源分类】", "BY CLASSIFICATION"))
		for i, c := range r.Classes {
			if i == lim.classes {
				line("%s", w.pick(fmt.Sprintf("……另有 %d 类，见附件", len(r.Classes)-i), fmt.Sprintf("… %d more in the attachment", len(r.Classes)-i)))
				break
			}
			cr, ok := c.Cur.OnTimeRate()
			line("%s", w.pick(
				fmt.Sprintf("%s：%d 项，在办 %d，红灯 %d（%s），完成/销号 %d，办成率 %s", w.class(c.Class), c.Cur.Items, c.Cur.Open, c.Cur.Red, Delta(c.Cur.Red, c.Prev.Red), c.Cur.Closed, Rate(cr, ok)),
				fmt.Sprintf("%s: %d commitments, %d open, %d red (%s), %d done or verified, on time %s", w.class(c.Class), c.Cur.Items, c.Cur.Open, c.Cur.Red, Delta(c.Cur.Red, c.Prev.Red), c.Cur.Closed, Rate(cr, ok))))
		}
	}
	if t.Red > 0 {
		line("")
		line("%s", w.pick(fmt.Sprintf("【红灯事项】共 %d 项，逾期最久的在前", t.Red), fmt.Sprintf("RED ITEMS: %d, longest overdue first", t.Red)))
		shown := 0
		for _, it := range r.TopRed[:min(lim.red, len(r.TopRed))] {
			line("#%d %s", it.ID, clip(it.Title, 40))
			line("   %s", r.redDetail(w, it))
			shown++
		}
		if more := t.Red - shown; more > 0 {
			line("%s", w.pick(fmt.Sprintf("……另有 %d 项红灯事项，详见附件（xlsx）", more), fmt.Sprintf("… %d more red items in the attachment (xlsx)", more)))
		}
	}
	if len(r.Owed) > 0 && lim.owed > 0 {
		line("")
		line("%s", w.pick("【待二次答复】以下B类来源的事项已全部销号，承办单位应向代表二次答复：", "SECOND REPLY OWED: every commitment of these B-class sources is verified; the handling unit owes the deputies its second reply:"))
		for i, s := range r.Owed {
			if i == lim.owed {
				line("%s", w.pick(fmt.Sprintf("……另有 %d 件", len(r.Owed)-i), fmt.Sprintf("… %d more", len(r.Owed)-i)))
				break
			}
			line("%s", owedLine(w, s))
		}
	}
	return b.String()
}

// unitLine is one unit of the summary.
func (r *Report) unitLine(w words, u Stats) string {
	c, p := u.Cur, u.Prev
	cr, cok := c.OnTimeRate()
	sr, sok := u.SatisfactionRate()
	var extra string
	if w.zh {
		if c.Extensions > 0 {
			extra += fmt.Sprintf("，延期 %d（逾期申请 %d）", c.Extensions, c.LateExtensions)
		}
		if u.Unreachable > 0 {
			extra += fmt.Sprintf("，联系不上 %d 人", u.Unreachable)
		}
		return fmt.Sprintf("%s：在办 %d，红 %d（%s），黄 %d，绿 %d%s，新增红 %d，完成 %d，销号 %d，办成率 %s，满意率 %s%s",
			clip(w.unit(u.Name), 30), c.Open, c.Red, Delta(c.Red, p.Red), c.Yellow, c.Green, w.longest(c.MaxDaysOverdue, "，"), c.NewlyRed, c.Done, c.Verified, Rate(cr, cok), Rate(sr, sok), extra)
	}
	if c.Extensions > 0 {
		extra += fmt.Sprintf(", %d extended (%d late)", c.Extensions, c.LateExtensions)
	}
	if u.Unreachable > 0 {
		extra += fmt.Sprintf(", %d unreachable", u.Unreachable)
	}
	return fmt.Sprintf("%s: %d open, red %d (%s), yellow %d, green %d%s, %d newly red, %d done, %d verified, on time %s, satisfaction %s%s",
		clip(w.unit(u.Name), 30), c.Open, c.Red, Delta(c.Red, p.Red), c.Yellow, c.Green, w.longest(c.MaxDaysOverdue, ", "), c.NewlyRed, c.Done, c.Verified, Rate(cr, cok), Rate(sr, sok), extra)
}

// longest says how long the longest-overdue item is overdue, after sep, or
// nothing when none is.
func (w words) longest(days int, sep string) string {
	if days == 0 {
		return ""
	}
	return sep + w.pick(fmt.Sprintf("最长逾期 %d 天", days), fmt.Sprintf("longest overdue %d days", days))
}

// redDetail is the second line of a red item in the summary.
func (r *Report) redDetail(w words, it *store.ReportItem) string {
	last := w.pick("无", "none")
	if it.LastProgressAt != nil {
		last = fmt.Sprintf("%s %d%%", w.when(it.LastProgressAt, r.Loc), it.Progress)
		if note := clip(it.LastProgressNote, 30); note != "" {
			last += " " + note
		}
	}
	owners := clip(w.ownerList(it.Owners), 20)
	if w.zh {
		return fmt.Sprintf("%s｜%s｜期限 %s｜逾期 %d 天｜最近进展：%s", clip(w.unit(it.Unit), 30), owners, w.day(it.Due), it.DaysOverdue, last)
	}
	return fmt.Sprintf("%s | %s | due %s | %d days overdue | last progress: %s", clip(w.unit(it.Unit), 30), owners, it.Due, it.DaysOverdue, last)
}

// owedLine names a source owing its second reply.
func owedLine(w words, s store.ReportSource) string {
	if w.zh {
		return fmt.Sprintf("%s《%s》（%s，%s，%s类，%d 项）", source(s.Number, s.Key), clip(s.Title, 40), w.unit(s.HandlingUnit), s.ReplyDocNo, s.Classification, s.Commitments)
	}
	return fmt.Sprintf("%s \"%s\" (%s, %s, class %s, %d commitments)", source(s.Number, s.Key), clip(s.Title, 40), w.unit(s.HandlingUnit), s.ReplyDocNo, s.Classification, s.Commitments)
}
