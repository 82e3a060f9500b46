// Package extract reads a reply letter (答复函) to a deputy's suggestion or
// a proposal and proposes what the office should chase: the letter as a
// source, and the commitments it dates, in the import format. It must be
// right more than clever, so it says what it is unsure of: every item that
// needs a human decision carries a review note. The notes, and the header
// of the YAML output, speak Options.Lang: Chinese unless it is "en"; every
// message is in the table of notes.go, in both languages.
//
// # The letter
//
// The reply document number is any X字〔YYYY〕N号 (also with [ ], 【】 or ( )
// brackets, written back with 〔〕); the suggestion number is 总第N号, the
// form's 建议编号, or 第N号 / DH123号 in the letter's head. The title is the
// 《》 the letter acknowledges (您提出的《…》收悉); the deputies come from the
// salutation (欧阳琦等代表：, 王娟等10名代表：) and the form's 代表姓名 row;
// the classification from 分类：B2 or 类别:A in the head, else the form's
// 办理结果分类 cell. The handling unit is the form's 承办单位, else the
// signature above the date line, else the letterhead. Satisfaction is the
// option ticked (√) in the form's 办理结果 row.
//
// The letter's date is, in order: the date that closes the letter (a line
// of its own before the attached form, also when broken across lines);
// Options.LetterDate; the date by the signature on the attached form,
// unless it is earlier than a date the letter reports as past (the seed's
// form says 2020 in a letter that reports March 2024: a stale form); the
// latest date the letter reports as past, a lower bound. All but the first
// two are noted for review.
//
// # Deadlines
//
// A sentence's deadline is resolved to a due date and a precision. The
// precision says how the letter worded the date: day for a day, 上旬 (the
// 10th), 中旬 (the 20th), 下旬 (the month's last day), N天内, N个工作日内
// and festivals; month for phrases that end on a month's last day (10月底前,
// 6月份, 上半年 → 06-30, 下半年 → 12-31, N个月内); quarter for 季度 phrases;
// year for year ends (年底前, 年内, 到2025年, “十四五”期间 → 2025-12-31,
// 十五五 → 2030-12-31) and N年内. Ongoing words (长期坚持, 常态化, and
// outside the report of past work 持续推进…, 每年, 定期) make an ongoing
// commitment with no due date.
//
// Relative phrases count from the letter's date: 年内 is its year's end,
// 明年 the next year, 三年内 three years after it (a day that does not exist
// becomes the month's last), N个工作日内 the N-th working day after it by
// Options.Calendar, 春节前 the day before the first Spring Festival after
// it (lunar-go). A month, quarter or half-year with no year takes the
// letter's year; when that puts a future-looking phrase (前, 底, 内) before
// the letter's date, the review gives next year's date as the other
// reading.
//
// Ambiguous phrases take the earlier reading, so that nothing is chased
// late, and the review names the other: 2025年前 is 2024-12-31 (or
// 2025-12-31); 6月前 is the end of May (or of June); 三季度前 is the end of
// the second quarter (or the third); 6月内 without 个 is within June (or
// within six months of the letter).
//
// Not deadlines: start dates (自2024年5月1日起施行), status reports
// (截至2023年6月底, …以来), comparisons (相较2019年), and bare dates that no
// action follows (2023年，我市陶瓷工业总产值…; 于2024年3月26日通过). A bare
// date is a deadline when 到 or 至 leads to it or an action follows it
// closely (2024年6月完成复绿修复). Vague times (尽快, 近期, 适时, 择机,
// 待条件成熟时, and outside the report of past work 逐步, 今后) never give
// a date: their promise is listed as undated.
//
// # Past and future
//
// A deadline before the letter's date is reported work: proposed with
// status done, for the office to verify. Sentences under a heading of past
// work (一、工作开展情况) are reports unless they carry a deadline or a word
// of promise (将进一步, 力争, 下一步); every sentence with an action under
// a heading of plans (二、下一步计划) is at least an undated plan item.
//
// Text is matched after folding full-width characters to ASCII, the
// traditional characters the rules use to simplified ones, and Chinese
// numerals before a date unit to digits (二〇二四年六月底前); quotes and
// titles are cut from the original text.
package extract
