package telegram

import (
	"context"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"duban/bot"
)

// responder is how the transport calls into the bot: an update, as the
// bot's own input, is applied once and answered. *bot.Responder is the
// one duban uses; it answers through bot.Transport, which *Telegram
// implements.
type responder interface {
	Respond(ctx context.Context, in bot.In)
}

var (
	_ responder     = (*bot.Responder)(nil)
	_ bot.Transport = (*Telegram)(nil)
)

// AllowedUpdates are the update kinds the bot asks Telegram for.
var AllowedUpdates = []string{"message", "edited_message", "callback_query"}

// FromUpdate turns a Telegram update into the bot's own input, a bot.In. It reports
// false for kinds the bot does not handle (channel posts, member changes,
// messages without a sender).
func FromUpdate(u tgbotapi.Update) (bot.In, bool) {
	in := bot.In{UpdateID: int64(u.UpdateID)}
	if q := u.CallbackQuery; q != nil {
		if q.From == nil || q.From.IsBot {
			return bot.In{}, false
		}
		in.CallbackID, in.Data = q.ID, q.Data
		in.UserID, in.Lang = q.From.ID, q.From.LanguageCode
		if q.Message != nil && q.Message.Chat != nil {
			in.ChatID, in.ChatType, in.MessageID = q.Message.Chat.ID, q.Message.Chat.Type, q.Message.MessageID
		} else {
			// A button on an inline message: answer it, in the presser's
			// private chat if anything is sent.
			in.ChatID, in.ChatType = q.From.ID, bot.Private
		}
		return in, true
	}
	m := u.Message
	if m == nil {
		m, in.Edited = u.EditedMessage, true
	}
	if m == nil || m.From == nil || m.Chat == nil || m.From.IsBot {
		// Another bot's message (in the supervision group) is no command.
		return bot.In{}, false
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

// getUpdates runs one getUpdates long poll of wait for the updates after
// offset (all pending ones when offset is 0). The error never contains the
// token.
func (t *Telegram) getUpdates(ctx context.Context, offset int64, wait time.Duration) ([]tgbotapi.Update, error) {
	cfg := tgbotapi.UpdateConfig{Limit: 100, Timeout: int(wait / time.Second), AllowedUpdates: AllowedUpdates}
	if offset > 0 {
		cfg.Offset = int(offset + 1)
	}
	updates, err := t.botContext(ctx).GetUpdates(cfg)
	return updates, redactError(err, t.token)
}
