package bot

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"duban/config"
	"duban/domain"
	"duban/store"
	"duban/workflow"
)

// Reporter sends the monthly report (SPEC §9) on demand. month is YYYY-MM,
// or "" for the month just ended; chatID is the chat that asked. It returns
// a one-line note for the person who asked (HTML), or "" to let the bot
// say the report was sent.
type Reporter interface {
	SendMonthly(ctx context.Context, month string, chatID int64) (string, error)
}

// Files downloads a file a user sent, by its Telegram file_id.
// *telegram.Telegram implements it (getFile, then the configured endpoint).
type Files interface {
	DownloadFile(ctx context.Context, fileID string) ([]byte, error)
}

// Chat types, as Telegram names them.
const (
	Private    = "private"
	Group      = "group"
	Supergroup = "supergroup"
)

// In is one thing a person did: a message (or a file with a caption) or a
// button press.
type In struct {
	// UpdateID is Telegram's update_id; 0 from a terminal, where nothing is
	// recorded for idempotency.
	UpdateID  int64
	ChatID    int64
	ChatType  string // Private, Group or Supergroup
	UserID    int64  // the sender's Telegram user id
	Lang      string // the sender's Telegram language_code, for unlinked users
	MessageID int    // the message, or for a button the message it is on
	// Text is the message's text or the file's caption.
	Text string
	// FileID is the photo (its largest size) or document sent; FileName is
	// the document's name ("" for photos).
	FileID, FileName string
	// CallbackID and Data are set for a button press.
	CallbackID, Data string
	// Edited marks an edited message, which the bot ignores.
	Edited bool
	// As is the contact key a terminal session (duban chat --as) speaks
	// for; Telegram leaves it empty and the sender is found by user id.
	As string
}

// Out is one thing the bot does in answer: send a message, edit one, or
// answer a button press.
type Out struct {
	ChatID int64
	// Text is Telegram HTML; user text in it is escaped.
	Text    string
	Buttons [][]domain.Button
	// PhotoFileID, when set, sends that photo (a file Telegram holds) with
	// Text as its caption; PhotoIsDocument sends it as a document.
	PhotoFileID     string
	PhotoIsDocument bool
	// EditMessageID, when set, edits that message of ChatID to Text and
	// Buttons instead of sending a new one.
	EditMessageID int
	// CallbackID, when set, makes this Out an answer to that button press,
	// with CallbackAnswer as its (plain) text; ChatID and Text are unused.
	CallbackID     string
	CallbackAnswer string
}

// Config is what a Handler needs.
type Config struct {
	DB *store.DB
	// Workflow applies every change; nil builds one from the fields below.
	Workflow *workflow.Service
	// Location is the time zone of days and due dates; WarnDays the yellow
	// window (reminders.warn_days).
	Location *time.Location
	WarnDays int
	// UnitScope lets an official see and change their unit's commitments.
	UnitScope bool
	// SupervisionChatID is the supervision group: it receives extension
	// requests, and is the only group the bot answers in.
	SupervisionChatID int64
	// Username is the bot's @username without the @; a command addressed
	// to another bot is ignored. Empty accepts any address.
	Username string
	// Language is the default language ("zh" or "en") of messages that go
	// to the supervision chat and of answers to unlinked users.
	Language string
	// Reporter sends /report; nil answers that reports are not configured.
	Reporter Reporter
	// Files downloads evidence; nil keeps only Telegram file ids.
	Files Files
	// EvidenceDir is where downloaded evidence goes (evidence.dir); empty
	// keeps only Telegram file ids.
	EvidenceDir string
	// WebLinks issues /web's one-time sign-in links; nil answers that the
	// web workspace is not configured.
	WebLinks WebLinks
	Logger   *slog.Logger
}

// ConfigFrom fills a handler Config from duban's configuration. Reporter,
// Files and Username are the caller's to set.
func ConfigFrom(c *config.Config, db *store.DB) Config {
	return Config{
		DB: db, Location: c.Location, WarnDays: c.Reminders.WarnDays, UnitScope: c.Bot.UnitScope,
		SupervisionChatID: c.Telegram.SupervisionChatID, Language: c.Language, EvidenceDir: c.Evidence.Dir,
	}
}

// Handler executes bot commands. It is safe for concurrent use. It parses
// and renders; every change and every decision about who may do what goes
// through the workflow.
type Handler struct {
	cfg Config
	db  *store.DB
	wf  *workflow.Service
	log *slog.Logger
}

// New returns a Handler.
func New(cfg Config) *Handler {
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	wf := cfg.Workflow
	if wf == nil {
		wf = &workflow.Service{DB: cfg.DB, Loc: cfg.Location, UnitScope: cfg.UnitScope, WarnDays: cfg.WarnDays,
			SupervisionChatID: cfg.SupervisionChatID, Language: cfg.Language}
	}
	return &Handler{cfg: cfg, db: cfg.DB, wf: wf, log: log.With("component", "bot")}
}

// request is one In being handled: who sent it and in which language.
type request struct {
	In
	ct    *domain.Contact // nil: unlinked
	w     *words
	actor workflow.Actor
	scope store.Scope
}

// Handle answers one In. It never returns an error: every failure becomes
// one line for the user (and a log line when it is the system's fault).
func (h *Handler) Handle(ctx context.Context, in In) []Out {
	if in.Edited {
		// Editing a sent command must not apply it again, nor half-apply
		// the new text: edits are ignored.
		return nil
	}
	if in.CallbackID != "" {
		return h.handleCallback(ctx, in)
	}
	group := in.ChatType == Group || in.ChatType == Supergroup
	if group && (h.cfg.SupervisionChatID == 0 || in.ChatID != h.cfg.SupervisionChatID) {
		return nil
	}
	cmd, perr := Parse(in.Text)
	if errors.Is(perr, ErrNotCommand) {
		if group {
			return nil
		}
		return h.chatter(ctx, in)
	}
	if cmd.Bot != "" && h.cfg.Username != "" && !strings.EqualFold(cmd.Bot, h.cfg.Username) {
		if group {
			return nil
		}
		tok, _ := nextToken(in.Text)
		perr = &ParseError{Problem: Unknown, Arg: strings.TrimLeft(tok, "/／")}
	}
	r, err := h.identify(ctx, in)
	if err != nil {
		return h.fail(in, h.lang(nil, in), err)
	}
	if r.ct == nil {
		if cmd.Name == CmdStart && perr == nil {
			return h.start(ctx, r, cmd)
		}
		return r.reply(r.w.linkHow)
	}
	var pe *ParseError
	if errors.As(perr, &pe) {
		return r.reply(r.w.problem(pe))
	}
	return h.dispatch(ctx, r, cmd)
}

// dispatch runs a parsed command for a linked contact.
func (h *Handler) dispatch(ctx context.Context, r *request, cmd Command) []Out {
	switch cmd.Name {
	case CmdStart:
		return h.start(ctx, r, cmd)
	case CmdHelp:
		return h.help(r)
	case CmdWhoami:
		return h.whoami(r)
	case CmdList:
		return h.list(ctx, r)
	case CmdDue:
		return h.due(ctx, r, cmd.Days)
	case CmdOverdue:
		return h.overdue(ctx, r)
	case CmdShow:
		return h.show(ctx, r, cmd.ID)
	case CmdProgress:
		return h.progress(ctx, r, cmd)
	case CmdDone:
		return h.done(ctx, r, cmd)
	case CmdExtend:
		return h.extend(ctx, r, cmd)
	case CmdVerify:
		return h.verify(ctx, r, cmd)
	case CmdReopen:
		return h.reopen(ctx, r, cmd)
	case CmdReport:
		return h.report(ctx, r, cmd)
	case CmdPending:
		return h.pendingList(ctx, r)
	case CmdApprove, CmdReject:
		return h.decide(ctx, r, cmd)
	case CmdCancel:
		return h.cancel(ctx, r, cmd)
	case CmdWeb:
		return h.web(ctx, r)
	}
	return r.reply(r.w.problem(&ParseError{Problem: Unknown, Arg: string(cmd.Name)}))
}

// chatter answers a private message that is not a command.
func (h *Handler) chatter(ctx context.Context, in In) []Out {
	r, err := h.identify(ctx, in)
	if err != nil {
		return h.fail(in, h.lang(nil, in), err)
	}
	switch {
	case r.ct == nil:
		return r.reply(r.w.linkHow)
	case in.FileID != "":
		return r.reply(r.w.fileHint)
	}
	return r.reply(r.w.notCommand)
}

// identify finds the contact behind in: the terminal's --as contact, or the
// one linked to the sender's Telegram user id, or (in a private chat, for
// contacts imported with a chat id but no user id yet) to the chat. A nil
// contact means unlinked.
func (h *Handler) identify(ctx context.Context, in In) (*request, error) {
	r := &request{In: in}
	var ct *domain.Contact
	var err error
	switch {
	case in.As != "":
		ct, err = h.db.Contact(ctx, in.As)
	case in.UserID != 0:
		// The sender's user id identifies the contact, in a private chat
		// too: the chat id is only a fallback for a contact imported with a
		// chat id and not yet seen, and only if that contact has no other
		// user id recorded.
		ct, err = h.db.ContactByTelegramUser(ctx, in.UserID)
		if domain.ErrorCode(err) == domain.ENOTFOUND && in.ChatType == Private {
			ct, err = h.db.ContactByChat(ctx, in.ChatID)
			if err == nil && ct.TelegramUserID != 0 && ct.TelegramUserID != in.UserID {
				ct, err = nil, domain.Errorf(domain.ENOTFOUND, "another user")
			}
		}
	default:
		err = domain.Errorf(domain.ENOTFOUND, "no sender")
	}
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		ct, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	r.ct = ct
	r.w = h.lang(ct, in)
	if ct != nil {
		r.actor = workflow.Actor{Contact: ct, TelegramUserID: in.UserID, UpdateID: in.UpdateID, Channel: workflow.ChannelTelegram}
		if in.As != "" {
			r.actor = workflow.Actor{Contact: ct, Channel: workflow.ChannelCLI}
		}
		r.scope = store.Scope{ContactID: ct.ID, All: supervises(ct), Unit: h.cfg.UnitScope}
	}
	return r, nil
}

// lang picks the language: the contact's, else the sender's Telegram
// language, else the configured default.
func (h *Handler) lang(ct *domain.Contact, in In) *words {
	switch {
	case ct != nil && ct.Language != "":
		return lang(ct.Language)
	case in.Lang != "":
		return lang(in.Lang)
	}
	return lang(h.cfg.Language)
}

// supervises reports whether the contact acts for the supervision
// office, for what /help lists; the workflow decides what they may do.
func supervises(ct *domain.Contact) bool {
	return workflow.Actor{Contact: ct}.Supervises()
}

// reply is one message to the chat the request came from.
func (r *request) reply(text string) []Out {
	return []Out{{ChatID: r.ChatID, Text: text}}
}

// fail logs a system failure and answers one line.
func (h *Handler) fail(in In, w *words, err error) []Out {
	h.log.Error("bot command failed", "update_id", in.UpdateID, "chat_id", in.ChatID, "err", err.Error())
	if in.CallbackID != "" {
		return []Out{{CallbackID: in.CallbackID, CallbackAnswer: w.internal}}
	}
	return []Out{{ChatID: in.ChatID, Text: w.internal}}
}

// today is the current day in the configured time zone.
func (h *Handler) today() domain.Date {
	return domain.DateOf(h.db.Now(), h.cfg.Location)
}
