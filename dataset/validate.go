package dataset

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"duban/domain"
	"duban/textenc"
)

// Validate checks every value that can be checked without the database:
// dates, enumerations, ranges, required fields and duplicate keys. scheme
// lists the accepted classification codes. It reports every problem.
func (ds *Dataset) Validate(file string, scheme []string) Errors {
	var errs Errors
	bad := func(line int, field, format string, args ...any) {
		errs = append(errs, ds.Errorf(file, line, field, format, args...))
	}
	seen := map[string]int{}
	dup := func(kind, key string, line int, field string) {
		if key == "" {
			bad(line, field, "missing")
			return
		}
		if prev, ok := seen[kind+"\x00"+key]; ok {
			bad(line, field, "duplicate key %q (first at line %d)", key, prev)
			return
		}
		seen[kind+"\x00"+key] = line
	}
	for i, u := range ds.Units {
		f := fmt.Sprintf("units[%d].name", i)
		dup("unit", strings.TrimSpace(u.Name), u.Line, f)
		ds.checkText(&errs, file, fmt.Sprintf("units[%d]", i), u.Line, nil, u)
	}
	for i, c := range ds.Contacts {
		p := fmt.Sprintf("contacts[%d]", i)
		dup("contact", c.Key, c.Fields.At("key", c.Line), p+".key")
		ds.checkText(&errs, file, p, c.Line, c.Fields, c)
		if strings.TrimSpace(c.Name) == "" {
			bad(c.Line, p+".name", "missing")
		}
		if c.Role != "" {
			if _, err := domain.ParseRole(c.Role); err != nil {
				bad(c.Fields.At("role", c.Line), p+".role", "%v", err)
			}
		}
		if err := domain.CheckEmail(c.Email); err != nil {
			bad(c.Fields.At("email", c.Line), p+".email", "%v", err)
		}
		if err := domain.CheckChannels(c.Channels); err != nil {
			bad(c.Fields.At("channels", c.Line), p+".channels", "%v", err)
		}
		if c.Language != "" && c.Language != "zh" && c.Language != "en" {
			bad(c.Fields.At("language", c.Line), p+".language", "unknown language %q: want zh or en", c.Language)
		}
	}
	for i, s := range ds.Sources {
		p := fmt.Sprintf("sources[%d]", i)
		dup("source", s.Key, s.Fields.At("key", s.Line), p+".key")
		ds.checkText(&errs, file, p, s.Line, s.Fields, s)
		if s.Kind != "" && !slices.Contains(domain.SourceKinds, s.Kind) {
			bad(s.Fields.At("kind", s.Line), p+".kind", "unknown kind %q: want one of %s", s.Kind, strings.Join(domain.SourceKinds, ", "))
		}
		if s.Classification != "" && len(scheme) > 0 && !slices.Contains(scheme, s.Classification) {
			bad(s.Fields.At("classification", s.Line), p+".classification", "unknown classification %q: want one of %s", s.Classification, strings.Join(scheme, " "))
		}
		if s.Satisfaction != "" && !slices.Contains(domain.Satisfactions, s.Satisfaction) {
			bad(s.Fields.At("satisfaction", s.Line), p+".satisfaction", "unknown satisfaction %q: want satisfied, basically, dissatisfied or empty", s.Satisfaction)
		}
		for _, d := range []struct{ name, v string }{{"replied_on", s.RepliedOn}, {"second_reply_on", s.SecondReplyOn}} {
			if d.v != "" {
				if _, err := domain.ParseDate(d.v); err != nil {
					bad(s.Fields.At(d.name, s.Line), p+"."+d.name, "%v", err)
				}
			}
		}
	}
	for i, c := range ds.Commitments {
		p := fmt.Sprintf("commitments[%d]", i)
		dup("commitment", c.Key, c.Fields.At("key", c.Line), p+".key")
		ds.checkText(&errs, file, p, c.Line, c.Fields, c)
		errs = append(errs, c.check(ds, file, p)...)
	}
	return errs
}

// check validates one commitment's own fields.
func (c *Commitment) check(ds *Dataset, file, p string) Errors {
	var errs Errors
	bad := func(field, format string, args ...any) {
		errs = append(errs, ds.Errorf(file, c.Fields.At(field, c.Line), p+"."+field, format, args...))
	}
	if strings.TrimSpace(c.Title) == "" {
		bad("title", "missing")
	}
	if c.Category != "" && !slices.Contains(domain.Categories, c.Category) {
		bad("category", "unknown category %q: want one of %s", c.Category, strings.Join(domain.Categories, ", "))
	}
	due, derr := domain.ParseDate(c.Due)
	if c.Due != "" && derr != nil {
		bad("due", "invalid date %q: want 2024-06-30, 2024/6/30, 2024.6.30, 2024年6月30日 or 2024年6月底", c.Due)
	} else if _, err := domain.ResolvePrecision(due, c.DuePrecision); err != nil {
		field := "due"
		if _, perr := domain.ParsePrecision(c.DuePrecision); c.DuePrecision != "" && perr != nil {
			field = "due_precision"
		}
		bad(field, "%s", domain.ErrorMessage(err))
	}
	if c.Strength != "" && c.Strength != string(domain.Firm) && c.Strength != string(domain.Aim) {
		bad("strength", "unknown strength %q: want firm or aim", c.Strength)
	}
	if c.Status != "" {
		if _, err := domain.ParseStatus(c.Status); err != nil {
			bad("status", "%v", err)
		}
	}
	if c.Progress != nil && (*c.Progress < 0 || *c.Progress > 100) {
		bad("progress", "%d out of range: want 0-100", *c.Progress)
	}
	for _, d := range c.LeadDays {
		if d < 0 || d > 3650 {
			bad("lead_days", "%d out of range: want 0-3650", d)
		}
	}
	for _, t := range []struct{ name, v string }{{"created_at", c.CreatedAt}, {"closed_at", c.ClosedAt}} {
		if t.v != "" {
			if _, err := time.Parse(time.RFC3339, t.v); err != nil {
				bad(t.name, "invalid time %q: want RFC 3339, like 2024-04-15T10:00:00+08:00", t.v)
			}
		}
	}
	if len(c.Owners) == 0 {
		bad("owners", "missing: name at least one contact key")
	}
	for _, o := range c.Owners {
		if strings.TrimSpace(o) == "" {
			bad("owners", "empty contact key")
		}
	}
	return errs
}

// longText names the fields that hold notes rather than one line.
var longText = map[string]bool{"detail": true, "target": true, "quote": true, "review": true}

// checkText runs textenc.Check on every text field of rec (a Unit,
// Contact, Source or Commitment): valid UTF-8, no NUL, at most
// textenc.MaxTitle characters (textenc.MaxNote for details and targets).
func (ds *Dataset) checkText(errs *Errors, file, p string, line int, fields Lines, rec any) {
	v := reflect.ValueOf(rec)
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		max := textenc.MaxTitle
		if longText[name] {
			max = textenc.MaxNote
		}
		var vals []string
		switch f := v.Field(i); f.Kind() {
		case reflect.String:
			vals = []string{f.String()}
		case reflect.Slice:
			if f.Type().Elem().Kind() == reflect.String {
				vals = f.Interface().([]string)
			}
		}
		for _, s := range vals {
			if err := textenc.Check(s, max); err != nil {
				*errs = append(*errs, ds.Errorf(file, fields.At(name, line), p+"."+name, "%v", err))
				break
			}
		}
	}
}
