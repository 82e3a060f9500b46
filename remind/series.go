package remind

import (
	"time"

	"duban/domain"
)

// seriesKind tells the three series of a commitment apart.
type seriesKind uint8

const (
	deadlineSeries seriesKind = iota
	escalationSeries
	progressSeries
)

// minDay is a day number before every stage: succ(minDay) is a series'
// first stage.
const minDay = -1 << 40

// series is one series of stages (see the package documentation). A stage is
// identified by its nominal day, as a day number; pred and succ step through
// the stages without building a list of them, so the unending overdue and
// progress series cost nothing.
type series struct {
	kind seriesKind
	// due is the due date (deadline and escalation series).
	due int
	// lead holds the lead days (deadline series); values below 1 are not
	// stages.
	lead []int
	// every is the interval of overdue stages (deadline series; below 1:
	// none) or of progress stages (progress series).
	every int
	// first is the escalation day (escalation series) or the day progress
	// is counted from (progress series; its first stage is first+every).
	first int
}

// pred returns the last stage on or before day x.
func (s *series) pred(x int) (int, bool) {
	switch s.kind {
	case escalationSeries:
		return s.first, s.first <= x
	case progressSeries:
		if x < s.first+s.every {
			return 0, false
		}
		return s.first + (x-s.first)/s.every*s.every, true
	}
	if x >= s.due {
		if s.every < 1 {
			return s.due, true
		}
		return s.due + (x-s.due)/s.every*s.every, true
	}
	best, ok := 0, false
	for _, d := range s.lead {
		if n := s.due - d; d > 0 && n <= x && (!ok || n > best) {
			best, ok = n, true
		}
	}
	return best, ok
}

// succ returns the first stage after day x.
func (s *series) succ(x int) (int, bool) {
	switch s.kind {
	case escalationSeries:
		return s.first, s.first > x
	case progressSeries:
		if x < s.first+s.every {
			return s.first + s.every, true
		}
		return s.first + ((x-s.first)/s.every+1)*s.every, true
	}
	if x < s.due {
		best := s.due
		for _, d := range s.lead {
			if n := s.due - d; d > 0 && n > x && n < best {
				best = n
			}
		}
		return best, true
	}
	if s.every < 1 {
		return 0, false
	}
	return s.due + ((x-s.due)/s.every+1)*s.every, true
}

// position is where a series stands at a query: its latest passed stage
// and the stage after it, with their send days.
type position struct {
	passed       bool // some stage has passed: last is the latest
	last         int
	lastDay      int  // the send day of last, if lastDayKnown
	lastDayKnown bool // (walk skips it when it is plainly in the past)
	more         bool // there is a stage after last (or a first stage)
	next         int
	nextDay      int
}

// walk finds the position of s at q. It starts from the last stage on or
// before today and walks a few stages up and down, which is exact because
// send days never decrease along a series and move at most 60 days from the
// stage's day; it never lists a series, which may be endless.
func (p *Policy) walk(s *series, q query) position {
	var w position
	w.last, w.passed = s.pred(q.today)
	// Walk up: a stage of a later day may already have been sent, moved
	// back to a working day.
	for {
		from := minDay
		if w.passed {
			from = w.last
		}
		nx, more := s.succ(from)
		if !more {
			break
		}
		d := p.sendDay(s, nx)
		if !p.passed(d, q) {
			w.more, w.next, w.nextDay = true, nx, d
			break
		}
		w.passed, w.last, w.lastDay, w.lastDayKnown = true, nx, d, true
	}
	// Walk down: today's send time may not have come, and an overdue stage
	// or an escalation may have been moved forward past today.
	for w.passed {
		if !w.lastDayKnown {
			if w.last < q.today-1 && s.movesOnlyBack(w.last) {
				break // sent on or before its day, long ago
			}
			w.lastDay, w.lastDayKnown = p.sendDay(s, w.last), true
		}
		if p.passed(w.lastDay, q) {
			break
		}
		w.more, w.next, w.nextDay = true, w.last, w.lastDay
		w.last, w.passed = s.pred(w.last - 1)
		w.lastDayKnown = false
	}
	return w
}

// dayOf returns the day number of t's date in loc.
func dayOf(t time.Time, loc *time.Location) int {
	y, m, d := t.In(loc).Date()
	return dayNumber(domain.Date{Year: y, Month: m, Day: d})
}

// dayNumber returns the number of days from 1970-01-01 to d, in the
// proleptic Gregorian calendar (H. Hinnant's days_from_civil): integer
// arithmetic, much cheaper than going through time.Time for every stage.
func dayNumber(d domain.Date) int {
	y, m := d.Year, int(d.Month)
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	doy := (153*((m+9)%12)+2)/5 + d.Day - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// dateOfNumber is the inverse of dayNumber (H. Hinnant's civil_from_days).
func dateOfNumber(z int) domain.Date {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	y := yoe + era*400
	if m <= 2 {
		y++
	}
	return domain.Date{Year: y, Month: time.Month(m), Day: d}
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}
