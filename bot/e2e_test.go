package bot_test

import (
	"bytes"
	"context"
	"html"
	"os"
	"strconv"
	"strings"
	"testing"

	"duban/domain"
	"duban/notify"
	"duban/store"
	"duban/store/storetest"
	"duban/telegram"
	"duban/telegram/telegramtest"
)

// contains fails the test unless got contains every one of want.
func contains(t *testing.T, what, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s: %q lacks %q", what, got, w)
		}
	}
}

// names is what every reply about commitment c must show: its id and its
// title, escaped.
func names(c *domain.Commitment) []string {
	return []string{"#" + strconv.FormatInt(c.ID, 10), html.EscapeString(c.Title)}
}

func TestBotEndToEnd(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		x := newHarness(t, db)
		x.start(telegram.Hooks{})
		c1, c3, c4 := x.commitment(1), x.commitment(3), x.commitment(4)

		t.Run("the command menu is set in Chinese and English", func(t *testing.T) {
			x.say(wangUser, wangUser, "/whoami") // the menu is set before the first poll
			zh, def := x.srv.Commands("zh"), x.srv.Commands("")
			if len(zh) < 10 || len(def) != len(zh) || zh[0].Command != "list" || !strings.Contains(zh[0].Description, "未完成") {
				t.Errorf("menus: zh %v, default %v", zh, def)
			}
		})
		t.Run("an unlinked chat is told how to link, and nothing else", func(t *testing.T) {
			got := x.reply(zhangUser, "/list")
			contains(t, "/list unlinked", got, "/start")
			if strings.Contains(got, "\n") || strings.Contains(got, "#1") {
				t.Errorf("unlinked answer %q", got)
			}
		})
		var usedCode string
		t.Run("a link code links the chat", func(t *testing.T) {
			usedCode = x.link()
			ct, _ := db.Contact(ctx, "zhang")
			if ct.ChatID != zhangUser || ct.TelegramUserID != zhangUser {
				t.Errorf("zhang linked to chat %d user %d", ct.ChatID, ct.TelegramUserID)
			}
		})
		t.Run("a used code is refused", func(t *testing.T) {
			contains(t, "reused code", x.reply(strangerID, "/start "+usedCode), "已被使用")
		})
		t.Run("list shows mine, red first, with light, due date and progress", func(t *testing.T) {
			got := x.reply(zhangUser, "/list")
			contains(t, "/list", got, append(append(names(c1), names(c3)...), names(c4)...)...)
			contains(t, "/list", got, "🔴", "截止 2024年5月1日", "0%")
			if strings.Contains(got, "#2 ") || strings.Index(got, "#3") > strings.Index(got, "#1") {
				t.Errorf("/list order or scope wrong: %q", got)
			}
			contains(t, "/列表", x.reply(zhangUser, "/列表@"+x.tg.Username()), "#3")
			contains(t, "English /list", x.reply(liUser, "/list"), "Your open commitments", "#2")
		})
		t.Run("due and overdue", func(t *testing.T) {
			got := x.reply(zhangUser, "/due 30")
			contains(t, "/due 30", got, names(c1)...)
			if strings.Contains(got, "#3") {
				t.Errorf("/due lists an overdue item: %q", got)
			}
			contains(t, "/overdue", x.reply(zhangUser, "/overdue"), names(c3)...)
			contains(t, "/逾期 supervisor", x.reply(wangUser, "/逾期"), "管委会办公室：1 项", "#3")
		})
		t.Run("show gives the detail", func(t *testing.T) {
			contains(t, "/show", x.reply(zhangUser, "/show #1"), append(names(c1), "状态：未启动", "截止日期：2024年6月30日")...)
		})
		t.Run("progress is recorded with the Telegram user id", func(t *testing.T) {
			got := x.reply(zhangUser, "/progress 1 40 清运 <b>三车</b> & 复绿")
			contains(t, "/progress", got, append(names(c1), "40%")...)
			c := x.commitment(1)
			if c.Progress != 40 || c.Status != domain.InProgress {
				t.Errorf("#1 progress %d status %s", c.Progress, c.Status)
			}
			hist, _ := db.History(ctx, 1)
			last := hist[len(hist)-1]
			if hist[0].Kind != "progress" || hist[0].TgUserID != zhangUser || hist[0].Channel != "telegram" || hist[0].Note != "清运 <b>三车</b> & 复绿" {
				t.Errorf("history %+v / %+v", hist[0], last)
			}
		})
		t.Run("a photo captioned /done attaches it as evidence", func(t *testing.T) {
			jpeg := []byte("\xff\xd8\xff fake jpeg bytes")
			r := x.photo(zhangUser, jpeg, "/done 1 已完成复绿")
			if len(r.Sent) != 1 {
				t.Fatalf("sent %q", r.texts())
			}
			contains(t, "/done photo", r.Sent[0].Text, append(names(c1), "已标记完成", "附证据 1 份")...)
			if c := x.commitment(1); c.Status != domain.Done || c.Progress != 100 {
				t.Errorf("#1 %s %d", c.Status, c.Progress)
			}
			hist, _ := db.History(ctx, 1)
			var ev []string
			for _, e := range hist {
				if e.Kind == "progress" && e.Percent != nil && *e.Percent == 100 {
					ev = e.Evidence
				}
			}
			if len(ev) != 2 || !strings.HasPrefix(ev[0], "tg:PHOTO-") || !strings.HasPrefix(ev[1], x.evidence) {
				t.Fatalf("evidence %q", ev)
			}
			if data, err := os.ReadFile(ev[1]); err != nil || !bytes.Equal(data, jpeg) {
				t.Errorf("evidence file: %v", err)
			}
			contains(t, "/show evidence", x.reply(zhangUser, "/show 1"), "📎 照片", "📎 "+x.evidence)
			photos := 0
			for _, m := range x.say(wangUser, wangUser, "/show 1").Sent {
				if m.Method == "sendPhoto" && strings.HasPrefix(m.FileID, "PHOTO-") {
					photos++
				}
			}
			if photos != 1 {
				t.Errorf("a supervisor's /show sent %d photos, want the evidence itself", photos)
			}
		})
		t.Run("a document captioned /progress attaches it as evidence", func(t *testing.T) {
			r := x.document(zhangUser, "DOC-7", "方案.PDF", []byte("%PDF-1.4"), "/进度 #3 50 见附件")
			if len(r.Sent) != 1 {
				t.Fatalf("sent %q", r.texts())
			}
			contains(t, "/progress document", r.Sent[0].Text, append(names(c3), "50%")...)
			hist, _ := db.History(ctx, 3)
			var ev []string
			for _, e := range hist {
				if e.Kind == "progress" {
					ev = e.Evidence
				}
			}
			if len(ev) != 2 || ev[0] != "tgdoc:DOC-7" || !strings.HasSuffix(ev[1], ".pdf") {
				t.Errorf("evidence %q", ev)
			}
		})
		var extMsg int
		t.Run("extend files a request and queues it for the supervision chat", func(t *testing.T) {
			got := x.reply(zhangUser, "/extend 3 2024-09-30 雨季施工 <延误>")
			contains(t, "/extend", got, append(names(c3), "2024年5月1日 → 2024年9月30日", "逾期后申请")...)
			ext, err := db.PendingExtension(ctx, 3)
			if err != nil || !ext.Late || ext.RequestedDue.String() != "2024-09-30" {
				t.Fatalf("pending %+v %v", ext, err)
			}
			contains(t, "/show 3 while pending", x.reply(zhangUser, "/show 3"), "张国斌申请延期 2024年5月1日 → 2024年9月30日", "待审批")
			ns, _ := db.Notifications(ctx, store.OutboxFilter{Kind: store.KindExtension})
			if len(ns) != 1 || ns[0].DedupKey != "ext/1/request" || ns[0].ChatID != superChat || len(ns[0].Buttons) != 1 ||
				ns[0].Buttons[0][0].Data != "ea:1" || ns[0].Buttons[0][1].Data != "er:1" {
				t.Fatalf("outbox %+v", ns)
			}
			contains(t, "request body", ns[0].Body, append(names(c3), "张国斌", "雨季施工 &lt;延误&gt;")...)
			// What the dispatcher would do.
			res, err := x.tg.Send(ctx, notify.Message{ChatID: superChat, Text: ns[0].Body,
				Buttons: [][]notify.Button{{{Text: "批准", Data: "ea:1"}, {Text: "驳回", Data: "er:1"}}}})
			if err != nil {
				t.Fatal(err)
			}
			extMsg = res.MessageID
		})
		t.Run("an official cannot approve", func(t *testing.T) {
			before := snapshot(t, db)
			r := x.press(superChat, zhangUser, extMsg, "ea:1")
			if len(r.Answers) != 1 || !strings.Contains(r.Answers[0].Text, "只有督查室") || len(r.Edits) != 0 || snapshot(t, db) != before {
				t.Errorf("answers %+v edits %+v", r.Answers, r.Edits)
			}
		})
		t.Run("approve in the supervision chat moves the due date and tells the requester", func(t *testing.T) {
			// As if the scan had planned #3's next reminder far ahead.
			if _, err := db.SQLX().Exec(`UPDATE commitments SET next_remind_at = '2099-01-01T00:00:00.000000Z' WHERE id = 3`); err != nil {
				t.Fatal(err)
			}
			r := x.press(superChat, wangUser, extMsg, "ea:1")
			if len(r.Answers) != 1 || r.Answers[0].Text != "已批准" {
				t.Errorf("answers %+v", r.Answers)
			}
			if len(r.Edits) != 1 || r.Edits[0].MessageID != extMsg || r.Edits[0].ReplyMarkup != nil {
				t.Fatalf("edits %+v", r.Edits)
			}
			contains(t, "edited request", r.Edits[0].Text, append(names(c3), "已批准（王督查）")...)
			c := x.commitment(3)
			if c.Due.String() != "2024-09-30" {
				t.Errorf("#3 due %s", c.Due)
			}
			var due int
			db.SQLX().Get(&due, db.SQLX().Rebind(`SELECT COUNT(*) FROM commitments WHERE id = 3 AND next_remind_at <= ?`),
				now.UTC().Format("2006-01-02T15:04:05.000000Z"))
			if due != 1 {
				t.Error("next_remind_at not reset: a new reminder series should start at the next scan")
			}
			var decidedBy int64
			db.SQLX().Get(&decidedBy, `SELECT decided_tg_user FROM extensions WHERE id = 1`)
			if decidedBy != wangUser {
				t.Errorf("decided_tg_user %d", decidedBy)
			}
			ns, _ := db.Notifications(ctx, store.OutboxFilter{Kind: store.KindExtension, ChatID: zhangUser})
			if len(ns) != 1 || ns[0].DedupKey != "ext/1/decision/zhang" {
				t.Fatalf("decision %+v", ns)
			}
			contains(t, "decision", ns[0].Body, append(names(c3), "已批准", "2024年9月30日")...)
		})
		t.Run("show names who asked for the extension and who decided it", func(t *testing.T) {
			got := x.reply(zhangUser, "/show 3") // an official: no evidence photos follow
			contains(t, "/show 3", got, "张国斌申请延期 2024年5月1日 → 2024年9月30日，理由：雨季施工 &lt;延误&gt;（逾期后申请）",
				"王督查已批准延期申请")
			for _, key := range []string{"(zhang)", "(wang)", "2024-09-30"} {
				if strings.Contains(got, key) {
					t.Errorf("/show 3 carries %q:\n%s", key, got)
				}
			}
		})
		t.Run("show in English names who asked and who rejected, and why", func(t *testing.T) {
			contains(t, "/extend 2", x.reply(liUser, "/extend 2 2024-07-31 short of crews"), "2024-07-31")
			contains(t, "/驳回 2", x.reply(wangUser, "/驳回 2 材料不全"), "#2")
			got := x.reply(liUser, "/show 2")
			contains(t, "/show 2", got, "Li Ming asked for an extension 2024-06-30 → 2024-07-31, reason: short of crews",
				"王督查 rejected the extension; reason: 材料不全")
		})
		t.Run("a stale approve button answers why and changes nothing", func(t *testing.T) {
			before := snapshot(t, db)
			r := x.press(superChat, wangUser, extMsg, "er:1")
			if len(r.Answers) != 1 || !strings.Contains(r.Answers[0].Text, "已处理") || len(r.Edits) != 0 || snapshot(t, db) != before {
				t.Errorf("answers %+v edits %+v", r.Answers, r.Edits)
			}
		})
		t.Run("reminder buttons act and always answer", func(t *testing.T) {
			res, err := x.tg.Send(ctx, notify.Message{ChatID: zhangUser, Text: "⏰ <b>督办提醒</b>\n#4 常态化巡查",
				Buttons: [][]notify.Button{{{Text: "完成", Data: "d:4"}, {Text: "进度", Data: "p:4"}, {Text: "延期", Data: "x:4"}}}})
			if err != nil {
				t.Fatal(err)
			}
			r := x.press(zhangUser, zhangUser, res.MessageID, "p:4")
			if len(r.Answers) != 1 || len(r.Sent) != 1 {
				t.Fatalf("progress button: %+v %q", r.Answers, r.texts())
			}
			contains(t, "progress button", r.Sent[0].Text, append(names(c4), "<code>/progress 4 &lt;0-100&gt; &lt;说明&gt;</code>")...)
			before := snapshot(t, db)
			r = x.press(zhangUser, zhangUser, res.MessageID, "x:4")
			if len(r.Answers) != 1 || !strings.Contains(r.Answers[0].Text, "常态化") || len(r.Sent) != 0 || snapshot(t, db) != before {
				t.Errorf("extension button on an ongoing item: %+v %q", r.Answers, r.texts())
			}
			r = x.press(zhangUser, zhangUser, res.MessageID, "d:4")
			if len(r.Answers) != 1 || len(r.Sent) != 1 || len(r.Sent[0].ReplyMarkup.InlineKeyboard[0]) != 2 || snapshot(t, db) != before {
				t.Fatalf("done button must ask first and change nothing: %+v %q", r.Answers, r.texts())
			}
			contains(t, "confirmation", r.Sent[0].Text, append(names(c4), "确认")...)
			confirm := r.Sent[0].MessageID
			r = x.press(zhangUser, zhangUser, confirm, "dc:4")
			if len(r.Answers) != 1 || r.Answers[0].Text != "已标记完成" || len(r.Edits) != 1 {
				t.Fatalf("confirmed done: %+v %+v", r.Answers, r.Edits)
			}
			contains(t, "edited reminder", r.Edits[0].Text, append(names(c4), "已标记完成")...)
			if c := x.commitment(4); c.Status != domain.Done {
				t.Errorf("#4 %s", c.Status)
			}
			before = snapshot(t, db)
			r = x.press(zhangUser, zhangUser, res.MessageID, "d:4")
			if len(r.Answers) != 1 || !strings.Contains(r.Answers[0].Text, "已是完成状态") || len(r.Edits) != 0 || snapshot(t, db) != before {
				t.Errorf("stale done: %+v %+v", r.Answers, r.Edits)
			}
		})
		t.Run("verify closes a done item, as a supervisor", func(t *testing.T) {
			contains(t, "/verify", x.reply(wangUser, "/verify 1"), append(names(c1), "已销号")...)
			if c := x.commitment(1); c.Status != domain.Verified {
				t.Errorf("#1 %s", c.Status)
			}
			hist, _ := db.History(ctx, 1)
			if last := hist[len(hist)-1]; last.To != "verified" || last.TgUserID != wangUser || last.Actor != "wang" {
				t.Errorf("last event %+v", last)
			}
		})
		t.Run("reopen sends a done item back with a reason", func(t *testing.T) {
			contains(t, "/reopen", x.reply(wangUser, "/退回 4 巡查记录不全"), append(names(c4), "已退回")...)
			c := x.commitment(4)
			hist, _ := db.History(ctx, 4)
			if last := hist[len(hist)-1]; c.Status != domain.InProgress || last.Note != "巡查记录不全" {
				t.Errorf("#4 %s, last %+v", c.Status, last)
			}
		})
		t.Run("report sends the monthly report", func(t *testing.T) {
			contains(t, "/report", x.reply(wangUser, "/report 2024-05"), "2024-05")
			contains(t, "/月报", x.reply(wangUser, "/月报"), "2024-05")
			if got := x.reporter.Calls(); len(got) != 2 || got[0] != "2024-05@1003" || got[1] != "@1003" {
				t.Errorf("reporter calls %q", got)
			}
		})
		t.Run("whoami and help", func(t *testing.T) {
			contains(t, "/whoami", x.reply(zhangUser, "/whoami"), "张国斌", "管委会办公室", "承办人")
			if got := x.reply(zhangUser, "/帮助"); strings.Contains(got, "/verify") {
				t.Errorf("official help lists supervisor commands: %q", got)
			}
			contains(t, "supervisor help", x.reply(wangUser, "/help"), "/verify", "/report")
		})
		t.Run("a reply that cannot be sent is queued in the outbox", func(t *testing.T) {
			x.srv.FailNext("sendMessage", zhangUser, telegramtest.Drop())
			r := x.say(zhangUser, zhangUser, "/whoami")
			if len(r.Sent) != 0 {
				t.Fatalf("sent %q", r.texts())
			}
			ns, _ := db.Notifications(ctx, store.OutboxFilter{Kind: store.KindReply})
			if len(ns) != 1 || ns[0].ChatID != zhangUser || !strings.HasPrefix(ns[0].DedupKey, "reply/") || !strings.Contains(ns[0].Body, "张国斌") {
				t.Errorf("queued %+v", ns)
			}
		})
		if strings.Contains(x.logs.String(), token) {
			t.Error("the token is in the logs")
		}
	})
}
