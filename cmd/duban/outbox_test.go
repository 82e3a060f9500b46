package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"duban/store"
)

func TestOutboxListShowsDeadRowsWithTheirErrorAndRetryQueuesThemAgain(t *testing.T) {
	eachBackend(t, func(t *testing.T, tm *testMain) {
		tm.must("migrate")
		db := openStore(t, tm.url)
		ctx := context.Background()
		if _, err := db.Enqueue(ctx,
			store.Notification{ChatID: 7, Kind: "due", DedupKey: "a", Body: "a", DeadReason: "unreachable: Forbidden: bot was blocked by the user"},
			store.Notification{ChatID: 8, Kind: "overdue", DedupKey: "b", Body: "b", DeadReason: "gave up after 72h0m0s of transient failures: Bad Gateway"},
			store.Notification{ChatID: 9, Kind: "lead", DedupKey: "c", Body: "c"},
		); err != nil {
			t.Fatal(err)
		}
		var rows []outboxRow
		out := tm.must("outbox", "list", "--state", "dead", "--format", "json")
		if err := json.Unmarshal([]byte(out), &rows); err != nil {
			t.Fatalf("outbox list json: %v\n%s", err, out)
		}
		if len(rows) != 2 || rows[0].LastError != "unreachable: Forbidden: bot was blocked by the user" ||
			!strings.Contains(rows[1].LastError, "Bad Gateway") || rows[0].DeadAt == nil {
			t.Fatalf("dead rows %+v", rows)
		}
		table := tm.must("outbox", "list")
		if !strings.Contains(table, "最后错误") || !strings.Contains(table, "无法送达") || !strings.Contains(table, "bot was blocked") || strings.Count(table, "\n") != 4 {
			t.Errorf("table:\n%s", table)
		}

		tm.must("outbox", "retry", "1")
		if got := tm.must("outbox", "list", "--state", "dead", "--format", "json"); strings.Count(got, `"id"`) != 1 {
			t.Errorf("after retry 1, dead rows:\n%s", got)
		}
		tm.must("outbox", "retry", "--dead")
		out = tm.must("outbox", "list", "--state", "pending", "--format", "json")
		rows = nil
		if err := json.Unmarshal([]byte(out), &rows); err != nil {
			t.Fatal(err)
		}
		if len(rows) != 3 || rows[0].Attempts != 0 || rows[0].DeadAt != nil {
			t.Errorf("after retry --dead, pending rows %+v, want all 3 afresh", rows)
		}

		for _, bad := range [][]string{{"outbox", "retry"}, {"outbox", "retry", "x"}, {"outbox", "retry", "1", "--dead"},
			{"outbox", "list", "--state", "gone"}, {"outbox", "list", "--format", "xml"}} {
			if _, _, code := tm.run(bad...); code != 2 {
				t.Errorf("duban %s: exit %d, want 2", strings.Join(bad, " "), code)
			}
		}
	})
}
