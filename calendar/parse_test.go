package calendar_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"duban/calendar"
)

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		text string
		want string
	}{
		{"a bad date names the line", "# comment\n\nholiday 2024-13-01", `test.txt:3: holiday: invalid date "2024-13-01": want YYYY-MM-DD`},
		{"a date that does not exist is bad", "workday 2024-02-30", `test.txt:1: workday: invalid date "2024-02-30": want YYYY-MM-DD`},
		{"a bad end of a range is bad", "holiday 2024-10-01..2024-10-7", `test.txt:1: holiday: invalid date "2024-10-7": want YYYY-MM-DD`},
		{"a reversed range is an error", "holiday 2024-10-07..2024-10-01", `test.txt:1: holiday: range 2024-10-07..2024-10-01 ends before it starts`},
		{"a range longer than a month is an error", "holiday 2024-10-01..2025-10-07", `test.txt:1: holiday: range 2024-10-01..2025-10-07 spans 372 days: at most 31`},
		{"an unknown keyword is an error", "year 2024\nholliday 2024-10-01", `test.txt:2: unknown keyword "holliday": want holiday, workday or year`},
		{"a keyword is lowercase", "Holiday 2024-10-01", `test.txt:1: unknown keyword "Holiday": want holiday, workday or year`},
		{"a holiday without a date is an error", "holiday", `test.txt:1: holiday: want DATE or DATE..DATE`},
		{"a workday without a date is an error", "workday # 调休", `test.txt:1: workday: want DATE`},
		{"a workday range is an error", "workday 2024-09-28..2024-09-29", `test.txt:1: workday 2024-09-28..2024-09-29: want one date, not a range`},
		{"a workday on a weekday is an error", "workday 2024-10-11", `test.txt:1: workday 2024-10-11: a Friday is already a working day`},
		{"a workday inside an earlier holiday is an error naming both lines", "holiday 2024-10-01..2024-10-07\nworkday 2024-10-05", `test.txt:2: 2024-10-05 is a workday here but a holiday on line 1`},
		{"a holiday over an earlier workday is an error naming both lines", "workday 2024-09-29\n\nholiday 2024-09-28..2024-09-30", `test.txt:3: 2024-09-29 is a holiday here but a workday on line 1`},
		{"a year that is not a number is an error", "year twenty", `test.txt:1: year "twenty": want a four-digit year`},
		{"a year without digits is an error", "year", `test.txt:1: year: want YYYY or YYYY provisional`},
		{"an unknown word after a year is an error", "year 2028 draft", `test.txt:1: year 2028: unknown word "draft": want provisional or nothing`},
		{"a year declared twice is an error", "year 2024\nyear 2024", `test.txt:2: year 2024: already declared on line 1`},
		{"text that is not UTF-8 is an error", "holiday 2024-10-01 \xff\xfe", `test.txt:1: not valid UTF-8`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := calendar.Parse(strings.NewReader(tt.text), "test.txt")
			if err == nil || err.Error() != tt.want {
				t.Fatalf("Parse error = %v\nwant %s", err, tt.want)
			}
			var pe *calendar.ParseError
			if !errors.As(err, &pe) || pe.File != "test.txt" || pe.Line < 1 {
				t.Errorf("error %#v is not a *ParseError with file and line", err)
			}
		})
	}
}

func TestParseAccepts(t *testing.T) {
	tests := []struct {
		name string
		text string
	}{
		{"an empty file", ""},
		{"comments and blank lines only", "# nothing\n\n   \n\t# more\n"},
		{"the example of the package documentation", "# 2024 — 国务院办公厅关于2024年部分节假日安排的通知 (国办发明电〔2023〕7号)\nholiday 2024-10-01..2024-10-07 国庆节\nworkday 2024-09-29 国庆节调休\nworkday 2024-10-12 国庆节调休\nholiday 2024-02-10..2024-02-17 春节\n"},
		{"names with spaces and a trailing comment", "holiday 2024-10-01..2024-10-07 National Day # golden week\n"},
		{"Windows line endings and a byte order mark", "\uFEFFyear 2024\r\nholiday 2024-10-01\r\n"},
		{"the same holiday listed twice", "holiday 2024-10-01..2024-10-03\nholiday 2024-10-03..2024-10-07\n"},
		{"a one-day range", "holiday 2024-10-01..2024-10-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := calendar.Parse(strings.NewReader(tt.text), "test.txt"); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestLoadNamesThePathInErrors(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.txt")
	if err := os.WriteFile(path, []byte("year 2024\nholiday 2024-10-07..2024-10-01\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := calendar.Load(path)
	if err == nil || !strings.HasPrefix(err.Error(), path+":2: ") {
		t.Errorf("Load error = %v, want it to start with %s:2:", err, path)
	}
}
