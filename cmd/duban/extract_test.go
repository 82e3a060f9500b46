package main

import (
	"encoding/json"
	"strings"
	"testing"
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
