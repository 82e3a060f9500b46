package dataset

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// CSVHeader is the required header of a commitments CSV file.
var CSVHeader = []string{"key", "source", "title", "category", "unit", "owners", "due", "due_precision", "target", "detail"}

// csvOptional are further columns a CSV file may carry; export writes them
// so that a CSV export re-imports without change.
var csvOptional = []string{"strength", "target_value", "target_unit", "lead_days", "status", "progress", "created_at", "closed_at"}

// ParseCSV reads a commitments CSV file (UTF-8, with or without BOM, header
// row first). Owners are separated by ";". Any problem makes the result
// nil; Read returns the good records as well.
func ParseCSV(r io.Reader, file string) (*Dataset, error) {
	ds, errs := parseCSV(r, file, 0)
	if len(errs) > 0 {
		return nil, errs
	}
	return ds, nil
}

// parseCSV returns the rows it could read and every problem. rows, if
// known, is about how many there are: the slice is allocated once instead
// of doubling (a 40 MB file would otherwise hold two copies at a time).
func parseCSV(r io.Reader, file string, rows int) (*Dataset, Errors) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		return nil, Errors{{File: file, Line: 1, Msg: "empty file: want a header row " + strings.Join(CSVHeader, ",")}}
	}
	if err != nil {
		return nil, Errors{csvErr(file, err)}
	}
	col := map[string]int{}
	var errs Errors
	known := map[string]bool{}
	for _, h := range append(append([]string{}, CSVHeader...), csvOptional...) {
		known[h] = true
	}
	for i, h := range header {
		h = strings.TrimSpace(h)
		if !known[h] {
			errs = append(errs, &FieldError{File: file, Line: 1, Field: h, Msg: "unknown column"})
		}
		col[h] = i
	}
	for _, h := range CSVHeader {
		if _, ok := col[h]; !ok {
			errs = append(errs, &FieldError{File: file, Line: 1, Field: h, Msg: "missing column in header"})
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	ds := &Dataset{Commitments: make([]Commitment, 0, rows)}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			errs = append(errs, csvErr(file, err))
			var pe *csv.ParseError
			if errors.As(err, &pe) && pe.Err != csv.ErrFieldCount {
				break
			}
			continue
		}
		if len(rec) != len(header) {
			errs = append(errs, &FieldError{File: file, Line: line, Msg: fmt.Sprintf("has %d columns, header has %d", len(rec), len(header))})
			continue
		}
		get := func(name string) string {
			if i, ok := col[name]; ok {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		c := commitmentOf(get, line)
		c.parseNumbers(get, func(field, format string, args ...any) {
			errs = append(errs, &FieldError{File: file, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
		})
		ds.Commitments = append(ds.Commitments, c)
	}
	ds.Normalize()
	return ds, errs
}

// commitmentOf builds a commitment from a row's text columns; get returns
// a column by its English name, "" when absent.
func commitmentOf(get func(string) string, line int) Commitment {
	c := Commitment{
		Key: get("key"), Source: get("source"), Title: get("title"), Category: get("category"),
		Unit: get("unit"), Due: get("due"), DuePrecision: get("due_precision"), Target: get("target"),
		Detail: get("detail"), Strength: get("strength"), TargetUnit: get("target_unit"),
		Status: get("status"), CreatedAt: get("created_at"), ClosedAt: get("closed_at"), Line: line,
	}
	c.Owners = splitOwners(get("owners"))
	return c
}

// splitOwners splits a list of contact keys or names written with ";",
// "；", "、" or "," between them.
func splitOwners(s string) []string {
	out := []string{}
	for _, o := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '；' || r == '、' || r == ',' || r == '，' }) {
		if o = strings.TrimSpace(o); o != "" {
			out = append(out, o)
		}
	}
	return out
}

// parseNumbers sets the numeric columns of c, reporting bad ones.
func (c *Commitment) parseNumbers(get func(string) string, bad func(field, format string, args ...any)) {
	if s := get("target_value"); s != "" {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			bad("target_value", "want a number, got %q", s)
		}
		c.TargetValue = &v
	}
	if s := get("progress"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil {
			bad("progress", "want an integer 0-100, got %q", s)
		}
		c.Progress = &v
	}
	if s := get("lead_days"); s != "" {
		for _, p := range strings.Split(s, ";") {
			v, err := strconv.Atoi(strings.TrimSpace(p))
			if err != nil {
				bad("lead_days", "want days separated by ';', got %q", s)
				break
			}
			c.LeadDays = append(c.LeadDays, v)
		}
	}
}

func csvErr(file string, err error) *FieldError {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &FieldError{File: file, Line: pe.Line, Msg: pe.Err.Error()}
	}
	return &FieldError{File: file, Msg: err.Error()}
}

// WriteCSV writes the commitments of ds as CSV with a BOM, so that Excel and
// WPS read the Chinese right.
func WriteCSV(w io.Writer, ds *Dataset) error {
	if _, err := w.Write([]byte{0xEF, 0xBB, 0xBF}); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Write(append(append([]string{}, CSVHeader...), csvOptional...))
	for _, c := range ds.Commitments {
		tv, pr := "", ""
		if c.TargetValue != nil {
			tv = strconv.FormatFloat(*c.TargetValue, 'f', -1, 64)
		}
		if c.Progress != nil {
			pr = strconv.Itoa(*c.Progress)
		}
		lead := make([]string, len(c.LeadDays))
		for i, d := range c.LeadDays {
			lead[i] = strconv.Itoa(d)
		}
		cw.Write([]string{c.Key, c.Source, c.Title, c.Category, c.Unit, strings.Join(c.Owners, ";"),
			c.Due, c.DuePrecision, c.Target, c.Detail, c.Strength, tv, c.TargetUnit, strings.Join(lead, ";"),
			c.Status, pr, c.CreatedAt, c.ClosedAt})
	}
	cw.Flush()
	return cw.Error()
}
