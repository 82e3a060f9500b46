package remind

import (
	"time"

	"duban/calendar"
	"duban/config"
	"duban/domain"
)

// Reminder kinds, as they appear in Reminder.Kind and in dedup keys: the
// domain's notification kinds, named here for the callers of this package.
const (
	KindLead          = domain.KindLead
	KindDue           = domain.KindDue
	KindOverdue       = domain.KindOverdue
	KindEscalation    = domain.KindEscalation
	KindProgressCheck = domain.KindProgressCheck
)

// Reasons for which a reminder cannot be delivered; the caller records the
// reminder as dead with the reason of [Reminder.DeadReason].
const (
	ReasonNoChat            = "unreachable: no linked Telegram chat"
	ReasonNoSupervisionChat = "no supervision chat configured"
)

// Policy is the reminder policy of SPEC §3, with every setting it reads. The
// zero Policy is usable but sends at midnight UTC with no lead reminders, no
// overdue repeats and no progress checks; build one with PolicyFromConfig.
type Policy struct {
	// Loc is the time zone of days and send times; nil means UTC.
	Loc *time.Location
	// SendHour (0-23) and SendMin (0-59) are reminders.send_at: the local
	// time of day at which a day's reminders become due.
	SendHour, SendMin int
	// LeadDays are the days before the due date of the lead reminders, for
	// commitments without their own; values below 1 are ignored (the due
	// reminder covers day 0).
	LeadDays []int
	// WarnDays is how many days before the due date the light turns yellow;
	// messages show the light.
	WarnDays int
	// OverdueEveryDays is the interval of overdue reminders; below 1, there
	// are none after the due reminder.
	OverdueEveryDays int
	// EscalateAfterDays is how many days overdue a commitment is escalated
	// to the supervision chat; values below 1 count as 1.
	EscalateAfterDays int
	// ProgressEveryDays is how long an open commitment may go without a
	// progress update before its owners are asked; 0 turns checks off.
	ProgressEveryDays int
	// WorkingDaysOnly moves a reminder whose day is not a working day (see
	// the package documentation).
	WorkingDaysOnly bool
	// Calendar says which days are working days (a *calendar.Calendar); nil
	// means Monday to Friday. The shift itself is the domain's one
	// working-day rule (domain.OnOrBefore, domain.OnOrAfter).
	Calendar domain.WorkingDays
	// SupervisionChatID is the chat escalations go to; 0 means none is
	// configured, and escalations are returned with ChatID 0.
	SupervisionChatID int64
}

// PolicyFromConfig returns the policy that cfg configures, with cal as its
// working-day calendar (nil: Monday to Friday).
func PolicyFromConfig(cfg *config.Config, cal *calendar.Calendar) Policy {
	var wd domain.WorkingDays
	if cal != nil { // a nil *Calendar in the interface would not be nil
		wd = cal
	}
	r := cfg.Reminders
	h, m := cfg.SendAtClock()
	loc := cfg.Location
	if loc == nil {
		if l, err := time.LoadLocation(cfg.Timezone); err == nil {
			loc = l
		}
	}
	return Policy{
		Loc:               loc,
		SendHour:          h,
		SendMin:           m,
		LeadDays:          append([]int(nil), r.LeadDays...),
		WarnDays:          r.WarnDays,
		OverdueEveryDays:  r.OverdueEveryDays,
		EscalateAfterDays: r.EscalateAfterDays,
		ProgressEveryDays: r.ProgressEveryDays,
		WorkingDaysOnly:   r.WorkingDaysOnly,
		Calendar:          wd,
		SupervisionChatID: cfg.Telegram.SupervisionChatID,
	}
}

// Item is what the policy needs to know of one commitment.
type Item struct {
	// Commitment supplies ID, Status, Due, LeadDays (nil: the policy's),
	// LastProgressAt and CreatedAt.
	Commitment *domain.Commitment
	// Owners are the commitment's owner contacts, with their ChatID (0: not
	// linked), Language, Key and ID.
	Owners []*domain.Contact
}

// Reminder is one message the policy wants sent to one recipient.
type Reminder struct {
	// Kind is one of the Kind constants.
	Kind string
	// Stage names the step of its series: "lead-7", "due", "overdue-14"
	// (the days overdue at this stage), "escalation", "progress-2024-07-15"
	// (the day the check is for).
	Stage string
	// Contact is the owner it is for, nil for an escalation, which goes to
	// the supervision chat.
	Contact *domain.Contact
	// ChatID is where to send it; 0 when the owner has no linked chat or no
	// supervision chat is configured (see DeadReason).
	ChatID int64
	// DedupKey identifies the reminder across scans, restarts and replicas:
	// commitment, recipient, kind, stage and due date, as in
	// "c12/contact:zhang-guobin/lead/lead-7/2024-06-30".
	DedupKey string
	// SendAt is the local send time of its day, after the working-day shift,
	// in the policy's time zone.
	SendAt time.Time
	// Day is the stage's nominal day, before the working-day shift.
	Day domain.Date
	// WarnDays is the policy's warn_days, so that Text shows the same light
	// as the rest of duban.
	WarnDays int
	// Owners are the commitment's owner contacts, set on an escalation so
	// that its text names them (张国斌), not their keys.
	Owners []*domain.Contact
}

// DeadReason returns why the reminder cannot be delivered, or "" if it has a
// chat to go to.
func (r Reminder) DeadReason() string {
	switch {
	case r.ChatID != 0:
		return ""
	case r.Contact == nil:
		return ReasonNoSupervisionChat
	}
	return ReasonNoChat
}

// Due returns the reminders due at now for it: for each series only the
// latest stage whose send time has passed, one Reminder per owner (and one
// for the supervision chat for an escalation). It returns nothing for done,
// verified and cancelled commitments. Calling it again before the next stage
// returns the same reminders with the same dedup keys.
func (p Policy) Due(it Item, now time.Time) []Reminder {
	var ss [maxSeries]series
	n := p.seriesOf(it.Commitment, ss[:0])
	if n == 0 {
		return nil
	}
	q := p.at(now)
	var out []Reminder
	var due string // the due date as dedup keys carry it, formatted once
	for i := range n {
		s := &ss[i]
		w := p.walk(s, q)
		if !w.passed {
			continue
		}
		if out == nil {
			out = make([]Reminder, 0, n*max(len(it.Owners), 1))
			due = "-"
			if d := it.Commitment.Due; !d.IsZero() {
				var buf [10]byte
				due = string(appendDate(buf[:0], d))
			}
		}
		sendDay := w.lastDay
		if !w.lastDayKnown {
			sendDay = p.sendDay(s, w.last)
		}
		out = p.appendReminders(out, it, s, w.last, p.sendTime(sendDay), due)
	}
	return out
}

// Next returns the earliest time strictly after now at which Due(it, t)
// returns a reminder that Due(it, now) does not: the send time of the next
// stage of any series. It returns the zero time when no reminder will ever be
// due again (a closed commitment, an ongoing one with progress checks off).
// The scanner stores it on the commitment (next_remind_at) so that a scan
// reads only the commitments whose time has come; any change to the
// commitment (status, due date, progress) must reset it.
func (p Policy) Next(it Item, now time.Time) time.Time {
	var ss [maxSeries]series
	n := p.seriesOf(it.Commitment, ss[:0])
	q := p.at(now)
	var next time.Time
	for i := range n {
		w := p.walk(&ss[i], q)
		if !w.more {
			continue
		}
		if at := p.sendTime(w.nextDay); next.IsZero() || at.Before(next) {
			next = at
		}
	}
	return next
}

// maxSeries is the number of series a commitment can have.
const maxSeries = 3

// seriesOf appends the series of c to ss and returns how many there are.
func (p *Policy) seriesOf(c *domain.Commitment, ss []series) int {
	if c == nil || c.Status.Closed() {
		return 0
	}
	if !c.Due.IsZero() {
		due := dayNumber(c.Due)
		lead := c.LeadDays
		if lead == nil {
			lead = p.LeadDays
		}
		ss = append(ss,
			series{kind: deadlineSeries, due: due, lead: lead, every: p.OverdueEveryDays},
			series{kind: escalationSeries, due: due, first: due + max(p.EscalateAfterDays, 1)})
	}
	if p.ProgressEveryDays > 0 {
		var base time.Time
		switch {
		case c.LastProgressAt != nil && !c.LastProgressAt.IsZero():
			base = *c.LastProgressAt
		case !c.CreatedAt.IsZero():
			base = c.CreatedAt
		}
		if !base.IsZero() {
			ss = append(ss, series{kind: progressSeries, first: dayOf(base, p.loc()), every: p.ProgressEveryDays})
		}
	}
	return len(ss)
}

func (p *Policy) loc() *time.Location {
	if p.Loc == nil {
		return time.UTC
	}
	return p.Loc
}
