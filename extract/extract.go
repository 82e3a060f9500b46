package extract

import (
	"errors"
	"strings"
	"unicode"

	"duban/domain"
)

// WorkingDays says which days are working days; *calendar.Calendar is one.
type WorkingDays = domain.WorkingDays

// Options are what the text itself may not say.
type Options struct {
	// LetterDate is the letter's date when its text has no date line of
	// its own. Relative phrases (年内, 三年内) count from the letter date,
	// and deadlines before it are reported work.
	LetterDate domain.Date
	// Calendar counts working days (N个工作日内); nil means Monday to
	// Friday.
	Calendar WorkingDays
	// Lang is the language of the review notes and of the header of the
	// YAML output: "en" for English; anything else, "zh" and "" too, is
	// Chinese, the default of the configuration's language.
	Lang string
}

// Result is what a letter yields: a candidate source, the commitments it
// dates, the promises it does not date, and what else the letter says.
// Marshal it with YAML or JSON, or with encoding/json and gopkg.in/yaml.v3,
// which call the same code; the struct tags below name the keys, and dates
// come out as YYYY-MM-DD.
//
// It marshals in the import format: the source as the one entry of
// "sources", then "commitments", "undated" and "letter".
type Result struct {
	Source      Source
	Commitments []Commitment
	Undated     []Undated
	Letter      Letter

	// lang is Options.Lang, for the notes and the YAML header.
	lang string
}

// Source is the letter as a source of commitments, with the import
// format's fields.
type Source struct {
	Key            string      `json:"key" yaml:"key"`
	Kind           string      `json:"kind" yaml:"kind"`
	Number         string      `json:"number,omitempty" yaml:"number,omitempty"`
	Title          string      `json:"title,omitempty" yaml:"title,omitempty"`
	Session        string      `json:"session,omitempty" yaml:"session,omitempty"`
	Deputies       []string    `json:"deputies,omitempty" yaml:"deputies,omitempty"`
	ReplyDocNo     string      `json:"reply_doc_no,omitempty" yaml:"reply_doc_no,omitempty"`
	Classification string      `json:"classification,omitempty" yaml:"classification,omitempty"`
	HandlingUnit   string      `json:"handling_unit,omitempty" yaml:"handling_unit,omitempty"`
	RepliedOn      domain.Date `json:"replied_on,omitempty" yaml:"replied_on,omitempty"`
	Satisfaction   string      `json:"satisfaction,omitempty" yaml:"satisfaction,omitempty"`
}

// Commitment is a dated (or ongoing) promise, in the import format, with
// the sentence it was read from and what the clerk should check.
type Commitment struct {
	Key          string           `json:"key" yaml:"key"`
	Source       string           `json:"source" yaml:"source"`
	Title        string           `json:"title" yaml:"title"`
	Detail       string           `json:"detail,omitempty" yaml:"detail,omitempty"`
	Category     string           `json:"category" yaml:"category"`
	Unit         string           `json:"unit,omitempty" yaml:"unit,omitempty"`
	Owners       []string         `json:"owners" yaml:"owners"`
	Due          domain.Date      `json:"due,omitempty" yaml:"due,omitempty"`
	DuePrecision domain.Precision `json:"due_precision" yaml:"due_precision"`
	Strength     domain.Strength  `json:"strength" yaml:"strength"`
	Target       string           `json:"target,omitempty" yaml:"target,omitempty"`
	TargetValue  *float64         `json:"target_value,omitempty" yaml:"target_value,omitempty"`
	TargetUnit   string           `json:"target_unit,omitempty" yaml:"target_unit,omitempty"`
	Status       domain.Status    `json:"status" yaml:"status"`
	Quote        string           `json:"quote" yaml:"quote"`
	Review       string           `json:"review,omitempty" yaml:"review,omitempty"`
}

// Undated is a promise the letter gives no date for, or only a vague one
// (尽快, 适时): listed for the clerk, who sets a due date and moves it to
// the commitments, or leaves it out.
type Undated struct {
	Key         string          `json:"key" yaml:"key"`
	Source      string          `json:"source" yaml:"source"`
	Title       string          `json:"title" yaml:"title"`
	Category    string          `json:"category" yaml:"category"`
	Unit        string          `json:"unit,omitempty" yaml:"unit,omitempty"`
	Strength    domain.Strength `json:"strength" yaml:"strength"`
	Target      string          `json:"target,omitempty" yaml:"target,omitempty"`
	TargetValue *float64        `json:"target_value,omitempty" yaml:"target_value,omitempty"`
	TargetUnit  string          `json:"target_unit,omitempty" yaml:"target_unit,omitempty"`
	Quote       string          `json:"quote" yaml:"quote"`
	Review      string          `json:"review" yaml:"review"`
}

// Letter is what the letter says beyond the import format's source: whom to
// call, who gets a copy, and how its date was settled.
type Letter struct {
	Letterhead   string   `json:"letterhead,omitempty" yaml:"letterhead,omitempty"`
	Contact      string   `json:"contact,omitempty" yaml:"contact,omitempty"`
	ContactPhone string   `json:"contact_phone,omitempty" yaml:"contact_phone,omitempty"`
	CopyTo       []string `json:"copy_to,omitempty" yaml:"copy_to,omitempty"`
	DeputyCount  int      `json:"deputy_count,omitempty" yaml:"deputy_count,omitempty"`
	// DateFrom says where Source.RepliedOn came from: "date line" (the
	// date that closes the letter), "--date" (Options.LetterDate), "form"
	// (the date on the attached form), "latest reported date", or "" when
	// there is none.
	DateFrom string `json:"date_from,omitempty" yaml:"date_from,omitempty"`
	// FormSignedOn is the date by the signature on the attached feedback
	// form, which is the deputy's and not the letter's.
	FormSignedOn domain.Date `json:"form_signed_on,omitempty" yaml:"form_signed_on,omitempty"`
	// LatestReported is the latest date the letter reports as past.
	LatestReported domain.Date `json:"latest_reported,omitempty" yaml:"latest_reported,omitempty"`
	// Review is what the clerk should check about the source.
	Review string `json:"review,omitempty" yaml:"review,omitempty"`
}

// clean drops invalid UTF-8 and control characters other than line breaks
// and tabs: a letter converted from PDF may carry them, and YAML cannot.
func clean(text string) string {
	text = strings.ToValidUTF8(text, "")
	return strings.Map(func(r rune) rune {
		if r != '\n' && r != '\t' && r != '\r' && (unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || r == '\ufeff') {
			return -1
		}
		return r
	}, text)
}

// ErrEmpty is returned for a text with nothing but white space.
var ErrEmpty = errors.New("来文为空 (the letter is empty)")

// Extract reads a reply letter's text. It does not fail on odd text: what
// it cannot read is left empty or listed with a review note. The only error
// is ErrEmpty.
func Extract(text string, opts Options) (*Result, error) {
	text = clean(text)
	if strings.TrimSpace(text) == "" {
		return nil, ErrEmpty
	}
	if opts.Calendar == nil {
		opts.Calendar = domain.Weekdays{}
	}
	lines := splitLines(text)
	meta := readLetter(lines)
	body := readBody(lines[:bodyEnd(lines)])

	r := &Result{Commitments: []Commitment{}, Undated: []Undated{}, lang: opts.Lang}
	r.Source, r.Letter = meta.source, meta.letter
	settleDate(r, meta, body, opts.LetterDate)
	r.Source.Key = sourceKey(r.Source, text)
	for _, s := range body {
		r.addSentence(s, opts.Calendar)
	}
	assignKeys(r)
	return r, nil
}
