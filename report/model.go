// Package report builds duban's monthly report (SPEC §9) and weekly digest
// (SPEC §3) from the register, as it was at the end of the period: the
// counting is done by the database (store.ReportGroups and friends, one
// pass over the commitments), and the item lists are streamed, so that a
// report over a million commitments never holds them all in memory.
//
// A report renders as text (the Telegram summary), Markdown, CSV, XLSX and
// PNG; EnqueueMonthly and EnqueueDigest put them in the outbox.
//
// Definitions, for month M, as of 24:00 on M's last day (the first instant
// of M+1) in the configured time zone:
//
//   - open: open or in progress at that instant; red, yellow and green as
//     `duban list` would have shown them then (red: past its due date, so
//     an item due on M's last day and not done is red).
//   - newly red: red at the end of M and not red at the end of M-1 (new,
//     or then not yet due, or then done and reopened since).
//   - done in M: marked done during M and still done or verified at the
//     end of M; verified in M: verified (销号) during M.
//   - on-time completion rate (办成率): of the commitments, not cancelled,
//     whose due date in force at the end of M (approved extensions
//     included) is on or before M's last day, the share done on or before
//     that due date (the day it was last marked done, in local time). It
//     is cumulative, not only the items due in M.
//   - satisfaction rate (满意率): of the sources that have a commitment in
//     the report and a recorded deputy satisfaction, the share rated
//     "satisfied" (满意). It says how the deputies judged the reply, not
//     whether the promises were kept, and it is the current value.
//   - extensions: approved during M, late ones (filed after the due date)
//     counted apart.
//   - unreachable owners: owners of a commitment open at the end of M who
//     are flagged unreachable or have no linked Telegram chat (current
//     flags: contacts have no history).
package report

import (
	"fmt"
	"log/slog"
	"time"

	"duban/config"
	"duban/domain"
	"duban/store"
)

// Month is a calendar month.
type Month struct {
	Year  int
	Month time.Month
}

// ParseMonth parses YYYY-MM; a bad value is an EINVALID domain error.
func ParseMonth(s string) (Month, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return Month{}, domain.Errorf(domain.EINVALID, "invalid month %q: want YYYY-MM", s)
	}
	return Month{t.Year(), t.Month()}, nil
}

// MonthBefore returns the month that ended last before now in loc: in July,
// June.
func MonthBefore(now time.Time, loc *time.Location) Month {
	y, m, _ := now.In(loc).Date()
	return Month{y, m}.Prev()
}

// String formats m as YYYY-MM.
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, int(m.Month)) }

// Prev returns the month before m.
func (m Month) Prev() Month {
	t := time.Date(m.Year, m.Month-1, 1, 0, 0, 0, 0, time.UTC)
	return Month{t.Year(), t.Month()}
}

// Start returns the first instant of m in loc.
func (m Month) Start(loc *time.Location) time.Time {
	return time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, loc)
}

// End returns 24:00 on the last day of m in loc: the first instant of the
// next month.
func (m Month) End(loc *time.Location) time.Time {
	return time.Date(m.Year, m.Month+1, 1, 0, 0, 0, 0, loc)
}

// LastDay returns the last day of m.
func (m Month) LastDay() domain.Date { return domain.NewDate(m.Year, m.Month+1, 0) }

// Options say which report to build and how to word it.
type Options struct {
	Month    Month
	Loc      *time.Location
	WarnDays int
	// Lang is "zh" (default) or "en".
	Lang string
	// Scheme orders the source classifications (A1 … C2).
	Scheme []string
	// TopRed is how many of the longest-overdue red items the model keeps
	// for the text summary (default 10); the other formats stream them all.
	TopRed int
	// Logger receives warnings (no CJK font for the chart); nil: discard.
	Logger *slog.Logger
	// Now is the present (default: the database's clock). A month not yet
	// over at Now is refused unless Partial, and a partial report is taken
	// as of Now.
	Now     time.Time
	Partial bool
	// Rebuild recounts a past month instead of reading its month-end
	// snapshot, and replaces the snapshot.
	Rebuild bool
}

// OptionsFor returns the options of the report for month m under cfg.
func OptionsFor(cfg *config.Config, m Month) Options {
	return Options{Month: m, Loc: cfg.Location, WarnDays: cfg.Reminders.WarnDays, Lang: cfg.Language,
		Scheme: cfg.ClassificationScheme}
}

func (o *Options) defaults() {
	if o.Loc == nil {
		o.Loc = time.UTC
	}
	if o.Lang != "en" {
		o.Lang = "zh"
	}
	if o.TopRed <= 0 {
		o.TopRed = 10
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
}

// Counts are the figures of one unit, one classification or the total, for
// one month.
type Counts struct {
	Items, Open, Red, Yellow, Green int
	NewlyRed                        int
	Closed, Cancelled               int
	Done, Verified                  int
	DueByEnd, OnTime                int
	Extensions, LateExtensions      int
	// MaxDaysOverdue is how long the longest-overdue red item was overdue.
	MaxDaysOverdue int
}

// OnTimeRate returns the on-time completion rate (办成率) in percent, and
// false when no commitment was due yet.
func (c Counts) OnTimeRate() (float64, bool) {
	if c.DueByEnd == 0 {
		return 0, false
	}
	return 100 * float64(c.OnTime) / float64(c.DueByEnd), true
}

// Stats are the figures of one unit (or of all units) for the month and the
// month before.
type Stats struct {
	// Name is the unit's name ("" for commitments without a unit, and for
	// the total).
	Name      string
	Cur, Prev Counts
	// Unreachable counts the unit's owners who cannot be reached.
	Unreachable int
	// Rated and Satisfied count sources with a recorded satisfaction and
	// those rated satisfied.
	Rated, Satisfied int
}

// SatisfactionRate returns the satisfaction rate (满意率) in percent, and
// false when no source has a recorded satisfaction.
func (s Stats) SatisfactionRate() (float64, bool) {
	if s.Rated == 0 {
		return 0, false
	}
	return 100 * float64(s.Satisfied) / float64(s.Rated), true
}

// ClassStats are the figures of one source classification (A1 … C2; ""
// for commitments without a classified source).
type ClassStats struct {
	Class     string
	Cur, Prev Counts
}

// Report is the monthly report of one month: the counts, computed by the
// database, and a handle to stream the item lists.
type Report struct {
	Month Month
	Lang  string
	Loc   *time.Location
	// AsOf is 24:00 on the month's last day (the first instant of the
	// next), or for a partial report of a month not yet over, the moment
	// it was made.
	AsOf time.Time
	// Partial says the month was not over: the report is as of AsOf.
	Partial bool
	// Total, Units (worst first: most red, then longest overdue) and
	// Classes (in the scheme's order).
	Total   Stats
	Units   []Stats
	Classes []ClassStats
	// TopRed are the longest-overdue red items, at most Options.TopRed.
	TopRed []*store.ReportItem
	// Unreachable lists each unreachable owner once.
	Unreachable []store.ReportOwner
	// Owed lists the B-class sources whose second reply is owed.
	Owed []store.ReportSource

	db     *store.DB
	params store.ReportParams
	log    *slog.Logger
}
