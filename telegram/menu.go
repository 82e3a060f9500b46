package telegram

import (
	"context"
	"fmt"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"duban/bot"
)

// RegisterCommands sets the bot's command menu (bot.Menu) with
// setMyCommands: Chinese for users whose Telegram speaks zh, English for
// everyone else (the default list). setMyCommands answers true, so it goes
// through Request. The error never contains the token.
func RegisterCommands(ctx context.Context, tg *Telegram) error {
	api := tg.botContext(ctx)
	for _, lang := range bot.MenuLanguages() {
		var cmds []tgbotapi.BotCommand
		for _, c := range bot.Menu(lang) {
			cmds = append(cmds, tgbotapi.BotCommand{Command: c.Command, Description: c.Description})
		}
		cfg := tgbotapi.NewSetMyCommands(cmds...)
		if lang != "" {
			cfg = tgbotapi.NewSetMyCommandsWithScopeAndLanguage(tgbotapi.NewBotCommandScopeDefault(), lang, cmds...)
		}
		if _, err := api.Request(cfg); err != nil {
			return fmt.Errorf("set bot commands (%q): %w", lang, redactError(err, tg.token))
		}
	}
	return nil
}
