package workflow

import (
	"context"
	"time"

	"duban/domain"
	"duban/store"
)

// Channels through which a change arrives.
const (
	ChannelTelegram = "telegram"
	ChannelCLI      = "cli"
	ChannelWeb      = "web"
	ChannelLink     = "link"
	ChannelImport   = "import"
)

// Actor is who asks for a change, and through which channel.
type Actor struct {
	// Contact is the person acting; nil is the administrator "cli" (the
	// command line without --as), who may do everything.
	Contact *domain.Contact
	// Channel is one of the Channel constants.
	Channel string
	// TelegramUserID is the sender's Telegram user id, recorded with the
	// change.
	TelegramUserID int64
	// UpdateID is the Telegram update that carried the request. It is
	// recorded in the change's own transaction, so that an update delivered
	// twice (restart, webhook retry) is applied once: the second attempt
	// gets store.ErrUpdateApplied and changes nothing.
	UpdateID int64
	// WebSession identifies the web session that made the change.
	WebSession string
}

// Admin is the administrator at the command line (no --as).
func Admin() Actor { return Actor{Channel: ChannelCLI} }

// Role returns the actor's role: the administrator's is admin.
func (a Actor) Role() domain.Role {
	if a.Contact == nil {
		return domain.Admin
	}
	return a.Contact.Role
}

// Supervises reports whether the actor acts for the supervision office
// (supervisor or admin).
func (a Actor) Supervises() bool {
	r := a.Role()
	return r == domain.Supervisor || r == domain.Admin
}

// Name is the actor's name for messages: the contact's name, or "cli".
func (a Actor) Name() string {
	if a.Contact == nil {
		return "cli"
	}
	return a.Contact.Name
}

// Action is something an actor may do to a commitment.
type Action string

// Actions, one per use case.
const (
	ActProgress Action = "progress"
	ActDone     Action = "done"
	ActVerify   Action = "verify"    // 销号
	ActSendBack Action = "send_back" // 退回
	ActCancel   Action = "cancel"
	ActReopen   Action = "reopen"
	ActExtend   Action = "extend" // request an extension
	ActDecide   Action = "decide" // approve or reject an extension
	ActEdit     Action = "edit"   // due date, precision, owners, unit, title
	ActReassign Action = "reassign"
	// ActEditSource records a letter's second reply and satisfaction.
	ActEditSource Action = "edit_source"
)

// Service runs the use cases. Its fields are set once at start-up.
type Service struct {
	DB *store.DB
	// Now is the clock; nil uses DB.Now.
	Now func() time.Time
	// Loc is the time zone of days and due dates.
	Loc *time.Location
	// UnitScope lets an official see and change their unit's commitments
	// (bot.unit_scope).
	UnitScope bool
	// SupervisionChatID is the supervision group that hears of done items
	// and extension requests; 0 records those messages as dead.
	SupervisionChatID int64
	// Language is the language ("zh" or "en") of messages to the
	// supervision chat.
	Language string
	// WarnDays is the yellow window (reminders.warn_days).
	WarnDays int
}

// Outcome is what a change did.
type Outcome struct {
	// Commitment is the commitment after the change.
	Commitment *domain.Commitment
	// From and To are the statuses before and after ("" To: unchanged).
	From, To domain.Status
	// Extension is the request filed or decided, for those use cases.
	Extension *store.Extension
	// Notified is how many outbox rows the change wrote.
	Notified int
}

// Edit is a change of a commitment's fields by a supervisor; nil fields
// stay as they are.
type Edit struct {
	Due       *domain.Date // the zero Date makes the item ongoing
	Precision *domain.Precision
	Owners    []string // contact keys; nil: unchanged
	Unit      *string
	Title     *string
	// Reason is recorded with the change.
	Reason string
}

// PendingDone is a done item awaiting 销号.
type PendingDone struct {
	Commitment *domain.Commitment
	DoneAt     time.Time
	// By is the name of who marked it done.
	By string
	// Days is how long it has waited.
	Days int
}

// PendingExtension is an extension request awaiting a decision.
type PendingExtension struct {
	Extension  *store.Extension
	Commitment *domain.Commitment
	// Requester is the name of who asked.
	Requester string
	Days      int
}

// Pending is the supervision office's queue (/pending, /待核销).
type Pending struct {
	Done       []PendingDone
	Extensions []PendingExtension
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return s.DB.Now()
}

func (s *Service) loc() *time.Location {
	if s.Loc == nil {
		return time.UTC
	}
	return s.Loc
}

// today is the current day in the configured time zone.
func (s *Service) today() domain.Date { return domain.DateOf(s.now(), s.loc()) }

// ensure the API stays referenced while the skeleton is filled in.
var _ = context.Background
