package domain

import (
	"slices"
	"strings"
	"time"
)

// ResolvePrecision is the one rule for a commitment's due date and
// precision: with no precision given, a missing due date means an ongoing
// item (常态化) and a date means day precision; an ongoing item has no due
// date, and every other precision needs one.
func ResolvePrecision(due Date, prec string) (Precision, error) {
	if prec == "" {
		if due.IsZero() {
			return POngoing, nil
		}
		return PDay, nil
	}
	p, err := ParsePrecision(prec)
	if err != nil {
		return "", Errorf(EINVALID, "%v", err)
	}
	switch {
	case p == POngoing && !due.IsZero():
		return "", Errorf(EINVALID, "an ongoing item has no due date")
	case p != POngoing && due.IsZero():
		return "", Errorf(EINVALID, "missing (set due_precision: ongoing for an item with no due date)")
	}
	if err := DueFits(due, p); err != nil {
		return "", err
	}
	return p, nil
}

// DueFits reports whether due suits its precision: a month-precision date
// is the month's last day, a quarter's the quarter's last day, a year's
// 31 December ("10月底前" is due on 31 October, never on the 15th).
func DueFits(due Date, p Precision) error {
	var want Date
	switch p {
	case PMonth:
		want = due.EndOfMonth()
	case PQuarter:
		q := (int(due.Month)-1)/3*3 + 3
		want = NewDate(due.Year, time.Month(q), 1).EndOfMonth()
	case PYear:
		want = NewDate(due.Year, 12, 31)
	default:
		return nil
	}
	if due != want {
		return Errorf(EINVALID, "%s precision wants the period's last day, %s, got %s", p, want, due)
	}
	return nil
}

// NormalizeDue makes an edited due date and precision agree: removing the
// date makes the item ongoing, giving an ongoing item a date makes it day
// precision.
func NormalizeDue(due Date, prec Precision) (Date, Precision) {
	switch {
	case due.IsZero():
		return Date{}, POngoing
	case prec == POngoing || prec == "":
		return due, PDay
	}
	return due, prec
}

// Normalize fills a commitment's defaults: category other, strength firm,
// and the precision ResolvePrecision gives when none is set.
func (c *Commitment) Normalize() {
	if c.Category == "" {
		c.Category = "other"
	}
	if c.Strength == "" {
		c.Strength = Firm
	}
	if c.DuePrecision == "" {
		c.DuePrecision, _ = ResolvePrecision(c.Due, "")
	}
}

// Validate checks a normalized commitment: a title, at least one owner, a
// known category and strength, a due date that agrees with its precision,
// and progress within 0–100.
func (c *Commitment) Validate() error {
	switch {
	case strings.TrimSpace(c.Title) == "":
		return Errorf(EINVALID, "title: missing")
	case len(c.Owners) == 0:
		return Errorf(EINVALID, "owners: name at least one contact key")
	case !slices.Contains(Categories, c.Category):
		return Errorf(EINVALID, "category: unknown category %q: want one of %s", c.Category, strings.Join(Categories, ", "))
	case c.Strength != Firm && c.Strength != Aim:
		return Errorf(EINVALID, "strength: unknown strength %q: want firm or aim", c.Strength)
	}
	if _, err := ResolvePrecision(c.Due, string(c.DuePrecision)); err != nil {
		return Errorf(EINVALID, "due: %s", ErrorMessage(err))
	}
	return ValidPercent(c.Progress)
}
