package telegram

import (
	"context"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"duban/domain"
)

// AnswerCallback answers a button press with text (plain; "" just stops
// the client's spinner). answerCallbackQuery answers true, so it goes
// through Request. The error never contains the token.
func (t *Telegram) AnswerCallback(ctx context.Context, callbackID, text string) error {
	_, err := t.botContext(ctx).Request(tgbotapi.NewCallback(callbackID, text))
	return redactError(err, t.token)
}

// EditText changes the text of a message the bot sent to text (HTML),
// dropping its buttons unless buttons has some. The error never contains
// the token.
func (t *Telegram) EditText(ctx context.Context, chatID int64, messageID int, text string, buttons [][]domain.Button) error {
	cfg := tgbotapi.NewEditMessageText(chatID, messageID, text)
	cfg.ParseMode = tgbotapi.ModeHTML
	if kb := keyboard(buttons); kb != nil {
		cfg.ReplyMarkup = kb
	}
	_, err := t.botContext(ctx).Request(cfg)
	return redactError(err, t.token)
}
