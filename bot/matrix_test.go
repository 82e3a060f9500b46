package bot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"duban/bot"
	"duban/store"
	"duban/store/storetest"
	"duban/workflow/workflowtest"
)

// TestMatrixThroughTheBot drives the workflow's matrix through the bot's
// commands: every case reaches the same outcome as through the workflow
// (the administrator, who has no chat, and edits, which have no command,
// are left out).
func TestMatrixThroughTheBot(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cases := workflowtest.Seed(t, db)
		h := bot.New(bot.Config{DB: db, Workflow: workflowtest.Service(db), SupervisionChatID: workflowtest.SupervisionChatID, Language: "zh"})
		update := int64(1000)
		for _, c := range cases {
			if c.Actor == workflowtest.Admin || c.UseCase == workflowtest.Edit {
				continue
			}
			t.Run(c.Name(), func(t *testing.T) {
				update++
				user := workflowtest.Contacts[c.Actor].UserID
				text := map[string]string{
					workflowtest.Progress: "/progress %d 50 进展",
					workflowtest.Done:     "/done %d 已完成",
					workflowtest.Verify:   "/verify %d",
					workflowtest.SendBack: "/退回 %d 照片不清晰",
					workflowtest.Cancel:   "/撤销 %d 不再需要",
					workflowtest.Extend:   "/extend %d " + workflowtest.NewDue.String() + " 需要更多时间",
					workflowtest.Approve:  "/批准 %d",
					workflowtest.Reject:   "/驳回 %d 理由不足",
				}[c.UseCase]
				before := workflowtest.Snapshot(t, db, c.ID)
				outs := h.Handle(ctx, bot.In{UpdateID: update, ChatID: user, ChatType: bot.Private, UserID: user, Text: fmt.Sprintf(text, c.ID)})
				var reply string
				for _, o := range outs {
					reply += o.Text + o.CallbackAnswer
				}
				got := workflowtest.Invalid
				switch {
				case workflowtest.Snapshot(t, db, c.ID) != before:
					got = workflowtest.OK
				case strings.Contains(reply, "未找到"):
					got = workflowtest.NotFound
				case strings.Contains(reply, "只有督查室"):
					got = workflowtest.Forbidden
				case strings.Contains(reply, "出错"):
					got = "error"
				}
				if got != c.Want {
					t.Errorf("outcome %s, want %s; reply %q", got, c.Want, reply)
				}
			})
		}
	})
}
