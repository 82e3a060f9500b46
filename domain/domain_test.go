package domain

import (
	"strings"
	"testing"
	"time"
)

func TestTransitions(t *testing.T) {
	legal := map[[2]Status]bool{
		{Open, InProgress}: true, {Open, Done}: true, {Open, Cancelled}: true,
		{InProgress, Done}: true, {InProgress, Cancelled}: true,
		{Done, Verified}: true, {Done, InProgress}: true, {Done, Cancelled}: true,
	}
	for _, from := range Statuses {
		for _, to := range Statuses {
			name := string(from) + " to " + string(to)
			t.Run(name, func(t *testing.T) {
				err := Transition(from, to)
				if legal[[2]Status{from, to}] {
					if err != nil {
						t.Fatalf("legal move refused: %v", err)
					}
					return
				}
				if err == nil {
					t.Fatal("illegal move allowed")
				}
				if !strings.Contains(err.Error(), string(from)) || !strings.Contains(err.Error(), string(to)) {
					t.Fatalf("error %q does not name both states", err)
				}
				if ErrorCode(err) != EINVALID {
					t.Fatalf("code %q, want invalid", ErrorCode(err))
				}
			})
		}
	}
}

func TestLightEdges(t *testing.T) {
	sh, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	due := NewDate(2024, 6, 30)
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, sh)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name   string
		status Status
		due    Date
		now    time.Time
		warn   int
		want   Light
	}{
		{"the last minute of the due day is not red", Open, due, at("2024-06-30 23:59"), 7, Yellow},
		{"the first minute of the next day is red", Open, due, at("2024-07-01 00:00"), 7, Red},
		{"in-progress items turn red too", InProgress, due, at("2024-07-01 00:00"), 7, Red},
		{"exactly warn_days before the due day is yellow", Open, due, at("2024-06-23 00:00"), 7, Yellow},
		{"one day more than warn_days before is green", Open, due, at("2024-06-22 23:59"), 7, Green},
		{"warn_days 0 makes only the due day yellow", Open, due, at("2024-06-30 00:00"), 0, Yellow},
		{"warn_days 0 leaves the day before green", Open, due, at("2024-06-29 12:00"), 0, Green},
		{"UTC evening already counts as the next day in Shanghai", Open, due, time.Date(2024, 6, 30, 16, 0, 0, 0, time.UTC), 7, Red},
		{"UTC afternoon is still the due day in Shanghai", Open, due, time.Date(2024, 6, 30, 15, 59, 0, 0, time.UTC), 7, Yellow},
		{"ongoing items are never red", Open, Date{}, at("2030-01-01 00:00"), 7, Green},
		{"done items are done", Done, due, at("2025-01-01 00:00"), 7, LDone},
		{"verified items are done", Verified, due, at("2025-01-01 00:00"), 7, LDone},
		{"cancelled items are grey", Cancelled, due, at("2025-01-01 00:00"), 7, Grey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := LightOf(tt.status, tt.due, tt.now, sh, tt.warn); got != tt.want {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
		})
	}
	if d := DaysOverdue(due, at("2024-07-01 00:00"), sh); d != 1 {
		t.Fatalf("days overdue %d, want 1", d)
	}
	if d := DaysOverdue(due, at("2024-06-30 23:59"), sh); d != 0 {
		t.Fatalf("days overdue on the due day %d, want 0", d)
	}
}

func TestDates(t *testing.T) {
	if _, err := ParseDate("2024-02-30"); err == nil {
		t.Fatal("2024-02-30 parsed")
	}
	d, err := ParseDate("2024-02-29")
	if err != nil || d.String() != "2024-02-29" {
		t.Fatalf("leap day: %v %v", d, err)
	}
	if got := d.AddDays(1).String(); got != "2024-03-01" {
		t.Fatalf("leap day + 1 = %s", got)
	}
	if got := NewDate(2024, 10, 15).EndOfMonth().String(); got != "2024-10-31" {
		t.Fatalf("end of October = %s", got)
	}
	if NewDate(2024, 6, 30).Weekday() != time.Sunday {
		t.Fatal("2024-06-30 is a Sunday")
	}
	if n := NewDate(2024, 6, 21).DaysUntil(NewDate(2024, 6, 30)); n != 9 {
		t.Fatalf("days until = %d", n)
	}
}

func TestDateWords(t *testing.T) {
	tests := []struct {
		name string
		d    Date
		lang string
		want string
	}{
		{"a Chinese date reads as an official document writes it", NewDate(2024, 6, 30), "zh", "2024年6月30日"},
		{"months and days carry no leading zero", NewDate(2024, 1, 5), "zh", "2024年1月5日"},
		{"an unknown language is Chinese", NewDate(2024, 6, 30), "fr", "2024年6月30日"},
		{"English keeps the ISO form", NewDate(2024, 6, 30), "en", "2024-06-30"},
		{"a regional English keeps the ISO form", NewDate(2024, 6, 30), "en-GB", "2024-06-30"},
		{"no date is empty in Chinese", Date{}, "zh", ""},
		{"no date is empty in English", Date{}, "en", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.d.For(tt.lang); got != tt.want {
				t.Errorf("%v.For(%q) = %q, want %q", tt.d, tt.lang, got, tt.want)
			}
		})
	}
	if got := NewDate(2023, 10, 31).ZH(); got != "2023年10月31日" {
		t.Errorf("ZH = %q", got)
	}
}

// holidays is a test calendar: weekends and the listed days are rest days,
// the listed make-up days (调休) are working days.
type holidays struct{ rest, work map[Date]bool }

func (h holidays) IsWorkingDay(d Date) bool {
	if h.work[d] {
		return true
	}
	return !h.rest[d] && Weekdays{}.IsWorkingDay(d)
}

func TestWorkingDays(t *testing.T) {
	// National Day 2024: 10-01 to 10-07 off, Sunday 09-29 and Saturday 10-12 worked.
	nd := holidays{rest: map[Date]bool{}, work: map[Date]bool{NewDate(2024, 9, 29): true, NewDate(2024, 10, 12): true}}
	for d := NewDate(2024, 10, 1); !d.After(NewDate(2024, 10, 7)); d = d.AddDays(1) {
		nd.rest[d] = true
	}
	never := holidays{rest: map[Date]bool{}}
	for d := NewDate(2024, 1, 1); d.Before(NewDate(2025, 1, 1)); d = d.AddDays(1) {
		never.rest[d] = true
	}
	tests := []struct {
		name          string
		cal           WorkingDays
		d             Date
		before, after Date
	}{
		{"a working day stays where it is", nil, NewDate(2024, 6, 28), NewDate(2024, 6, 28), NewDate(2024, 6, 28)},
		{"a Sunday goes back to Friday and on to Monday", nil, NewDate(2024, 6, 30), NewDate(2024, 6, 28), NewDate(2024, 7, 1)},
		{"a Sunday across a month's end", Weekdays{}, NewDate(2024, 9, 1), NewDate(2024, 8, 30), NewDate(2024, 9, 2)},
		{"a Saturday across a year's end", Weekdays{}, NewDate(2022, 12, 31), NewDate(2022, 12, 30), NewDate(2023, 1, 2)},
		{"a day in the National Day holiday goes back to the worked Monday and on to the 8th", nd, NewDate(2024, 10, 5), NewDate(2024, 9, 30), NewDate(2024, 10, 8)},
		{"the first holiday goes back across the month's end", nd, NewDate(2024, 10, 1), NewDate(2024, 9, 30), NewDate(2024, 10, 8)},
		{"a make-up Sunday (调休) is a working day", nd, NewDate(2024, 9, 29), NewDate(2024, 9, 29), NewDate(2024, 9, 29)},
		{"a broken calendar with no working day leaves the day where it is", never, NewDate(2024, 6, 15), NewDate(2024, 6, 15), NewDate(2024, 6, 15)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := OnOrBefore(tt.d, tt.cal); got != tt.before {
				t.Errorf("OnOrBefore(%s) = %s, want %s", tt.d, got, tt.before)
			}
			if got := OnOrAfter(tt.d, tt.cal); got != tt.after {
				t.Errorf("OnOrAfter(%s) = %s, want %s", tt.d, got, tt.after)
			}
		})
	}
	t.Run("the walk agrees with stepping day by day through a whole year", func(t *testing.T) {
		for d := NewDate(2024, 1, 1); d.Before(NewDate(2025, 1, 1)); d = d.AddDays(1) {
			want := d
			for !nd.IsWorkingDay(want) {
				want = want.AddDays(-1)
			}
			if got := OnOrBefore(d, nd); got != want {
				t.Fatalf("OnOrBefore(%s) = %s, want %s", d, got, want)
			}
			want = d
			for !nd.IsWorkingDay(want) {
				want = want.AddDays(1)
			}
			if got := OnOrAfter(d, nd); got != want {
				t.Fatalf("OnOrAfter(%s) = %s, want %s", d, got, want)
			}
		}
	})
}
