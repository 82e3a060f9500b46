package report

import (
	"context"
	"strings"
	"testing"

	"duban/domain"
	"duban/store"
	"duban/store/storetest"
)

// TestDigest checks the weekly digest on the example letter a week after
// the June deadlines: both red items escalated, an owner unreachable, an
// extension request waiting; and that it is enqueued once per ISO week.
func TestDigest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		exampleHistory(t, db)
		by := owner(t, db)
		setClock(db, at(2024, 7, 2, 10, 0))
		if _, err := db.RequestExtension(ctx, idOf(t, db, "jdz-111-platform-coverage"), domainDate(2025, 3, 31), "企业上云进度慢", shanghai, by); err != nil {
			t.Fatal(err)
		}
		if err := db.MarkUnreachable(ctx, 100001, "bot blocked"); err != nil {
			t.Fatal(err)
		}
		cfg := testConfig()
		now := at(2024, 7, 8, 9, 0) // Monday of ISO week 28
		setClock(db, now)
		text, err := Digest(ctx, db, cfg, now)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{
			"督办周报 2024年第28周",
			"红灯 2 项，黄灯 0 项；升级督办（逾期 3 天及以上）2 项",
			"#2 凤岗村附近倾倒填埋陶瓷固废点完成复绿修复｜国家试验区管委会办公室｜张国斌｜逾期 8 天",
			"国家试验区管委会办公室：红 2，黄 0",
			"【联系不上】1 位责任人联系不上：张国斌",
			"【待审批延期申请】1 项",
			"#4 全市规上陶瓷企业100%上中国陶瓷工业互联网平台｜申请延至 2025年3月31日（原 2024年12月31日）",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("digest lacks %q:\n%s", want, text)
			}
		}
		if n, err := EnqueueDigest(ctx, db, cfg, now); err != nil || n != 1 {
			t.Fatalf("first EnqueueDigest wrote %d (%v), want 1", n, err)
		}
		if n, err := EnqueueDigest(ctx, db, cfg, now.Add(3*60*60*1e9)); err != nil || n != 0 {
			t.Fatalf("second EnqueueDigest in the same week wrote %d (%v), want 0", n, err)
		}
		ns, _ := db.Notifications(ctx, store.OutboxFilter{Kind: store.KindDigest})
		if len(ns) != 1 || ns[0].DedupKey != "digest/2024-W28" {
			t.Errorf("digest rows %+v, want one digest/2024-W28", ns)
		}
	})
}

// TestDigestCountsOwnersWithoutChatAndDeadMessages counts an owner with no
// linked chat and one whose message died for unreachability once each.
func TestDigestCountsOwnersWithoutChatAndDeadMessages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		importExample(t, db)
		if err := db.AddContact(ctx, &domain.Contact{Key: "li", Name: "李四", Unit: "市城管局"}); err != nil {
			t.Fatal(err)
		}
		if err := db.AddContact(ctx, &domain.Contact{Key: "wang", Name: "王五", Unit: "市城管局", ChatID: 777}); err != nil {
			t.Fatal(err)
		}
		setClock(db, at(2024, 7, 1, 9, 0))
		if _, err := db.AddCommitment(ctx, store.NewCommitment{Key: "x", Title: "清运", Unit: "市城管局", Owners: []string{"li"}, Due: domainDate(2024, 7, 5)}); err != nil {
			t.Fatal(err)
		}
		w, _ := db.Contact(ctx, "wang")
		if _, err := db.Enqueue(ctx, store.Notification{ContactID: w.ID, ChatID: 777, Kind: "overdue", DedupKey: "t/1", Body: "x",
			DeadReason: "unreachable: 403 Forbidden: bot was blocked by the user"}); err != nil {
			t.Fatal(err)
		}
		cfg := testConfig()
		cfg.Language = "en"
		text, err := Digest(ctx, db, cfg, at(2024, 7, 8, 9, 0))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(text, "UNREACHABLE: 2 owners unreachable: 李四, 王五") {
			t.Errorf("digest:\n%s", text)
		}
	})
}
