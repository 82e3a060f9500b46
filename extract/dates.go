package extract

import (
	"time"

	"duban/domain"
)

// minYear and maxYear bound every date the package outputs.
const (
	minYear = 1900
	maxYear = 2200
)

// date builds y-m-d, refusing what the calendar does not have and years out
// of range.
func date(y, m, d int) (domain.Date, bool) {
	if y < minYear || y > maxYear || m < 1 || m > 12 || d < 1 {
		return domain.Date{}, false
	}
	if d > monthEnd(y, m).Day {
		return domain.Date{}, false
	}
	return domain.Date{Year: y, Month: time.Month(m), Day: d}, true
}

// monthEnd returns the last day of month m of year y.
func monthEnd(y, m int) domain.Date {
	return domain.NewDate(y, time.Month(m)+1, 0)
}

// inRange checks a computed date against the years the package outputs.
func inRange(r resolution) resolution {
	if r.missing.isZero() && (r.due.Year < minYear || r.due.Year > maxYear) {
		return resolution{missing: mkNote(msgOutOfRange)}
	}
	return r
}

// maxWorkingDays bounds the working-day count so that a calendar with no
// working days cannot loop for long.
const maxWorkingDays = 3660

// addMonths moves d by n months, keeping the day where the month has it and
// taking the month's last day where it does not (2024-01-31 + 1 month is
// 2024-02-29).
func addMonths(d domain.Date, n int) domain.Date {
	idx := d.Year*12 + int(d.Month) - 1 + n
	y, mo := idx/12, idx%12+1
	if idx < 0 {
		return domain.Date{Year: minYear - 1, Month: 1, Day: 1}
	}
	end := monthEnd(y, mo)
	if d.Day < end.Day {
		return domain.Date{Year: y, Month: time.Month(mo), Day: d.Day}
	}
	return end
}

// addWorkingDays returns the n-th working day after d, by the domain's one
// working-day arithmetic. The day of the letter itself does not count.
func addWorkingDays(d domain.Date, n int, cal WorkingDays) (domain.Date, bool) {
	if cal == nil {
		cal = domain.Weekdays{}
	}
	e, ok := domain.AddWorkingDays(d, n, cal)
	if !ok || e.Year > maxYear {
		return domain.Date{}, false
	}
	return e, true
}
