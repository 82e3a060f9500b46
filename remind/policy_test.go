package remind_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"duban/calendar"
	"duban/config"
	"duban/domain"
	"duban/remind"
)

// owner12 is the summary line of a reminder of commitment 12 for zhang-guobin.
func owner12(kind, stage, due, send string) string {
	return fmt.Sprintf("c12/contact:zhang-guobin/%s/%s/%s @ %s [chat 100001]", kind, stage, due, send)
}

// escalation12 is the summary line of commitment 12's escalation.
func escalation12(due, send string) string {
	return fmt.Sprintf("c12/supervision/escalation/escalation/%s @ %s [chat -100]", due, send)
}

func TestPolicyDue(t *testing.T) {
	noProgress := func(p *remind.Policy) { p.ProgressEveryDays = 0 }
	weekendsOnly := func(p *remind.Policy) { p.ProgressEveryDays, p.Calendar = 0, nil }
	dueOn := func(s string) func(*domain.Commitment) {
		return func(c *domain.Commitment) { c.Due = day(s) }
	}
	tests := []struct {
		name   string
		policy func(*remind.Policy)
		item   func(*domain.Commitment)
		owners []*domain.Contact
		now    time.Time
		loc    *time.Location // of the summary; Shanghai if nil
		want   []string
	}{
		// The seed letter's restoration item, due Sunday 2024-06-30.
		{
			name:   "the 7-day lead reminder of a Sunday deadline arrives on the Friday before at 09:00",
			policy: noProgress,
			now:    at(shanghai, "2024-06-21 09:00"),
			want:   []string{owner12("lead", "lead-7", "2024-06-30", "2024-06-21 09:00")},
		},
		{
			name:   "at 08:59 that Friday the 30-day lead reminder is still the latest",
			policy: noProgress,
			now:    at(shanghai, "2024-06-21 08:59"),
			want:   []string{owner12("lead", "lead-30", "2024-06-30", "2024-05-31 09:00")},
		},
		{
			name:   "nothing is due before the first lead reminder",
			policy: noProgress,
			now:    at(shanghai, "2024-05-31 08:59"),
			want:   nil,
		},
		{
			name:   "the 3-day lead reminder comes on Thursday",
			policy: noProgress,
			now:    at(shanghai, "2024-06-27 09:00"),
			want:   []string{owner12("lead", "lead-3", "2024-06-30", "2024-06-27 09:00")},
		},
		{
			name:   "the due reminder of a Sunday deadline arrives on Friday and supersedes the Saturday lead-1 moved there too",
			policy: noProgress,
			now:    at(shanghai, "2024-06-28 09:00"),
			want:   []string{owner12("due", "due", "2024-06-30", "2024-06-28 09:00")},
		},
		{
			name:   "the due reminder stays the latest over the weekend and on the due date",
			policy: noProgress,
			now:    at(shanghai, "2024-06-30 23:59"),
			want:   []string{owner12("due", "due", "2024-06-30", "2024-06-28 09:00")},
		},
		{
			name:   "at 08:59 three days overdue the supervision chat has not been told yet",
			policy: noProgress,
			now:    at(shanghai, "2024-07-03 08:59"),
			want:   []string{owner12("due", "due", "2024-06-30", "2024-06-28 09:00")},
		},
		{
			name:   "at 09:00 three days overdue the escalation goes to the supervision chat",
			policy: noProgress,
			now:    at(shanghai, "2024-07-03 09:00"),
			want: []string{
				escalation12("2024-06-30", "2024-07-03 09:00"),
				owner12("due", "due", "2024-06-30", "2024-06-28 09:00"),
			},
		},
		{
			name:   "the 7-day overdue reminder of a Sunday deadline comes on the Friday before, five days overdue",
			policy: noProgress,
			now:    at(shanghai, "2024-07-05 09:00"),
			want: []string{
				escalation12("2024-06-30", "2024-07-03 09:00"),
				owner12("overdue", "overdue-7", "2024-06-30", "2024-07-05 09:00"),
			},
		},
		{
			name:   "after three weeks down the first scan sends one message per series, the latest stage",
			policy: func(p *remind.Policy) {}, // progress checks on
			now:    at(shanghai, "2024-07-22 10:00"),
			want: []string{
				escalation12("2024-06-30", "2024-07-03 09:00"),
				owner12("overdue", "overdue-21", "2024-06-30", "2024-07-19 09:00"),
				owner12("progress_check", "progress-2024-07-14", "-", "2024-07-12 09:00"),
			},
		},
		{
			name:   "a commitment back-filled long after its due date gets only the latest overdue stage",
			policy: noProgress,
			item:   func(c *domain.Commitment) { c.CreatedAt = at(shanghai, "2024-09-02 10:00") },
			now:    at(shanghai, "2024-09-02 10:00"),
			want: []string{
				escalation12("2024-06-30", "2024-07-03 09:00"),
				owner12("overdue", "overdue-63", "2024-06-30", "2024-08-30 09:00"),
			},
		},
		{
			name:   "an in-progress commitment is reminded like an open one",
			policy: noProgress,
			item:   func(c *domain.Commitment) { c.Status, c.Progress = domain.InProgress, 40 },
			now:    at(shanghai, "2024-06-21 09:00"),
			want:   []string{owner12("lead", "lead-7", "2024-06-30", "2024-06-21 09:00")},
		},
		{
			name: "a done commitment gets nothing",
			item: func(c *domain.Commitment) { c.Status = domain.Done },
			now:  at(shanghai, "2024-07-22 10:00"),
			want: nil,
		},
		{
			name: "a verified commitment gets nothing",
			item: func(c *domain.Commitment) { c.Status = domain.Verified },
			now:  at(shanghai, "2024-07-22 10:00"),
			want: nil,
		},
		{
			name: "a cancelled commitment gets nothing",
			item: func(c *domain.Commitment) { c.Status = domain.Cancelled },
			now:  at(shanghai, "2024-07-22 10:00"),
			want: nil,
		},
		{
			name:   "without working_days_only the due reminder comes on the Sunday itself",
			policy: func(p *remind.Policy) { p.ProgressEveryDays, p.WorkingDaysOnly = 0, false },
			now:    at(shanghai, "2024-06-30 09:00"),
			want:   []string{owner12("due", "due", "2024-06-30", "2024-06-30 09:00")},
		},
		{
			name:   "without working_days_only lead-1 comes on the Saturday",
			policy: func(p *remind.Policy) { p.ProgressEveryDays, p.WorkingDaysOnly = 0, false },
			now:    at(shanghai, "2024-06-29 09:00"),
			want:   []string{owner12("lead", "lead-1", "2024-06-30", "2024-06-29 09:00")},
		},

		// A deadline in the 2024 National Day holiday (10-01..10-07, with
		// Sunday 09-29 and Saturday 10-12 worked).
		{
			name:   "the 7-day lead reminder for Saturday 09-28 before National Day comes on Friday 09-27",
			policy: noProgress,
			item:   dueOn("2024-10-05"),
			now:    at(shanghai, "2024-09-27 09:00"),
			want:   []string{owner12("lead", "lead-7", "2024-10-05", "2024-09-27 09:00")},
		},
		{
			name:   "nothing new on the make-up working Sunday 09-29",
			policy: noProgress,
			item:   dueOn("2024-10-05"),
			now:    at(shanghai, "2024-09-29 18:00"),
			want:   []string{owner12("lead", "lead-7", "2024-10-05", "2024-09-27 09:00")},
		},
		{
			name:   "a deadline in the National Day holiday is announced on 09-30, the last working day before it",
			policy: noProgress,
			item:   dueOn("2024-10-05"),
			now:    at(shanghai, "2024-09-30 09:00"),
			want:   []string{owner12("due", "due", "2024-10-05", "2024-09-30 09:00")},
		},
		{
			name:   "the escalation after a holiday deadline comes on the first working day after the holiday",
			policy: noProgress,
			item:   dueOn("2024-10-05"),
			now:    at(shanghai, "2024-10-08 09:00"),
			want: []string{
				escalation12("2024-10-05", "2024-10-08 09:00"),
				owner12("due", "due", "2024-10-05", "2024-09-30 09:00"),
			},
		},
		{
			name:   "the 7-day overdue reminder on the make-up working Saturday 10-12 is sent that Saturday",
			policy: noProgress,
			item:   dueOn("2024-10-05"),
			now:    at(shanghai, "2024-10-12 09:00"),
			want: []string{
				escalation12("2024-10-05", "2024-10-08 09:00"),
				owner12("overdue", "overdue-7", "2024-10-05", "2024-10-12 09:00"),
			},
		},
		{
			name:   "an overdue reminder is never moved back onto the due date: overdue-7 of 09-30 waits for 10-08",
			policy: noProgress,
			item:   dueOn("2024-09-30"),
			now:    at(shanghai, "2024-10-07 23:59"),
			want:   []string{owner12("due", "due", "2024-09-30", "2024-09-30 09:00")},
		},
		{
			name:   "overdue-7 and the escalation of a 09-30 deadline come together on 10-08",
			policy: noProgress,
			item:   dueOn("2024-09-30"),
			now:    at(shanghai, "2024-10-08 09:00"),
			want: []string{
				escalation12("2024-09-30", "2024-10-08 09:00"),
				owner12("overdue", "overdue-7", "2024-09-30", "2024-10-08 09:00"),
			},
		},
		{
			name:   "an escalation due on a Saturday waits for Monday, so that the weekend does not cut the grace short",
			policy: noProgress,
			item:   dueOn("2024-07-03"), // Wednesday: due+3 is Saturday 07-06
			now:    at(shanghai, "2024-07-08 09:00"),
			want: []string{
				escalation12("2024-07-03", "2024-07-08 09:00"),
				owner12("due", "due", "2024-07-03", "2024-07-03 09:00"),
			},
		},
		{
			name:   "no escalation on the Friday before",
			policy: noProgress,
			item:   dueOn("2024-07-03"),
			now:    at(shanghai, "2024-07-05 23:59"),
			want:   []string{owner12("due", "due", "2024-07-03", "2024-07-03 09:00")},
		},
		{
			name:   "escalate_after_days 0 escalates on the first overdue working day",
			policy: func(p *remind.Policy) { p.ProgressEveryDays, p.EscalateAfterDays = 0, 0 },
			now:    at(shanghai, "2024-07-01 09:00"),
			want: []string{
				escalation12("2024-06-30", "2024-07-01 09:00"),
				owner12("due", "due", "2024-06-30", "2024-06-28 09:00"),
			},
		},
		{
			name:   "with weekends only, a Saturday deadline in the holiday is announced on Friday 10-04",
			policy: weekendsOnly,
			item:   dueOn("2024-10-05"),
			now:    at(shanghai, "2024-10-04 09:00"),
			want:   []string{owner12("due", "due", "2024-10-05", "2024-10-04 09:00")},
		},

		// Month ends and the leap day.
		{
			name:   "a lead reminder falling on New Year's Day moves back over the holiday to Friday 2023-12-29",
			policy: noProgress,
			item:   dueOn("2024-01-31"),
			now:    at(shanghai, "2023-12-29 09:00"),
			want:   []string{owner12("lead", "lead-30", "2024-01-31", "2023-12-29 09:00")},
		},
		{
			name:   "the 1-day lead reminder of a 03-01 deadline comes on the leap day",
			policy: noProgress,
			item:   dueOn("2024-03-01"),
			now:    at(shanghai, "2024-02-29 09:00"),
			want:   []string{owner12("lead", "lead-1", "2024-03-01", "2024-02-29 09:00")},
		},
		{
			name:   "a leap-day deadline is reminded on the day",
			policy: noProgress,
			item:   dueOn("2024-02-29"),
			now:    at(shanghai, "2024-02-29 09:00"),
			want:   []string{owner12("due", "due", "2024-02-29", "2024-02-29 09:00")},
		},
		{
			name:   "the 30-day lead reminder of a leap-day deadline counts the 29 days of February",
			policy: noProgress,
			item:   dueOn("2024-02-29"),
			now:    at(shanghai, "2024-01-30 09:00"),
			want:   []string{owner12("lead", "lead-30", "2024-02-29", "2024-01-30 09:00")},
		},
		{
			name:   "the first overdue reminder of a leap-day deadline comes a week later, on 03-07",
			policy: noProgress,
			item:   dueOn("2024-02-29"),
			now:    at(shanghai, "2024-03-07 09:00"),
			want: []string{
				escalation12("2024-02-29", "2024-03-04 09:00"),
				owner12("overdue", "overdue-7", "2024-02-29", "2024-03-07 09:00"),
			},
		},
		{
			name:   "a month-end deadline on Sunday 03-31 gets its 30-day lead reminder on Friday 03-01",
			policy: noProgress,
			item:   dueOn("2024-03-31"),
			now:    at(shanghai, "2024-03-01 09:00"),
			want:   []string{owner12("lead", "lead-30", "2024-03-31", "2024-03-01 09:00")},
		},

		// Other time zones.
		{
			name:   "in Berlin the 7-day lead reminder before the DST change is sent at 09:00 CET, 08:00 UTC",
			policy: func(p *remind.Policy) { weekendsOnly(p); p.Loc = berlin },
			item:   dueOn("2024-04-05"),
			now:    time.Date(2024, 3, 29, 8, 0, 0, 0, time.UTC),
			loc:    time.UTC,
			want:   []string{owner12("lead", "lead-7", "2024-04-05", "2024-03-29 08:00")},
		},
		{
			name:   "in Berlin at 07:59 UTC before the DST change the 7-day lead reminder is not yet due",
			policy: func(p *remind.Policy) { weekendsOnly(p); p.Loc = berlin },
			item:   dueOn("2024-04-05"),
			now:    time.Date(2024, 3, 29, 7, 59, 0, 0, time.UTC),
			loc:    time.UTC,
			want:   []string{owner12("lead", "lead-30", "2024-04-05", "2024-03-06 08:00")},
		},
		{
			name:   "in Berlin the due reminder after the DST change is sent at 09:00 CEST, 07:00 UTC",
			policy: func(p *remind.Policy) { weekendsOnly(p); p.Loc = berlin },
			item:   dueOn("2024-04-05"),
			now:    time.Date(2024, 4, 5, 7, 0, 0, 0, time.UTC),
			loc:    time.UTC,
			want:   []string{owner12("due", "due", "2024-04-05", "2024-04-05 07:00")},
		},
		{
			name:   "in Berlin at 06:59 UTC after the DST change the due reminder is not yet due",
			policy: func(p *remind.Policy) { weekendsOnly(p); p.Loc = berlin },
			item:   dueOn("2024-04-05"),
			now:    time.Date(2024, 4, 5, 6, 59, 0, 0, time.UTC),
			loc:    time.UTC,
			want:   []string{owner12("lead", "lead-1", "2024-04-05", "2024-04-04 07:00")},
		},
		{
			name:   "in New York, Friday 09:00 in Shanghai is Thursday evening: the due reminder waits",
			policy: func(p *remind.Policy) { weekendsOnly(p); p.Loc = newYork },
			now:    at(shanghai, "2024-06-28 09:00"),
			loc:    newYork,
			want:   []string{owner12("lead", "lead-3", "2024-06-30", "2024-06-27 09:00")},
		},
		{
			name:   "in New York the due reminder comes at 09:00 New York time on Friday",
			policy: func(p *remind.Policy) { weekendsOnly(p); p.Loc = newYork },
			now:    at(newYork, "2024-06-28 09:00"),
			loc:    newYork,
			want:   []string{owner12("due", "due", "2024-06-30", "2024-06-28 09:00")},
		},

		// Owners and chats.
		{
			name:   "an owner with no linked chat still gets a reminder, with chat 0",
			policy: noProgress,
			owners: []*domain.Contact{{ID: 2, Key: "li-ming"}},
			now:    at(shanghai, "2024-06-21 09:00"),
			want:   []string{"c12/contact:li-ming/lead/lead-7/2024-06-30 @ 2024-06-21 09:00 [chat 0]"},
		},
		{
			name:   "each owner gets their own reminder, and an owner without a key is named by id",
			policy: noProgress,
			owners: []*domain.Contact{zhang, {ID: 7, ChatID: 100007}},
			now:    at(shanghai, "2024-06-21 09:00"),
			want: []string{
				"c12/contact#7/lead/lead-7/2024-06-30 @ 2024-06-21 09:00 [chat 100007]",
				owner12("lead", "lead-7", "2024-06-30", "2024-06-21 09:00"),
			},
		},
		{
			name:   "without a supervision chat the escalation is still returned, with chat 0",
			policy: func(p *remind.Policy) { p.ProgressEveryDays, p.SupervisionChatID = 0, 0 },
			owners: []*domain.Contact{},
			now:    at(shanghai, "2024-07-03 09:00"),
			want:   []string{"c12/supervision/escalation/escalation/2024-06-30 @ 2024-07-03 09:00 [chat 0]"},
		},

		// The commitment's own lead days.
		{
			name:   "custom lead days [60 30 7 1]: lead-60 on Labour Day moves back to 04-30",
			policy: noProgress,
			item:   func(c *domain.Commitment) { c.LeadDays = []int{60, 30, 7, 1} },
			now:    at(shanghai, "2024-04-30 09:00"),
			want:   []string{owner12("lead", "lead-60", "2024-06-30", "2024-04-30 09:00")},
		},
		{
			name:   "custom lead days [60 30 7 1]: no 3-day lead reminder",
			policy: noProgress,
			item:   func(c *domain.Commitment) { c.LeadDays = []int{60, 30, 7, 1} },
			now:    at(shanghai, "2024-06-27 09:00"),
			want:   []string{owner12("lead", "lead-7", "2024-06-30", "2024-06-21 09:00")},
		},
		{
			name:   "an empty list of lead days turns lead reminders off",
			policy: noProgress,
			item:   func(c *domain.Commitment) { c.LeadDays = []int{} },
			now:    at(shanghai, "2024-06-27 09:00"),
			want:   nil,
		},
		{
			name:   "a lead day of 0 or less is not a lead stage",
			policy: noProgress,
			item:   func(c *domain.Commitment) { c.LeadDays = []int{0, -3, 4} },
			now:    at(shanghai, "2024-06-27 09:00"),
			want:   []string{owner12("lead", "lead-4", "2024-06-30", "2024-06-26 09:00")},
		},

		// Progress checks.
		{
			name: "a commitment with no update is asked for progress 30 days after it was created",
			now:  at(shanghai, "2024-05-15 09:00"),
			want: []string{
				owner12("progress_check", "progress-2024-05-15", "-", "2024-05-15 09:00"),
			},
		},
		{
			name: "progress checks repeat every 30 days, moved back to a working day",
			now:  at(shanghai, "2024-07-12 09:00"),
			want: []string{
				escalation12("2024-06-30", "2024-07-03 09:00"),
				owner12("overdue", "overdue-14", "2024-06-30", "2024-07-12 09:00"),
				owner12("progress_check", "progress-2024-07-14", "-", "2024-07-12 09:00"),
			},
		},
		{
			name: "a progress update restarts the count from its day",
			item: func(c *domain.Commitment) {
				p := at(shanghai, "2024-06-20 16:30")
				c.LastProgressAt, c.Status, c.Progress = &p, domain.InProgress, 50
			},
			now: at(shanghai, "2024-07-19 09:00"),
			want: []string{
				escalation12("2024-06-30", "2024-07-03 09:00"),
				owner12("overdue", "overdue-21", "2024-06-30", "2024-07-19 09:00"),
				owner12("progress_check", "progress-2024-07-20", "-", "2024-07-19 09:00"),
			},
		},
		{
			name: "an ongoing commitment gets only progress checks, with no due date in the key",
			item: func(c *domain.Commitment) { c.Due, c.DuePrecision = domain.Date{}, domain.POngoing },
			now:  at(shanghai, "2025-03-01 12:00"),
			want: []string{owner12("progress_check", "progress-2025-02-09", "-", "2025-02-08 09:00")},
		},
		{
			name:   "progress_every_days 0 turns progress checks off: an ongoing commitment gets nothing",
			policy: noProgress,
			item:   func(c *domain.Commitment) { c.Due, c.DuePrecision = domain.Date{}, domain.POngoing },
			now:    at(shanghai, "2025-03-01 12:00"),
			want:   nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := defaultPolicy(t)
			if tt.policy != nil {
				tt.policy(&p)
			}
			c := fenggang()
			if tt.item != nil {
				tt.item(c)
			}
			owners := tt.owners
			if owners == nil {
				owners = []*domain.Contact{zhang}
			}
			loc := tt.loc
			if loc == nil {
				loc = shanghai
			}
			got := summary(p.Due(remind.Item{Commitment: c, Owners: owners}, tt.now), loc)
			want := append([]string{}, tt.want...)
			sort.Strings(want)
			if !equalLists(got, want) {
				t.Errorf("Due at %s:\n got: %s\nwant: %s", tt.now.In(loc).Format(time.RFC3339),
					strings.Join(got, "\n      "), strings.Join(want, "\n      "))
			}
		})
	}
}

func TestPolicyFromConfig(t *testing.T) {
	cfg := config.Default()
	cfg.Reminders.SendAt = "08:30"
	cfg.Reminders.LeadDays = []int{14, 2}
	cfg.Reminders.ProgressEveryDays = 0
	cfg.Telegram.SupervisionChatID = -42
	cal := calendar.China()
	p := remind.PolicyFromConfig(&cfg, cal)

	t.Run("it takes every reminder setting from the configuration", func(t *testing.T) {
		if p.Loc.String() != "Asia/Shanghai" || p.SendHour != 8 || p.SendMin != 30 || p.WarnDays != 7 ||
			p.OverdueEveryDays != 7 || p.EscalateAfterDays != 3 || p.ProgressEveryDays != 0 ||
			!p.WorkingDaysOnly || p.Calendar != cal || p.SupervisionChatID != -42 ||
			fmt.Sprint(p.LeadDays) != "[14 2]" {
			t.Errorf("PolicyFromConfig = %+v", p)
		}
	})
	t.Run("its lead days do not share the configuration's slice", func(t *testing.T) {
		cfg.Reminders.LeadDays[0] = 99
		if p.LeadDays[0] != 14 {
			t.Errorf("LeadDays[0] = %d after changing the configuration, want 14", p.LeadDays[0])
		}
	})
	t.Run("the send time is the configured one", func(t *testing.T) {
		rs := p.Due(remind.Item{Commitment: fenggang(), Owners: []*domain.Contact{zhang}}, at(shanghai, "2024-06-14 08:30"))
		if len(rs) != 1 || rs[0].Stage != "lead-14" || !rs[0].SendAt.Equal(at(shanghai, "2024-06-14 08:30")) {
			t.Errorf("Due at 2024-06-14 08:30 = %v, want lead-14 sent at 08:30", summary(rs, shanghai))
		}
	})
}

func TestReminderFields(t *testing.T) {
	p := defaultPolicy(t)
	it := remind.Item{Commitment: fenggang(), Owners: []*domain.Contact{zhang, {ID: 3, Key: "no-chat"}}}

	t.Run("a shifted reminder keeps its nominal day and sends on the working day", func(t *testing.T) {
		rs := p.Due(it, at(shanghai, "2024-06-21 09:00"))
		r := rs[0]
		if r.Kind != remind.KindLead || r.Stage != "lead-7" || r.Day != day("2024-06-23") ||
			!r.SendAt.Equal(at(shanghai, "2024-06-21 09:00")) || r.SendAt.Location().String() != "Asia/Shanghai" ||
			r.Contact != zhang || r.ChatID != 100001 || r.WarnDays != 7 {
			t.Errorf("reminder = %+v", r)
		}
	})
	t.Run("an owner with no linked chat is unreachable", func(t *testing.T) {
		rs := p.Due(it, at(shanghai, "2024-06-21 09:00"))
		if got := rs[0].DeadReason(); got != "" {
			t.Errorf("DeadReason of a linked owner = %q, want none", got)
		}
		if got := rs[1].DeadReason(); got != remind.ReasonNoChat {
			t.Errorf("DeadReason of an unlinked owner = %q, want %q", got, remind.ReasonNoChat)
		}
	})
	t.Run("an escalation without a supervision chat says none is configured", func(t *testing.T) {
		p := p
		p.SupervisionChatID = 0
		for _, r := range p.Due(it, at(shanghai, "2024-07-03 09:00")) {
			if r.Kind != remind.KindEscalation {
				continue
			}
			if r.Contact != nil || r.ChatID != 0 || r.DeadReason() != remind.ReasonNoSupervisionChat {
				t.Errorf("escalation = %+v, reason %q", r, r.DeadReason())
			}
			return
		}
		t.Error("no escalation at 2024-07-03 09:00")
	})
	t.Run("an item without a commitment gets nothing", func(t *testing.T) {
		if rs := p.Due(remind.Item{}, at(shanghai, "2024-07-03 09:00")); rs != nil {
			t.Errorf("Due = %v, want nothing", rs)
		}
		if next := p.Next(remind.Item{}, at(shanghai, "2024-07-03 09:00")); !next.IsZero() {
			t.Errorf("Next = %v, want zero", next)
		}
	})
}

func TestDueDateChangeStartsNewSeries(t *testing.T) {
	p := defaultPolicy(t)
	p.ProgressEveryDays = 0
	c := fenggang()
	it := remind.Item{Commitment: c, Owners: []*domain.Contact{zhang}}
	now := at(shanghai, "2024-07-03 09:00")
	before := keys(p.Due(it, now))

	c.Due = day("2024-07-31") // an approved extension
	t.Run("after an extension no key of the old series comes back", func(t *testing.T) {
		for _, at := range []time.Time{now, at(shanghai, "2024-07-31 09:00"), at(shanghai, "2024-08-05 09:00")} {
			for k := range keys(p.Due(it, at)) {
				if _, ok := before[k]; ok {
					t.Errorf("Due at %s returns %s of the old series", at, k)
				}
			}
		}
	})
	t.Run("the new series starts with its latest passed stage", func(t *testing.T) {
		got := summary(p.Due(it, now), shanghai)
		want := []string{owner12("lead", "lead-30", "2024-07-31", "2024-07-01 09:00")}
		if !equalLists(got, want) {
			t.Errorf("Due after the extension = %v, want %v", got, want)
		}
	})
	t.Run("the new due date escalates again, three days after it", func(t *testing.T) {
		got := keys(p.Due(it, at(shanghai, "2024-08-05 09:00")))
		if _, ok := got["c12/supervision/escalation/escalation/2024-07-31"]; !ok {
			t.Errorf("Due on 2024-08-05 = %v, want the new escalation", got)
		}
	})
}

func TestPolicyNext(t *testing.T) {
	p := defaultPolicy(t)
	p.ProgressEveryDays = 0
	item := func(edit func(*domain.Commitment)) remind.Item {
		c := fenggang()
		if edit != nil {
			edit(c)
		}
		return remind.Item{Commitment: c, Owners: []*domain.Contact{zhang}}
	}
	tests := []struct {
		name   string
		policy func(*remind.Policy)
		item   remind.Item
		now    time.Time
		want   time.Time // zero: never
	}{
		{"before any reminder, it is the first lead reminder", nil, item(nil), at(shanghai, "2024-04-15 10:00"), at(shanghai, "2024-05-31 09:00")},
		{"a minute before a send time, it is that send time", nil, item(nil), at(shanghai, "2024-06-21 08:59"), at(shanghai, "2024-06-21 09:00")},
		{"at a send time, it is the next one, strictly after", nil, item(nil), at(shanghai, "2024-06-21 09:00"), at(shanghai, "2024-06-27 09:00")},
		{"on Thursday, it is Friday, when lead-1 and the due reminder collapse", nil, item(nil), at(shanghai, "2024-06-27 09:00"), at(shanghai, "2024-06-28 09:00")},
		{"after the due reminder, it is the escalation", nil, item(nil), at(shanghai, "2024-06-28 09:00"), at(shanghai, "2024-07-03 09:00")},
		{"after the escalation, it is the first overdue reminder", nil, item(nil), at(shanghai, "2024-07-03 09:00"), at(shanghai, "2024-07-05 09:00")},
		{"long overdue, it is the next weekly overdue reminder", nil, item(nil), at(shanghai, "2025-01-01 12:00"), at(shanghai, "2025-01-03 09:00")},
		{"a closed commitment has none", nil, item(func(c *domain.Commitment) { c.Status = domain.Done }), at(shanghai, "2024-06-21 09:00"), time.Time{}},
		{"an ongoing commitment without progress checks has none", nil, item(func(c *domain.Commitment) { c.Due = domain.Date{} }), at(shanghai, "2024-06-21 09:00"), time.Time{}},
		{
			"an ongoing commitment with progress checks has the next check",
			func(p *remind.Policy) { p.ProgressEveryDays = 30 },
			item(func(c *domain.Commitment) { c.Due = domain.Date{} }),
			at(shanghai, "2024-05-15 09:00"), at(shanghai, "2024-06-14 09:00"),
		},
		{
			"without overdue repeats, nothing follows the escalation",
			func(p *remind.Policy) { p.OverdueEveryDays = 0 },
			item(nil), at(shanghai, "2024-07-03 09:00"), time.Time{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := p
			if tt.policy != nil {
				tt.policy(&p)
			}
			if got := p.Next(tt.item, tt.now); !got.Equal(tt.want) {
				t.Errorf("Next at %s = %s, want %s", tt.now, got, tt.want)
			}
		})
	}
}
