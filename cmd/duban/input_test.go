package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"duban/store/storetest"
)

type listed struct {
	Key, Title, Unit, Due, Status string
	DuePrecision                  string `json:"due_precision"`
	Owners                        []string
	Progress                      int
}

func listJSON(t *testing.T, tm *testMain, args ...string) map[string]listed {
	t.Helper()
	var items []listed
	out := tm.must(append([]string{"list", "--format", "json"}, args...)...)
	if err := json.Unmarshal([]byte(out), &items); err != nil {
		t.Fatalf("list json: %v\n%s", err, out)
	}
	m := map[string]listed{}
	for _, it := range items {
		m[it.Key] = it
	}
	return m
}

const contactsYAML = "contacts:\n  - key: zhang-guobin\n    name: 张国斌\n    unit: 国家试验区管委会办公室\n"

func TestImportEncodings(t *testing.T) {
	csv := "key,source,title,category,unit,owners,due,due_precision,target,detail\n" +
		"g1,,昌南大道南侧废瓷清运,cleanup,国家试验区管委会办公室,zhang-guobin,2023/10/31,,,“清运”到位\n" +
		"g2,,凤岗村垃圾填埋场绿化修复,restoration,国家试验区管委会办公室,张国斌,2024年6月底,,,\n"
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String(csv)
	eachBackend(t, func(t *testing.T, tm *testMain) {
		tm.must("import", writeFile(t, "contacts.yaml", contactsYAML))
		tm.must("import", writeFile(t, "台账.csv", gbk))
		got := listJSON(t, tm)
		if g := got["g1"]; g.Title != "昌南大道南侧废瓷清运" || g.Unit != "国家试验区管委会办公室" || g.Due != "2023-10-31" {
			t.Errorf("g1 = %+v", g)
		}
		if g := got["g2"]; g.Title != "凤岗村垃圾填埋场绿化修复" || g.Due != "2024-06-30" || g.DuePrecision != "month" || g.Owners[0] != "zhang-guobin" {
			t.Errorf("g2 = %+v", g)
		}
		// The same file in UTF-8 with a BOM changes nothing.
		out := tm.must("import", writeFile(t, "台账-utf8.csv", "\ufeff"+csv))
		if !strings.Contains(out, "2 unchanged") {
			t.Errorf("re-import of the UTF-8 file: %s", out)
		}
		if exp := tm.must("export"); strings.Contains(exp, "!!binary") || !strings.Contains(exp, "凤岗村") {
			t.Errorf("export:\n%s", exp)
		}
	})
}

func TestBadTextIsRefusedAlikeOnBothBackends(t *testing.T) {
	header := "key,source,title,category,unit,owners,due,due_precision,target,detail\n"
	tests := []struct{ name, file, body, want string }{
		{"invalid UTF-8 in a CSV title", "bad.csv", header + "b1,,清运,,,zhang-guobin,2024-06-30,,,\nb2,,bad \xff\xfe title,,,zhang-guobin,2024-06-30,,,\n", "bad.csv:3: 不是有效的 UTF-8"},
		{"a NUL in a YAML detail", "bad.yaml", contactsYAML + "commitments:\n  - key: b1\n    title: 清运\n    detail: \"a\\0b\"\n    owners: [zhang-guobin]\n    due: 2024-06-30\n", "bad.yaml:8: commitments[0].detail: contains a NUL character"},
		{"a Latin-1 CSV", "latin1.csv", header + "b1,,Nettoyage du d\xe9p\xf4t pr\xe8s de la rivi\xe8re d\xe9j\xe0,,,zhang-guobin,2024-06-30,,,caf\xe9\n", "latin1.csv: 编码无法识别"},
	}
	eachBackend(t, func(t *testing.T, tm *testMain) {
		tm.must("import", examplePath)
		before := tm.must("export")
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, errs, code := tm.run("import", writeFile(t, tt.file, tt.body))
				if code != 2 || !strings.Contains(errs, tt.want) {
					t.Fatalf("exit %d, stderr %q; want 2 and %q", code, errs, tt.want)
				}
				if after := tm.must("export"); after != before {
					t.Fatal("database changed")
				}
			})
		}
	})
}

func TestImportLimits(t *testing.T) {
	eachBackend(t, func(t *testing.T, tm *testMain) {
		cfg := writeFile(t, "duban.yaml", "import:\n  max_bytes: 100\n")
		big := writeFile(t, "big.yaml", contactsYAML+strings.Repeat("# padding\n", 20))
		_, errs, code := tm.run("--config", cfg, "import", big)
		if code != 2 || !strings.Contains(errs, "big.yaml: 文件过大") || !strings.Contains(errs, "import.max_bytes is 100") {
			t.Errorf("exit %d: %s", code, errs)
		}
		t.Run("every problem of a file in one run: parse, rules and references", func(t *testing.T) {
			body := "key,source,title,category,unit,owners,due,due_precision,target,detail,progress\n" +
				"k1,,t,,,zhang-guobin,2024-06-30,,,,lots\n" +
				"k1,,t,,,zhang-guobin,2026-02-30,,,,120\n" +
				"k3,nosuch,t,,,ghost,2024-06-30,,,,\n"
			tm.must("import", writeFile(t, "c.yaml", contactsYAML))
			_, errs, code := tm.run("import", writeFile(t, "all.csv", body))
			for _, want := range []string{"all.csv:2: progress", "all.csv:3: commitments[1].key: duplicate", "all.csv:3: commitments[1].due",
				"all.csv:3: commitments[1].progress", `all.csv:4: commitments[2].source: unknown source "nosuch"`, `all.csv:4: commitments[2].owners: unknown contact "ghost"`} {
				if !strings.Contains(errs, want) {
					t.Errorf("stderr lacks %q:\n%s", want, errs)
				}
			}
			if code != 2 {
				t.Errorf("exit %d", code)
			}
		})
	})
}

func TestReadmeFlowRefusesADuplicateSource(t *testing.T) {
	eachBackend(t, func(t *testing.T, tm *testMain) {
		tm.must("import", examplePath)
		before := tm.must("export")
		out := tm.must("extract", letterPath, "--date", "2024-04-15")
		reviewed := strings.ReplaceAll(out, "owners: []", "owners: [zhang-guobin]")
		_, errs, code := tm.run("import", writeFile(t, "reviewed.yaml", reviewed))
		if code != 2 || !strings.Contains(errs, `"jdz-16-4-111"`) || !strings.Contains(errs, `"s-16-4-111"`) || !strings.Contains(errs, "景国试管办议字〔2024〕3号") {
			t.Fatalf("exit %d, stderr %s; want both source keys named", code, errs)
		}
		if after := tm.must("export"); after != before {
			t.Fatal("database changed")
		}
		// An item the example imports as done, without a figure, is at 100 %.
		if got := listJSON(t, tm)["jdz-111-changnan-cleanup"]; got.Status != "done" || got.Progress != 100 {
			t.Errorf("cleanup: %+v, want done at 100", got)
		}
	})
}

func TestImportXLSX(t *testing.T) {
	f := excelize.NewFile()
	sh := "Sheet1"
	f.SetCellValue(sh, "A1", "承诺事项督办台账（2024年）")
	f.MergeCell(sh, "A1", "F1")
	f.SetSheetRow(sh, "A2", &[]any{"序号", "承诺事项", "责任单位", "责任人", "完成时限", "类别"})
	f.SetSheetRow(sh, "A3", &[]any{1, "昌南大道南侧废瓷清运", "国家试验区管委会办公室", "张国斌", time.Date(2023, 10, 31, 0, 0, 0, 0, time.UTC), "清运"})
	f.SetSheetRow(sh, "A4", &[]any{2, "凤岗村垃圾填埋场绿化修复", "国家试验区管委会办公室", "张国斌", "2024年6月底", "复绿修复"})
	style, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	f.SetCellStyle(sh, "E3", "E3", style)
	buf, _ := f.WriteToBuffer()
	bad := excelize.NewFile()
	bad.SetSheetRow(sh, "A1", &[]any{"序号", "承诺事项", "责任单位", "责任人", "完成时限"})
	bad.SetSheetRow(sh, "A2", &[]any{1, "清运", "单位", "张国斌", "2024-06-30"})
	bad.SetSheetRow(sh, "A3", &[]any{2, "修复", "单位", "张国斌", "下半年"})
	badBuf, _ := bad.WriteToBuffer()
	eachBackend(t, func(t *testing.T, tm *testMain) {
		tm.must("import", writeFile(t, "c.yaml", contactsYAML))
		tm.must("import", writeFile(t, "台账.xlsx", buf.String()))
		got := listJSON(t, tm)
		if g := got["台账-1"]; g.Due != "2023-10-31" || g.Owners[0] != "zhang-guobin" || g.Title != "昌南大道南侧废瓷清运" {
			t.Errorf("row 3: %+v", g)
		}
		if g := got["台账-2"]; g.Due != "2024-06-30" || g.DuePrecision != "month" {
			t.Errorf("row 4: %+v", g)
		}
		_, errs, code := tm.run("import", writeFile(t, "交办单.xlsx", badBuf.String()))
		if code != 2 || !strings.Contains(errs, "交办单.xlsx:Sheet1!E3: due: invalid date") {
			t.Errorf("exit %d: %s", code, errs)
		}
	})
}

func TestBackupAndRestoreCommands(t *testing.T) {
	url := "sqlite://" + t.TempDir() + "/duban.db"
	tm := newTestMain(t, url)
	tm.must("import", examplePath)
	before := tm.must("export")
	backup := t.TempDir() + "/backup.db"
	tm.must("backup", backup)
	tm.must("import", writeFile(t, "more.yaml", contactsYAML+"units:\n  - name: 新单位\n"))
	tm.must("restore", backup)
	if after := tm.must("export"); after != before {
		t.Error("restore did not bring the backup back")
	}
	if _, errs, code := tm.run("backup", backup); code != 2 || !strings.Contains(errs, "backup") {
		t.Errorf("backup over an existing file: exit %d %s", code, errs)
	}
	t.Run("postgres says to use pg_dump", func(t *testing.T) {
		pg := newTestMain(t, storetestURL(t, "postgres"))
		if _, errs, code := pg.run("backup", t.TempDir()+"/x"); code != 2 || !strings.Contains(errs, "pg_dump") {
			t.Errorf("exit %d %s", code, errs)
		}
	})
}

func storetestURL(t *testing.T, backend string) string { return storetest.URL(t, backend) }

func TestListAndAddTakeNamesAndRefuseUnknowns(t *testing.T) {
	eachBackend(t, func(t *testing.T, tm *testMain) {
		tm.must("import", examplePath)
		all := len(listJSON(t, tm))
		if got := len(listJSON(t, tm, "--owner", "张国斌")); got == 0 || got != len(listJSON(t, tm, "--owner", "zhang-guobin")) {
			t.Errorf("--owner by name gave %d items", got)
		}
		if got := len(listJSON(t, tm, "--unit", "国家试验区管委会办公室")); got == 0 {
			t.Error("--unit by name gave nothing")
		}
		for _, args := range [][]string{{"--unit", "国家试验区"}, {"--owner", "李四"}} {
			_, errs, code := tm.run(append([]string{"list"}, args...)...)
			if code != 2 || strings.Count(strings.TrimSpace(errs), "\n") != 0 || !strings.Contains(errs, args[0]) {
				t.Errorf("list %v: exit %d %q", args, code, errs)
			}
		}
		got := listJSON(t, tm, "--search", "凤岗")
		if len(got) != 1 {
			t.Errorf("--search 凤岗: %d items", len(got))
		}
		if got := listJSON(t, tm, "--search", "景国试管办议字〔2024〕3号"); len(got) != all {
			t.Errorf("--search by the reply document number: %d of %d", len(got), all)
		}
		if got := listJSON(t, tm, "--search", "100%_"); len(got) != 0 {
			t.Errorf("--search treats %% and _ as wildcards: %d", len(got))
		}
		_, errs, code := tm.run("add", "--title", "新事项", "--unit", "市场监管局", "--owner", "zhang-guobin", "--due", "2026-12-31")
		if code != 2 || !strings.Contains(errs, "--new-unit") {
			t.Errorf("add with an unknown unit: exit %d %s", code, errs)
		}
		_, errs, code = tm.run("add", "--title", "新事项", "--unit", "国家试验区管委会办公室", "--owner", "张国斌", "--due", "2026-12-15", "--precision", "month")
		if code != 2 || !strings.Contains(errs, "2026-12-31") {
			t.Errorf("add with month precision on the 15th: exit %d %s", code, errs)
		}
		tm.must("add", "--title", "新事项", "--unit", "市场监管局", "--new-unit", "--owner", "张国斌", "--due", "2026-12-31", "--precision", "month", "--key", "new-1")
		if g := listJSON(t, tm)["new-1"]; g.Unit != "市场监管局" || g.Owners[0] != "zhang-guobin" {
			t.Errorf("added: %+v", g)
		}
	})
}

func TestContactEditAndRemove(t *testing.T) {
	eachBackend(t, func(t *testing.T, tm *testMain) {
		tm.must("import", examplePath)
		if out := tm.must("contact", "add", "li-ming", "--name", "李明", "--unit", "国家试验区管委会办公室"); !strings.Contains(out, "已新增联系人 li-ming（李明）") {
			t.Errorf("contact add says %q", out)
		}
		// The contact table speaks the configured language (zh).
		if out := tm.must("contact", "list"); !strings.Contains(out, "姓名") || !strings.Contains(out, "承办人") || !strings.Contains(out, "未关联") {
			t.Errorf("contact list is not in Chinese:\n%s", out)
		}
		tm.must("contact", "edit", "li-ming", "--phone", "13800000000", "--email", "li@example.cn", "--channels", "telegram,email", "--role", "official")
		if out := tm.must("contact", "list"); !strings.Contains(out, "13800000000") {
			t.Errorf("edit lost: %s", out)
		}
		for _, args := range [][]string{{"--unit", "市场监管局"}, {"--channels", "fax"}, {"--role", "boss"}, {"--email", "nope"},
			{"--channels", "email,email"}, {"--email", "李明 <li@example.cn>"}} {
			if _, errs, code := tm.run(append([]string{"contact", "edit", "li-ming"}, args...)...); code != 2 {
				t.Errorf("edit %v: exit %d %s", args, code, errs)
			}
		}
		// The hand-over is the workflow's 转办: open, in-progress and
		// done-but-not-verified items move.
		open := 0
		for _, it := range listJSON(t, tm, "--owner", "zhang-guobin") {
			if it.Status == "open" || it.Status == "in_progress" || it.Status == "done" {
				open++
			}
		}
		_, errs, code := tm.run("contact", "remove", "zhang-guobin")
		if code != 2 || !strings.Contains(errs, "--reassign-to") {
			t.Fatalf("remove with open items: exit %d %s", code, errs)
		}
		out := tm.must("contact", "remove", "zhang-guobin", "--reassign-to", "李明")
		if !strings.Contains(out, fmt.Sprintf("%d 项", open)) {
			t.Errorf("remove: %s", out)
		}
		got := 0
		for _, it := range listJSON(t, tm, "--owner", "li-ming") {
			if it.Status == "open" || it.Status == "in_progress" || it.Status == "done" {
				got++
			}
		}
		if got != open {
			t.Errorf("li-ming owns %d open items, want %d", got, open)
		}
		if out := tm.must("contact", "list"); strings.Contains(out, "zhang-guobin") {
			t.Errorf("removed contact still listed: %s", out)
		}
		tm.must("contact", "add", "tmp", "--name", "临时")
		tm.must("contact", "remove", "tmp")
		if _, _, code := tm.run("contact", "remove", "tmp"); code != 2 {
			t.Error("removing twice succeeded")
		}
	})
}
