package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"duban/config"
	"duban/telegram"
)

// linkCommand is `duban contact link KEY`: it issues a single-use code,
// valid for 72 hours, and prints it with the deep link
// https://t.me/<bot>?start=<code> that links the chat that opens it.
func (m *Main) linkCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "link KEY",
		Short: "生成一次性关联码和链接，把 Telegram 会话关联到联系人 (issue a one-time code and deep link that links a Telegram chat to a contact)",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			cfg, err := m.config()
			if err != nil {
				return err
			}
			db, err := m.store(c.Context())
			if err != nil {
				return err
			}
			lc, err := db.IssueLinkCode(c.Context(), args[0])
			if err != nil {
				return err
			}
			bot, why := m.botUsername(c.Context(), cfg)
			fmt.Fprintf(m.Stdout, "关联码 (code):       %s\n", lc.Code)
			fmt.Fprintf(m.Stdout, "有效期至 (expires):  %s（一次有效 single use）\n", lc.ExpiresAt.In(m.loc()).Format(time.RFC3339))
			fmt.Fprintf(m.Stdout, "链接 (link):         https://t.me/%s?start=%s\n", bot, lc.Code)
			if why != "" {
				fmt.Fprintf(m.Stdout, "注意 (note):         %s；请把 <bot> 换成机器人的用户名，或在私聊中向机器人发送 \"/start %s\" (replace <bot> with the bot's username, or send \"/start %s\" to the bot in a private chat)\n", why, lc.Code, lc.Code)
			}
			return nil
		},
	}
}

// botUsername asks Telegram (getMe) for the bot's username when a token is
// configured. Otherwise, or when Telegram cannot be reached, it returns
// the placeholder "<bot>" and why.
func (m *Main) botUsername(ctx context.Context, cfg *config.Config) (name, why string) {
	if cfg.Telegram.Token == "" {
		return "<bot>", "未配置 telegram.token (no telegram.token is configured)"
	}
	type result struct {
		name string
		err  error
	}
	done := make(chan result, 1)
	go func() {
		tg, err := telegram.NewTelegram(telegram.TelegramConfig{Token: cfg.Telegram.Token, Endpoint: cfg.Telegram.APIEndpoint,
			Timeout: 10 * time.Second, Logger: m.log()})
		if err != nil {
			done <- result{err: err}
			return
		}
		done <- result{name: tg.Username()}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			// telegram's errors never contain the token.
			return "<bot>", "无法向 Telegram 查询机器人用户名 (could not ask Telegram for the bot's username: " + r.err.Error() + ")"
		}
		return r.name, ""
	case <-ctx.Done():
		return "<bot>", "Telegram 应答前已中断 (interrupted before Telegram answered)"
	}
}
