package bot

import (
	"context"
	"fmt"
	"log/slog"

	"duban/domain"
	"duban/notify"
	"duban/store"
)

// Transport is the chat client the bot answers through: the Telegram
// transport (duban/telegram) implements it. Its errors never contain the
// bot token.
type Transport interface {
	// Send delivers a message in HTML parse mode.
	Send(ctx context.Context, m notify.Message) (notify.Result, error)
	// AnswerCallback answers a button press with a plain text ("" for none).
	AnswerCallback(ctx context.Context, callbackID, text string) error
	// EditText changes a message the bot sent to text (HTML) and buttons.
	EditText(ctx context.Context, chatID int64, messageID int, text string, buttons [][]domain.Button) error
}

// Responder handles updates and delivers the answers: the part that the
// transport's poller and webhook share.
type Responder struct {
	h   *Handler
	db  *store.DB
	tg  Transport
	log *slog.Logger
}

// NewResponder returns a Responder that applies updates with h, records
// them in db, and answers through tg; log may be nil.
func NewResponder(h *Handler, db *store.DB, tg Transport, log *slog.Logger) *Responder {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Responder{h: h, db: db, tg: tg, log: log}
}

// Respond applies one update, already turned into an In by the transport,
// and delivers its answers. An update whose changes are already in the
// database (a redelivery after a crash) is skipped without an answer.
func (p *Responder) Respond(ctx context.Context, in In) {
	if applied, err := p.db.UpdateApplied(ctx, in.UpdateID); err == nil && applied {
		p.log.Info("telegram update already applied, skipped", "update_id", in.UpdateID)
		if in.CallbackID != "" {
			p.answer(ctx, in.UpdateID, Out{CallbackID: in.CallbackID})
		}
		return
	}
	outs := p.h.Handle(ctx, in)
	if in.CallbackID != "" && !hasAnswer(outs) {
		// Every press is answered, or the client shows a spinner for long.
		outs = append([]Out{{CallbackID: in.CallbackID}}, outs...)
	}
	p.deliver(ctx, in.UpdateID, outs)
}

func hasAnswer(outs []Out) bool {
	for _, o := range outs {
		if o.CallbackID != "" {
			return true
		}
	}
	return false
}

// deliver sends the answers directly. A message that cannot be sent is
// queued in the outbox (kind "reply", dedup "reply/<update_id>/<n>") so
// the dispatcher retries it; callback answers and edits are not queued,
// as Telegram refuses late callback answers and an edit is cosmetic.
func (p *Responder) deliver(ctx context.Context, updateID int64, outs []Out) {
	for n, o := range outs {
		switch {
		case o.CallbackID != "":
			p.answer(ctx, updateID, o)
		case o.EditMessageID != 0:
			p.edit(ctx, updateID, o)
		default:
			m := notify.Message{ChatID: o.ChatID, Text: o.Text, Buttons: o.Buttons}
			var kind, name string
			if o.PhotoFileID != "" {
				kind, name = string(notify.Photo), domain.TelegramEvidence(o.PhotoFileID, o.PhotoIsDocument)
				if o.PhotoIsDocument {
					kind = string(notify.Document)
				}
				m.Attachment = &notify.Attachment{Kind: notify.AttachmentKind(kind), Name: name}
			}
			_, err := p.tg.Send(ctx, m)
			if err == nil {
				continue
			}
			p.log.Warn("telegram reply failed, queued", "update_id", updateID, "chat_id", o.ChatID, "err", err.Error())
			if _, qerr := p.db.Enqueue(context.WithoutCancel(ctx), store.Notification{
				ChatID: o.ChatID, Kind: store.KindReply, DedupKey: fmt.Sprintf("reply/%d/%d", updateID, n),
				Body: o.Text, Buttons: o.Buttons, AttachmentKind: kind, AttachmentName: name,
			}); qerr != nil {
				p.log.Error("telegram reply lost", "update_id", updateID, "chat_id", o.ChatID, "err", qerr.Error())
			}
		}
	}
}

// answer answers a button press.
func (p *Responder) answer(ctx context.Context, updateID int64, o Out) {
	if err := p.tg.AnswerCallback(ctx, o.CallbackID, o.CallbackAnswer); err != nil {
		p.log.Warn("telegram callback answer failed", "update_id", updateID, "err", err.Error())
	}
}

// edit changes the text of a message the bot sent, dropping its buttons
// unless o has some.
func (p *Responder) edit(ctx context.Context, updateID int64, o Out) {
	if err := p.tg.EditText(ctx, o.ChatID, o.EditMessageID, o.Text, o.Buttons); err != nil {
		p.log.Warn("telegram edit failed", "update_id", updateID, "chat_id", o.ChatID, "err", err.Error())
	}
}
