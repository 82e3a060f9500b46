package calendar_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/6tail/lunar-go/HolidayUtil"

	"duban/calendar"
	"duban/domain"
)

// TestChinaMatchesLunarGo checks the built-in file day by day against the
// holiday data of github.com/6tail/lunar-go, an independent transcription of
// the same State Council notices.
func TestChinaMatchesLunarGo(t *testing.T) {
	c := calendar.China()
	for year := 2023; year <= 2027; year++ {
		t.Run(fmt.Sprint(year, " agrees with lunar-go day by day"), func(t *testing.T) {
			if !c.Covers(year) {
				t.Fatalf("China does not cover %d", year)
			}
			if c.Provisional(year) {
				t.Fatalf("China has %d as provisional, but lunar-go has its notice", year)
			}
			if HolidayUtil.GetHolidaysByYear(year).Len() == 0 {
				t.Fatalf("lunar-go has no data for %d", year)
			}
			for d := domain.NewDate(year, time.January, 1); d.Year == year; d = d.AddDays(1) {
				want, why := lunarGoWorking(d)
				if got := c.IsWorkingDay(d); got != want {
					t.Errorf("%s (%s): IsWorkingDay = %v, lunar-go says %v (%s)", d, d.Weekday(), got, want, why)
				}
			}
		})
	}
}

// lunarGoWorking is lunar-go's verdict on d: a working day iff it is a
// weekday that lunar-go does not list as a holiday, or lunar-go lists it as a
// make-up working day.
func lunarGoWorking(d domain.Date) (bool, string) {
	h := HolidayUtil.GetHoliday(d.String())
	if h == nil {
		wd := d.Weekday()
		return wd != time.Saturday && wd != time.Sunday, "not listed"
	}
	return h.IsWork(), strings.TrimSpace(h.String())
}
