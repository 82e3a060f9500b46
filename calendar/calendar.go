// Package calendar answers whether a day is a working day in mainland China,
// where the State Council rearranges rest days around the public holidays
// every year: a holiday can fall on a Tuesday, and a Saturday or Sunday next
// to it can become a working day (调休). The reminder policy uses it to send a
// reminder whose day is not a working day on the previous working day.
//
// # Calendar files
//
// A calendar file is UTF-8 text with one entry per line. Blank lines are
// ignored and "#" starts a comment that runs to the end of the line. Dates are
// YYYY-MM-DD and ranges are inclusive:
//
//	year 2024                                  # the file holds 2024's schedule
//	holiday 2024-10-01..2024-10-07 国庆节      # rest days
//	workday 2024-09-29 国庆节调休              # a weekend day that is worked
//	workday 2024-10-12 国庆节调休
//
// "holiday DATE[..DATE] [name]" makes every day of the range a rest day;
// "workday DATE [name]" makes a Saturday or Sunday a working day. A day the
// file does not list is a working day from Monday to Friday and a rest day on
// Saturday and Sunday. "year YYYY" declares that the file holds the complete
// schedule for that year, which is what [Calendar.Covers] reports; adding the
// word "provisional" ("year 2028 provisional") marks a year whose notice is
// not published yet, for which only the statutory days are listed, and is
// what [Calendar.Provisional] reports. A file without year lines covers the
// years its entries fall in.
//
// A date listed both as a holiday and as a workday, a workday on a Monday to
// Friday, a reversed or over-long range, a bad date or an unknown keyword is an
// error naming the file and the line.
//
// [China] is the built-in file for mainland China (cn.txt).
package calendar

import (
	"fmt"
	"strings"
	"time"

	"duban/domain"
)

// Calendar answers whether a day is a working day. A Calendar never changes
// after it is made, so it is safe for concurrent use.
type Calendar struct {
	// days holds the days a file lists: true for a weekend day that is worked
	// (调休), false for a holiday.
	days map[domain.Date]bool
	// years holds the years the file declares: true for a provisional one.
	years map[int]bool
	// allYears makes Covers true for every year (Weekends lists none).
	allYears bool
}

// Weekends returns a calendar with no holidays: Monday to Friday are working
// days, Saturday and Sunday are not. It covers every year, because it claims
// nothing about holidays that a missing year could contradict.
func Weekends() *Calendar {
	return &Calendar{allYears: true}
}

// Open returns the calendar a configuration names in reminders.calendar: ""
// is [Weekends], "cn" or "builtin:cn" is [China], and anything else is the
// path of a calendar file given to [Load].
func Open(spec string) (*Calendar, error) {
	switch {
	case spec == "":
		return Weekends(), nil
	case spec == "cn" || spec == "builtin:cn":
		return China(), nil
	case strings.HasPrefix(spec, "builtin:"):
		return nil, fmt.Errorf("unknown built-in calendar %q: want builtin:cn", spec)
	}
	return Load(spec)
}

// IsWorkingDay reports whether d is a working day.
func (c *Calendar) IsWorkingDay(d domain.Date) bool {
	if working, ok := c.days[d]; ok {
		return working
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// OnOrBefore returns d if it is a working day, and otherwise the working day
// before it: a reminder for a Sunday is sent on the Friday. If none of the 60
// days before d is a working day (the longest run of rest days in China is
// nine, 春节, so such a run means a broken file), it gives up and returns d.
// It is domain.OnOrBefore, the one working-day rule, on this calendar.
func (c *Calendar) OnOrBefore(d domain.Date) domain.Date { return domain.OnOrBefore(d, c) }

// AddWorkingDays returns the n-th working day after d; n == 0 returns d, even
// if d is not a working day, and a negative n counts back before d.
func (c *Calendar) AddWorkingDays(d domain.Date, n int) domain.Date {
	// The loop ends: a file lists finitely many days, and past them every
	// Monday to Friday is a working day.
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.AddDays(step)
		if c.IsWorkingDay(d) {
			n--
		}
	}
	return d
}

// Covers reports whether the calendar holds the schedule for year, so that a
// caller can warn when the configured file lacks the current or next year and
// holidays would be taken for working days.
func (c *Calendar) Covers(year int) bool {
	if c.allYears {
		return true
	}
	_, ok := c.years[year]
	return ok
}

// Provisional reports whether year is declared provisional: its official
// schedule was not published when the file was written, so the make-up
// working days (调休) are missing.
func (c *Calendar) Provisional(year int) bool {
	return c.years[year]
}
