package textenc

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Field length limits (SPEC §12), in characters.
const (
	MaxTitle = 500    // titles, names, keys and other one-line values
	MaxNote  = 10_000 // details, notes, reasons
)

// Check is the one test every text value passes before it is stored, from
// any front end (import, CLI, bot, web) and on any database: valid UTF-8,
// no NUL byte (PostgreSQL cannot store one, SQLite would), and at most max
// characters. The error is a short lowercase phrase for the caller to
// prefix with file, line and field.
func Check(s string, max int) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("invalid UTF-8")
	}
	if strings.IndexByte(s, 0) >= 0 {
		return fmt.Errorf("contains a NUL character")
	}
	if n := utf8.RuneCountInString(s); n > max {
		return fmt.Errorf("%d characters, at most %d", n, max)
	}
	return nil
}
