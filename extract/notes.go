package extract

import (
	"fmt"
	"strconv"
	"strings"

	"duban/domain"
)

// The review notes and the header of the output speak the configured
// language (SPEC §15): Chinese unless Options.Lang is "en". Every sentence
// a clerk reads is in the table below, once per language; the code builds
// notes from message ids and arguments, and renders them when they are
// written into the Result, so the deadline rules never hold a word of
// either language. The keys and machine values of the import format stay
// English, and dates outside the notes stay YYYY-MM-DD.

// msg names one message of the table.
type msg string

// The messages. The zh strings are the reference; the en ones say the
// same. A date argument (domain.Date) is written 2024年3月26日 in zh and
// 2024-03-26 in en; a note argument is rendered in the same language.
const (
	msgHeader       msg = "header"
	msgReviewPrefix msg = "review"

	msgDateIgnored        msg = "letter.dateIgnored"
	msgDateDiffers        msg = "letter.dateDiffers"
	msgDateFromForm       msg = "letter.dateFromForm"
	msgDateFromReported   msg = "letter.dateFromReported"
	msgNoDate             msg = "letter.noDate"
	msgStaleForm          msg = "letter.staleForm"
	msgDateBeforeReported msg = "letter.dateBeforeReported"
	msgClassDiffers       msg = "letter.classDiffers"

	msgDoneBeforeLetter  msg = "item.doneBeforeLetter"
	msgOngoing           msg = "item.ongoing"
	msgVagueUndated      msg = "item.vague"
	msgPlanNoDeadline    msg = "item.planNoDeadline"
	msgPromiseNoDeadline msg = "item.promiseNoDeadline"
	msgDeadlineUndated   msg = "item.deadlineUndated"

	msgNeedsLetterDate msg = "deadline.needsLetterDate"
	msgOutOfRange      msg = "deadline.outOfRange"
	msgNoSuchDay       msg = "deadline.noSuchDay"
	msgFewWorkingDays  msg = "deadline.fewWorkingDays"
	msgNamesNoDate     msg = "deadline.namesNoDate"
	msgNoYear          msg = "deadline.noYear"
	msgNextYear        msg = "deadline.nextYear"
	msgMonthBefore     msg = "deadline.monthBefore"
	msgMonthWithin     msg = "deadline.monthWithin"
	msgYearBefore      msg = "deadline.yearBefore"
	msgQuarterBefore   msg = "deadline.quarterBefore"
)

// messages holds each message's format string: zh, then en.
var messages = map[msg][2]string{
	msgHeader: {
		"duban extract 生成的候选导入数据，请复核后再执行 `duban import`。\n" +
			"责任人（owners）留空：请填写联系人 key。undated 下的事项未写明时限：请补充日期后移入 commitments，或删除。\n" +
			"导入只读取 sources 和 commitments，不导入 quote、review、undated 和 letter。",
		"duban extract: a candidate import, to review before `duban import`.\n" +
			"Owners are left empty: add contact keys. Items under undated have no date: give them one and move them to commitments, or drop them.\n" +
			"Import reads sources and commitments; it ignores quote, review, undated and letter.",
	},
	msgReviewPrefix: {"复核：", "review: "},

	msgDateIgnored: {
		"--date 指定的日期 %s 超出可处理范围，已忽略",
		"--date %s is out of range and was ignored",
	},
	msgDateDiffers: {
		"--date 指定的日期 %s 与来文落款日期 %s 不一致，已采用落款日期",
		"--date %s differs from the letter's own date %s, which is used",
	},
	msgDateFromForm: {
		"来文无落款日期，按所附反馈表的签署日期 %s 确定；请核实，或用 --date 指定",
		"the letter has no date line: dated %s from the signature on the attached form; check it, or give --date",
	},
	msgDateFromReported: {
		"来文无落款日期，按文中已发生的最晚日期 %s 推定，成文日期不早于该日；请用 --date 指定",
		"the letter has no date line: dated %s, the latest date it reports as past, so it was written on or after that day; give --date",
	},
	msgNoDate: {
		"来文无日期：请用 --date 指定；须依来文日期推算的时限均已列入 undated",
		"the letter has no date: give --date; deadlines that count from it are listed as undated",
	},
	msgStaleForm: {
		"所附反馈表的签署日期 %s 早于文中已发生的 %s，不是来文日期",
		"the date %s by the signature on the attached form is earlier than %s, which the letter reports as past: it is not the letter's date",
	},
	msgDateBeforeReported: {
		"来文日期 %s 早于文中已发生的 %s，请核实",
		"the letter date %s is before %s, which the letter reports as past",
	},
	msgClassDiffers: {
		"来文标注分类为 %s，所附反馈表为 %s，以来文标注为准",
		"the letter is classified %s but its form says %s",
	},

	msgDoneBeforeLetter: {
		"时限 %s 早于来文日期 %s：按已完成列出，请核实",
		"due %s, before the letter date %s: reported as done, to verify",
	},
	msgOngoing: {
		"“%s”：常态化事项，无完成时限，只督办进展",
		"“%s”: an ongoing item with no due date, checked for progress only",
	},
	msgVagueUndated: {
		"“%s”未明确时间：请补充完成时限，或删除该项",
		"“%s” names no date: set a due date, or leave it out",
	},
	msgPlanNoDeadline: {
		"工作计划未写明完成时限：请补充，或删除该项",
		"a plan with no deadline in the letter: set a due date, or leave it out",
	},
	msgPromiseNoDeadline: {
		"承诺事项未写明完成时限：请补充，或删除该项",
		"a promise with no deadline in the letter: set a due date, or leave it out",
	},
	msgDeadlineUndated: {
		"时限“%s”：%s",
		"deadline “%s” %s",
	},

	msgNeedsLetterDate: {
		"须依来文日期推算，但来文日期不明，请用 --date 指定",
		"counts from the letter's date, which is unknown: give --date",
	},
	msgOutOfRange: {
		"推算出的日期超出可处理范围",
		"gives a date out of range",
	},
	msgNoSuchDay: { // month, day, year
		"%[3]d年没有%[1]d月%[2]d日",
		"%d月%d日 is not a date in %d",
	},
	msgFewWorkingDays: {
		"工作日历中的工作日不足，无法推算",
		"the calendar has too few working days",
	},
	msgNamesNoDate: {
		"“%s”未明确具体日期",
		"“%s” names no date",
	},
	msgNoYear: {
		"未写年份：按来文当年读作 %s，早于来文日期 %s",
		"no year given: read as %s, the letter's year, which is before the letter date %s",
	},
	msgNextYear: {
		"如指次年，应为 %s",
		"if next year is meant, %s",
	},
	msgMonthBefore: { // month, the earlier reading (taken), the later
		"“%[1]d月前”可理解为%[1]d月开始前（%[2]s，已采用），也可理解为%[1]d月底前（%[3]s）",
		"“%[1]d月前” may mean before %[1]d月 begins (%[2]s, taken) or by the end of %[1]d月 (%[3]s)",
	},
	msgMonthWithin: { // month, the reading taken, within that many months
		"“%[1]d月内”按%[1]d月当月读作 %[2]s；如指来文后%[1]d个月内，应为 %[3]s",
		"“%[1]d月内” read as within %[1]d月 (%[2]s); if it means within %[1]d months of the letter, %[3]s",
	},
	msgYearBefore: { // year, the earlier reading (taken), the later
		"“%[1]d年前”可理解为%[1]d年开始前（%[2]s，已采用），也可理解为%[1]d年底前（%[3]s）",
		"“%[1]d年前” may mean before %[1]d begins (%[2]s, taken) or by the end of %[1]d (%[3]s)",
	},
	msgQuarterBefore: { // quarter (a numeral), the earlier reading (taken), the later
		"“%[1]s季度前”可理解为该季度开始前（%[2]s，已采用），也可理解为该季度末前（%[3]s）",
		"“%[1]s季度前” may mean before the quarter begins (%[2]s, taken) or by its end (%[3]s)",
	},
}

// note is one review note, not yet in a language.
type note struct {
	id   msg
	args []any
}

// mkNote makes a note of message id with its arguments.
func mkNote(id msg, args ...any) note { return note{id: id, args: args} }

// isZero reports whether n is no note at all.
func (n note) isZero() bool { return n.id == "" }

// en reports whether lang asks for English; anything else is Chinese, the
// default.
func en(lang string) bool { return domain.IsEnglish(lang) }

// message returns message id in lang, without arguments.
func message(id msg, lang string) string {
	if en(lang) {
		return messages[id][1]
	}
	return messages[id][0]
}

// render writes n in lang.
func (n note) render(lang string) string {
	if n.isZero() {
		return ""
	}
	args := make([]any, len(n.args))
	for i, a := range n.args {
		switch a := a.(type) {
		case domain.Date:
			args[i] = a.For(lang)
		case note:
			args[i] = a.render(lang)
		case numeral:
			args[i] = a.in(lang)
		default:
			args[i] = a
		}
	}
	return fmt.Sprintf(message(n.id, lang), args...)
}

// numeral is a small count that Chinese writes in characters (三季度)
// and English in digits (3季度, as the letter's text is matched).
type numeral int

func (n numeral) in(lang string) string {
	if en(lang) || n < 1 || n > 10 {
		return strconv.Itoa(int(n))
	}
	return string([]rune("一二三四五六七八九十")[n-1])
}

// renderNotes writes notes in lang as one review: in zh each a sentence
// closed with "。", in en joined with "; ". No notes give "".
func renderNotes(lang string, notes ...note) string {
	var out []string
	for _, n := range notes {
		if s := n.render(lang); s != "" {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return ""
	}
	if en(lang) {
		return strings.Join(out, "; ")
	}
	return strings.Join(out, "。") + "。"
}

// notes renders notes in the language r was extracted in.
func (r *Result) notes(ns ...note) string { return renderNotes(r.lang, ns...) }
