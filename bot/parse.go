package bot

import (
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"duban/domain"
)

// Name is a bot command by its English name, whatever alias was typed.
type Name string

// Commands (SPEC §5).
const (
	CmdStart    Name = "start"
	CmdHelp     Name = "help"
	CmdWhoami   Name = "whoami"
	CmdList     Name = "list"
	CmdDue      Name = "due"
	CmdOverdue  Name = "overdue"
	CmdShow     Name = "show"
	CmdProgress Name = "progress"
	CmdDone     Name = "done"
	CmdExtend   Name = "extend"
	CmdVerify   Name = "verify"
	CmdReopen   Name = "reopen"
	CmdReport   Name = "report"
	CmdPending  Name = "pending"
	CmdApprove  Name = "approve"
	CmdReject   Name = "reject"
	CmdCancel   Name = "cancel"
	CmdWeb      Name = "web"
)

// aliases maps every accepted spelling, lower case, to its command. The
// five Chinese aliases of SPEC §5 come first; the others are extras,
// listed in /help.
var aliases = map[string]Name{
	"进度": CmdProgress, "完成": CmdDone, "延期": CmdExtend, "列表": CmdList, "逾期": CmdOverdue,
	"开始": CmdStart, "帮助": CmdHelp, "我是谁": CmdWhoami, "到期": CmdDue, "查看": CmdShow,
	"销号": CmdVerify, "核销": CmdVerify, "退回": CmdReopen, "月报": CmdReport,
	"待核销": CmdPending, "待销号": CmdPending, "批准": CmdApprove, "驳回": CmdReject, "撤销": CmdCancel,
	"网页": CmdWeb, "台账": CmdWeb,
}

func init() {
	for _, n := range []Name{CmdStart, CmdHelp, CmdWhoami, CmdList, CmdDue, CmdOverdue, CmdShow,
		CmdProgress, CmdDone, CmdExtend, CmdVerify, CmdReopen, CmdReport, CmdPending, CmdApprove, CmdReject, CmdCancel, CmdWeb} {
		aliases[string(n)] = n
	}
}

// DefaultDueDays is the window of /due without DAYS.
const DefaultDueDays = 7

// maxDueDays bounds /due DAYS.
const maxDueDays = 366

// Command is a parsed bot command. Only the fields its Name uses are set.
type Command struct {
	Name Name
	// Bot is the bot the command was addressed to (/list@duban_bot), ""
	// when none.
	Bot string
	// ID is the commitment id (show, progress, done, extend, verify, reopen).
	ID int64
	// Percent is /progress's percentage.
	Percent int
	// Date is /extend's requested due date.
	Date domain.Date
	// Days is /due's window (DefaultDueDays when not given).
	Days int
	// Month is /report's YYYY-MM, "" for the month just ended.
	Month string
	// Text is the note (progress, done), the reason (extend, reopen) or the
	// link code (start), trimmed.
	Text string
}

// ErrNotCommand is Parse's error for text that is not a command: it does
// not start with "/".
var ErrNotCommand = errors.New("not a command")

// Problem says what is wrong with a command's arguments.
type Problem int

// Problems, each of which the handler turns into one line with the
// command's syntax.
const (
	Unknown        Problem = iota + 1 // no such command
	MissingID                         // the commitment id is missing
	BadID                             // the id is not a positive number
	MissingPercent                    // /progress without a percentage
	BadPercent                        // not a whole number 0-100
	MissingDate                       // /extend without a date
	BadDate                           // not a valid YYYY-MM-DD
	MissingReason                     // /extend or /reopen without a reason
	TooLong                           // the note or reason is over domain.MaxNoteLen characters
	BadDays                           // /due DAYS is not 1-366
	BadMonth                          // /report MONTH is not YYYY-MM
)

// ParseError is a command with bad arguments (or an unknown command).
type ParseError struct {
	// Cmd is the command, or "" for Unknown.
	Cmd     Name
	Problem Problem
	// Arg is the offending argument, or the unknown command's name.
	Arg string
}

func (e *ParseError) Error() string {
	return "/" + string(e.Cmd) + ": problem " + strconv.Itoa(int(e.Problem)) + " with " + strconv.Quote(e.Arg)
}

// Parse reads a command from a message's text or a file's caption. It does
// not rely on Telegram's entities: captions carry caption_entities, and
// Chinese aliases get none. Parse is pure: it reads no clock and no
// database, so "a date in the past" is the handler's check.
//
// On a ParseError the returned Command still carries Name and Bot, so the
// caller can tell a bad command addressed to another bot from one to us.
func Parse(text string) (Command, error) {
	s := strings.TrimLeftFunc(text, unicode.IsSpace)
	switch {
	case strings.HasPrefix(s, "/"):
		s = s[1:]
	case strings.HasPrefix(s, "／"): // a full-width slash from a Chinese keyboard
		s = s[len("／"):]
	default:
		return Command{}, ErrNotCommand
	}
	head, rest := nextToken(s)
	name, bot, _ := strings.Cut(head, "@")
	cmd := Command{Bot: bot}
	n, ok := aliases[strings.ToLower(name)]
	if !ok {
		return cmd, &ParseError{Problem: Unknown, Arg: name}
	}
	cmd.Name = n
	bad := func(p Problem, arg string) (Command, error) { return cmd, &ParseError{Cmd: n, Problem: p, Arg: arg} }
	var err error
	switch n {
	case CmdStart:
		cmd.Text, _ = nextToken(rest)
	case CmdDue:
		cmd.Days = DefaultDueDays
		if tok, _ := nextToken(rest); tok != "" {
			d, ok := digits(tok, 3)
			if !ok || d < 1 || d > maxDueDays {
				return bad(BadDays, tok)
			}
			cmd.Days = int(d)
		}
	case CmdReport:
		if tok, _ := nextToken(rest); tok != "" {
			if _, err := time.Parse("2006-01", tok); err != nil || len(tok) != 7 {
				return bad(BadMonth, tok)
			}
			cmd.Month = tok
		}
	case CmdShow, CmdVerify, CmdDone, CmdReopen, CmdProgress, CmdExtend, CmdApprove, CmdReject, CmdCancel:
		var tok string
		tok, rest = nextToken(rest)
		if cmd.ID, err = parseID(tok); err != nil {
			return bad(err.(*ParseError).Problem, tok)
		}
	}
	switch n {
	case CmdProgress:
		var tok string
		tok, rest = nextToken(rest)
		if tok == "" {
			return bad(MissingPercent, "")
		}
		p, ok := digits(strings.TrimSuffix(strings.TrimSuffix(tok, "%"), "％"), 3)
		if !ok || p > 100 {
			return bad(BadPercent, tok)
		}
		cmd.Percent = int(p)
	case CmdExtend:
		var tok string
		tok, rest = nextToken(rest)
		if tok == "" {
			return bad(MissingDate, "")
		}
		if cmd.Date, err = domain.ParseDate(tok); err != nil || len(tok) != len("2006-01-02") {
			return bad(BadDate, tok)
		}
	}
	switch n {
	case CmdProgress, CmdDone, CmdExtend, CmdReopen, CmdReject, CmdCancel:
		cmd.Text = strings.TrimSpace(rest)
		if utf8.RuneCountInString(cmd.Text) > domain.MaxNoteLen {
			return bad(TooLong, strconv.Itoa(utf8.RuneCountInString(cmd.Text)))
		}
		if (n == CmdExtend || n == CmdReopen || n == CmdReject || n == CmdCancel) && cmd.Text == "" {
			return bad(MissingReason, "")
		}
	}
	return cmd, nil
}

// parseID reads a commitment id: 12 or #12 (a full-width ＃ too).
func parseID(tok string) (int64, error) {
	if tok == "" {
		return 0, &ParseError{Problem: MissingID}
	}
	s := strings.TrimPrefix(strings.TrimPrefix(tok, "#"), "＃")
	id, ok := digits(s, 18)
	if !ok || id == 0 {
		return 0, &ParseError{Problem: BadID}
	}
	return id, nil
}

// digits parses s as a number of at most max ASCII digits: no sign, no
// spaces, nothing else, so "+5", "-1", "1e2" and "５" are refused.
func digits(s string, max int) (int64, bool) {
	if s == "" || len(s) > max {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// nextToken returns the first whitespace-separated token of s and what
// follows it (with its leading whitespace, so that a note keeps its line
// breaks).
func nextToken(s string) (tok, rest string) {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i:]
}

// Button actions are domain's (domain.BtnDone ...): the scheduler, the
// workflow and the bot build and read the same callback data.
