package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"duban/store"
	"duban/store/storetest"
)

func eachBackend(t *testing.T, fn func(t *testing.T, tm *testMain)) {
	for _, b := range storetest.Backends {
		t.Run(b, func(t *testing.T) { fn(t, newTestMain(t, storetest.URL(t, b))) })
	}
}

func TestImportExampleThenListJSON(t *testing.T) {
	eachBackend(t, func(t *testing.T, tm *testMain) {
		tm.must("import", examplePath)
		var items []struct {
			ID           int64    `json:"id"`
			Key          string   `json:"key"`
			Title        string   `json:"title"`
			Unit         string   `json:"unit"`
			Owners       []string `json:"owners"`
			Due          string   `json:"due"`
			DuePrecision string   `json:"due_precision"`
			Status       string   `json:"status"`
			Light        string   `json:"light"`
			Progress     int      `json:"progress"`
			DaysOverdue  int      `json:"days_overdue"`
			Source       struct {
				Key, Number, ReplyDocNo, Classification string
			} `json:"source"`
		}
		out := tm.must("list", "--format", "json")
		if err := json.Unmarshal([]byte(out), &items); err != nil {
			t.Fatalf("list json: %v\n%s", err, out)
		}
		byKey := map[string]int{}
		for i, it := range items {
			byKey[it.Key] = i
		}
		cleanup := items[byKey["jdz-111-changnan-cleanup"]]
		if cleanup.Due != "2023-10-31" || cleanup.DuePrecision != "month" || cleanup.Status != "done" {
			t.Errorf("cleanup: due %s %s status %s, want 2023-10-31 month done", cleanup.Due, cleanup.DuePrecision, cleanup.Status)
		}
		rest := items[byKey["jdz-111-fenggang-restoration"]]
		if rest.Due != "2024-06-30" || rest.DuePrecision != "month" || rest.Status != "open" || rest.Light != "green" {
			t.Errorf("restoration: %+v", rest)
		}
		if rest.Source.Number != "总第111号" || rest.Source.Classification != "B2" || rest.Source.Key != "jdz-16-4-111" {
			t.Errorf("restoration source: %+v", rest.Source)
		}
		if len(rest.Owners) != 1 || rest.Owners[0] != "zhang-guobin" || rest.Unit != "国家试验区管委会办公室" {
			t.Errorf("restoration owners/unit: %v %s", rest.Owners, rest.Unit)
		}
		if len(items) != 6 {
			t.Errorf("%d commitments, want 6", len(items))
		}
		// On 2024-07-01 (Shanghai) the restoration turns red, one day overdue.
		tm.now = tm.now.AddDate(0, 0, 42).Add(-10 * 3600e9)
		out = tm.must("list", "--format", "json", "--light", "red")
		if !strings.Contains(out, `"days_overdue":1`) || !strings.Contains(out, "jdz-111-fenggang-restoration") {
			t.Errorf("red list on 2024-07-01:\n%s", out)
		}
	})
}

func TestBadRowsChangeNothing(t *testing.T) {
	good := `contacts:
  - key: zhang-guobin
    name: 张国斌
    unit: 国家试验区管委会办公室
commitments:
  - key: a
    title: 第一项
    owners: [zhang-guobin]
    due: 2024-06-30
`
	tests := []struct {
		name, file, body, want string
	}{
		{"an impossible date names the line and the field", "f.yaml", good + `  - key: b
    title: 第二项
    owners: [zhang-guobin]
    due: 2024-02-30
`, "f.yaml:13: commitments[1].due"},
		{"an unknown owner names the line and the field", "f.yaml", good + `  - key: b
    title: 第二项
    owners: [nobody]
    due: 2024-07-30
`, `f.yaml:12: commitments[1].owners: unknown contact "nobody"`},
		{"a duplicate key names both lines", "f.yaml", good + `  - key: a
    title: 第二项
    owners: [zhang-guobin]
    due: 2024-07-30
`, "f.yaml:10: commitments[1].key: duplicate key \"a\" (first at line 6)"},
		{"a status outside the list names the line and the field", "f.yaml", good + `  - key: b
    title: 第二项
    owners: [zhang-guobin]
    due: 2024-07-30
    status: finished
`, "f.yaml:14: commitments[1].status"},
		{"a percent of 120 names the line and the field", "f.yaml", good + `  - key: b
    title: 第二项
    owners: [zhang-guobin]
    due: 2024-07-30
    progress: 120
`, "f.yaml:14: commitments[1].progress: 120 out of range"},
		{"an unknown key is refused", "f.yaml", good + `  - key: b
    title: 第二项
    owner: [zhang-guobin]
    due: 2024-07-30
`, "f.yaml:12: commitments[1].owner: unknown key"},
		{"a CSV row with a missing column names the line", "f.csv", "key,source,title,category,unit,owners,due,due_precision,target,detail\n" +
			"c1,,第一项,cleanup,国家试验区管委会办公室,zhang-guobin,2024-06-30,month,,\n" +
			"c2,,第二项,cleanup,国家试验区管委会办公室,zhang-guobin,2024-06-30,month,\n", "f.csv:3: has 9 columns, header has 10"},
		{"a CSV row with an unknown owner names the line", "f.csv", "\ufeffkey,source,title,category,unit,owners,due,due_precision,target,detail\n" +
			"c1,,第一项,cleanup,国家试验区管委会办公室,zhang-guobin,2024-06-30,month,,\n" +
			"c2,,第二项,cleanup,国家试验区管委会办公室,ghost,2024-06-30,month,,\n", `f.csv:3: commitments[1].owners: unknown contact "ghost"`},
	}
	eachBackend(t, func(t *testing.T, tm *testMain) {
		tm.must("import", examplePath)
		before := tm.must("export")
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				path := writeFile(t, tt.file, tt.body)
				_, errs, code := tm.run("import", path)
				if code != 2 {
					t.Fatalf("exit %d, want 2; stderr %s", code, errs)
				}
				if !strings.Contains(errs, tt.want) {
					t.Fatalf("stderr %q does not contain %q", errs, tt.want)
				}
				if after := tm.must("export"); after != before {
					t.Fatalf("database changed:\n%s", after)
				}
			})
		}
	})
}

func TestExportImportExportIsByteIdentical(t *testing.T) {
	for _, from := range storetest.Backends {
		for _, to := range storetest.Backends {
			t.Run(from+" to "+to, func(t *testing.T) {
				a := newTestMain(t, storetest.URL(t, from))
				a.must("import", examplePath)
				a.must("progress", "2", "30", "--note", "已平整 <场地> & 覆土")
				first := a.must("export")
				b := newTestMain(t, storetest.URL(t, to))
				b.must("import", writeFile(t, "export.yaml", first))
				if second := b.must("export"); second != first {
					t.Fatalf("second export differs:\n--- first\n%s\n--- second\n%s", first, second)
				}
				csv1 := a.must("export", "--format", "csv")
				if !strings.HasPrefix(csv1, "\ufeffkey,source,title") {
					t.Fatalf("csv export lacks BOM/header: %q", csv1[:40])
				}
			})
		}
	}
}

func TestReimportChangesNothing(t *testing.T) {
	eachBackend(t, func(t *testing.T, tm *testMain) {
		tm.must("import", examplePath)
		db := openStore(t, tm.url)
		counts := func() string {
			var s []string
			for _, table := range []string{"units", "contacts", "sources", "commitments", "commitment_owners", "status_changes", "progress_updates"} {
				var n int
				if err := db.SQLX().Get(&n, "SELECT COUNT(*) FROM "+table); err != nil {
					t.Fatal(err)
				}
				s = append(s, fmt.Sprintf("%s=%d", table, n))
			}
			return strings.Join(s, " ")
		}
		before, exp := counts(), tm.must("export")
		out := tm.must("import", examplePath)
		if !strings.Contains(out, "6 unchanged") {
			t.Errorf("re-import says %q", out)
		}
		csvOut := tm.must("export", "--format", "csv")
		tm.must("import", writeFile(t, "x.csv", csvOut))
		tm.must("import", writeFile(t, "x.yaml", exp))
		if after := counts(); after != before {
			t.Fatalf("rows changed: %s -> %s", before, after)
		}
		if got := tm.must("export"); got != exp {
			t.Fatalf("export changed")
		}
	})
}

func TestDryRunWritesNothing(t *testing.T) {
	eachBackend(t, func(t *testing.T, tm *testMain) {
		out := tm.must("import", "--dry-run", examplePath)
		if !strings.Contains(out, "试运行，未写入") || !strings.Contains(out, "督办事项 6 项") {
			t.Fatalf("dry run says %q", out)
		}
		if got := tm.must("list", "--format", "json"); strings.TrimSpace(got) != "[]" {
			t.Fatalf("dry run wrote: %s", got)
		}
	})
}

func TestConcurrentProgressLosesNothing(t *testing.T) {
	eachBackend(t, func(t *testing.T, tm *testMain) {
		tm.must("import", examplePath)
		db := openStore(t, tm.url)
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for i := 1; i <= 8; i++ {
			wg.Add(1)
			go func(pct int) {
				defer wg.Done()
				errs <- db.AddProgress(t.Context(), 2, pct*10, fmt.Sprintf("update %d", pct), nil, store.Actor{Channel: "cli"})
			}(i)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		h, err := db.History(t.Context(), 2)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range h {
			if e.Kind == "progress" {
				n++
			}
		}
		if n != 8 {
			t.Fatalf("history has %d progress updates, want 8", n)
		}
	})
}

func TestStatusCommands(t *testing.T) {
	eachBackend(t, func(t *testing.T, tm *testMain) {
		tm.must("import", examplePath)
		tm.must("progress", "#2", "50", "--note", "覆土完成")
		tm.must("done", "2", "--note", "已复绿")
		tm.must("reopen", "2", "--reason", "照片不清")
		tm.must("done", "2")
		tm.must("verify", "2")
		if _, errs, code := tm.run("progress", "2", "60"); code != 2 || !strings.Contains(errs, "verified") {
			t.Fatalf("progress on verified: %d %s", code, errs)
		}
		if _, errs, code := tm.run("verify", "4"); code != 2 || !strings.Contains(errs, "from open to verified") {
			t.Fatalf("verify open: %d %s", code, errs)
		}
		if _, errs, code := tm.run("progress", "4", "120"); code != 2 || !strings.Contains(errs, "0-100") {
			t.Fatalf("progress 120: %d %s", code, errs)
		}
		// 2024-12-31 is the current due date: an extension must move it later.
		if _, errs, code := tm.run("extend", "4", "2024-12-31", "--reason", "资金未到位"); code != 2 || !strings.Contains(errs, "not after the current one") {
			t.Fatalf("extend to the same date: %d %s", code, errs)
		}
		if _, errs, code := tm.run("approve", "4"); code != 2 || !strings.Contains(errs, "no pending") {
			t.Fatalf("approve nothing: %d %s", code, errs)
		}
		tm.must("extend", "5", "2025-03-31", "--reason", "设备延期到货")
		tm.must("approve", "5")
		out := tm.must("show", "5", "--format", "json")
		if !strings.Contains(out, `"due": "2025-03-31"`) || !strings.Contains(out, `"old_due": "2024-12-31"`) {
			t.Fatalf("after approval: %s", out)
		}
		tm.must("cancel", "6", "--reason", "并入其他事项")
		if _, _, code := tm.run("cancel", "3"); code != 2 {
			t.Fatal("cancel without reason accepted")
		}
		show := tm.must("show", "2")
		for _, want := range []string{"状态 未启动 → 进行中", "进度 50%", "已完成 → 进行中", "照片不清", "进行中 → 已完成", "已完成 → 已销号"} {
			if !strings.Contains(show, want) {
				t.Errorf("show lacks %q:\n%s", want, show)
			}
		}
	})
}

func TestListFiltersAndTable(t *testing.T) {
	eachBackend(t, func(t *testing.T, tm *testMain) {
		tm.must("import", examplePath)
		tm.now = tm.now.AddDate(0, 2, 0) // 2024-07-20
		out := tm.must("list", "--light", "red", "--format", "csv")
		if n := strings.Count(out, "\n"); n != 3 { // header + restoration + plan
			t.Fatalf("red csv has %d lines:\n%s", n, out)
		}
		out = tm.must("list", "--status", "done")
		if !strings.Contains(out, "昌南大道") || strings.Contains(out, "凤岗村") {
			t.Fatalf("status filter:\n%s", out)
		}
		out = tm.must("list", "--due-before", "2024-07-01", "--owner", "zhang-guobin", "--source", "jdz-16-4-111", "--unit", "国家试验区管委会办公室")
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 4 {
			t.Fatalf("due-before filter:\n%s", out)
		}
		// Columns line up by display width: the TITLE column starts at the
		// same screen column on every line.
		col := -1
		for _, l := range lines {
			i := strings.Index(l, "张国斌")
			if strings.HasPrefix(l, "编号") {
				i = strings.Index(l, "责任人")
			}
			w := displayWidth(l[:i])
			if col >= 0 && w != col {
				t.Fatalf("misaligned table:\n%s", out)
			}
			col = w
		}
		if _, errs, code := tm.run("list", "--light", "purple"); code != 2 || !strings.Contains(errs, "purple") {
			t.Fatalf("bad light: %d %s", code, errs)
		}
		// The values take the configured language's words too.
		if out := tm.must("list", "--light", "红", "--status", "未启动"); !strings.Contains(out, "红灯") || strings.Contains(out, "绿灯") || !strings.Contains(out, "凤岗村") {
			t.Fatalf("Chinese filters:\n%s", out)
		}
	})
}
