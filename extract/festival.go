package extract

import (
	"time"

	"github.com/6tail/lunar-go/calendar"

	"duban/domain"
)

// festival returns the day of a holiday in Gregorian year y: 春节, 端午 and
// 中秋 from the lunar calendar (lunar-go), the others fixed.
func festival(name string, y int) (domain.Date, bool) {
	if y < minYear+1 || y > maxYear-1 {
		return domain.Date{}, false
	}
	switch name {
	case "元旦":
		return domain.NewDate(y, time.January, 1), true
	case "五一", "劳动节":
		return domain.NewDate(y, time.May, 1), true
	case "国庆", "国庆节":
		return domain.NewDate(y, time.October, 1), true
	case "春节":
		return lunarDay(y, 1, 1), true
	case "端午", "端午节":
		return lunarDay(y, 5, 5), true
	case "中秋", "中秋节":
		return lunarDay(y, 8, 15), true
	}
	return domain.Date{}, false
}

// nextFestival returns the first day of the holiday after d.
func nextFestival(name string, d domain.Date) (domain.Date, bool) {
	for y := d.Year; y <= d.Year+1; y++ {
		f, ok := festival(name, y)
		if !ok {
			return domain.Date{}, false
		}
		if f.After(d) {
			return f, true
		}
	}
	return domain.Date{}, false
}

// lunarDay returns the Gregorian day of lunar month m, day d of the lunar
// year that begins in Gregorian year y.
func lunarDay(y, m, d int) domain.Date {
	s := calendar.NewLunarFromYmd(y, m, d).GetSolar()
	return domain.NewDate(s.GetYear(), time.Month(s.GetMonth()), s.GetDay())
}
