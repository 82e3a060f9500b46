package remind_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"duban/calendar"
	"duban/domain"
	"duban/remind"
)

// randomCase draws a policy, an item and a time from rng: deadlines from 2023
// to 2027 (the years of the built-in calendar), in four time zones, with
// every setting the policy reads varied, including the odd ones (lead days of
// 0 or below, duplicates, overdue repeats off, send times at midnight and in
// a DST gap).
func randomCase(rng *rand.Rand) (remind.Policy, remind.Item, time.Time) {
	locs := []*time.Location{shanghai, newYork, berlin, time.UTC}
	p := remind.Policy{
		Loc:               locs[rng.IntN(len(locs))],
		SendHour:          []int{0, 2, 9, 9, 23}[rng.IntN(5)],
		SendMin:           []int{0, 30, 59}[rng.IntN(3)],
		LeadDays:          []int{30, 7, 3, 1},
		WarnDays:          7,
		OverdueEveryDays:  rng.IntN(10), // 0: no overdue repeats
		EscalateAfterDays: rng.IntN(6),
		ProgressEveryDays: []int{0, 1, 7, 30, 45}[rng.IntN(5)],
		WorkingDaysOnly:   rng.IntN(4) != 0,
		SupervisionChatID: -100,
	}
	if rng.IntN(3) != 0 {
		p.Calendar = calendar.China()
	}
	due := domain.NewDate(2023, time.March, 1).AddDays(rng.IntN(4 * 365))
	c := &domain.Commitment{ID: int64(rng.IntN(1000)), Title: "t", Due: due, Status: domain.Open}
	if rng.IntN(10) == 0 {
		c.Due = domain.Date{}
	}
	switch rng.IntN(4) {
	case 0:
		c.LeadDays = []int{60, 30, 7, 1}
	case 1:
		c.LeadDays = []int{}
	case 2:
		c.LeadDays = []int{0, -2, 5, 5, 2, 1 + rng.IntN(90)}
	}
	c.CreatedAt = due.Start(p.Loc).Add(-time.Duration(rng.IntN(200*24)) * time.Hour)
	if rng.IntN(2) == 0 {
		lp := c.CreatedAt.Add(time.Duration(rng.IntN(150*24*60)) * time.Minute)
		c.LastProgressAt = &lp
		c.Status = domain.InProgress
	}
	owners := []*domain.Contact{{ID: 1, Key: "a", ChatID: 1}, {ID: 2, Key: "b"}}[:rng.IntN(3)]
	now := c.CreatedAt.Add(time.Duration(rng.IntN(400*24*60)) * time.Minute)
	return p, remind.Item{Commitment: c, Owners: owners}, now
}

// modelStage is a stage of the reference model.
type modelStage struct {
	kind, stage string
	nominal     domain.Date
	send        domain.Date
}

// model is a slow, plain reference for Due: it lists every stage of every
// series up to well past now, with domain.Date and the calendar's
// IsWorkingDay, and keeps the latest passed one of each series. It shares no
// code with the package's day arithmetic or its walk through a series.
func model(p remind.Policy, c *domain.Commitment, now time.Time) []string {
	if c.Status.Closed() {
		return nil
	}
	cal := p.Calendar
	if cal == nil {
		cal = domain.Weekdays{}
	}
	today := domain.DateOf(now, p.Loc)
	horizon := today.AddDays(70)
	// back and forward walk the calendar day by day themselves, so that the
	// model does not share the domain's working-day walk that Due uses.
	back := func(d domain.Date) domain.Date {
		if !p.WorkingDaysOnly {
			return d
		}
		for i := 0; i <= 60; i++ {
			if e := d.AddDays(-i); cal.IsWorkingDay(e) {
				return e
			}
		}
		return d
	}
	forward := func(d domain.Date) domain.Date {
		if !p.WorkingDaysOnly {
			return d
		}
		for !cal.IsWorkingDay(d) {
			d = d.AddDays(1)
		}
		return d
	}
	var series [][]modelStage
	if !c.Due.IsZero() {
		var dl []modelStage
		lead := c.LeadDays
		if lead == nil {
			lead = p.LeadDays
		}
		for _, d := range lead {
			if d > 0 {
				n := c.Due.AddDays(-d)
				dl = append(dl, modelStage{"lead", "lead-" + strconv.Itoa(d), n, back(n)})
			}
		}
		dl = append(dl, modelStage{"due", "due", c.Due, back(c.Due)})
		for k := 1; p.OverdueEveryDays > 0; k++ {
			n := c.Due.AddDays(k * p.OverdueEveryDays)
			if n.After(horizon) {
				break
			}
			s := back(n)
			if !s.After(c.Due) {
				s = forward(n)
			}
			dl = append(dl, modelStage{"overdue", "overdue-" + strconv.Itoa(k*p.OverdueEveryDays), n, s})
		}
		e := c.Due.AddDays(max(p.EscalateAfterDays, 1))
		series = append(series, dl, []modelStage{{"escalation", "escalation", e, forward(e)}})
	}
	if p.ProgressEveryDays > 0 {
		base := c.CreatedAt
		if c.LastProgressAt != nil {
			base = *c.LastProgressAt
		}
		var ps []modelStage
		for n := domain.DateOf(base, p.Loc).AddDays(p.ProgressEveryDays); !n.After(horizon); n = n.AddDays(p.ProgressEveryDays) {
			ps = append(ps, modelStage{"progress_check", "progress-" + n.String(), n, back(n)})
		}
		series = append(series, ps)
	}
	var out []string
	for _, ss := range series {
		var best *modelStage
		for i := range ss {
			s := &ss[i]
			sendAt := time.Date(s.send.Year, s.send.Month, s.send.Day, p.SendHour, p.SendMin, 0, 0, p.Loc)
			if !now.Before(sendAt) && (best == nil || s.nominal.After(best.nominal)) {
				best = s
			}
		}
		if best != nil {
			out = append(out, fmt.Sprintf("%s %s %s %s", best.kind, best.stage, best.nominal, best.send))
		}
	}
	slices.Sort(out)
	return out
}

// stagesOf reduces Due's answer to what the model computes: one line per
// stage, whatever the number of owners.
func stagesOf(rs []remind.Reminder, loc *time.Location) []string {
	var out []string
	for _, r := range rs {
		s := fmt.Sprintf("%s %s %s %s", r.Kind, r.Stage, r.Day, domain.DateOf(r.SendAt, loc))
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

func TestDueMatchesReferenceModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 3000 {
		p, it, now := randomCase(rng)
		it.Owners = []*domain.Contact{zhang} // the model counts stages, not owners
		got := stagesOf(p.Due(it, now), p.Loc)
		want := model(p, it.Commitment, now)
		if !slices.Equal(got, want) {
			t.Fatalf("case %d: Due at %s for %+v with %+v:\n got %q\nwant %q", i, now, *it.Commitment, p, got, want)
		}
	}
}

func TestNextNeverSkipsAReminder(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 3000 {
		p, it, t1 := randomCase(rng)
		t2 := t1.Add(time.Duration(rng.IntN(60*24*60)) * time.Minute)
		next := p.Next(it, t1)
		before := keys(p.Due(it, t1))
		fail := func(format string, args ...any) {
			t.Helper()
			t.Fatalf("case %d (t1 %s, t2 %s, Next %s, item %+v, policy %+v): %s",
				i, t1, t2, next, *it.Commitment, p, fmt.Sprintf(format, args...))
		}
		if !next.IsZero() && !next.After(t1) {
			fail("Next is not after now")
		}
		for k, r := range keys(p.Due(it, t2)) {
			if r.SendAt.After(t2) {
				fail("Due at t2 returns %s, sent at %s, in the future", k, r.SendAt)
			}
			if _, ok := before[k]; ok {
				continue
			}
			if next.IsZero() {
				fail("Next says never, but Due at t2 returns the new %s", k)
			}
			if r.SendAt.Before(next) {
				fail("Due at t2 returns %s, sent at %s, before Next", k, r.SendAt)
			}
		}
		if next.IsZero() {
			continue
		}
		// Next is also tight: nothing changes until it, something at it.
		if got := keys(p.Due(it, next.Add(-time.Nanosecond))); !sameKeys(got, before) {
			fail("Due changes before Next: %v, was %v", got, before)
		}
		if got := keys(p.Due(it, next)); sameKeys(got, before) && len(it.Owners) > 0 {
			fail("Due does not change at Next: %v", got)
		}
	}
}

func sameKeys(a, b map[string]remind.Reminder) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			return false
		}
	}
	return true
}

// TestScanningAYear plays the scanner: a scan every 5 minutes from the day
// the commitment was created to 60 days after its deadline, with the keys
// already enqueued remembered as the outbox remembers them.
func TestScanningAYear(t *testing.T) {
	p := defaultPolicy(t)
	c := fenggang()
	c.CreatedAt = at(shanghai, "2023-08-01 10:00")
	it := remind.Item{Commitment: c, Owners: []*domain.Contact{zhang}}
	start, end := c.CreatedAt, at(shanghai, "2024-08-29 00:00")

	type sent struct {
		key  string
		at   time.Time
		late time.Duration
	}
	scan := func(step func(time.Time) time.Time) []sent {
		var out []sent
		seen := map[string]bool{}
		last := map[string]string{} // series → its latest key
		for now := start; now.Before(end); now = step(now) {
			series := map[string]bool{}
			for _, r := range p.Due(it, now) {
				s := r.Kind
				if s == remind.KindLead || s == remind.KindDue || s == remind.KindOverdue {
					s = "deadline"
				}
				if series[s] {
					t.Fatalf("Due at %s returns two stages of the %s series", now, s)
				}
				series[s] = true
				if seen[r.DedupKey] {
					if last[s] != r.DedupKey {
						t.Fatalf("at %s the %s series went back to %s", now, s, r.DedupKey)
					}
					continue
				}
				seen[r.DedupKey] = true
				last[s] = r.DedupKey
				out = append(out, sent{r.DedupKey, now, now.Sub(r.SendAt)})
			}
		}
		return out
	}

	every5 := scan(func(t time.Time) time.Time { return t.Add(5 * time.Minute) })

	t.Run("every stage is enqueued once, on time, and none is missing", func(t *testing.T) {
		var got []string
		for _, s := range every5 {
			if s.late >= 5*time.Minute {
				t.Errorf("%s enqueued %s after its send time", s.key, s.late)
			}
			got = append(got, s.key[len("c12/"):]+" @ "+s.at.Format("2006-01-02"))
		}
		z := "contact:zhang-guobin/"
		want := []string{
			// Progress checks every 30 days from 2023-08-01, moved back
			// to the working day before.
			z + "progress_check/progress-2023-08-31/- @ 2023-08-31",
			z + "progress_check/progress-2023-09-30/- @ 2023-09-28", // Sat in the Mid-Autumn/National Day holiday
			z + "progress_check/progress-2023-10-30/- @ 2023-10-30",
			z + "progress_check/progress-2023-11-29/- @ 2023-11-29",
			z + "progress_check/progress-2023-12-29/- @ 2023-12-29",
			z + "progress_check/progress-2024-01-28/- @ 2024-01-26",
			z + "progress_check/progress-2024-02-27/- @ 2024-02-27",
			z + "progress_check/progress-2024-03-28/- @ 2024-03-28",
			z + "progress_check/progress-2024-04-27/- @ 2024-04-26",
			z + "progress_check/progress-2024-05-27/- @ 2024-05-27",
			z + "lead/lead-30/2024-06-30 @ 2024-05-31",
			z + "lead/lead-7/2024-06-30 @ 2024-06-21",
			z + "progress_check/progress-2024-06-26/- @ 2024-06-26",
			z + "lead/lead-3/2024-06-30 @ 2024-06-27",
			z + "due/due/2024-06-30 @ 2024-06-28", // lead-1 on Saturday collapses into it
			"supervision/escalation/escalation/2024-06-30 @ 2024-07-03",
			z + "overdue/overdue-7/2024-06-30 @ 2024-07-05",
			z + "overdue/overdue-14/2024-06-30 @ 2024-07-12",
			z + "overdue/overdue-21/2024-06-30 @ 2024-07-19",
			z + "progress_check/progress-2024-07-26/- @ 2024-07-26",
			z + "overdue/overdue-28/2024-06-30 @ 2024-07-26",
			z + "overdue/overdue-35/2024-06-30 @ 2024-08-02",
			z + "overdue/overdue-42/2024-06-30 @ 2024-08-09",
			z + "overdue/overdue-49/2024-06-30 @ 2024-08-16",
			z + "overdue/overdue-56/2024-06-30 @ 2024-08-23",
			z + "progress_check/progress-2024-08-25/- @ 2024-08-23",
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("enqueued:\n%s\nwant:\n%s", joinLines(got), joinLines(want))
		}
	})

	t.Run("jumping from Next to Next enqueues the same at the same times", func(t *testing.T) {
		jumps := 0
		byNext := scan(func(now time.Time) time.Time {
			jumps++
			if n := p.Next(it, now); !n.IsZero() {
				return n
			}
			return end
		})
		same := func(a, b sent) bool { return a.key == b.key && a.at.Equal(b.at) && a.late == b.late }
		if !slices.EqualFunc(byNext, every5, same) {
			t.Errorf("by Next: %v\nevery 5 minutes: %v", byNext, every5)
		}
		if jumps > len(every5)+1 {
			t.Errorf("%d scans by Next for %d messages", jumps, len(every5))
		}
	})
}

func joinLines(ss []string) string {
	out := ""
	for _, s := range ss {
		out += "  " + s + "\n"
	}
	return out
}
