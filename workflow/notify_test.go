package workflow_test

import (
	"context"
	"strings"
	"testing"

	"duban/domain"
	"duban/store"
	"duban/store/storetest"
	"duban/workflow"
	"duban/workflow/workflowtest"
)

// outbox returns the rows written for commitment id since seq, by id.
func outbox(t *testing.T, db *store.DB, kind string) []store.Notification {
	t.Helper()
	ns, err := db.Notifications(context.Background(), store.OutboxFilter{Kind: kind})
	if err != nil {
		t.Fatal(err)
	}
	return ns
}

func caseOf(cases []workflowtest.Case, useCase, actor string, st domain.Status) workflowtest.Case {
	for _, c := range cases {
		if c.UseCase == useCase && c.Actor == actor && c.Status == st {
			return c
		}
	}
	panic("no case")
}

// TestWhoHearsWhat checks SPEC §11's table: each change writes its
// messages in the same transaction, to the right chats, with the right
// words and buttons.
func TestWhoHearsWhat(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cases := workflowtest.Seed(t, db)
		wf := workflowtest.Service(db)
		owner := workflowtest.Actor(t, db, workflowtest.Owner)
		owner.Channel, owner.TelegramUserID, owner.UpdateID = workflow.ChannelTelegram, 1001, 77
		super := workflowtest.Actor(t, db, workflowtest.Supervisor)

		t.Run("done tells the supervision chat, re-sending the photo, with 销号 and 退回", func(t *testing.T) {
			c := caseOf(cases, workflowtest.Done, workflowtest.Owner, domain.InProgress)
			ev := []string{domain.TelegramEvidence("ph_big_1", false), "/srv/evidence/1.jpg"}
			if _, err := wf.Done(ctx, owner, c.ID, "已清运完毕", ev); err != nil {
				t.Fatal(err)
			}
			ns := outbox(t, db, domain.KindDone)
			if len(ns) != 2 {
				t.Fatalf("done rows %+v", ns)
			}
			photo, msg := ns[0], ns[1]
			if photo.ChatID != workflowtest.SupervisionChatID || photo.AttachmentKind != "photo" || photo.AttachmentName != "tg:ph_big_1" {
				t.Errorf("photo %+v", photo)
			}
			if msg.ChatID != workflowtest.SupervisionChatID || !strings.Contains(msg.Body, "张国斌") || !strings.Contains(msg.Body, "已清运完毕") {
				t.Errorf("message %q", msg.Body)
			}
			if len(msg.Buttons) != 1 || msg.Buttons[0][0].Text != "销号" || msg.Buttons[0][1].Text != "退回" ||
				msg.Buttons[0][0].Data != domain.CallbackData(domain.BtnVerify, c.ID) {
				t.Errorf("buttons %+v", msg.Buttons)
			}
			if ok, _ := db.UpdateApplied(ctx, 77); !ok {
				t.Error("the update was not recorded with the change")
			}
			if _, err := wf.Done(ctx, owner, c.ID, "again", nil); err == nil {
				t.Error("a second delivery of the update applied")
			}
		})
		t.Run("done without evidence says 无佐证", func(t *testing.T) {
			c := caseOf(cases, workflowtest.Done, workflowtest.Owner, domain.Open)
			a := owner
			a.UpdateID = 78
			if _, err := wf.Done(ctx, a, c.ID, "", nil); err != nil {
				t.Fatal(err)
			}
			ns := outbox(t, db, domain.KindDone)
			if last := ns[len(ns)-1]; !strings.Contains(last.Body, "无佐证") {
				t.Errorf("body %q", last.Body)
			}
		})
		t.Run("verify tells the owners 已销号", func(t *testing.T) {
			c := caseOf(cases, workflowtest.Verify, workflowtest.Supervisor, domain.Done)
			if _, err := wf.Verify(ctx, super, c.ID); err != nil {
				t.Fatal(err)
			}
			ns := outbox(t, db, domain.KindVerified)
			if len(ns) != 1 || ns[0].ChatID != 1001 || !strings.Contains(ns[0].Body, "已销号") {
				t.Errorf("verified %+v", ns)
			}
		})
		t.Run("send back gives the owners the reason and the item's buttons", func(t *testing.T) {
			c := caseOf(cases, workflowtest.SendBack, workflowtest.Supervisor, domain.Done)
			if _, err := wf.SendBack(ctx, super, c.ID, "照片不清晰"); err != nil {
				t.Fatal(err)
			}
			ns := outbox(t, db, domain.KindSentBack)
			if len(ns) != 1 || ns[0].ChatID != 1001 || !strings.Contains(ns[0].Body, "照片不清晰") || len(ns[0].Buttons) != 1 {
				t.Errorf("sent back %+v", ns)
			}
			if _, err := wf.SendBack(ctx, super, c.ID, ""); err == nil {
				t.Error("send back without a reason")
			}
		})
		t.Run("cancel gives the owners the reason", func(t *testing.T) {
			c := caseOf(cases, workflowtest.Cancel, workflowtest.Supervisor, domain.Open)
			if _, err := wf.Cancel(ctx, super, c.ID, "合并办理"); err != nil {
				t.Fatal(err)
			}
			ns := outbox(t, db, domain.KindCancelled)
			if len(ns) != 1 || !strings.Contains(ns[0].Body, "合并办理") {
				t.Errorf("cancelled %+v", ns)
			}
		})
		t.Run("an extension request reaches the supervision chat with 批准 and 驳回, the decision the requester", func(t *testing.T) {
			c := caseOf(cases, workflowtest.Extend, workflowtest.Owner, domain.Open)
			a := owner
			a.UpdateID = 79
			o, err := wf.RequestExtension(ctx, a, c.ID, workflowtest.NewDue, "雨季施工困难")
			if err != nil {
				t.Fatal(err)
			}
			ns := outbox(t, db, domain.KindExtension)
			req := ns[len(ns)-1]
			if req.ChatID != workflowtest.SupervisionChatID || req.Buttons[0][0].Text != "批准" || req.Buttons[0][1].Text != "驳回" ||
				!strings.Contains(req.Body, "张国斌") {
				t.Errorf("request %+v", req)
			}
			if _, err := wf.DecideExtension(ctx, super, o.Extension.ID, false, ""); domain.ErrorCode(err) != domain.EINVALID {
				t.Errorf("a rejection without a reason: %v", err)
			}
			d, err := wf.DecideExtension(ctx, super, o.Extension.ID, false, "理由不充分")
			if err != nil {
				t.Fatal(err)
			}
			if d.Extension.DeciderID != super.Contact.ID || d.Extension.DecisionReason != "理由不充分" || d.Extension.RequesterID != owner.Contact.ID {
				t.Errorf("extension history %+v", d.Extension)
			}
			hist, err := db.History(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			var found bool
			for _, e := range hist {
				if e.Kind != "extension" {
					continue
				}
				found = true
				if e.Actor != "zhang" || e.DecidedBy != "wang" || e.State != store.ExtRejected || e.DecidedAt == nil ||
					e.DecisionReason != "理由不充分" || e.Note != "雨季施工困难" || e.DecidedChannel == "" {
					t.Errorf("the history does not say who asked and who decided: %+v", e)
				}
			}
			if !found {
				t.Errorf("no extension in the history %+v", hist)
			}
			ns = outbox(t, db, domain.KindExtension)
			last := ns[len(ns)-1]
			if last.ChatID != 1001 || !strings.Contains(last.Body, "理由不充分") {
				t.Errorf("decision %+v", last)
			}
		})
		t.Run("an ongoing item takes no extension request", func(t *testing.T) {
			id, err := db.AddCommitment(ctx, store.NewCommitment{Title: "常态化巡查", Owners: []string{"zhang"}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := wf.RequestExtension(ctx, owner, id, workflowtest.NewDue, "x"); domain.ErrorCode(err) != domain.EINVALID {
				t.Errorf("err %v", err)
			}
			c, _ := db.Commitment(ctx, id)
			for _, row := range domain.OwnerButtons(c, "zh") {
				for _, b := range row {
					if strings.HasPrefix(b.Data, domain.BtnExtend+":") {
						t.Error("an ongoing item has an extension button")
					}
				}
			}
		})
		t.Run("reassign tells the old and the new owner", func(t *testing.T) {
			n, err := wf.Reassign(ctx, super, "zhang", "li")
			if err != nil || n == 0 {
				t.Fatalf("reassigned %d, %v", n, err)
			}
			ns := outbox(t, db, domain.KindReassigned)
			chats := map[int64]int{}
			for _, x := range ns {
				chats[x.ChatID]++
				if !strings.Contains(x.Body, "李明") {
					t.Fatalf("body %q", x.Body)
				}
			}
			if chats[1001] != n || chats[1002] != n {
				t.Errorf("chats %v for %d items", chats, n)
			}
			if _, err := wf.Reassign(ctx, owner, "li", "zhang"); domain.ErrorCode(err) != domain.EFORBIDDEN {
				t.Errorf("an official reassigned: %v", err)
			}
		})
		t.Run("pending lists done items oldest first and pending extensions, for supervisors only", func(t *testing.T) {
			p, err := wf.Pending(ctx, super)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Done) == 0 || len(p.Extensions) == 0 {
				t.Fatalf("pending %d done, %d extensions", len(p.Done), len(p.Extensions))
			}
			for i := 1; i < len(p.Done); i++ {
				if p.Done[i].DoneAt.Before(p.Done[i-1].DoneAt) {
					t.Error("not oldest first")
				}
			}
			if _, err := wf.Pending(ctx, owner); domain.ErrorCode(err) != domain.EFORBIDDEN {
				t.Errorf("an official saw the queue: %v", err)
			}
		})
	})
}
