package extract

import (
	"strings"
	"testing"
	"time"

	"duban/domain"
)

// holidays is a test calendar: weekends off except the listed working
// days, and the listed holidays off.
type holidays struct {
	off, on map[domain.Date]bool
}

func (h holidays) IsWorkingDay(d domain.Date) bool {
	if h.on[d] {
		return true
	}
	if h.off[d] {
		return false
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// mayDay2024 is the 2024 May Day holiday: 1–5 May off, Sunday 28 April and
// Saturday 11 May worked (调休).
var mayDay2024 = holidays{
	off: map[domain.Date]bool{day("2024-05-01"): true, day("2024-05-02"): true, day("2024-05-03"): true},
	on:  map[domain.Date]bool{day("2024-04-28"): true, day("2024-05-11"): true},
}

func day(s string) domain.Date {
	d, err := domain.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestDeadlinePhrases(t *testing.T) {
	letter := day("2024-04-15") // a Monday
	tests := []struct {
		name, phrase string
		letter       string // default: 2024-04-15
		cal          WorkingDays
		kind         kind
		due          string
		precision    domain.Precision
		review       string // a substring the review must hold; "" means no review
		missing      bool
	}{
		{name: "a date in Chinese is due that day", phrase: "2024年6月30日", kind: kindDeadline, due: "2024-06-30", precision: domain.PDay},
		{name: "an ISO date is due that day", phrase: "2024-06-30", kind: kindDeadline, due: "2024-06-30", precision: domain.PDay},
		{name: "a dotted date is due that day", phrase: "2024.6.30", kind: kindDeadline, due: "2024-06-30", precision: domain.PDay},
		{name: "a slashed date is due that day", phrase: "2024/6/30", kind: kindDeadline, due: "2024-06-30", precision: domain.PDay},
		{name: "a date with 前 is due that day", phrase: "2024年6月30日前", kind: kindDeadline, due: "2024-06-30", precision: domain.PDay},
		{name: "full-width digits read as digits", phrase: "２０２４年６月３０日前", kind: kindDeadline, due: "2024-06-30", precision: domain.PDay},
		{name: "a date in Chinese numerals reads as digits", phrase: "二〇二四年六月三十日", kind: kindDeadline, due: "2024-06-30", precision: domain.PDay},
		{name: "a date with 号 is due that day", phrase: "2024年7月1号前", kind: kindDeadline, due: "2024-07-01", precision: domain.PDay},
		{name: "YYYY年M月底前 is the month's last day", phrase: "2024年10月底前", kind: kindDeadline, due: "2024-10-31", precision: domain.PMonth},
		{name: "spaces between digits and units are ignored", phrase: "2023 年 10 月底前", kind: kindDeadline, due: "2023-10-31", precision: domain.PMonth},
		{name: "the seed's restoration deadline is the end of June", phrase: "2024 年 6 月底前", kind: kindDeadline, due: "2024-06-30", precision: domain.PMonth},
		{name: "Chinese numerals before 年 and 月 read as digits", phrase: "二〇二四年六月底前", kind: kindDeadline, due: "2024-06-30", precision: domain.PMonth},
		{name: "full-width digits in a month-end phrase", phrase: "２０２４年６月底", kind: kindDeadline, due: "2024-06-30", precision: domain.PMonth},
		{name: "M月底前 takes the letter's year", phrase: "10月底前", kind: kindDeadline, due: "2024-10-31", precision: domain.PMonth},
		{name: "M月底前 already past at the letter date names next year", phrase: "3月底前", kind: kindDeadline, due: "2024-03-31", precision: domain.PMonth, review: "2025-03-31"},
		{name: "十二月底前 is the end of December", phrase: "十二月底前", kind: kindDeadline, due: "2024-12-31", precision: domain.PMonth},
		{name: "M月份 is the month's last day", phrase: "6月份", kind: kindDeadline, due: "2024-06-30", precision: domain.PMonth},
		{name: "YYYY年M月份 is the month's last day", phrase: "2024年9月份", kind: kindDeadline, due: "2024-09-30", precision: domain.PMonth},
		{name: "a bare month given alone is its last day", phrase: "二〇二四年十二月", kind: kindDeadline, due: "2024-12-31", precision: domain.PMonth},
		{name: "年底前 is the letter year's end", phrase: "年底前", kind: kindDeadline, due: "2024-12-31", precision: domain.PYear},
		{name: "年内 is the letter year's end", phrase: "年内", kind: kindDeadline, due: "2024-12-31", precision: domain.PYear},
		{name: "年內 in traditional characters is the letter year's end", phrase: "年內", kind: kindDeadline, due: "2024-12-31", precision: domain.PYear},
		{name: "今年底 is the letter year's end", phrase: "今年底", kind: kindDeadline, due: "2024-12-31", precision: domain.PYear},
		{name: "本年度内 is the letter year's end", phrase: "本年度内", kind: kindDeadline, due: "2024-12-31", precision: domain.PYear},
		{name: "YYYY年底前 is that year's end", phrase: "2025年底前", kind: kindDeadline, due: "2025-12-31", precision: domain.PYear},
		{name: "YYYY年年底前 is that year's end", phrase: "2025年年底前", kind: kindDeadline, due: "2025-12-31", precision: domain.PYear},
		{name: "YYYY年内 is that year's end", phrase: "2025年内", kind: kindDeadline, due: "2025-12-31", precision: domain.PYear},
		{name: "上半年 is the end of June", phrase: "上半年", kind: kindDeadline, due: "2024-06-30", precision: domain.PMonth},
		{name: "下半年 is the end of December", phrase: "下半年", kind: kindDeadline, due: "2024-12-31", precision: domain.PMonth},
		{name: "YYYY年上半年 is that June's end", phrase: "2025年上半年", kind: kindDeadline, due: "2025-06-30", precision: domain.PMonth},
		{name: "一季度 already past names next year", phrase: "一季度", kind: kindDeadline, due: "2024-03-31", precision: domain.PQuarter, review: "2025-03-31"},
		{name: "第二季度 is the end of June", phrase: "第二季度", kind: kindDeadline, due: "2024-06-30", precision: domain.PQuarter},
		{name: "三季度末 is the end of September", phrase: "三季度末", kind: kindDeadline, due: "2024-09-30", precision: domain.PQuarter},
		{name: "第三季度 is the end of September", phrase: "第三季度", kind: kindDeadline, due: "2024-09-30", precision: domain.PQuarter},
		{name: "四季度末 is the end of December", phrase: "四季度末", kind: kindDeadline, due: "2024-12-31", precision: domain.PQuarter},
		{name: "YYYY年第一季度 is that March's end", phrase: "2025年第一季度", kind: kindDeadline, due: "2025-03-31", precision: domain.PQuarter},
		{name: "YYYY年三季度 is that September's end", phrase: "2024年三季度", kind: kindDeadline, due: "2024-09-30", precision: domain.PQuarter},
		{name: "三季度前 is ambiguous and takes the earlier quarter", phrase: "三季度前", kind: kindDeadline, due: "2024-06-30", precision: domain.PQuarter, review: "2024-09-30"},
		{name: "下季度末 is the end of the next quarter", phrase: "下季度末", kind: kindDeadline, due: "2024-09-30", precision: domain.PQuarter},
		{name: "上旬 is the 10th", phrase: "6月上旬", kind: kindDeadline, due: "2024-06-10", precision: domain.PDay},
		{name: "中旬 is the 20th", phrase: "6月中旬", kind: kindDeadline, due: "2024-06-20", precision: domain.PDay},
		{name: "下旬 is the month's last day", phrase: "6月下旬", kind: kindDeadline, due: "2024-06-30", precision: domain.PDay},
		{name: "下旬 of a leap February is the 29th", phrase: "2024年2月下旬", kind: kindDeadline, due: "2024-02-29", precision: domain.PDay},
		{name: "明年 alone is next year's end", phrase: "明年", kind: kindDeadline, due: "2025-12-31", precision: domain.PYear},
		{name: "明年底前 is next year's end", phrase: "明年底前", kind: kindDeadline, due: "2025-12-31", precision: domain.PYear},
		{name: "明年6月底前 is next June's end", phrase: "明年6月底前", kind: kindDeadline, due: "2025-06-30", precision: domain.PMonth},
		{name: "明年上半年 is next June's end", phrase: "明年上半年", kind: kindDeadline, due: "2025-06-30", precision: domain.PMonth},
		{name: "后年 is the year after next", phrase: "后年", kind: kindDeadline, due: "2026-12-31", precision: domain.PYear},
		{name: "到YYYY年 is that year's end", phrase: "到2025年", kind: kindDeadline, due: "2025-12-31", precision: domain.PYear},
		{name: "到YYYY年M月 is that month's end", phrase: "到2025年6月", kind: kindDeadline, due: "2025-06-30", precision: domain.PMonth},
		{name: "YYYY年前 is ambiguous and takes the year before", phrase: "2025年前", kind: kindDeadline, due: "2024-12-31", precision: domain.PYear, review: "2025-12-31"},
		{name: "YYYY年之前 is ambiguous too", phrase: "2025年之前", kind: kindDeadline, due: "2024-12-31", precision: domain.PYear, review: "2025-12-31"},
		{name: "M月前 is ambiguous and takes the month before", phrase: "6月前", kind: kindDeadline, due: "2024-05-31", precision: domain.PMonth, review: "2024-06-30"},
		{name: "M月内 without 个 is within that month, or within M months", phrase: "6月内", kind: kindDeadline, due: "2024-06-30", precision: domain.PMonth, review: "2024-10-15"},
		{name: "三年内 counts three years from the letter", phrase: "三年内", kind: kindDeadline, due: "2027-04-15", precision: domain.PYear},
		{name: "3年内 counts three years from the letter", phrase: "3年内", kind: kindDeadline, due: "2027-04-15", precision: domain.PYear},
		{name: "两年内 counts two years from the letter", phrase: "两年内", kind: kindDeadline, due: "2026-04-15", precision: domain.PYear},
		{name: "N年内 from a 29 February ends on 28 February", phrase: "1年内", letter: "2024-02-29", kind: kindDeadline, due: "2025-02-28", precision: domain.PYear},
		{name: "6个月内 counts six months from the letter", phrase: "6个月内", kind: kindDeadline, due: "2024-10-15", precision: domain.PMonth},
		{name: "六个月内 in Chinese numerals", phrase: "六个月内", kind: kindDeadline, due: "2024-10-15", precision: domain.PMonth},
		{name: "3個月內 in traditional characters", phrase: "3個月內", kind: kindDeadline, due: "2024-07-15", precision: domain.PMonth},
		{name: "N个月内 from a 31st ends on the month's last day", phrase: "1个月内", letter: "2024-01-31", kind: kindDeadline, due: "2024-02-29", precision: domain.PMonth},
		{name: "30天内 counts days", phrase: "30天内", kind: kindDeadline, due: "2024-05-15", precision: domain.PDay},
		{name: "15日内 counts days", phrase: "15日内", kind: kindDeadline, due: "2024-04-30", precision: domain.PDay},
		{name: "2周内 counts weeks", phrase: "2周内", kind: kindDeadline, due: "2024-04-29", precision: domain.PDay},
		{name: "10个工作日内 skips weekends without a calendar", phrase: "10个工作日内", kind: kindDeadline, due: "2024-04-29", precision: domain.PDay},
		{name: "五个工作日内 in Chinese numerals", phrase: "五个工作日内", kind: kindDeadline, due: "2024-04-22", precision: domain.PDay},
		{name: "10个工作日内 follows the holiday calendar", phrase: "10个工作日内", letter: "2024-04-25", cal: mayDay2024, kind: kindDeadline, due: "2024-05-11", precision: domain.PDay},
		{name: "“十四五”期间 ends in 2025", phrase: "“十四五”期间", kind: kindDeadline, due: "2025-12-31", precision: domain.PYear},
		{name: "\"十四五\"末 ends in 2025", phrase: "\"十四五\"末", kind: kindDeadline, due: "2025-12-31", precision: domain.PYear},
		{name: "十四五时期 ends in 2025", phrase: "十四五时期", kind: kindDeadline, due: "2025-12-31", precision: domain.PYear},
		{name: "“十五五”期间 ends in 2030", phrase: "“十五五”期间", kind: kindDeadline, due: "2030-12-31", precision: domain.PYear},
		{name: "春节前 is the eve of the next Spring Festival", phrase: "春节前", kind: kindDeadline, due: "2025-01-28", precision: domain.PDay},
		{name: "春节前 early in the year is this year's", phrase: "春节前", letter: "2024-01-10", kind: kindDeadline, due: "2024-02-09", precision: domain.PDay},
		{name: "YYYY年春节前 is that year's", phrase: "2026年春节前", kind: kindDeadline, due: "2026-02-16", precision: domain.PDay},
		{name: "明年春节前 is next year's", phrase: "明年春节前", kind: kindDeadline, due: "2025-01-28", precision: domain.PDay},
		{name: "元旦前 is 31 December", phrase: "元旦前", kind: kindDeadline, due: "2024-12-31", precision: domain.PDay},
		{name: "国庆节前 is 30 September", phrase: "国庆节前", kind: kindDeadline, due: "2024-09-30", precision: domain.PDay},
		{name: "中秋节前 follows the lunar calendar", phrase: "中秋节前", kind: kindDeadline, due: "2024-09-16", precision: domain.PDay},
		{name: "本月底前 is the letter month's end", phrase: "本月底前", kind: kindDeadline, due: "2024-04-30", precision: domain.PMonth},
		{name: "下月底前 is the next month's end", phrase: "下月底前", kind: kindDeadline, due: "2024-05-31", precision: domain.PMonth},
		{name: "月底前 is the letter month's end", phrase: "月底前", kind: kindDeadline, due: "2024-04-30", precision: domain.PMonth},
		{name: "a day with no year already past names next year", phrase: "1月31日前", kind: kindDeadline, due: "2024-01-31", precision: domain.PDay, review: "2025-01-31"},
		{name: "长期坚持 is ongoing", phrase: "长期坚持", kind: kindOngoing, precision: domain.POngoing},
		{name: "常態化 in traditional characters is ongoing", phrase: "常態化", kind: kindOngoing, precision: domain.POngoing},
		{name: "持续推进 is ongoing", phrase: "持续推进", kind: kindOngoing, precision: domain.POngoing},
		{name: "尽快 names no date", phrase: "尽快", kind: kindVague, missing: true},
		{name: "逐步 names no date", phrase: "逐步", kind: kindVague, missing: true},
		{name: "近期 names no date", phrase: "近期", kind: kindVague, missing: true},
		{name: "适时 names no date", phrase: "适时", kind: kindVague, missing: true},
		{name: "待条件成熟时 names no date", phrase: "待条件成熟时", kind: kindVague, missing: true},
		{name: "自…起施行 is a start date", phrase: "自2024年5月1日起施行", kind: kindStart, due: "2024-05-01", precision: domain.PDay},
		{name: "截至 a month's end is a status report", phrase: "截至2023年6月底", kind: kindStatus, due: "2023-06-30", precision: domain.PMonth},
		{name: "截至 a year is a status report", phrase: "截至2023年", kind: kindStatus, due: "2023-12-31", precision: domain.PYear},
		{name: "以来 is a status report", phrase: "2023年以来", kind: kindStatus, due: "2023-12-31", precision: domain.PYear},
		{name: "相较 a year is a comparison", phrase: "相较2019年", kind: kindMention, due: "2019-12-31", precision: domain.PYear},
		{name: "年底前 with no letter date is missing", phrase: "年底前", letter: "none", kind: kindDeadline, missing: true},
		{name: "a day the month does not have is missing", phrase: "2023年2月30日前", kind: kindDeadline, missing: true},
		{name: "a year out of range is missing", phrase: "9999年底前", kind: kindDeadline, missing: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := letter
			switch tt.letter {
			case "none":
				l = domain.Date{}
			case "":
			default:
				l = day(tt.letter)
			}
			k, res, ok := parseDeadline(tt.phrase, l, tt.cal)
			if !ok {
				t.Fatalf("parseDeadline(%q) found no phrase", tt.phrase)
			}
			if k != tt.kind {
				t.Errorf("kind = %s, want %s", k, tt.kind)
			}
			if tt.missing {
				if res.missing.isZero() {
					t.Errorf("got %s (%s), want no date", res.due, res.precision)
				}
				return
			}
			if !res.missing.isZero() {
				t.Fatalf("no date: %s", res.missing.render("en"))
			}
			if got := res.due.String(); got != tt.due {
				t.Errorf("due = %s, want %s", got, tt.due)
			}
			if res.precision != tt.precision {
				t.Errorf("precision = %s, want %s", res.precision, tt.precision)
			}
			// The review is read in English, which writes dates as the
			// table does (2025-03-31).
			review := renderNotes("en", res.review...)
			switch {
			case tt.review == "" && review != "":
				t.Errorf("unexpected review %q", review)
			case tt.review != "" && !strings.Contains(review, tt.review):
				t.Errorf("review = %q, want it to name %s", review, tt.review)
			}
		})
	}
	if len(tests) < 60 {
		t.Errorf("only %d phrases", len(tests))
	}
}

func TestSentencePhrases(t *testing.T) {
	tests := []struct {
		name, sentence string
		want           []kind
	}{
		{"a law in force from a date is a start, its passing a mention", "《条例》已于2024年3月26日通过，自2024年5月1日起施行。", []kind{kindMention, kindStart}},
		{"a statistic's year is a mention", "2023年，我市陶瓷工业总产值861.25亿元，同比增长29.44%。", []kind{kindMention}},
		{"a comparison year is a mention", "规上企业数量相较 2019 年实现翻番。", []kind{kindMention}},
		{"a bare month followed by an action is a deadline", "2024年6月完成复绿修复。", []kind{kindDeadline}},
		{"a bare month followed by a comma is a mention", "2021年4月，全国第三家非省会城市知识产权法庭挂牌成立。", []kind{kindMention}},
		{"a range's end is the deadline", "2023年至2025年，全面完成整改。", []kind{kindMention, kindDeadline}},
		{"截至 makes a status report", "截至2023年6月底，已完成清运80%。", []kind{kindStatus}},
		{"可持续 is not ongoing", "推动陶瓷产业绿色协调、可持续发展。", nil},
		{"a month-end deadline in the seed's words", "2023 年 10 月底前，对昌南大道南侧完成清运。", []kind{kindDeadline}},
		{"two deadlines in one sentence", "2024年6月底前完成A，2024年底前完成B。", []kind{kindDeadline, kindDeadline}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []kind
			for _, p := range findPhrases(normalize(tt.sentence, flat).s) {
				got = append(got, p.kind)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("kinds = %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("kinds = %v, want %v", got, tt.want)
				}
			}
		})
	}
}
