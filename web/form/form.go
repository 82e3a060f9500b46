// Package form parses and validates the workspace's forms and query
// strings, one type per form, so that handlers stay short and the rules
// are tested without HTTP.
package form

import (
	"errors"
	"strings"
	"unicode/utf8"

	"duban/domain"
)

// Error is a validation failure, naming the field.
type Error struct {
	Field   string
	Message string
}

func (e *Error) Error() string { return e.Field + ": " + e.Message }

func invalid(field, msg string) error { return &Error{Field: field, Message: msg} }

// IsInvalid reports whether err is a validation failure.
func IsInvalid(err error) bool {
	var e *Error
	return errors.As(err, &e)
}

// text trims a free-text field and checks its length and encoding, the
// same way on every backend.
func text(field, s string, max int) (string, error) {
	s = strings.TrimSpace(s)
	if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
		return "", invalid(field, "invalid text")
	}
	if n := utf8.RuneCountInString(s); n > max {
		return "", invalid(field, "too long")
	}
	return s, nil
}

// date parses an optional YYYY-MM-DD.
func date(field, s string) (domain.Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return domain.Date{}, nil
	}
	d, err := domain.ParseDate(s)
	if err != nil {
		return domain.Date{}, invalid(field, "want YYYY-MM-DD")
	}
	return d, nil
}
