// Package telegram is duban's Telegram transport, the only package that
// speaks the Bot API (tgbotapi): the Telegram notifier (sending, splitting
// through notify, classifying Bot API errors into notify.SendError), token
// redaction (errors and tgbotapi's own log lines), getUpdates polling with
// its offset kept in the database, the webhook (secret header, body limit),
// the command menu (setMyCommands), evidence downloads (getFile), and the
// conversion of Bot API updates into the bot's own input, bot.In.
//
// The bot owns the interface the transport implements (bot.Transport:
// send, answer a button press, edit a message) and the Responder the
// transport hands updates to; the bot itself imports no Telegram client.
// telegramtest is a fake Bot API for tests.
package telegram
