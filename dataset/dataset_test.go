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

func TestContactEmailAndChannels(t *testing.T) {
	in := `contacts:
  - key: a
    name: 甲
    email: a@example.gov.cn
    channels: [email, telegram]
  - key: b
    name: 乙
    email: not-an-address
    channels: [telegram, fax]
  - key: c
    name: 丙
    channels: [wecom, wecom]
`
	ds, err := ParseYAML(strings.NewReader(in), "f.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c := ds.Contacts[0]; c.Email != "a@example.gov.cn" || strings.Join(c.Channels, ",") != "email,telegram" {
		t.Fatalf("got %+v", c)
	}
	want := []string{
		`f.yaml:8: contacts[1].email: "not-an-address" is not an e-mail address: want one like name@example.gov.cn`,
		`f.yaml:9: contacts[1].channels: unknown channel "fax": want telegram, email, wecom, dingtalk`,
		`f.yaml:12: contacts[2].channels: duplicate channel "wecom"`,
	}
	errs := ds.Validate("f.yaml", nil)
	if len(errs) != len(want) {
		t.Fatalf("errors: %v", errs)
	}
	for i, e := range errs {
		if e.Error() != want[i] {
			t.Errorf("error %d: %q, want %q", i, e.Error(), want[i])
		}
	}
	// Written back in the order of the format, the list in flow style;
	// a contact without them writes neither.
	ds.Contacts = append(ds.Contacts[:1], Contact{Key: "d", Name: "丁"})
	var a, b bytes.Buffer
	if err := WriteYAML(&a, ds); err != nil {
		t.Fatal(err)
	}
	const out = `contacts:
  - key: a
    name: 甲
    email: a@example.gov.cn
    channels: [email, telegram]
  - key: d
    name: 丁
`
	if a.String() != out {
		t.Fatalf("wrote:\n%s\nwant:\n%s", a.String(), out)
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
	if !again.Contacts[0].Fields.Has("email") || again.Contacts[1].Fields.Has("email") {
		t.Fatalf("Has: %v %v", again.Contacts[0].Fields, again.Contacts[1].Fields)
	}
}
