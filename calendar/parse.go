package calendar

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"duban/domain"
)

// maxRange is the longest holiday range accepted, in days. The longest real
// one is nine days (春节); a longer range is almost surely a mistyped year.
const maxRange = 31

// ParseError is a mistake in a calendar file, at a line.
type ParseError struct {
	File string // the file name given to Parse, or the path given to Load
	Line int    // 1-based
	Err  error
}

// Error formats the mistake as "file:line: what is wrong", which editors can jump to.
func (e *ParseError) Error() string { return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err) }

// Unwrap returns what is wrong, without the file and line.
func (e *ParseError) Unwrap() error { return e.Err }

// Load reads the calendar file at path. A mistake in the file is a
// *ParseError naming path and the line.
func Load(path string) (*Calendar, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load calendar: %w", err)
	}
	defer f.Close()
	return Parse(f, path)
}

// Parse reads a calendar file from r; name is the file name used in errors.
// The format is described in the package documentation. A mistake in the file
// is a *ParseError naming the file and the line.
func Parse(r io.Reader, name string) (*Calendar, error) {
	p := parser{
		cal:       &Calendar{days: make(map[domain.Date]bool), years: make(map[int]bool)},
		dayLine:   make(map[domain.Date]int),
		yearLine:  make(map[int]int),
		entryYear: make(map[int]bool),
	}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		p.line++
		line := sc.Text()
		if p.line == 1 {
			line = strings.TrimPrefix(line, "\uFEFF") // a byte order mark
		}
		if err := p.parseLine(line); err != nil {
			return nil, &ParseError{File: name, Line: p.line, Err: err}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read calendar %s: %w", name, err)
	}
	if len(p.yearLine) == 0 {
		for y := range p.entryYear {
			p.cal.years[y] = false
		}
	}
	return p.cal, nil
}

// parser holds what Parse has read so far, to find the line of an earlier
// entry that a later one contradicts.
type parser struct {
	cal       *Calendar
	line      int                 // the line being read, 1-based
	dayLine   map[domain.Date]int // the line that listed a day
	yearLine  map[int]int         // the line that declared a year
	entryYear map[int]bool        // the years entries fall in
}

func (p *parser) parseLine(line string) error {
	if !utf8.ValidString(line) {
		return errors.New("not valid UTF-8")
	}
	line, _, _ = strings.Cut(line, "#")
	fields := strings.Fields(line)
	if len(fields) == 0 {
		return nil
	}
	switch kw := fields[0]; kw {
	case "holiday":
		return p.holiday(fields[1:])
	case "workday":
		return p.workday(fields[1:])
	case "year":
		return p.year(fields[1:])
	default:
		return fmt.Errorf("unknown keyword %q: want holiday, workday or year", kw)
	}
}

// holiday reads "DATE[..DATE] [name]".
func (p *parser) holiday(args []string) error {
	if len(args) == 0 {
		return errors.New("holiday: want DATE or DATE..DATE")
	}
	first, last, err := parseRange(args[0])
	if err != nil {
		return fmt.Errorf("holiday: %w", err)
	}
	for d := first; !d.After(last); d = d.AddDays(1) {
		if err := p.set(d, false); err != nil {
			return err
		}
	}
	return nil
}

// workday reads "DATE [name]".
func (p *parser) workday(args []string) error {
	if len(args) == 0 {
		return errors.New("workday: want DATE")
	}
	if strings.Contains(args[0], "..") {
		return fmt.Errorf("workday %s: want one date, not a range", args[0])
	}
	d, err := domain.ParseDate(args[0])
	if err != nil {
		return fmt.Errorf("workday: %w", err)
	}
	if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
		return fmt.Errorf("workday %s: a %s is already a working day", d, wd)
	}
	return p.set(d, true)
}

// year reads "YYYY [provisional]".
func (p *parser) year(args []string) error {
	if len(args) == 0 || len(args) > 2 {
		return errors.New("year: want YYYY or YYYY provisional")
	}
	y, err := strconv.Atoi(args[0])
	if err != nil || len(args[0]) != 4 {
		return fmt.Errorf("year %q: want a four-digit year", args[0])
	}
	provisional := false
	if len(args) == 2 {
		if args[1] != "provisional" {
			return fmt.Errorf("year %d: unknown word %q: want provisional or nothing", y, args[1])
		}
		provisional = true
	}
	if prev, ok := p.yearLine[y]; ok {
		return fmt.Errorf("year %d: already declared on line %d", y, prev)
	}
	p.yearLine[y] = p.line
	p.cal.years[y] = provisional
	return nil
}

// set records d as a working day or a holiday; listing a day twice the same
// way is harmless, listing it both ways is an error.
func (p *parser) set(d domain.Date, working bool) error {
	if prev, ok := p.cal.days[d]; ok && prev != working {
		return fmt.Errorf("%s is a %s here but a %s on line %d", d, kind(working), kind(prev), p.dayLine[d])
	}
	if _, ok := p.dayLine[d]; !ok {
		p.dayLine[d] = p.line
	}
	p.cal.days[d] = working
	p.entryYear[d.Year] = true
	return nil
}

// parseRange parses "DATE" or "DATE..DATE".
func parseRange(s string) (first, last domain.Date, err error) {
	a, b, isRange := strings.Cut(s, "..")
	if first, err = domain.ParseDate(a); err != nil {
		return first, last, err
	}
	if !isRange {
		return first, first, nil
	}
	if last, err = domain.ParseDate(b); err != nil {
		return first, last, err
	}
	if last.Before(first) {
		return first, last, fmt.Errorf("range %s ends before it starts", s)
	}
	if n := first.DaysUntil(last) + 1; n > maxRange {
		return first, last, fmt.Errorf("range %s spans %d days: at most %d", s, n, maxRange)
	}
	return first, last, nil
}

func kind(working bool) string {
	if working {
		return "workday"
	}
	return "holiday"
}
