package store

import (
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"
	"time"

	"duban/domain"
)

// timeLayout is fixed-width so that SQLite, which stores times as text,
// orders and compares them correctly.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// dbTime is a nullable UTC timestamp stored as TIMESTAMPTZ on PostgreSQL and
// fixed-width text on SQLite.
type dbTime struct {
	T     time.Time
	Valid bool
}

func tm(t time.Time) dbTime { return dbTime{T: t, Valid: !t.IsZero()} }

func tmp(t *time.Time) dbTime {
	if t == nil {
		return dbTime{}
	}
	return tm(*t)
}

func (t dbTime) Value() (driver.Value, error) {
	if !t.Valid {
		return nil, nil
	}
	return t.T.UTC().Format(timeLayout), nil
}

func (t *dbTime) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*t = dbTime{}
	case time.Time:
		*t = dbTime{T: v.UTC(), Valid: true}
	case string:
		return t.parse(v)
	case []byte:
		return t.parse(string(v))
	default:
		return fmt.Errorf("scan time: unexpected %T", v)
	}
	return nil
}

func (t *dbTime) parse(s string) error {
	for _, layout := range []string{timeLayout, time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05"} {
		if v, err := time.Parse(layout, s); err == nil {
			*t = dbTime{T: v.UTC(), Valid: true}
			return nil
		}
	}
	return fmt.Errorf("scan time: cannot parse %q", s)
}

func (t dbTime) ptr() *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.T
	return &v
}

// dbDate is a nullable civil date stored as YYYY-MM-DD text in both
// databases, so that it compares as text and never shifts with a time zone.
type dbDate struct{ D domain.Date }

func (d dbDate) Value() (driver.Value, error) {
	if d.D.IsZero() {
		return nil, nil
	}
	return d.D.String(), nil
}

func (d *dbDate) Scan(v any) error {
	var s string
	switch v := v.(type) {
	case nil:
		d.D = domain.Date{}
		return nil
	case string:
		s = v
	case []byte:
		s = string(v)
	case time.Time:
		d.D = domain.DateOf(v, time.UTC)
		return nil
	default:
		return fmt.Errorf("scan date: unexpected %T", v)
	}
	if s == "" {
		d.D = domain.Date{}
		return nil
	}
	parsed, err := domain.ParseDate(s)
	d.D = parsed
	return err
}

// intList stores a list of small integers (lead days) as "30,7,3,1".
func joinInts(v []int) string {
	if v == nil {
		return ""
	}
	parts := make([]string, len(v))
	for i, n := range v {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ",")
}

func splitInts(s string) []int {
	if s == "" {
		return nil
	}
	parts := strings.Split(s, ",")
	out := make([]int, 0, len(parts))
	for _, p := range parts {
		if n, err := strconv.Atoi(strings.TrimSpace(p)); err == nil {
			out = append(out, n)
		}
	}
	return out
}
