package extract

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"duban/domain"
)

// sampleArgs gives every message of the table arguments of the kinds the
// code passes, so that each is rendered once in each language.
var sampleArgs = map[msg][]any{
	msgHeader:       nil,
	msgReviewPrefix: nil,

	msgDateIgnored:        {domain.Date{Year: 1, Month: 1, Day: 1}},
	msgDateDiffers:        {day("2024-04-15"), day("2024-03-26")},
	msgDateFromForm:       {day("2024-04-15")},
	msgDateFromReported:   {day("2024-03-26")},
	msgNoDate:             nil,
	msgStaleForm:          {day("2020-05-12"), day("2024-03-26")},
	msgDateBeforeReported: {day("2024-03-01"), day("2024-03-26")},
	msgClassDiffers:       {"B2", "A1"},

	msgDoneBeforeLetter:  {day("2023-10-31"), day("2024-04-15")},
	msgOngoing:           {"长期坚持"},
	msgVagueUndated:      {"尽快"},
	msgPlanNoDeadline:    nil,
	msgPromiseNoDeadline: nil,
	msgDeadlineUndated:   {"年底前", mkNote(msgNeedsLetterDate)},

	msgNeedsLetterDate: nil,
	msgOutOfRange:      nil,
	msgNoSuchDay:       {2, 30, 2023},
	msgFewWorkingDays:  nil,
	msgNamesNoDate:     {"尽快"},
	msgNoYear:          {day("2024-03-31"), day("2024-04-15")},
	msgNextYear:        {day("2025-03-31")},
	msgMonthBefore:     {6, day("2024-05-31"), day("2024-06-30")},
	msgMonthWithin:     {6, day("2024-06-30"), day("2024-10-15")},
	msgYearBefore:      {2025, day("2024-12-31"), day("2025-12-31")},
	msgQuarterBefore:   {numeral(3), day("2024-06-30"), day("2024-09-30")},
}

// zhAllowed are the English words a Chinese note may hold: the command,
// its flag and the import format's keys.
var zhAllowed = regexp.MustCompile("duban|import|extract|--date|key|owners|undated|commitments|sources|quote|review|letter")

func TestEveryMessageSpeaksBothLanguages(t *testing.T) {
	if len(sampleArgs) != len(messages) {
		t.Errorf("%d messages, %d with sample arguments: give each message its sample", len(messages), len(sampleArgs))
	}
	for id, args := range sampleArgs {
		if _, ok := messages[id]; !ok {
			t.Errorf("%s: not in the table", id)
			continue
		}
		n := mkNote(id, args...)
		zh, en := n.render("zh"), n.render("en")
		if strings.Contains(zh, "%!") || strings.Contains(en, "%!") {
			t.Errorf("%s: arguments do not fit:\n%s\n%s", id, zh, en)
		}
		if w := regexp.MustCompile(`[A-Za-z]{3,}`).FindString(zhAllowed.ReplaceAllString(zh, "")); w != "" {
			t.Errorf("%s: the Chinese note holds the English word %q: %s", id, w, zh)
		}
		if regexp.MustCompile(`\d{4}-\d{2}-\d{2}`).MatchString(zh) {
			t.Errorf("%s: the Chinese note writes an ISO date: %s", id, zh)
		}
		if strings.ContainsAny(en, "，：；。（）") {
			t.Errorf("%s: the English note has Chinese punctuation: %s", id, en)
		}
	}
}

func TestNotesAreJoinedAsTheLanguageWrites(t *testing.T) {
	a, b := mkNote(msgNoYear, day("2024-03-31"), day("2024-04-15")), mkNote(msgNextYear, day("2025-03-31"))
	if got, want := renderNotes("zh", a, b), "未写年份：按来文当年读作 2024年3月31日，早于来文日期 2024年4月15日。如指次年，应为 2025年3月31日。"; got != want {
		t.Errorf("zh:\n got %s\nwant %s", got, want)
	}
	if got, want := renderNotes("en", a, b), "no year given: read as 2024-03-31, the letter's year, which is before the letter date 2024-04-15; if next year is meant, 2025-03-31"; got != want {
		t.Errorf("en:\n got %s\nwant %s", got, want)
	}
	if got := renderNotes("zh"); got != "" {
		t.Errorf("no notes give %q", got)
	}
}

// TestSeedLetterSpeaksTheLanguage reads the seed letter in both languages:
// the header and notes follow Options.Lang, Chinese by default, and the
// keys and machine fields stay the import format's.
func TestSeedLetterSpeaksTheLanguage(t *testing.T) {
	data, err := os.ReadFile("../examples/jingdezhen-reply-111.txt")
	if err != nil {
		t.Fatal(err)
	}
	yamlOf := func(opts Options) string {
		t.Helper()
		r, err := Extract(string(data), opts)
		if err != nil {
			t.Fatal(err)
		}
		b, err := r.YAML()
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	machine := []string{"sources:", "commitments:", "undated:", "letter:", "due: 2023-10-31", "due: 2024-06-30", "status: done", "replied_on: 2024-03-26", "form_signed_on: 2020-05-12", "owners: []"}
	tests := []struct {
		name      string
		lang      string
		want, not []string
	}{
		{"the default is Chinese", "", []string{
			"# duban extract 生成的候选导入数据，请复核后再执行 `duban import`。",
			"# 复核：来文无落款日期，按文中已发生的最晚日期 2024年3月26日 推定，成文日期不早于该日；请用 --date 指定。所附反馈表的签署日期 2020年5月12日 早于文中已发生的 2024年3月26日，不是来文日期。",
			"review: 时限 2023年10月31日 早于来文日期 2024年3月26日：按已完成列出，请核实。",
			"review: 工作计划未写明完成时限：请补充，或删除该项。",
		}, []string{"# review:", "the letter", "no deadline", "reported as done"}},
		{"zh is Chinese", "zh", []string{"# 复核：来文无落款日期", "review: 工作计划未写明完成时限"}, []string{"no deadline"}},
		{"en is English", "en", []string{
			"# duban extract: a candidate import, to review before `duban import`.",
			"# review: the letter has no date line: dated 2024-03-26, the latest date it reports as past, so it was written on or after that day; give --date; the date 2020-05-12 by the signature on the attached form is earlier than 2024-03-26, which the letter reports as past: it is not the letter's date",
			"review: 'due 2023-10-31, before the letter date 2024-03-26: reported as done, to verify'",
			"review: 'a plan with no deadline in the letter: set a due date, or leave it out'",
		}, []string{"复核", "来文", "2024年3月26日", "工作计划"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := yamlOf(Options{Lang: tt.lang})
			for _, w := range append(tt.want, machine...) {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q", w)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(out, w) {
					t.Errorf("output holds %q", w)
				}
			}
		})
	}
	t.Run("only the words differ between the languages", func(t *testing.T) {
		strip := func(s string) string {
			var keep []string
			for _, l := range strings.Split(s, "\n") {
				l = strings.TrimSpace(l)
				if strings.HasPrefix(l, "#") || strings.HasPrefix(l, "review:") {
					continue
				}
				keep = append(keep, l)
			}
			return strings.Join(keep, "\n")
		}
		zh, en := yamlOf(Options{LetterDate: day("2024-04-15")}), yamlOf(Options{LetterDate: day("2024-04-15"), Lang: "en"})
		if strip(zh) != strip(en) {
			t.Errorf("the outputs differ beyond the notes:\n%s\n---\n%s", strip(zh), strip(en))
		}
	})
}
