package domain

import "time"

// WorkingDays says which days are working days: a holiday calendar with
// its adjusted working days (调休), or Weekdays when none is configured.
// This is the one working-day arithmetic; reminders and the letter reader
// both call it.
type WorkingDays interface {
	IsWorkingDay(d Date) bool
}

// Weekdays is the calendar with no holidays: Monday to Friday work.
type Weekdays struct{}

// IsWorkingDay reports whether d is Monday to Friday.
func (Weekdays) IsWorkingDay(d Date) bool {
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// MaxRestDays bounds a walk to the nearest working day: a run of 60 rest
// days means a broken calendar, and the day stays where it was.
const MaxRestDays = 60

// OnOrBefore returns d if it is a working day, and otherwise the working
// day before it (a reminder due on a Sunday goes out on Friday).
func OnOrBefore(d Date, cal WorkingDays) Date {
	if cal == nil {
		cal = Weekdays{}
	}
	for i := 0; i <= MaxRestDays; i++ {
		if e := d.AddDays(-i); cal.IsWorkingDay(e) {
			return e
		}
	}
	return d
}

// AddWorkingDays returns the n-th working day after d (d itself does not
// count), and false if the calendar has too few working days to get there.
func AddWorkingDays(d Date, n int, cal WorkingDays) (Date, bool) {
	if cal == nil {
		cal = Weekdays{}
	}
	limit := 7*n + 400
	for i, steps := 0, 0; i < n; {
		d = d.AddDays(1)
		steps++
		if steps > limit {
			return Date{}, false
		}
		if cal.IsWorkingDay(d) {
			i++
		}
	}
	return d, true
}
