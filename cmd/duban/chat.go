package main

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"duban/bot"
	"duban/domain"
	"duban/web"
)

// chatCommand is `duban chat --as CONTACT_KEY`: a terminal session that
// takes bot commands, one a line, as that contact, through the same
// Handler as Telegram, and prints the answers as plain text. A line that
// is a button's data ("d:12", "ea:3") presses that button.
func (m *Main) chatCommand() *cobra.Command {
	var as string
	c := &cobra.Command{
		Use:   "chat --as CONTACT_KEY",
		Short: "以联系人身份在终端与机器人对话 (talk to the bot from a terminal, as a contact)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if as == "" {
				return usagef("--as: 缺少联系人，请指定以谁的身份对话 (missing: name the contact to speak as)")
			}
			cfg, err := m.config()
			if err != nil {
				return err
			}
			db, err := m.store(c.Context())
			if err != nil {
				return err
			}
			ct, err := db.Contact(c.Context(), as)
			if domain.ErrorCode(err) == domain.ENOTFOUND {
				return usagef("--as: 没有这个联系人 %q (unknown contact)", as)
			}
			if err != nil {
				return err
			}
			hc := bot.ConfigFrom(cfg, db)
			hc.Logger = m.log()
			hc.Reporter = m.chatReporter()
			if cfg.Web.BaseURL != "" {
				hc.WebLinks = web.SigninLinks{DB: db, BaseURL: cfg.Web.BaseURL}
			}
			h := bot.New(hc)
			sc := bufio.NewScanner(m.Stdin)
			sc.Buffer(make([]byte, 64<<10), 1<<20)
			for n := 1; sc.Scan(); n++ {
				line := strings.TrimSpace(sc.Text())
				if line == "" {
					continue
				}
				in := bot.In{ChatID: ct.ChatID, ChatType: bot.Private, Text: line, As: as}
				if _, _, ok := domain.ParseCallback(line); ok {
					in.Text, in.CallbackID, in.Data = "", fmt.Sprintf("cli-%d", n), line
				}
				for _, o := range h.Handle(c.Context(), in) {
					printOut(m, o)
				}
			}
			return sc.Err()
		},
	}
	c.Flags().StringVar(&as, "as", "", "以该联系人身份对话（联系人标识） (contact key to speak as)")
	return c
}

// printOut prints one answer as plain text: a button press's answer in
// brackets, a message followed by its buttons and a blank line.
func printOut(m *Main, o bot.Out) {
	if o.CallbackID != "" {
		if o.CallbackAnswer != "" {
			fmt.Fprintf(m.Stdout, "[%s]\n", o.CallbackAnswer)
		}
		return
	}
	fmt.Fprintln(m.Stdout, bot.PlainText(o.Text))
	for _, row := range o.Buttons {
		var bs []string
		for _, b := range row {
			bs = append(bs, fmt.Sprintf("[%s: %s]", b.Text, b.Data))
		}
		fmt.Fprintln(m.Stdout, strings.Join(bs, " "))
	}
	fmt.Fprintln(m.Stdout)
}
