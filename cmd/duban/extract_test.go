package main

import (
	"encoding/json"
	"strings"
	"testing"

	"duban/store"
	"duban/store/storetest"
)

const letterPath = "../../examples/jingdezhen-reply-111.txt"

func TestExtractThenImportThenList(t *testing.T) {
	eachBackend(t, func(t *testing.T, tm *testMain) {
		out := tm.must("extract", letterPath, "--date", "2024-04-15")
		for _, want := range []string{"总第111号", "景国试管办议字〔2024〕3号", "classification: B2", "due: 2023-10-31", "due: 2024-06-30", "undated:"} {
			if !strings.Contains(out, want) {
				t.Fatalf("extract output lacks %q", want)
			}
		}
		// As extracted, the commitments have no owners: import says so and
		// writes nothing.
		raw := writeFile(t, "raw.yaml", out)
		_, errs, code := tm.run("import", raw)
		if code != 2 || !strings.Contains(errs, "owners: missing") {
			t.Fatalf("import of the raw extract: %d %s", code, errs)
		}
		// The clerk names the owner and imports.
		reviewed := strings.ReplaceAll(out, "owners: []", "owners: [zhang-guobin]")
		reviewed = "contacts:\n  - key: zhang-guobin\n    name: 张国斌\n    unit: 国家试验区管委会办公室\n" + reviewed
		tm.must("import", writeFile(t, "reviewed.yaml", reviewed))
		var items []struct {
			Due, DuePrecision, Status, Title string
			Source                           struct{ Number, Classification string }
		}
		js := tm.must("list", "--format", "json")
		if err := json.Unmarshal([]byte(js), &items); err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, it := range items {
			got[it.Due] = it.Status + " " + it.Title
			if it.Source.Number != "总第111号" || it.Source.Classification != "B2" {
				t.Errorf("source of %s: %+v", it.Title, it.Source)
			}
		}
		if !strings.HasPrefix(got["2023-10-31"], "done ") || !strings.Contains(got["2024-06-30"], "凤岗村") || !strings.HasPrefix(got["2024-06-30"], "open ") {
			t.Fatalf("imported: %v", got)
		}
		js = tm.must("extract", letterPath, "--date", "2024-04-15", "--format", "json")
		if !strings.Contains(js, `"quote"`) {
			t.Fatal("json extract has no quote")
		}
		if _, _, code := tm.run("extract", letterPath, "--date", "2024-02-30"); code != 2 {
			t.Fatal("bad --date accepted")
		}
	})
}

// TestExtractSpeaksTheConfiguredLanguage runs extract on the seed letter
// with the default configuration and with `language: en`: the header and
// the review notes follow the language, and what import reads does not
// change.
func TestExtractSpeaksTheConfiguredLanguage(t *testing.T) {
	tm := newTestMain(t, storetest.URL(t, store.SQLite))
	en := writeFile(t, "duban.yaml", "language: en\n")
	tests := []struct {
		name      string
		args      []string
		want, not []string
	}{
		{"the default speaks Chinese", nil, []string{
			"# duban extract 生成的候选导入数据，请复核后再执行 `duban import`。",
			"# 复核：来文无落款日期，按文中已发生的最晚日期 2024年3月26日 推定，成文日期不早于该日；请用 --date 指定。",
			"review: 时限 2023年10月31日 早于来文日期 2024年3月26日：按已完成列出，请核实。",
			"due: 2023-10-31",
		}, []string{"# review:", "give --date", "no deadline"}},
		{"language: en speaks English", []string{"--config", en}, []string{
			"# duban extract: a candidate import, to review before `duban import`.",
			"# review: the letter has no date line: dated 2024-03-26, the latest date it reports as past",
			"review: 'due 2023-10-31, before the letter date 2024-03-26: reported as done, to verify'",
			"due: 2023-10-31",
		}, []string{"复核", "来文日期", "2024年3月26日"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := tm.must(append(tt.args, "extract", letterPath)...)
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q", w)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(out, w) {
					t.Errorf("output holds %q", w)
				}
			}
			js := tm.must(append(tt.args, "extract", letterPath, "--format", "json")...)
			var back struct {
				Commitments []struct{ Due, Review string }
			}
			if err := json.Unmarshal([]byte(js), &back); err != nil {
				t.Fatal(err)
			}
			if len(back.Commitments) != 2 || back.Commitments[0].Due != "2023-10-31" || back.Commitments[0].Review == "" {
				t.Errorf("json: %+v", back)
			}
		})
	}
}
