package bot_test

import (
	"context"
	"regexp"
	"testing"
	"time"

	"duban/bot"
	"duban/store"
	"duban/store/storetest"
	"duban/telegram"
	"duban/web"
)

var signinLinkRE = regexp.MustCompile(`https://duban\.test/signin/([A-Za-z0-9_-]+)`)

func TestWebCommand(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		x := newHarness(t, db)
		unconfigured := x.h
		x.h = bot.New(bot.Config{DB: db, Location: shanghai, WarnDays: 7, SupervisionChatID: superChat, Username: x.tg.Username(),
			Language: "zh", WebLinks: web.SigninLinks{DB: db, BaseURL: "https://duban.test/"}})
		x.start(telegram.Hooks{})

		spend := func(token string) (string, error) {
			ct, err := db.UseSigninToken(ctx, token, store.NewWebSession{ID: "session-" + token, CSRF: "csrf", TTL: time.Hour, Method: "link"})
			if err != nil {
				return "", err
			}
			return ct.Key, nil
		}
		var first string
		t.Run("a linked contact gets a one-time sign-in link in Chinese", func(t *testing.T) {
			got := x.reply(wangUser, "/web")
			contains(t, "/web", got, "督办台账登录链接", "只能使用一次", "2024-06-01 09:15")
			m := signinLinkRE.FindStringSubmatch(got)
			if m == nil {
				t.Fatalf("no sign-in link under web.base_url in %q", got)
			}
			first = m[1]
		})
		t.Run("a second /web replaces the first link", func(t *testing.T) {
			m := signinLinkRE.FindStringSubmatch(x.reply(wangUser, "/网页"))
			if m == nil {
				t.Fatal("no link")
			}
			if _, err := spend(first); err == nil {
				t.Error("the first link still works")
			}
			key, err := spend(m[1])
			if err != nil || key != "wang" {
				t.Fatalf("the link signs in %q, %v; want wang", key, err)
			}
			if _, err := spend(m[1]); err == nil {
				t.Error("the link worked twice")
			}
		})
		t.Run("an English contact is answered in English", func(t *testing.T) {
			contains(t, "/web en", x.reply(liUser, "/web"), "sign-in link", "https://duban.test/signin/")
		})
		t.Run("an unlinked chat gets no link", func(t *testing.T) {
			got := x.reply(strangerID, "/web")
			if signinLinkRE.MatchString(got) {
				t.Errorf("a stranger got a link: %q", got)
			}
			contains(t, "/web unlinked", got, "/start")
		})
		t.Run("in the supervision group no link is posted", func(t *testing.T) {
			r := x.say(superChat, wangUser, "/web")
			for _, s := range r.Sent {
				if signinLinkRE.MatchString(s.Text) {
					t.Errorf("a link went to the group: %q", s.Text)
				}
			}
			if len(r.Sent) != 1 {
				t.Fatalf("sent %d messages, want 1", len(r.Sent))
			}
			contains(t, "/web in a group", r.Sent[0].Text, "私聊")
		})
		t.Run("without web.base_url the bot says the workspace is not configured", func(t *testing.T) {
			outs := unconfigured.Handle(ctx, bot.In{ChatID: wangUser, ChatType: bot.Private, UserID: wangUser, Text: "/web"})
			if len(outs) != 1 {
				t.Fatalf("%d answers", len(outs))
			}
			contains(t, "/web unconfigured", outs[0].Text, "督办台账（网页）尚未配置")
		})
	})
}
