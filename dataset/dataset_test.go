package dataset

import (
	"bytes"
	"strings"
	"testing"
)

func TestParseCSV(t *testing.T) {
	header := "key,source,title,category,unit,owners,due,due_precision,target,detail\n"
	tests := []struct {
		name, in, wantErr string
		check             func(t *testing.T, ds *Dataset)
	}{
		{name: "a BOM is skipped and owners split on semicolons", in: "\ufeff" + header + "k1,s,清运,cleanup,单位,a;b,2024-06-30,month,,\n",
			check: func(t *testing.T, ds *Dataset) {
				c := ds.Commitments[0]
				if c.Key != "k1" || len(c.Owners) != 2 || c.Owners[1] != "b" || c.Line != 2 {
					t.Fatalf("got %+v", c)
				}
			}},
		{name: "quoted fields keep their commas and newlines", in: header + "k1,,\"清运，一、二\n三\",cleanup,单位,a,2024-06-30,day,,\"x,y\"\n",
			check: func(t *testing.T, ds *Dataset) {
				if c := ds.Commitments[0]; c.Title != "清运，一、二\n三" || c.Detail != "x,y" {
					t.Fatalf("got %+v", c)
				}
			}},
		{name: "optional columns are read", in: strings.TrimSuffix(header, "\n") + ",status,progress,lead_days,target_value\n" +
			"k1,,t,,,a,2024-06-30,day,,,done,100,30;7,95\n",
			check: func(t *testing.T, ds *Dataset) {
				c := ds.Commitments[0]
				if c.Status != "done" || *c.Progress != 100 || len(c.LeadDays) != 2 || *c.TargetValue != 95 {
					t.Fatalf("got %+v", c)
				}
			}},
		{name: "an empty file asks for the header", in: "", wantErr: "f.csv:1: empty file"},
		{name: "a missing header column is named", in: "key,title\n", wantErr: "f.csv:1: source: missing column in header"},
		{name: "an unknown column is named", in: strings.TrimSuffix(header, "\n") + ",colour\n", wantErr: "f.csv:1: colour: unknown column"},
		{name: "a short row names its line", in: header + "k1,,t,,,a,2024-06-30,day,\n", wantErr: "f.csv:2: has 9 columns, header has 10"},
		{name: "a bad progress names its line and column", in: strings.TrimSuffix(header, "\n") + ",progress\nk1,,t,,,a,2024-06-30,day,,,lots\n",
			wantErr: `f.csv:2: progress: want an integer 0-100, got "lots"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds, err := ParseCSV(strings.NewReader(tt.in), "f.csv")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, ds)
		})
	}
}

func TestYAMLRoundTripAndLines(t *testing.T) {
	in := `units:
  - name: 单位
commitments:
  - key: k1
    title: 复绿
    owners: [a]
    due: 2024-06-30
    due_precision: month
    progress: 120
`
	ds, err := ParseYAML(strings.NewReader(in), "f.yaml")
	if err != nil {
		t.Fatal(err)
	}
	errs := ds.Validate("f.yaml", nil)
	if len(errs) != 1 || errs[0].Error() != "f.yaml:9: commitments[0].progress: 120 out of range: want 0-100" {
		t.Fatalf("errors: %v", errs)
	}
	p := 20
	ds.Commitments[0].Progress = &p
	var a, b bytes.Buffer
	if err := WriteYAML(&a, ds); err != nil {
		t.Fatal(err)
	}
	again, err := ParseYAML(bytes.NewReader(a.Bytes()), "a.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteYAML(&b, again); err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() {
		t.Fatalf("write → parse → write differs:\n%s\n%s", a.String(), b.String())
	}
	if _, err := ParseYAML(strings.NewReader("commitmentz: []\n"), "f.yaml"); err == nil || !strings.Contains(err.Error(), "f.yaml:1: commitmentz: unknown section") {
		t.Fatalf("unknown section: %v", err)
	}
	if _, err := ParseYAML(strings.NewReader("commitments: [\n"), "f.yaml"); err == nil || !strings.Contains(err.Error(), "not valid YAML") {
		t.Fatalf("bad yaml: %v", err)
	}
}
