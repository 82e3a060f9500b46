// Package remind is duban's reminder policy (SPEC §3) as pure functions: given
// one commitment, its owners and the time, [Policy.Due] says which reminders
// are due and [Policy.Next] says when the next one will be. It reads no
// clock, no database and no network, so the scanner, `duban remind --dry-run`
// and the tests all ask it the same question. [Text] and [Buttons] render a
// reminder for Telegram.
//
// # Series and catch-up
//
// The reminders of a commitment form three independent series, each an
// ordered list of stages with a nominal day:
//
//   - the deadline series: one lead stage on due-d for each d in lead_days
//     ("lead-30", "lead-7", ...), then the due stage on the due date ("due"),
//     then an overdue stage every overdue_every_days after it ("overdue-7",
//     "overdue-14", ...: the days overdue), without end while the commitment
//     is open;
//   - the escalation series: a single stage, escalate_after_days after the
//     due date (at least one day: an item is overdue from the day after its
//     due date), addressed to the supervision chat;
//   - the progress series: a stage every progress_every_days after the last
//     progress update, or after the commitment was created if it has none
//     ("progress-2024-07-15"); 0 turns the series off.
//
// Due returns, for each series, only the latest stage whose send time has
// passed. Every scan therefore returns the same reminder until the next stage
// comes, and the outbox's unique dedup key makes it a single message. After
// downtime, or for a commitment back-filled long after its deadline, the
// first scan sends one message per series, the latest, instead of every
// missed one: three weeks of missed overdue reminders are one "overdue-21",
// not "due", "overdue-7", "overdue-14" and "overdue-21" at once; a
// commitment added ten days before its deadline gets "lead-30" at once, and
// its message counts the ten days actually left. Lead, due
// and overdue stages are one series, not three, because once the deadline
// has passed a "7 days left" reminder is wrong, and a due reminder that has
// come supersedes the lead reminders it collapses with (see below). The
// escalation and progress series are separate because they answer different
// questions: the supervision office must hear of an overdue item once even
// if the owner was reminded; an owner is asked for news even when no
// deadline is near.
//
// Only open and in_progress commitments get reminders ("open" in the SPEC
// means not closed); done, verified and cancelled ones get none. Ongoing
// commitments (no due date) have only the progress series.
//
// A dedup key names the commitment, the recipient, the kind, the stage and
// the due date ("c12/contact:zhang-guobin/lead/lead-7/2024-06-30"), so an
// approved extension, which changes the due date, starts a new deadline and
// escalation series by itself. Progress checks do not depend on the due date
// and carry "-" in its place, so that an extension does not repeat a progress
// check already sent.
//
// # The working-day shift
//
// With working_days_only, a stage whose nominal day is not a working day is
// sent at send_at on the previous working day ([domain.OnOrBefore], the one
// working-day rule, which the letter reader shares): the due reminder of a
// Sunday deadline arrives on Friday, while someone is at the office to act
// on it, and a deadline on the fifth day of the National Day holiday is
// announced on the last working day before it. When stages
// collapse onto the same working day (lead-1 on a Saturday and the due date on
// the Sunday both move to Friday), the later stage wins and one message is
// sent.
//
// Moving a reminder earlier is right before the deadline and wrong after it.
// An overdue stage moves back too, but never onto or before the due date,
// which would call the item overdue while it is not (overdue-7 of a 09-30
// deadline falls on 10-07, in the National Day holiday, whose previous
// working day is 09-30 itself): such a stage is sent on the next working day
// on or after its day instead. An escalation always moves forward, to the
// next working day: escalate_after_days is the grace the owners are
// promised before the supervision office hears of them, and a weekend must
// not cut it short. With these rules the send day never decreases along a
// series, which is what lets Due and Next walk a series by its nominal days.
//
// Nominal days are shifted, never the stage names: "overdue-7" of a Sunday
// deadline is sent on Friday, five days overdue, and the message says so.
package remind
