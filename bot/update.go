package bot

import (
	"context"
	"fmt"
	"log/slog"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"duban/domain"
	"duban/notify"
	"duban/store"
)

// AllowedUpdates are the update kinds the bot asks Telegram for.
var AllowedUpdates = []string{"message", "edited_message", "callback_query"}

// FromUpdate turns a Telegram update into the Handler's In. It reports
// false for kinds the bot does not handle (channel posts, member changes,
// messages without a sender).
func FromUpdate(u tgbotapi.Update) (In, bool) {
	in := In{UpdateID: int64(u.UpdateID)}
	if q := u.CallbackQuery; q != nil {
		if q.From == nil || q.From.IsBot {
			return In{}, false
		}
		in.CallbackID, in.Data = q.ID, q.Data
		in.UserID, in.Lang = q.From.ID, q.From.LanguageCode
		if q.Message != nil && q.Message.Chat != nil {
			in.ChatID, in.ChatType, in.MessageID = q.Message.Chat.ID, q.Message.Chat.Type, q.Message.MessageID
		} else {
			// A button on an inline message: answer it, in the presser's
			// private chat if anything is sent.
			in.ChatID, in.ChatType = q.From.ID, Private
		}
		return in, true
	}
	m := u.Message
	if m == nil {
		m, in.Edited = u.EditedMessage, true
	}
	if m == nil || m.From == nil || m.Chat == nil || m.From.IsBot {
		// Another bot's message (in the supervision group) is no command.
		return In{}, false
	}
	in.ChatID, in.ChatType, in.MessageID = m.Chat.ID, m.Chat.Type, m.MessageID
	in.UserID, in.Lang = m.From.ID, m.From.LanguageCode
	in.Text = m.Text
	switch {
	case len(m.Photo) > 0:
		in.FileID, in.Text = m.Photo[len(m.Photo)-1].FileID, m.Caption
	case m.Document != nil:
		in.FileID, in.FileName, in.Text = m.Document.FileID, m.Document.FileName, m.Caption
	}
	return in, true
}

// Transport is the Telegram client the update loop and the webhook answer
// through. *notify.Telegram implements it.
type Transport interface {
	// Send delivers a message in HTML parse mode.
	Send(ctx context.Context, m notify.Message) (notify.Result, error)
	// BotContext is the raw client, its requests cancelled with ctx.
	BotContext(ctx context.Context) *tgbotapi.BotAPI
}

// responder handles updates and delivers the answers: the part that the
// Poller and the Webhook share.
type responder struct {
	h   *Handler
	db  *store.DB
	tg  Transport
	log *slog.Logger
}

// handle applies one update and delivers its answers. An update whose
// changes are already in the database (a redelivery after a crash) is
// skipped without an answer.
func (p *responder) handle(ctx context.Context, u tgbotapi.Update) {
	in, ok := FromUpdate(u)
	if !ok {
		return
	}
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
func (p *responder) deliver(ctx context.Context, updateID int64, outs []Out) {
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

// answer answers a button press (answerCallbackQuery answers true: Request).
func (p *responder) answer(ctx context.Context, updateID int64, o Out) {
	if _, err := p.tg.BotContext(ctx).Request(tgbotapi.NewCallback(o.CallbackID, o.CallbackAnswer)); err != nil {
		p.log.Warn("telegram callback answer failed", "update_id", updateID, "err", p.redact(err))
	}
}

// edit changes the text of a message the bot sent, dropping its buttons
// unless o has some.
func (p *responder) edit(ctx context.Context, updateID int64, o Out) {
	cfg := tgbotapi.NewEditMessageText(o.ChatID, o.EditMessageID, o.Text)
	cfg.ParseMode = tgbotapi.ModeHTML
	if kb := notify.Keyboard(o.Buttons); kb != nil {
		cfg.ReplyMarkup = kb
	}
	if _, err := p.tg.BotContext(ctx).Request(cfg); err != nil {
		p.log.Warn("telegram edit failed", "update_id", updateID, "chat_id", o.ChatID, "err", p.redact(err))
	}
}

// redact is err's message without the bot token: tgbotapi's network
// errors carry the request URL, and so the token.
func (p *responder) redact(err error) string {
	return notify.Redact(err.Error(), p.tg.BotContext(context.Background()).Token)
}
