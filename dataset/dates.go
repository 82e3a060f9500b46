package dataset

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"duban/domain"
)

// Dates in import files may be written the ways a Chinese office writes
// them, or the way Excel turns them into text:
//
//	2024-06-30   2024/6/30   2024.6.30   2024年6月30日   (day precision)
//	2024年6月底  2024年6月   2024-06     2024/6          (month precision: due on the 30th)
//
// normalizeDate returns the ISO form and, for the month forms, "month".
var (
	dayForm   = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$`)
	monthForm = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:月底前|月底|月末|月份|月)?$`)
)

// normalizeDate turns a date written in one of the accepted forms into
// YYYY-MM-DD. precision is "month" for a month written without a day (due
// on its last day), "" otherwise. A value in none of the forms is returned
// unchanged, for Validate to refuse with the accepted forms named.
func normalizeDate(s string) (iso, precision string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", ""
	}
	if m := dayForm.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		if !validDay(y, mo, d) {
			return s, ""
		}
		return fmt.Sprintf("%04d-%02d-%02d", y, mo, d), ""
	}
	if m := monthForm.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		if mo < 1 || mo > 12 {
			return s, ""
		}
		return domain.NewDate(y, time.Month(mo), 1).EndOfMonth().String(), string(domain.PMonth)
	}
	return s, ""
}

func validDay(y, m, d int) bool {
	if m < 1 || m > 12 || d < 1 {
		return false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	return t.Day() == d
}

// normalizeDue rewrites c.Due to ISO and, when it was written as a month
// and no precision is given, sets month precision.
func (c *Commitment) normalizeDue() {
	iso, prec := normalizeDate(c.Due)
	c.Due = iso
	if prec != "" && c.DuePrecision == "" {
		c.DuePrecision = prec
	}
}

func (s *Source) normalizeDates() {
	s.RepliedOn, _ = normalizeDate(s.RepliedOn)
	s.SecondReplyOn, _ = normalizeDate(s.SecondReplyOn)
}

// Normalize rewrites every date of ds to ISO form (see normalizeDate).
// The parsers call it; a Dataset built in code may too.
func (ds *Dataset) Normalize() {
	for i := range ds.Sources {
		ds.Sources[i].normalizeDates()
	}
	for i := range ds.Commitments {
		ds.Commitments[i].normalizeDue()
	}
}
