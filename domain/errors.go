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
	// EFORBIDDEN is a role refusal: an official asking to verify or to
	// decide an extension. Scope refusals are ENOTFOUND instead, so that
	// ids cannot be probed.
	EFORBIDDEN = "forbidden"
	EINTERNAL  = "internal"
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

// MoveError refuses a change that the commitment's status does not allow.
// It names the commitment, the status it is in and the move asked for, so
// that each front end can say it in its own words; its code is EINVALID.
type MoveError struct {
	ID   int64
	From Status
	// To is the status the move would lead to ("" for a change that keeps
	// the status, such as progress or an extension request).
	To Status
	// Action names what was asked ("progress", "extend", "reopen" ...).
	Action string
}

func (e *MoveError) Error() string {
	if e.To != "" {
		return fmt.Sprintf("commitment #%d: cannot change status from %s to %s", e.ID, e.From, e.To)
	}
	return fmt.Sprintf("commitment #%d is %s: cannot %s", e.ID, e.From, e.Action)
}

// Unwrap gives the domain error, so that ErrorCode reads EINVALID.
func (e *MoveError) Unwrap() error { return &Error{Code: EINVALID, Message: e.Error()} }
