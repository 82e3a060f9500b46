package remind

import (
	"time"

	"duban/domain"
)

// query is the time a question is asked at, with its day number in the
// policy's time zone.
type query struct {
	now   time.Time
	today int
}

func (p *Policy) at(now time.Time) query {
	return query{now: now, today: dayOf(now, p.loc())}
}

// passed reports whether the send time of day d is at or before q.
func (p *Policy) passed(d int, q query) bool {
	// A local time of day d lies within days d-1 to d+1 whatever the time
	// zone does (a DST jump, Samoa skipping a day), so only days next to
	// today need the time itself, which costs a zone lookup.
	switch {
	case d < q.today-1:
		return true
	case d > q.today+1:
		return false
	}
	return !q.now.Before(p.sendTime(d))
}

// sendTime returns the send time on day d.
func (p *Policy) sendTime(d int) time.Time {
	date := dateOfNumber(d)
	return time.Date(date.Year, date.Month, date.Day, p.SendHour, p.SendMin, 0, 0, p.loc())
}

// sendDay returns the day on which stage n of s is sent: n itself, or with
// WorkingDaysOnly the working day the package documentation explains. Along
// a series it never decreases, which walk relies on.
func (p *Policy) sendDay(s *series, n int) int {
	if !p.WorkingDaysOnly {
		return n
	}
	cal := p.Calendar
	switch {
	case s.kind == escalationSeries:
		return onOrAfter(cal, n)
	case s.kind == deadlineSeries && n > s.due:
		if w := onOrBefore(cal, n); w > s.due {
			return w
		}
		return onOrAfter(cal, n)
	}
	return onOrBefore(cal, n)
}

// movesOnlyBack reports whether stage n of s can only be sent on or before
// its day: lead, due and progress stages.
func (s *series) movesOnlyBack(n int) bool {
	return s.kind == progressSeries || (s.kind == deadlineSeries && n <= s.due)
}

// onOrBefore is domain.OnOrBefore on day numbers: n if it is a working
// day, and otherwise the working day before it, or n itself if none of the
// domain.MaxRestDays days before it is one. A nil cal is Monday to Friday.
func onOrBefore(cal domain.WorkingDays, n int) int {
	return dayNumber(domain.OnOrBefore(dateOfNumber(n), cal))
}

// onOrAfter is domain.OnOrAfter on day numbers: n if it is a working day,
// and otherwise the next working day, or n itself if none of the
// domain.MaxRestDays days after it is one.
func onOrAfter(cal domain.WorkingDays, n int) int {
	return dayNumber(domain.OnOrAfter(dateOfNumber(n), cal))
}
