package scheduler

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"duban/store"
	"duban/store/storetest"
)

func TestTheExamplesFirstScanSendsZhangGuobinOneMessage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		loadExample(t, db, at("2024-04-15 10:00"))
		zhang, err := db.Contact(ctx, "zhang-guobin")
		if err != nil {
			t.Fatal(err)
		}
		const chat = 5001
		if err := db.SetContactChat(ctx, zhang.ID, chat, chat); err != nil {
			t.Fatal(err)
		}
		s := newScanner(db)
		// The README's first run: long after every deadline of the letter.
		res, err := s.Scan(ctx, at("2026-12-02 09:30"), false)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := db.Notifications(ctx, store.OutboxFilter{ChatID: chat})
		if err != nil {
			t.Fatal(err)
		}
		var carriers []store.Notification
		members := map[string]bool{}
		for _, n := range rows {
			switch n.State {
			case store.StatePending:
				carriers = append(carriers, n)
			case store.StateBatched:
				if members[n.DedupKey] {
					t.Errorf("dedup key %s twice", n.DedupKey)
				}
				members[n.DedupKey] = true
			case store.StateDropped:
				if !strings.Contains(n.DedupKey, "progress_check") {
					t.Errorf("row %d %s dropped", n.ID, n.DedupKey)
				}
			default:
				t.Errorf("row %d %s is %s", n.ID, n.DedupKey, n.State)
			}
		}
		if len(carriers) != 1 || carriers[0].Kind != store.KindBatch {
			t.Fatalf("张国斌 gets %d messages (%d reminders enqueued in all), want one", len(carriers), res.Enqueued)
		}
		if len(members) < 2 {
			t.Fatalf("the message carries %d reminders", len(members))
		}
		body := carriers[0].Body
		if !strings.Contains(body, "共 "+strconv.Itoa(len(members))+" 项") {
			t.Errorf("the message does not say how many items:\n%s", body)
		}
		// Red first: the overdue items come before any progress check, and
		// no item gets a progress check beside its deadline reminder.
		if i, j := strings.Index(body, "逾期提醒"), strings.Index(body, "进度询问"); i < 0 || (j >= 0 && j < i) {
			t.Errorf("overdue items are not first:\n%s", body)
		}
		for k := range members {
			if strings.Contains(k, "progress_check") {
				c := k[:strings.Index(k, "/")]
				for l := range members {
					if strings.HasPrefix(l, c+"/") && (strings.Contains(l, "/overdue/") || strings.Contains(l, "/due/")) {
						t.Errorf("%s gets a progress check and a deadline reminder on one day", c)
					}
				}
			}
		}
		// Each item has its own row of buttons, labelled with its number.
		if len(carriers[0].Buttons) != len(members) {
			t.Errorf("%d rows of buttons for %d items", len(carriers[0].Buttons), len(members))
		}
		for _, row := range carriers[0].Buttons {
			if !strings.Contains(row[0].Text, "#") {
				t.Errorf("button %q does not name its item", row[0].Text)
			}
		}
		if n := len(body); n == 0 || strings.Count(body, "请回复") != 1 {
			t.Errorf("the commands to answer with should come once:\n%s", body)
		}
	})
}
