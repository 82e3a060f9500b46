package bot_test

import (
	"context"
	"strings"
	"testing"

	"duban/store"
	"duban/store/storetest"
	"duban/telegram"
)

// SPEC §12: linking a contact that another chat spoke for tells that chat,
// and linking a supervisor is announced in the supervision chat, so that a
// code read by someone else cannot take the account silently.
func TestLinkNotices(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		x := newHarness(t, db)
		x.start(telegram.Hooks{})
		lc, err := db.IssueLinkCode(context.Background(), "wang")
		if err != nil {
			t.Fatal(err)
		}
		const thief = int64(7777)
		r := x.say(thief, thief, "/start "+lc.Code)
		to := map[int64]string{}
		for _, m := range r.Sent {
			to[m.ChatID] += m.Text
		}
		if len(r.Sent) != 3 || !strings.Contains(to[thief], "关联成功") {
			t.Fatalf("sent %d messages: %q", len(r.Sent), r.texts())
		}
		if !strings.Contains(to[wangUser], "已不再代表 王督查") {
			t.Errorf("the old chat was not told: %q", to[wangUser])
		}
		if !strings.Contains(to[superChat], "王督查") || !strings.Contains(to[superChat], "7777") {
			t.Errorf("the supervision chat was not told: %q", to[superChat])
		}

		// An official linking a fresh chat is neither announced nor
		// tells anyone else.
		lc, err = db.IssueLinkCode(context.Background(), "zhang")
		if err != nil {
			t.Fatal(err)
		}
		if r := x.say(zhangUser, zhangUser, "/start "+lc.Code); len(r.Sent) != 1 {
			t.Errorf("official's first link sent %d messages: %q", len(r.Sent), r.texts())
		}
	})
}
