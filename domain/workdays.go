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
// day before it (a reminder due on a Sunday goes out on Friday). If none of
// the MaxRestDays days before d is one, it returns d.
func OnOrBefore(d Date, cal WorkingDays) Date { return nearestWorkingDay(d, cal, -1) }

// OnOrAfter returns d if it is a working day, and otherwise the working day
// after it (an escalation due on a Saturday goes out on Monday). If none of
// the MaxRestDays days after d is one, it returns d.
func OnOrAfter(d Date, cal WorkingDays) Date { return nearestWorkingDay(d, cal, 1) }

// nearestWorkingDay walks from d one day at a time in the direction of step
// (-1 or +1) to the first working day. Reminders ask it for every stage
// they place, so it steps within a month without going through time.Time.
func nearestWorkingDay(d Date, cal WorkingDays, step int) Date {
	if cal == nil {
		cal = Weekdays{}
	}
	e := d
	for i := 0; i <= MaxRestDays; i++ {
		if cal.IsWorkingDay(e) {
			return e
		}
		switch {
		case step < 0 && e.Day > 1:
			e.Day--
		case step > 0 && e.Day < 28:
			e.Day++
		default:
			e = e.AddDays(step)
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
