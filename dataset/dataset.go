// Package dataset is duban's import and export format: YAML with the
// sections units, contacts, sources and commitments, or CSV with
// commitments only (SPEC §6 "Import format"). It parses and checks files,
// keeping the line of every record so that errors can name it, and writes
// them back in a stable order so that export → import → export is
// byte-identical.
package dataset

// Dataset is the content of an import or export file.
type Dataset struct {
	Units       []Unit       `yaml:"units,omitempty" json:"units,omitempty"`
	Contacts    []Contact    `yaml:"contacts,omitempty" json:"contacts,omitempty"`
	Sources     []Source     `yaml:"sources,omitempty" json:"sources,omitempty"`
	Commitments []Commitment `yaml:"commitments,omitempty" json:"commitments,omitempty"`
}

// Unit is an agency (承办单位).
type Unit struct {
	Name string `yaml:"name" json:"name"`
	Line int    `yaml:"-" json:"-"`
}

// Contact is a person.
type Contact struct {
	Key            string `yaml:"key" json:"key"`
	Name           string `yaml:"name" json:"name"`
	Unit           string `yaml:"unit,omitempty" json:"unit,omitempty"`
	Role           string `yaml:"role,omitempty" json:"role,omitempty"`
	Phone          string `yaml:"phone,omitempty" json:"phone,omitempty"`
	TelegramChatID int64  `yaml:"telegram_chat_id,omitempty" json:"telegram_chat_id,omitempty"`
	Language       string `yaml:"language,omitempty" json:"language,omitempty"`
	Line           int    `yaml:"-" json:"-"`
	Fields         Lines  `yaml:"-" json:"-"`
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

// FieldError names the file, line and field of a bad value.
type FieldError struct {
	File  string
	Line  int
	Field string
	Msg   string
}

func (e *FieldError) Error() string {
	loc := e.File
	if e.Line > 0 {
		loc = locf(e.File, e.Line)
	}
	if e.Field != "" {
		return loc + ": " + e.Field + ": " + e.Msg
	}
	return loc + ": " + e.Msg
}

// Errors is every problem found in a file.
type Errors []*FieldError

func (es Errors) Error() string {
	s := ""
	for i, e := range es {
		if i > 0 {
			s += "\n"
		}
		s += e.Error()
	}
	return s
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

// At returns the line of key, or def when it is unknown (CSV rows, absent
// keys).
func (l Lines) At(key string, def int) int {
	if n, ok := l[key]; ok {
		return n
	}
	return def
}
