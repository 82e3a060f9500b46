package form

import (
	"net/url"
	"strconv"
	"strings"

	"duban/domain"
)

// Progress is a progress report or, with Done, the done form.
type Progress struct {
	Percent int
	Note    string
	Done    bool
}

// ParseProgress reads the progress form: the percent (0–100, not needed
// when done) and a note. The submit button named "done" marks the item
// done instead.
func ParseProgress(v url.Values) (Progress, error) {
	var f Progress
	var err error
	if f.Note, err = text("note", v.Get("note"), domain.MaxNoteLen); err != nil {
		return f, err
	}
	if v.Has("done") {
		f.Done, f.Percent = true, 100
		return f, nil
	}
	p := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v.Get("percent")), "%"))
	n, err := strconv.Atoi(p)
	if err != nil || n < 0 || n > 100 {
		return f, invalid("percent", "want 0-100")
	}
	f.Percent = n
	return f, nil
}

// Reason is a form with one required reason: send back, cancel, reopen,
// reject an extension.
type Reason struct{ Reason string }

// ParseReason reads a reason; required unless optional is true.
func ParseReason(v url.Values, optional bool) (Reason, error) {
	r, err := text("reason", v.Get("reason"), domain.MaxNoteLen)
	if err != nil {
		return Reason{}, err
	}
	if r == "" && !optional {
		return Reason{}, invalid("reason", "required")
	}
	return Reason{Reason: r}, nil
}

// Extension is an extension request.
type Extension struct {
	Due    domain.Date
	Reason string
}

// ParseExtension reads the extension form: a new due date and a reason.
func ParseExtension(v url.Values) (Extension, error) {
	d, err := date("due", v.Get("due"))
	if err != nil {
		return Extension{}, err
	}
	if d.IsZero() {
		return Extension{}, invalid("due", "required")
	}
	r, err := ParseReason(v, false)
	if err != nil {
		return Extension{}, err
	}
	return Extension{Due: d, Reason: r.Reason}, nil
}

// Edit is a supervisor's change of an item's fields; nil is unchanged.
type Edit struct {
	Title     *string
	Unit      *string
	Owners    []string
	Due       *domain.Date
	Precision *domain.Precision
	Reason    string
}

// ParseEdit reads the edit form. A field left as it was (the form shows
// the current values) is still sent; the workflow ignores a no-op.
func ParseEdit(v url.Values) (Edit, error) {
	var e Edit
	if v.Has("title") {
		t, err := text("title", v.Get("title"), 500)
		if err != nil {
			return e, err
		}
		if t == "" {
			return e, invalid("title", "required")
		}
		e.Title = &t
	}
	if v.Has("unit") {
		u, err := text("unit", v.Get("unit"), 200)
		if err != nil {
			return e, err
		}
		e.Unit = &u
	}
	if v.Has("owners") {
		for _, o := range strings.FieldsFunc(v.Get("owners"), func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '，' }) {
			e.Owners = append(e.Owners, o)
		}
		if len(e.Owners) == 0 {
			return e, invalid("owners", "name at least one contact key")
		}
	}
	if v.Has("due") {
		d, err := date("due", v.Get("due"))
		if err != nil {
			return e, err
		}
		e.Due = &d
	}
	if p := v.Get("precision"); p != "" {
		pr, err := domain.ParsePrecision(p)
		if err != nil {
			return e, invalid("precision", err.Error())
		}
		e.Precision = &pr
	}
	r, err := ParseReason(v, true)
	if err != nil {
		return e, err
	}
	e.Reason = r.Reason
	return e, nil
}

// SourceEdit is the follow-up form of a letter's page: the second reply's
// date (empty clears it) and the deputy's satisfaction (empty clears it).
type SourceEdit struct {
	SecondReplyOn *domain.Date
	Satisfaction  *string
}

// ParseSourceEdit reads the source form. Which satisfactions are valid is
// the workflow's rule; here only the shape is checked.
func ParseSourceEdit(v url.Values) (SourceEdit, error) {
	var e SourceEdit
	if v.Has("second_reply_on") {
		d, err := date("second_reply_on", v.Get("second_reply_on"))
		if err != nil {
			return e, err
		}
		e.SecondReplyOn = &d
	}
	if v.Has("satisfaction") {
		s, err := text("satisfaction", v.Get("satisfaction"), 50)
		if err != nil {
			return e, err
		}
		e.Satisfaction = &s
	}
	return e, nil
}
