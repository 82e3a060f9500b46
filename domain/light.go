package domain

import (
	"strings"
	"time"
)

// Light is the traffic light (红黄绿灯) of a commitment, derived from its
// status, its due date, the warning window and the time zone.
type Light string

// Lights.
const (
	Red    Light = "red"    // open or in progress, and past due
	Yellow Light = "yellow" // open or in progress, due within warn_days
	Green  Light = "green"  // open or in progress otherwise (and ongoing items)
	LDone  Light = "done"   // done or verified
	Grey   Light = "grey"   // cancelled
)

// Lights lists every light.
var Lights = []Light{Red, Yellow, Green, LDone, Grey}

// ParseLight checks that s names a light.
func ParseLight(s string) (Light, bool) {
	for _, l := range Lights {
		// The machine name, the Chinese name (红灯) or its first
		// character (红).
		if zh := lightNames[l][0]; string(l) == s || zh == s || (l != LDone && l != Grey && strings.HasPrefix(zh, s) && s != "") {
			return l, true
		}
	}
	return "", false
}

// LightOf computes the light at now. A commitment is red from the first
// instant of the day after its due date in loc: the whole due day still
// counts as on time. Yellow means due today or within warnDays days.
func LightOf(status Status, due Date, now time.Time, loc *time.Location, warnDays int) Light {
	switch status {
	case Done, Verified:
		return LDone
	case Cancelled:
		return Grey
	}
	if due.IsZero() {
		return Green
	}
	left := DateOf(now, loc).DaysUntil(due)
	switch {
	case left < 0:
		return Red
	case left <= warnDays:
		return Yellow
	}
	return Green
}

// DaysOverdue returns how many days past due a commitment is at now (0 if
// not overdue or undated).
func DaysOverdue(due Date, now time.Time, loc *time.Location) int {
	if due.IsZero() {
		return 0
	}
	if d := due.DaysUntil(DateOf(now, loc)); d > 0 {
		return d
	}
	return 0
}
