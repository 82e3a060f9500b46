package bot_test

import (
	"context"
	"strings"
	"testing"

	"duban/domain"
	"duban/notify"
	"duban/store"
	"duban/store/storetest"
	"duban/telegram"
)

// deliver sends the pending outbox rows through the real Telegram client
// to the fake Bot API, as the dispatcher does, and marks them sent.
func (x *harness) deliver() {
	x.t.Helper()
	ctx := context.Background()
	ns, err := x.db.Notifications(ctx, store.OutboxFilter{State: store.StatePending})
	if err != nil {
		x.t.Fatal(err)
	}
	for _, n := range ns {
		m := notify.Message{ChatID: n.ChatID, Text: n.Body, Buttons: n.Buttons}
		if n.AttachmentKind != "" {
			m.Attachment = &notify.Attachment{Kind: notify.AttachmentKind(n.AttachmentKind), Name: n.AttachmentName, Data: n.Attachment}
		}
		if _, err := x.tg.Send(ctx, m); err != nil {
			x.t.Fatalf("deliver %s: %v", n.DedupKey, err)
		}
		if _, err := x.db.SQLX().Exec(x.db.SQLX().Rebind(`UPDATE notifications SET state = 'sent' WHERE id = ?`), n.ID); err != nil {
			x.t.Fatal(err)
		}
	}
}

// TestDoneReachesTheSupervisionChat runs SPEC §11 end to end against the
// fake Bot API: /done with a photo puts the photo itself and 销号/退回
// buttons in the supervision chat; 退回 asks for a reason and the owner
// receives it; an official's /verify and /approve are refused and change
// nothing.
func TestDoneReachesTheSupervisionChat(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		x := newHarness(t, db)
		x.start(telegram.Hooks{})
		x.link()

		r := x.photo(zhangUser, []byte("jpeg bytes"), "/done 1 已完成复绿")
		if len(r.Sent) != 1 || !strings.Contains(r.Sent[0].Text, "已标记完成") {
			t.Fatalf("reply %q", r.texts())
		}
		x.deliver()
		var photo, msg *struct{ id, caption, text string }
		for _, m := range x.srv.SentTo(superChat) {
			switch m.Method {
			case "sendPhoto":
				photo = &struct{ id, caption, text string }{m.FileID, m.Caption, ""}
			case "sendMessage":
				if strings.Contains(m.Text, "请核实销号") {
					msg = &struct{ id, caption, text string }{"", "", m.Text}
					kb := m.ReplyMarkup
					if kb == nil || kb.InlineKeyboard[0][0].Text != "销号" || kb.InlineKeyboard[0][1].Text != "退回" {
						t.Errorf("buttons %+v", kb)
					}
				}
			}
		}
		if photo == nil || photo.id == "" || !strings.Contains(photo.caption, "#1") {
			t.Fatalf("the supervision chat got no photo: %+v", x.srv.SentTo(superChat))
		}
		if msg == nil || !strings.Contains(msg.text, "张国斌") || !strings.Contains(msg.text, "已完成复绿") {
			t.Fatalf("the supervision chat got no done message: %+v", msg)
		}

		before := snapshot(t, db)
		if got := x.reply(zhangUser, "/verify 1"); !strings.Contains(got, "只有督查室") {
			t.Errorf("official /verify: %q", got)
		}
		if got := x.reply(zhangUser, "/approve 3"); !strings.Contains(got, "只有督查室") {
			t.Errorf("official /approve: %q", got)
		}
		if snapshot(t, db) != before {
			t.Error("an official's verify or approve changed something")
		}

		p := x.press(superChat, wangUser, 1, domain.CallbackData(domain.BtnSendBack, 1))
		if len(p.Sent) != 1 || !strings.Contains(p.Sent[0].Text, "/退回 1") || snapshot(t, db) != before {
			t.Fatalf("退回 button must ask for a reason first: %q", p.texts())
		}
		x.say(superChat, wangUser, "/退回 1 照片不清晰")
		if c := x.commitment(1); c.Status != domain.InProgress {
			t.Fatalf("#1 is %s", c.Status)
		}
		x.deliver()
		found := false
		for _, m := range x.srv.SentTo(zhangUser) {
			if strings.Contains(m.Text, "照片不清晰") && m.ReplyMarkup != nil {
				found = true
			}
		}
		if !found {
			t.Errorf("the owner did not receive the reason with the item's buttons: %+v", x.srv.SentTo(zhangUser))
		}
	})
}
