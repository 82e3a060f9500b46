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
