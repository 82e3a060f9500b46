package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"duban/domain"
	"duban/store"
	"duban/web"
)

// webContact returns the key of the contact arg names (key, or a name only
// one contact has). An unknown or removed contact is bad input: exit 2.
func webContact(ctx context.Context, db *store.DB, arg string) (string, error) {
	key, err := db.ResolveContact(ctx, arg)
	if err != nil {
		return "", err
	}
	// A removed contact stays in the history, but gets no way in.
	cs, err := db.Contacts(ctx)
	if err != nil {
		return "", err
	}
	if !slices.ContainsFunc(cs, func(c *domain.Contact) bool { return c.Key == key }) {
		return "", domain.Errorf(domain.ENOTFOUND, "没有这个联系人 (unknown contact) %q", arg)
	}
	return key, nil
}

// passwdCommand is `duban contact passwd KEY`: the web password, read as
// the first line of standard input. Setting it signs the contact out of
// every session.
func (m *Main) passwdCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "passwd KEY",
		Short: "设置网页登录密码 (set the contact's web password, read from standard input)",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			db, err := m.store(c.Context())
			if err != nil {
				return err
			}
			key, err := webContact(c.Context(), db, args[0])
			if err != nil {
				return err
			}
			if m.IsTerminal {
				fmt.Fprint(m.Stderr, "新密码 (new password): ")
			}
			line, err := bufio.NewReader(m.Stdin).ReadString('\n')
			if err != nil && !errors.Is(err, io.EOF) {
				return fmt.Errorf("读取密码 (read password): %w", err)
			}
			pw := strings.TrimRight(line, "\r\n")
			hash, err := web.HashPassword(pw)
			if err != nil {
				return err
			}
			if err := db.SetPasswordHash(c.Context(), key, hash); err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "已设置 %s 的网页登录密码，其已登录的会话均已退出 (web password of %s set; their sessions are signed out)\n", key, key)
			return nil
		},
	}
}

// weblinkCommand is `duban contact weblink KEY`: a one-time sign-in link,
// valid for 15 minutes, the same as the bot's /web.
func (m *Main) weblinkCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "weblink KEY",
		Short: "一次性网页登录链接 (print a one-time sign-in link, valid 15 minutes)",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			cfg, db, _, err := m.webLinks(c.Context())
			if err != nil {
				return err
			}
			key, err := webContact(c.Context(), db, args[0])
			if err != nil {
				return err
			}
			link, _, exp, err := web.IssueSigninLink(c.Context(), db, cfg.Web.BaseURL, key)
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "链接 (link):         %s\n", link)
			fmt.Fprintf(m.Stdout, "有效期至 (expires):  %s（一次有效 single use）\n", exp.In(m.loc()).Format(time.RFC3339))
			return nil
		},
	}
}

// icsCommand is `duban contact ics KEY [--rotate]`: the contact's calendar
// feed; --rotate moves it to a new address and the old one stops working.
func (m *Main) icsCommand() *cobra.Command {
	var rotate bool
	c := &cobra.Command{
		Use:   "ics KEY",
		Short: "日历订阅地址 (print the contact's calendar feed URL; --rotate replaces it)",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			ctx := c.Context()
			_, db, links, err := m.webLinks(ctx)
			if err != nil {
				return err
			}
			key, err := webContact(ctx, db, args[0])
			if err != nil {
				return err
			}
			ct, err := db.Contact(ctx, key)
			if err != nil {
				return err
			}
			var gen int
			if rotate {
				gen, err = db.RotateICS(ctx, key)
			} else {
				gen, err = db.ICSGeneration(ctx, ct.ID)
			}
			if err != nil {
				return err
			}
			fmt.Fprintln(m.Stdout, links.ICSURL(ct.ID, gen))
			if rotate {
				fmt.Fprintln(m.Stderr, "旧的订阅地址已失效 (the previous feed URL no longer works)")
			}
			return nil
		},
	}
	c.Flags().BoolVar(&rotate, "rotate", false, "更换订阅地址，旧地址随即失效 (replace the feed URL; the old one stops working)")
	return c
}
