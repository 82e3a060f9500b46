package report

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"duban/domain"
)

// words picks the report's wording: Chinese (default) or English.
type words struct{ zh bool }

func wordsFor(lang string) words { return words{zh: lang != "en"} }

func (w words) pick(zh, en string) string {
	if w.zh {
		return zh
	}
	return en
}

// status and light name a status and a light in the one vocabulary of the
// domain package, as the bot, the CLI and the web do.
func (w words) status(s domain.Status) string { return domain.StatusName(s, w.lang()) }

func (w words) light(l domain.Light) string { return domain.LightName(l, w.lang()) }

// lang is the language code of the domain's vocabulary.
func (w words) lang() string {
	if w.zh {
		return "zh"
	}
	return "en"
}

func (w words) category(c string) string {
	zh := map[string]string{"cleanup": "清运", "restoration": "复绿修复", "platform": "平台建设", "target": "指标",
		"policy": "政策", "other": "其他"}
	if v, ok := zh[c]; ok && w.zh {
		return v
	}
	return c
}

func (w words) strength(s string) string {
	switch {
	case !w.zh:
		return s
	case s == "firm":
		return "确保"
	case s == "aim":
		return "力争"
	}
	return s
}

func (w words) precision(p string) string {
	zh := map[string]string{"day": "日", "month": "月", "quarter": "季度", "year": "年", "ongoing": "长期"}
	if v, ok := zh[p]; ok && w.zh {
		return v
	}
	return p
}

// unit names a unit; commitments without one are grouped under a label.
func (w words) unit(name string) string {
	if name == "" {
		return w.pick("（未指定单位）", "(no unit)")
	}
	return name
}

func (w words) class(c string) string {
	if c == "" {
		return w.pick("未分类", "unclassified")
	}
	return c
}

func (w words) total() string { return w.pick("合计", "Total") }

// Rate formats a percentage, or a dash when there is nothing to divide.
func Rate(v float64, ok bool) string {
	if !ok {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", v)
}

// Delta formats the change from prev to cur: +2, -1, ±0.
func Delta(cur, prev int) string {
	switch d := cur - prev; {
	case d > 0:
		return fmt.Sprintf("+%d", d)
	case d < 0:
		return fmt.Sprintf("%d", d)
	}
	return "±0"
}

// date formats a local date, or "" for none.
func date(t *time.Time, loc *time.Location) string {
	if t == nil {
		return ""
	}
	return t.In(loc).Format("2006-01-02")
}

// when formats the local day of t for a person (see day), or "" for none.
func (w words) when(t *time.Time, loc *time.Location) string {
	if t == nil {
		return ""
	}
	return w.day(domain.DateOf(*t, loc))
}

// monthTitle is "2024年7月" or "July 2024".
func (w words) monthTitle(m Month) string {
	if w.zh {
		return fmt.Sprintf("%d年%d月", m.Year, int(m.Month))
	}
	return fmt.Sprintf("%s %d", m.Month, m.Year)
}

// asOf says at which instant the report is taken: 24:00 on the month's
// last day, or for a partial report the minute it was made.
func (w words) asOf(r *Report) string {
	if r.Partial {
		t := r.AsOf.In(r.Loc)
		return w.pick(fmt.Sprintf("截至 %s %s（%s，本月尚未结束）", w.day(domain.DateOf(t, r.Loc)), t.Format("15:04"), r.Loc),
			fmt.Sprintf("As of %s %s (%s; the month is not over)", w.day(domain.DateOf(t, r.Loc)), t.Format("15:04"), r.Loc))
	}
	return w.pick(fmt.Sprintf("截至 %s 24:00（%s）", w.day(r.Month.LastDay()), r.Loc),
		fmt.Sprintf("As of %s 24:00 (%s)", w.day(r.Month.LastDay()), r.Loc))
}

// asOfShort is asOf without the time zone: 截至 2024年7月31日 24:00.
func (w words) asOfShort(r *Report) string {
	if r.Partial {
		t := r.AsOf.In(r.Loc)
		return w.pick("截至 ", "as of ") + w.day(domain.DateOf(t, r.Loc)) + " " + t.Format("15:04")
	}
	return w.pick("截至 ", "as of ") + w.day(r.Month.LastDay()) + " 24:00"
}

// day formats a day for a person: 2024年6月30日 in Chinese, 2024-06-30 in
// English (domain.Date.For). Machine formats (CSV, the xlsx date cells)
// keep ISO dates.
func (w words) day(d domain.Date) string { return d.For(w.lang()) }

// source names a commitment's source by its number, or its key.
func source(number, key string) string {
	if number != "" {
		return number
	}
	return key
}

// clip shortens s to at most n characters, marking the cut with "…".
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// ownerList joins owner names.
func (w words) ownerList(names []string) string {
	return strings.Join(names, w.pick("、", ", "))
}

// itemHeader is the header of the item lists of the CSV and XLSX formats.
func (w words) itemHeader() []string {
	if w.zh {
		return []string{"编号", "事项", "承办单位", "责任人", "来源", "办理分类", "类别", "承诺力度", "期限", "期限精度",
			"状态", "灯号", "逾期天数", "进度(%)", "最近进展日期", "最近进展", "完成日期", "键"}
	}
	return []string{"id", "title", "unit", "owners", "source", "classification", "category", "strength", "due", "due precision",
		"status", "light", "days overdue", "progress (%)", "last progress on", "last progress", "done on", "key"}
}
