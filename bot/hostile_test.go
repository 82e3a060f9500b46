package bot_test

import (
	"fmt"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"duban/store"
	"duban/store/storetest"
	"duban/telegram"
	"duban/telegram/telegramtest"
)

// TestHostileInput sends malformed and hostile input through the fake Bot
// API: each gets one clear line (or, where documented, silence) and
// changes nothing.
func TestHostileInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		x := newHarness(t, db)
		x.start(telegram.Hooks{})
		x.link()
		long := strings.Repeat("字", 5000)
		const usage = "用法："
		for _, tc := range []struct {
			name       string
			chat, user int64
			text       string
			want       string // "" means deliberate silence
		}{
			{"progress without an id", zhangUser, zhangUser, "/progress", "缺少事项编号。"},
			{"a hash with letters", zhangUser, zhangUser, "/progress #abc 50", "事项编号 #abc 无效。"},
			{"a bare hash", zhangUser, zhangUser, "/done #", "事项编号 # 无效。"},
			{"id zero", zhangUser, zhangUser, "/progress 0 50", "无效"},
			{"an id too long for int64", zhangUser, zhangUser, "/show 99999999999999999999", "无效"},
			{"a negative id", zhangUser, zhangUser, "/show -1", "无效"},
			{"an emoji id", zhangUser, zhangUser, "/done 😀", "事项编号 😀 无效。"},
			{"progress without a percent", zhangUser, zhangUser, "/progress 1", "缺少进度百分比。"},
			{"percent 101", zhangUser, zhangUser, "/progress 1 101", "进度 101 无效"},
			{"percent -1", zhangUser, zhangUser, "/progress 1 -1", "进度 -1 无效"},
			{"a fractional percent", zhangUser, zhangUser, "/progress 1 50.5", "无效"},
			{"a word for a percent", zhangUser, zhangUser, "/progress 1 half", "无效"},
			{"full-width digits", zhangUser, zhangUser, "/progress 1 ５０", "无效"},
			{"the Chinese alias with percent 200", zhangUser, zhangUser, "/进度 1 200", "进度 200 无效"},
			{"a 5,000-character note", zhangUser, zhangUser, "/progress 1 50 " + long, "文字过长：5000 字"},
			{"a 2,001-character done note", zhangUser, zhangUser, "/done 1 " + strings.Repeat("a", 2001), "文字过长：2001 字"},
			{"a 5,000-character reason", zhangUser, zhangUser, "/extend 1 2024-09-30 " + long, "文字过长"},
			{"the Chinese done alias without an id", zhangUser, zhangUser, "/完成", "缺少事项编号。"},
			{"extend without a date", zhangUser, zhangUser, "/extend 1", "缺少新的截止日期。"},
			{"month 13", zhangUser, zhangUser, "/extend 1 2024-13-01 雨季", "日期 2024-13-01 无效"},
			{"February 30", zhangUser, zhangUser, "/延期 1 2024-02-30 雨季", "日期 2024-02-30 无效"},
			{"a date in the past", zhangUser, zhangUser, "/extend 1 2020-01-01 雨季", "2020年1月1日 不在今天之后"},
			{"today is not later", zhangUser, zhangUser, "/extend 1 2024-06-01 雨季", "不在今天之后"},
			{"a date in another format", zhangUser, zhangUser, "/extend 1 30/09/2024 雨季", "无效"},
			{"extend without a reason", zhangUser, zhangUser, "/extend 1 2024-09-30", "缺少理由。"},
			{"show without an id", zhangUser, zhangUser, "/show", "缺少事项编号。"},
			{"SQL after the id", zhangUser, zhangUser, "/show 1; DROP TABLE commitments", "事项编号 1; 无效。"},
			{"SQL as the id", zhangUser, zhangUser, "/progress 1;DROP TABLE commitments 50", "无效"},
			{"SQL in quotes", zhangUser, zhangUser, "/done ' OR 1=1 --", "无效"},
			{"an HTML tag as the id", zhangUser, zhangUser, "/progress <script>alert(1)</script> 50", "&lt;script&gt;"},
			{"an HTML tag as a command", zhangUser, zhangUser, "/<b>list</b>", "未知命令"},
			{"plain HTML", zhangUser, zhangUser, "<b>hi</b> & <i>", "请发送命令"},
			{"emoji", zhangUser, zhangUser, "👍🏻🔥", "请发送命令"},
			{"an unknown command", zhangUser, zhangUser, "/delete 1", "未知命令 /delete"},
			{"a lone slash", zhangUser, zhangUser, "/", "未知命令"},
			{"due 0", zhangUser, zhangUser, "/due 0", "天数 0 无效"},
			{"due 999", zhangUser, zhangUser, "/due 999", "天数 999 无效"},
			{"due in words", zhangUser, zhangUser, "/due week", "无效"},
			{"verify by an official", zhangUser, zhangUser, "/verify 1", "只有督查室可以销号。"},
			{"reopen by an official", zhangUser, zhangUser, "/reopen 1 不合格", "只有督查室"},
			{"report by an official", zhangUser, zhangUser, "/report", "只有督查室"},
			{"reopen without a reason", wangUser, wangUser, "/reopen 1", "缺少理由。"},
			{"report month 13", wangUser, wangUser, "/report 2024-13", "月份 2024-13 无效"},
			{"verify a missing id", wangUser, wangUser, "/verify 999999", "未找到 #999999"},
			{"verify an item that is not done", wangUser, wangUser, "/verify 2", "当前状态为未启动，不能销号"},
			{"progress on another unit's item", zhangUser, zhangUser, "/progress 2 50", "未找到 #2"},
			{"a command to another bot, in private", zhangUser, zhangUser, "/list@other_bot", "未知命令 /list@other_bot"},
			{"a command to another bot, in the supervision group", superChat, wangUser, "/list@other_bot", ""},
			{"plain text in the supervision group", superChat, wangUser, "大家好", ""},
			{"a command in a group that is not the supervision chat", -100999, zhangUser, "/done 1", ""},
			{"an unlinked member in the supervision group", superChat, strangerID, "/done 1", "本聊天尚未关联"},
			{"an unlinked private chat", strangerID, strangerID, "/progress 1 50", "本聊天尚未关联"},
			{"an unknown link code", strangerID, strangerID, "/start not-a-code", "关联码无效"},
			{"a link code with SQL", strangerID, strangerID, "/start x'OR'1'='1", "关联码无效"},
			{"start in a group", superChat, wangUser, "/start abc", "请在与机器人的私聊中"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := snapshot(t, db)
				r := x.say(tc.chat, tc.user, tc.text)
				if after := snapshot(t, db); after != before {
					t.Errorf("changed the database:\n%s\n%s", before, after)
				}
				if tc.want == "" {
					if len(r.Sent) != 0 {
						t.Errorf("want silence, got %q", r.texts())
					}
					return
				}
				if len(r.Sent) != 1 {
					t.Fatalf("sent %d messages, want 1: %q", len(r.Sent), r.texts())
				}
				got := r.Sent[0].Text
				if strings.Contains(got, "\n") {
					t.Errorf("answer is more than one line: %q", got)
				}
				if !strings.Contains(got, tc.want) {
					t.Errorf("answer %q lacks %q", got, tc.want)
				}
				syntaxError := (strings.Contains(tc.want, "无效") && !strings.Contains(tc.want, "关联码")) ||
					strings.HasPrefix(tc.want, "缺少") || strings.HasPrefix(tc.want, "文字过长")
				if syntaxError {
					if !strings.Contains(got, usage) {
						t.Errorf("answer %q lacks the syntax", got)
					}
				}
			})
		}
		t.Run("an edited message is ignored", func(t *testing.T) {
			before := snapshot(t, db)
			r := x.push(func(s *telegramtest.Server) int {
				return s.PushUpdate(tgbotapi.Update{EditedMessage: &tgbotapi.Message{MessageID: 1,
					From: &tgbotapi.User{ID: zhangUser}, Chat: &tgbotapi.Chat{ID: zhangUser, Type: "private"}, Text: "/done 1"}})
			})
			if len(r.Sent) != 0 || snapshot(t, db) != before {
				t.Errorf("edited message acted: %q", r.texts())
			}
		})
		t.Run("a forged button is answered and changes nothing", func(t *testing.T) {
			for _, data := range []string{"zz:1", "d:", "d:abc", "d:1:2", "ea:-1", "d:1; DROP TABLE commitments"} {
				before := snapshot(t, db)
				r := x.press(zhangUser, zhangUser, 1, data)
				if len(r.Answers) != 1 || r.Answers[0].Text != "这个按钮已失效。" || len(r.Sent)+len(r.Edits) != 0 || snapshot(t, db) != before {
					t.Errorf("%q: answers %+v sent %q", data, r.Answers, r.texts())
				}
			}
		})
	})
}

// TestOutOfScopeLooksMissing checks that an official probing another
// unit's commitment, by command, button or caption, gets the very bytes a
// missing id gets, and changes nothing.
func TestOutOfScopeLooksMissing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		x := newHarness(t, db)
		x.start(telegram.Hooks{})
		x.link()
		before := snapshot(t, db)
		for _, tmpl := range []string{"/show %s", "/progress %s 50 偷看", "/done %s", "/extend %s 2024-09-30 试探", "/进度 #%s 10"} {
			other, missing := x.reply(zhangUser, fmt.Sprintf(tmpl, "2")), x.reply(zhangUser, fmt.Sprintf(tmpl, "999"))
			if other != strings.ReplaceAll(missing, "999", "2") || !strings.Contains(other, "未找到 #2") {
				t.Errorf("%s: %q vs %q", tmpl, other, missing)
			}
		}
		for _, act := range []string{"d", "p", "x"} {
			a, b := x.press(zhangUser, zhangUser, 1, act+":2"), x.press(zhangUser, zhangUser, 1, act+":999")
			if len(a.Answers) != 1 || len(b.Answers) != 1 || a.Answers[0].Text != strings.ReplaceAll(b.Answers[0].Text, "999", "2") ||
				len(a.Sent)+len(a.Edits) != 0 {
				t.Errorf("button %s: %+v vs %+v", act, a.Answers, b.Answers)
			}
		}
		a := x.photo(zhangUser, []byte("jpeg"), "/done 2 看看")
		b := x.photo(zhangUser, []byte("jpeg"), "/done 999 看看")
		if len(a.Sent) != 1 || len(b.Sent) != 1 || a.Sent[0].Text != strings.ReplaceAll(b.Sent[0].Text, "999", "2") {
			t.Errorf("caption: %q vs %q", a.texts(), b.texts())
		}
		if after := snapshot(t, db); after != before {
			t.Errorf("probing changed the database:\n%s\n%s", before, after)
		}
	})
}
