package calendar_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"duban/calendar"
	"duban/domain"
)

// day parses a YYYY-MM-DD literal of the test itself.
func day(s string) domain.Date {
	d, err := domain.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// mustParse parses a calendar file given as text.
func mustParse(tb testing.TB, text string) *calendar.Calendar {
	tb.Helper()
	c, err := calendar.Parse(strings.NewReader(text), "test.txt")
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func TestWeekends(t *testing.T) {
	c := calendar.Weekends()
	tests := []struct {
		name string
		day  string
		want bool
	}{
		{"a Monday is a working day", "2024-06-24", true},
		{"a Friday is a working day", "2024-06-28", true},
		{"a Saturday is a rest day", "2024-06-29", false},
		{"a Sunday is a rest day", "2024-06-30", false},
		{"National Day on a Tuesday is an ordinary working day", "2024-10-01", true},
		{"a make-up Sunday is an ordinary rest day", "2024-09-29", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.IsWorkingDay(day(tt.day)); got != tt.want {
				t.Errorf("IsWorkingDay(%s) = %v, want %v", tt.day, got, tt.want)
			}
		})
	}
	t.Run("it covers every year and none is provisional", func(t *testing.T) {
		for _, y := range []int{1999, 2024, 2100} {
			if !c.Covers(y) || c.Provisional(y) {
				t.Errorf("Covers(%d) = %v, Provisional(%d) = %v; want true, false", y, c.Covers(y), y, c.Provisional(y))
			}
		}
	})
}

func TestChinaNationalDay2024(t *testing.T) {
	c := calendar.China()
	tests := []struct {
		name string
		day  string
		want bool
	}{
		{"Friday 27 September before the holiday is a working day", "2024-09-27", true},
		{"Saturday 28 September is a rest day", "2024-09-28", false},
		{"Sunday 29 September is a make-up working day", "2024-09-29", true},
		{"Monday 30 September is a working day", "2024-09-30", true},
		{"1 October is a holiday", "2024-10-01", false},
		{"2 October is a holiday", "2024-10-02", false},
		{"3 October is a holiday", "2024-10-03", false},
		{"4 October is a holiday", "2024-10-04", false},
		{"5 October is a holiday", "2024-10-05", false},
		{"6 October is a holiday", "2024-10-06", false},
		{"7 October is a holiday", "2024-10-07", false},
		{"Tuesday 8 October is a working day again", "2024-10-08", true},
		{"Saturday 12 October is a make-up working day", "2024-10-12", true},
		{"Sunday 13 October is a rest day", "2024-10-13", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.IsWorkingDay(day(tt.day)); got != tt.want {
				t.Errorf("IsWorkingDay(%s) = %v, want %v", tt.day, got, tt.want)
			}
		})
	}
}

// longRest is a file in which 93 days in a row are holidays.
const longRest = `
holiday 2030-01-01..2030-01-31
holiday 2030-02-01..2030-02-28
holiday 2030-03-01..2030-03-31
holiday 2030-04-01..2030-04-03
`

func TestOnOrBefore(t *testing.T) {
	tests := []struct {
		name string
		cal  *calendar.Calendar
		day  string
		want string
	}{
		{"a working day is its own answer", calendar.China(), "2024-06-28", "2024-06-28"},
		{"a Sunday deadline moves to Friday", calendar.China(), "2024-06-30", "2024-06-28"},
		{"a Saturday deadline moves to Friday", calendar.China(), "2024-06-29", "2024-06-28"},
		{"a day inside 国庆 moves to the last working day before it", calendar.China(), "2024-10-05", "2024-09-30"},
		{"the first day of 国庆 moves to the day before", calendar.China(), "2024-10-01", "2024-09-30"},
		{"a make-up Sunday is its own answer", calendar.China(), "2024-09-29", "2024-09-29"},
		{"a Sunday after a make-up Saturday moves to that Saturday", calendar.China(), "2024-10-13", "2024-10-12"},
		{"a day inside 春节 2025 moves to the Monday before it", calendar.China(), "2025-02-01", "2025-01-27"},
		{"without holidays a Sunday moves to Friday", calendar.Weekends(), "2024-09-29", "2024-09-27"},
		{"after 60 rest days it gives up and answers the day itself", mustParse(t, longRest), "2030-04-03", "2030-04-03"},
		{"within 60 rest days it still finds the working day", mustParse(t, longRest), "2030-02-20", "2029-12-31"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cal.OnOrBefore(day(tt.day)); got != day(tt.want) {
				t.Errorf("OnOrBefore(%s) = %s, want %s", tt.day, got, tt.want)
			}
		})
	}
}

func TestAddWorkingDays(t *testing.T) {
	c := calendar.China()
	tests := []struct {
		name string
		day  string
		n    int
		want string
	}{
		{"zero days is the day itself", "2024-09-30", 0, "2024-09-30"},
		{"zero days from a holiday is the holiday", "2024-10-03", 0, "2024-10-03"},
		{"one day after Friday is the make-up Sunday", "2024-09-27", 1, "2024-09-29"},
		{"one day after the eve of 国庆 jumps the holiday", "2024-09-30", 1, "2024-10-08"},
		{"five days after the eve of 国庆 land on the make-up Saturday", "2024-09-30", 5, "2024-10-12"},
		{"one day from inside the holiday is the first day back", "2024-10-04", 1, "2024-10-08"},
		{"a negative count goes back across the holiday", "2024-10-08", -1, "2024-09-30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.AddWorkingDays(day(tt.day), tt.n); got != day(tt.want) {
				t.Errorf("AddWorkingDays(%s, %d) = %s, want %s", tt.day, tt.n, got, tt.want)
			}
		})
	}
}

func TestCovers(t *testing.T) {
	tests := []struct {
		name           string
		cal            *calendar.Calendar
		year           int
		covers, provis bool
	}{
		{"China covers 2023", calendar.China(), 2023, true, false},
		{"China covers 2027 from the published notice", calendar.China(), 2027, true, false},
		{"China does not cover 2022 though it lists 2022-12-31", calendar.China(), 2022, false, false},
		{"China does not cover 2028", calendar.China(), 2028, false, false},
		{"a provisional year is covered and provisional", mustParse(t, "year 2028 provisional\nholiday 2028-10-01..2028-10-03"), 2028, true, true},
		{"a file without year lines covers the years of its entries", mustParse(t, "holiday 2024-10-01..2024-10-07"), 2024, true, false},
		{"a file without year lines covers no other year", mustParse(t, "holiday 2024-10-01..2024-10-07"), 2025, false, false},
		{"a file with year lines covers only those", mustParse(t, "year 2025\nholiday 2024-12-31..2025-01-01"), 2024, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cal.Covers(tt.year); got != tt.covers {
				t.Errorf("Covers(%d) = %v, want %v", tt.year, got, tt.covers)
			}
			if got := tt.cal.Provisional(tt.year); got != tt.provis {
				t.Errorf("Provisional(%d) = %v, want %v", tt.year, got, tt.provis)
			}
		})
	}
}

func TestOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "holidays.txt")
	if err := os.WriteFile(path, []byte("year 2024\nholiday 2024-06-24 a Monday off\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		spec    string
		day     string
		working bool
	}{
		{"an empty spec means weekends only, so National Day is worked", "", "2024-10-01", true},
		{"cn means the built-in China calendar", "cn", "2024-10-01", false},
		{"builtin:cn means the built-in China calendar", "builtin:cn", "2024-09-29", true},
		{"a path means that file", path, "2024-06-24", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := calendar.Open(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.IsWorkingDay(day(tt.day)); got != tt.working {
				t.Errorf("IsWorkingDay(%s) = %v, want %v", tt.day, got, tt.working)
			}
		})
	}
	t.Run("cn and builtin:cn are the same calendar", func(t *testing.T) {
		a, _ := calendar.Open("cn")
		b, _ := calendar.Open("builtin:cn")
		if a != b || a != calendar.China() {
			t.Error("want the one China calendar")
		}
	})
	t.Run("an unknown built-in is an error", func(t *testing.T) {
		_, err := calendar.Open("builtin:hk")
		if err == nil || !strings.Contains(err.Error(), `"builtin:hk"`) {
			t.Errorf("Open(builtin:hk) error = %v, want one naming it", err)
		}
	})
	t.Run("a missing file is an error naming it", func(t *testing.T) {
		missing := filepath.Join(t.TempDir(), "missing.txt")
		_, err := calendar.Open(missing)
		if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), missing) {
			t.Errorf("Open(%s) error = %v, want not-exist naming the path", missing, err)
		}
	})
}

func TestIsWorkingDayDoesNotAllocate(t *testing.T) {
	c := calendar.China()
	d := day("2024-10-03")
	if n := testing.AllocsPerRun(100, func() { c.IsWorkingDay(d) }); n != 0 {
		t.Errorf("IsWorkingDay allocates %v times, want 0", n)
	}
}

func BenchmarkIsWorkingDay(b *testing.B) {
	c := calendar.China()
	days := []domain.Date{day("2024-10-03"), day("2024-09-29"), day("2024-06-28"), day("2024-06-30")}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		c.IsWorkingDay(days[i%len(days)])
		i++
	}
}
