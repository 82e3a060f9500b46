package domain

import (
	"errors"
	"fmt"
)

// Error codes that the CLI and the bot turn into one clear line.
const (
	EINVALID  = "invalid"   // bad input: exit code 2
	ENOTFOUND = "not_found" // no such thing, or not in the caller's scope
	ECONFLICT = "conflict"  // the state changed under the caller
	EINTERNAL = "internal"
)

// Error is a domain error with a code and a message meant for users.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns a domain error with the given code.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of a domain error in err's chain, or EINTERNAL.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of a domain error in err's
// chain, or a generic line for anything else.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
