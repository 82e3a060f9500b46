package report

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"strings"
	"testing"
	"time"

	"duban/domain"
	"duban/store"
	"duban/store/storetest"
)

// TestEnqueueMonthly checks that the monthly report goes to the outbox once
// per month, as text, xlsx document and png photo, and that an on-demand
// request sends again.
func TestEnqueueMonthly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		exampleHistory(t, db)
		cfg := testConfig()
		setClock(db, at(2024, 8, 1, 9, 0))
		n, err := EnqueueMonthly(ctx, db, cfg, "")
		if err != nil || n != 3 {
			t.Fatalf("first enqueue wrote %d rows (%v), want 3", n, err)
		}
		setClock(db, at(2024, 8, 1, 9, 5)) // a restart, a second replica
		if n, err := EnqueueMonthly(ctx, db, cfg, "2024-07"); err != nil || n != 0 {
			t.Fatalf("second enqueue wrote %d rows (%v), want 0", n, err)
		}
		ns, err := db.Notifications(ctx, store.OutboxFilter{Kind: store.KindReport})
		if err != nil {
			t.Fatal(err)
		}
		if len(ns) != 3 {
			t.Fatalf("%d report rows, want 3", len(ns))
		}
		want := []struct{ key, kind, name string }{
			{"report/2024-07/text", "", ""},
			{"report/2024-07/xlsx", "document", "duban-report-2024-07.xlsx"},
			{"report/2024-07/png", "photo", "duban-report-2024-07.png"},
		}
		for i, w := range want {
			n := ns[i]
			if n.DedupKey != w.key || n.AttachmentKind != w.kind || n.AttachmentName != w.name || n.ChatID != cfg.Telegram.SupervisionChatID ||
				n.State != store.StatePending {
				t.Errorf("row %d: %s %q %q chat %d %s, want %s %q %q", i, n.DedupKey, n.AttachmentKind, n.AttachmentName, n.ChatID, n.State, w.key, w.kind, w.name)
			}
		}
		if !strings.Contains(ns[0].Body, "督办月报 2024年7月") || !strings.Contains(ns[0].Body, "#2 凤岗村") {
			t.Errorf("text body:\n%s", ns[0].Body)
		}
		if !bytes.HasPrefix(ns[1].Attachment, []byte("PK")) {
			t.Error("the xlsx attachment is not a zip")
		}
		if _, err := png.Decode(bytes.NewReader(ns[2].Attachment)); err != nil {
			t.Errorf("the png attachment: %v", err)
		}

		note, err := SendMonthly(ctx, db, cfg, "2024-07", 4242)
		if err != nil || !strings.HasPrefix(note, "2024年7月督办月报已生成") {
			t.Fatalf("SendMonthly: %q, %v", note, err)
		}
		setClock(db, at(2024, 8, 1, 9, 6))
		if _, err := SendMonthly(ctx, db, cfg, "", 4242); err != nil {
			t.Fatal(err)
		}
		mine, _ := db.Notifications(ctx, store.OutboxFilter{ChatID: 4242})
		if len(mine) != 6 || !strings.HasPrefix(mine[0].DedupKey, "report/2024-07/ondemand/") {
			t.Errorf("on demand: %d rows, first %q; want 6 under report/2024-07/ondemand/", len(mine), mine[0].DedupKey)
		}
		if _, err := SendMonthly(ctx, db, cfg, "2024-13", 4242); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("a bad month gives %v, want EINVALID", err)
		}
	})
}

// TestEnqueueMonthlyWithoutSupervisionChat records the report as dead,
// naming the missing setting, rather than failing.
func TestEnqueueMonthlyWithoutSupervisionChat(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	importExample(t, db)
	cfg := testConfig()
	cfg.Telegram.SupervisionChatID = 0
	setClock(db, at(2024, 8, 1, 9, 0))
	if n, err := EnqueueMonthly(context.Background(), db, cfg, "2024-07"); err != nil || n != 3 {
		t.Fatalf("wrote %d (%v), want 3", n, err)
	}
	ns, _ := db.Notifications(context.Background(), store.OutboxFilter{State: store.StateDead})
	if len(ns) != 3 || !strings.Contains(ns[0].LastError, "supervision_chat_id") {
		t.Errorf("dead rows %d, error %q", len(ns), ns[0].LastError)
	}
}

// TestMonthBefore picks the month just ended in the configured zone.
func TestMonthBefore(t *testing.T) {
	// 2024-07-31 17:00 UTC is already August 1st in Shanghai.
	if m := MonthBefore(time.Date(2024, 7, 31, 17, 0, 0, 0, time.UTC), shanghai); m.String() != "2024-07" {
		t.Errorf("got %s, want 2024-07", m)
	}
	if m := MonthBefore(time.Date(2024, 1, 15, 0, 0, 0, 0, shanghai), shanghai); m.String() != "2023-12" {
		t.Errorf("got %s, want 2023-12", m)
	}
	var de *domain.Error
	if _, err := ParseMonth("2024-7"); !errors.As(err, &de) {
		t.Errorf("ParseMonth(2024-7) = %v, want a domain error", err)
	}
}
