package domain

import (
	"fmt"
	"time"
)

// Precision says how exactly a letter worded its deadline: "10月底前" is
// month precision, due on the last day of October. Ongoing items (长期坚持,
// 常态化) have no due date.
type Precision string

// Precisions.
const (
	PDay     Precision = "day"
	PMonth   Precision = "month"
	PQuarter Precision = "quarter"
	PYear    Precision = "year"
	POngoing Precision = "ongoing"
)

// ParsePrecision checks that s names a precision.
func ParsePrecision(s string) (Precision, error) {
	switch p := Precision(s); p {
	case PDay, PMonth, PQuarter, PYear, POngoing:
		return p, nil
	}
	return "", fmt.Errorf("unknown due_precision %q: want day, month, quarter, year or ongoing", s)
}

// Strength records how firmly the letter promised: firm (确保, 完成) or aim
// (力争, 争取, 计划, 预计). Reports show it; reminders do not depend on it.
type Strength string

// Strengths.
const (
	Firm Strength = "firm"
	Aim  Strength = "aim"
)

// Category is the kind of action promised.
type Category string

// Categories.
var Categories = []string{"cleanup", "restoration", "platform", "target", "policy", "other"}

// Commitment is one promised action (承诺事项).
type Commitment struct {
	ID           int64
	Key          string
	SourceKey    string
	Title        string
	Detail       string
	Category     string
	Unit         string
	Owners       []string // contact keys
	Due          Date     // zero for ongoing items
	DuePrecision Precision
	Strength     Strength
	Target       string
	TargetValue  *float64
	TargetUnit   string
	LeadDays     []int // nil: the configured default
	Progress     int
	Status       Status
	CreatedAt    time.Time
	UpdatedAt    time.Time
	ClosedAt     *time.Time
	// LastProgressAt is the time of the latest progress update, if any.
	LastProgressAt *time.Time
}

// Ongoing reports whether the commitment has no due date.
func (c *Commitment) Ongoing() bool { return c.Due.IsZero() }

// Light returns the commitment's light at now.
func (c *Commitment) Light(now time.Time, loc *time.Location, warnDays int) Light {
	return LightOf(c.Status, c.Due, now, loc, warnDays)
}

// Role is what a contact may do.
type Role string

// Roles.
const (
	Official   Role = "official"
	Supervisor Role = "supervisor"
	Admin      Role = "admin"
)

// ParseRole checks that s names a role.
func ParseRole(s string) (Role, error) {
	switch r := Role(s); r {
	case Official, Supervisor, Admin:
		return r, nil
	}
	return "", fmt.Errorf("unknown role %q: want official, supervisor or admin", s)
}

// Contact is a person duban talks to.
type Contact struct {
	ID             int64
	Key            string
	Name           string
	Unit           string
	Role           Role
	Phone          string
	TelegramUserID int64
	ChatID         int64
	Language       string
	Unreachable    bool
	UnreachableWhy string
	// Email is the contact's e-mail address ("" none); EmailUnreachable,
	// when set, says why the mail server refused it.
	Email            string
	EmailUnreachable string
	// Channels is the comma-separated list of channels that reach the
	// contact, in order ("" means Telegram alone; see ChannelList).
	Channels string
}

// Source is the document commitments come from.
type Source struct {
	ID             int64
	Key            string
	Kind           string
	Number         string
	Title          string
	Session        string
	Deputies       []string
	ReplyDocNo     string
	Classification string
	HandlingUnit   string
	RepliedOn      Date
	Satisfaction   string
	SecondReplyOn  Date
}

// SourceKinds lists the kinds of source.
var SourceKinds = []string{"deputy_suggestion", "proposal", "inspection", "other"}

// Satisfactions lists the deputy satisfaction values ("" is allowed too).
var Satisfactions = []string{"satisfied", "basically", "dissatisfied"}

// MaxNoteLen bounds free text typed by people (notes, reasons).
const MaxNoteLen = 2000

// ValidPercent checks a progress percentage.
func ValidPercent(p int) error {
	if p < 0 || p > 100 {
		return Errorf(EINVALID, "progress %d out of range: want 0-100", p)
	}
	return nil
}
