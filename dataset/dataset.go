// Package dataset is duban's import and export format: YAML with the
// sections units, contacts, sources and commitments, or CSV with
// commitments only (SPEC §6 "Import format"). It parses and checks files,
// keeping the line of every record so that errors can name it, and writes
// them back in a stable order so that export → import → export is
// byte-identical.
package dataset

import (
	"fmt"
	"sort"
	"strings"
)

// Dataset is the content of an import or export file.
type Dataset struct {
	Units       []Unit       `yaml:"units,omitempty" json:"units,omitempty"`
	Contacts    []Contact    `yaml:"contacts,omitempty" json:"contacts,omitempty"`
	Sources     []Source     `yaml:"sources,omitempty" json:"sources,omitempty"`
	Commitments []Commitment `yaml:"commitments,omitempty" json:"commitments,omitempty"`

	// sheet and cols locate records read from a spreadsheet: the sheet's
	// name, and the column letter of each field.
	sheet string
	cols  map[string]string
}

// Errorf returns a problem with the value of field in the record at line:
// field is a path like "commitments[3].due". For a spreadsheet the error
// names the sheet and cell (Sheet1!E7) instead of the line.
func (ds *Dataset) Errorf(file string, line int, field, format string, args ...any) *FieldError {
	e := &FieldError{File: file, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)}
	if ds != nil && ds.sheet != "" {
		name := field[strings.LastIndexByte(field, '.')+1:]
		e.Field = name
		if c, ok := ds.cols[name]; ok {
			e.Cell = fmt.Sprintf("%s!%s%d", ds.sheet, c, line)
		} else {
			e.Cell = fmt.Sprintf("%s!%d", ds.sheet, line)
		}
	}
	return e
}

// Unit is an agency (承办单位).
type Unit struct {
	Name string `yaml:"name" json:"name"`
	Line int    `yaml:"-" json:"-"`
}

// Contact is a person. Email and Channels, when absent, leave what an
// existing contact has; written out empty (email: "", channels: []) they
// clear it.
type Contact struct {
	Key   string `yaml:"key" json:"key"`
	Name  string `yaml:"name" json:"name"`
	Unit  string `yaml:"unit,omitempty" json:"unit,omitempty"`
	Role  string `yaml:"role,omitempty" json:"role,omitempty"`
	Phone string `yaml:"phone,omitempty" json:"phone,omitempty"`
	Email string `yaml:"email,omitempty" json:"email,omitempty"`
	// Channels is the contact's order of preference (SPEC §14); empty
	// means [telegram], and is how export writes that default.
	Channels       []string `yaml:"channels,omitempty,flow" json:"channels,omitempty"`
	TelegramChatID int64    `yaml:"telegram_chat_id,omitempty" json:"telegram_chat_id,omitempty"`
	Language       string   `yaml:"language,omitempty" json:"language,omitempty"`
	Line           int      `yaml:"-" json:"-"`
	Fields         Lines    `yaml:"-" json:"-"`
}

// Source is the document commitments come from.
type Source struct {
	Key            string   `yaml:"key" json:"key"`
	Kind           string   `yaml:"kind,omitempty" json:"kind,omitempty"`
	Number         string   `yaml:"number,omitempty" json:"number,omitempty"`
	Title          string   `yaml:"title,omitempty" json:"title,omitempty"`
	Session        string   `yaml:"session,omitempty" json:"session,omitempty"`
	Deputies       []string `yaml:"deputies,omitempty,flow" json:"deputies,omitempty"`
	ReplyDocNo     string   `yaml:"reply_doc_no,omitempty" json:"reply_doc_no,omitempty"`
	Classification string   `yaml:"classification,omitempty" json:"classification,omitempty"`
	HandlingUnit   string   `yaml:"handling_unit,omitempty" json:"handling_unit,omitempty"`
	RepliedOn      string   `yaml:"replied_on,omitempty" json:"replied_on,omitempty"`
	Satisfaction   string   `yaml:"satisfaction,omitempty" json:"satisfaction,omitempty"`
	SecondReplyOn  string   `yaml:"second_reply_on,omitempty" json:"second_reply_on,omitempty"`
	Line           int      `yaml:"-" json:"-"`
	Fields         Lines    `yaml:"-" json:"-"`
}

// Commitment is one promised action. Status, Progress, CreatedAt and
// ClosedAt are optional: absent, a new commitment is open with 0 % progress
// created now, and an existing one keeps what it has.
type Commitment struct {
	Key          string   `yaml:"key" json:"key"`
	Source       string   `yaml:"source,omitempty" json:"source,omitempty"`
	Title        string   `yaml:"title" json:"title"`
	Detail       string   `yaml:"detail,omitempty" json:"detail,omitempty"`
	Category     string   `yaml:"category,omitempty" json:"category,omitempty"`
	Unit         string   `yaml:"unit,omitempty" json:"unit,omitempty"`
	Owners       []string `yaml:"owners,flow" json:"owners"`
	Due          string   `yaml:"due,omitempty" json:"due,omitempty"`
	DuePrecision string   `yaml:"due_precision,omitempty" json:"due_precision,omitempty"`
	Strength     string   `yaml:"strength,omitempty" json:"strength,omitempty"`
	Target       string   `yaml:"target,omitempty" json:"target,omitempty"`
	TargetValue  *float64 `yaml:"target_value,omitempty" json:"target_value,omitempty"`
	TargetUnit   string   `yaml:"target_unit,omitempty" json:"target_unit,omitempty"`
	LeadDays     []int    `yaml:"lead_days,omitempty,flow" json:"lead_days,omitempty"`
	Status       string   `yaml:"status,omitempty" json:"status,omitempty"`
	Progress     *int     `yaml:"progress,omitempty" json:"progress,omitempty"`
	CreatedAt    string   `yaml:"created_at,omitempty" json:"created_at,omitempty"`
	ClosedAt     string   `yaml:"closed_at,omitempty" json:"closed_at,omitempty"`
	// Quote and Review come from `duban extract`: the sentence a commitment
	// was read from, and what a clerk should check. Import ignores them.
	Quote  string `yaml:"quote,omitempty" json:"quote,omitempty"`
	Review string `yaml:"review,omitempty" json:"review,omitempty"`
	Line   int    `yaml:"-" json:"-"`
	Fields Lines  `yaml:"-" json:"-"`
}

// FieldError names the file, line and field of a bad value. A value read
// from a spreadsheet names its sheet and cell instead of a line:
// 台账.xlsx:Sheet1!E7.
type FieldError struct {
	File  string
	Line  int
	Field string
	Msg   string
	Cell  string // "Sheet1!E7", for spreadsheets
}

func (e *FieldError) Error() string {
	loc := e.File
	switch {
	case e.Cell != "":
		loc = e.File + ":" + e.Cell
	case e.Line > 0:
		loc = locf(e.File, e.Line)
	}
	if e.Field != "" {
		return loc + ": " + e.Field + ": " + e.Msg
	}
	return loc + ": " + e.Msg
}

// Errors is every problem found in a file.
type Errors []*FieldError

// MaxReported is how many problems an error message lists; the rest are
// counted ("and 12 more").
const MaxReported = 100

// Error lists the problems one per line, the first MaxReported of them.
func (es Errors) Error() string {
	var sb strings.Builder
	for i, e := range es {
		if i == MaxReported {
			fmt.Fprintf(&sb, "\n… and %d more (还有 %d 处问题)", len(es)-i, len(es)-i)
			break
		}
		if i > 0 {
			sb.WriteByte('\n')
		}
		sb.WriteString(e.Error())
	}
	return sb.String()
}

// Sort orders problems by file position, keeping the order of problems
// on the same line.
func (es Errors) Sort() {
	sort.SliceStable(es, func(i, j int) bool { return es[i].Line < es[j].Line })
}

// Err returns es as an error, or nil when it is empty.
func (es Errors) Err() error {
	if len(es) == 0 {
		return nil
	}
	return es
}

// Lines records the line of each key of a YAML record, so that an error
// names the line of the bad field, not just of its record.
type Lines map[string]int

// Has reports whether the record wrote key, even with an empty value.
func (l Lines) Has(key string) bool {
	_, ok := l[key]
	return ok
}

// At returns the line of key, or def when it is unknown (CSV rows, absent
// keys).
func (l Lines) At(key string, def int) int {
	if n, ok := l[key]; ok {
		return n
	}
	return def
}
