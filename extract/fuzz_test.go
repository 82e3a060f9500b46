package extract

import (
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"duban/domain"
)

func FuzzExtract(f *testing.F) {
	f.Add(readSeed(f), 2024, 4, 15)
	for _, s := range []string{
		"２０２４年６月底前完成清运。",
		"二〇二四年六月底前，对凤岗村附近完成复绿修复。",
		"年內完成整改，三個月內上線。",
		"力争“十四五”期间实现全市固废综合利用率达95%。",
		"2199年春节前完成；9999年底前完成；0000-00-00完成。",
		"十九五期间完成；2200年12月31日前完成；1899年底前完成。",
		"3000年内完成；99999个工作日内完成；100000天内办结。",
		"\xff\xfe2024年\xc0\x80 6月底前完成\n\n\t办理结果\t满意\t√",
		"欧阳琦等代表：\n分类：B2\n景国试管办议字〔2024〕3号\n2024年5月\n27日\n附件\n2020 年 5 月 12 日",
		"自2024年5月1日起施行，截至2023年6月底已完成。尽快完成。常态化开展巡查。",
		"12月31日前完成。1月1日前完成。明年春节前完成。后年底前完成。",
	} {
		f.Add(s, 2024, 4, 15)
	}
	f.Add("3年内完成，10个工作日内办结，下季度末完成。", 2200, 12, 31)
	f.Add("年底前完成。春节前完成。", 1900, 1, 1)
	f.Add("10个工作日内办结。", -5, 99, 400)
	f.Fuzz(func(t *testing.T, text string, y, m, d int) {
		if y > 100000 || y < -100000 || m > 1000 || m < -1000 || d > 100000 || d < -100000 {
			return
		}
		r, err := Extract(text, Options{LetterDate: domain.NewDate(y, time.Month(m), d), Calendar: fuzzCalendar{}})
		if err == ErrEmpty {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		check := func(what string, d domain.Date) {
			if !d.IsZero() && (d.Year < minYear || d.Year > maxYear) {
				t.Fatalf("%s %s out of range", what, d)
			}
		}
		check("replied_on", r.Source.RepliedOn)
		check("form_signed_on", r.Letter.FormSignedOn)
		check("latest_reported", r.Letter.LatestReported)
		keys := map[string]bool{}
		for _, c := range r.Commitments {
			check("due", c.Due)
			if c.Due.IsZero() != (c.DuePrecision == domain.POngoing) {
				t.Fatalf("due %s with precision %s", c.Due, c.DuePrecision)
			}
			if keys[c.Key] || c.Key == "" {
				t.Fatalf("key %q repeated", c.Key)
			}
			keys[c.Key] = true
		}
		for _, u := range r.Undated {
			if keys[u.Key] || u.Key == "" {
				t.Fatalf("key %q repeated", u.Key)
			}
			keys[u.Key] = true
		}
		y2, err := r.YAML()
		if err != nil {
			t.Fatal(err)
		}
		var back map[string]any
		if err := yaml.Unmarshal(y2, &back); err != nil {
			t.Fatalf("YAML does not read back: %v\n%s", err, y2)
		}
		if _, err := r.JSON(); err != nil {
			t.Fatal(err)
		}
	})
}

// fuzzCalendar has working days only on Wednesdays, to exercise the
// working-day count with a sparse calendar.
type fuzzCalendar struct{}

func (fuzzCalendar) IsWorkingDay(d domain.Date) bool { return d.Weekday() == 3 }
