package dataset

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/simplifiedchinese"
)

const csvHeader = "key,source,title,category,unit,owners,due,due_precision,target,detail\n"

const chineseCSV = csvHeader + "c1,,昌南大道南侧废瓷清运,cleanup,国家试验区管委会办公室,zhang-guobin,2023/10/31,,,力争“清运”到位\n" +
	"c2,,凤岗村垃圾填埋场绿化修复,restoration,国家试验区管委会办公室,zhang-guobin,2024年6月底,,,\n"

func gbk(t *testing.T, s string) []byte {
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReadEncodings(t *testing.T) {
	yamlText := "units:\n  - name: 国家试验区管委会办公室\ncontacts:\n  - key: zhang\n    name: 张国斌\n    unit: 国家试验区管委会办公室\n"
	gb18030, _ := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(yamlText))
	for _, tc := range []struct {
		name, file string
		data       []byte
		check      func(t *testing.T, ds *Dataset)
	}{
		{"a GBK CSV from Chinese Excel is read", "台账.csv", gbk(t, chineseCSV), func(t *testing.T, ds *Dataset) {
			if c := ds.Commitments[0]; c.Title != "昌南大道南侧废瓷清运" || c.Unit != "国家试验区管委会办公室" || c.Detail != "力争“清运”到位" {
				t.Errorf("got %+v", c)
			}
		}},
		{"a UTF-8 CSV with a BOM is read", "台账.csv", append([]byte("\xEF\xBB\xBF"), chineseCSV...), func(t *testing.T, ds *Dataset) {
			if ds.Commitments[1].Title != "凤岗村垃圾填埋场绿化修复" {
				t.Errorf("got %+v", ds.Commitments[1])
			}
		}},
		{"a GB18030 YAML is read", "台账.yaml", gb18030, func(t *testing.T, ds *Dataset) {
			if ds.Contacts[0].Name != "张国斌" || ds.Units[0].Name != "国家试验区管委会办公室" {
				t.Errorf("got %+v", ds)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ds, errs := Read(tc.data, tc.file, "")
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			tc.check(t, ds)
			if errs := ds.Validate(tc.file, nil); len(errs) > 0 && !strings.Contains(errs.Error(), "owners") {
				t.Error(errs)
			}
		})
	}
	latin1, _ := charmap.ISO8859_1.NewEncoder().String(csvHeader + "c1,,Nettoyage du dépôt de céramique près de la rivière,cleanup,Mairie,a,2024-06-30,,,déjà à moitié été fait\n")
	sjis, _ := japanese.ShiftJIS.NewEncoder().String(csvHeader + "c1,,陶磁器廃棄物の撤去について,cleanup,景徳鎮市役所,a,2024-06-30,,,ご提案ありがとうございます\n")
	for name, data := range map[string]string{"a Latin-1 CSV is refused with one line": latin1, "a Shift-JIS CSV is refused with one line": sjis} {
		t.Run(name, func(t *testing.T) {
			ds, errs := Read([]byte(data), "x.csv", "")
			if ds != nil || len(errs) != 1 || !strings.HasPrefix(errs.Error(), "x.csv") || strings.Contains(errs.Error(), "\n") {
				t.Errorf("got %v, %q", ds, errs)
			}
		})
	}
	t.Run("a stray invalid byte in a UTF-8 CSV names its line", func(t *testing.T) {
		_, errs := Read([]byte(csvHeader+"c1,,清运,cleanup,单位,a,2024-06-30,,,\nc2,,bad \xff\xfe title,cleanup,单位,a,2024-06-30,,,\n"), "x.csv", "")
		if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), "x.csv:3:") {
			t.Errorf("got %q", errs)
		}
	})
}

func TestDateForms(t *testing.T) {
	for _, tc := range []struct{ in, want, prec string }{
		{"2024-06-30", "2024-06-30", ""},
		{"2024/6/30", "2024-06-30", ""},
		{"2024.6.30", "2024-06-30", ""},
		{"2024年6月30日", "2024-06-30", ""},
		{"2024 年 6 月 30 日", "2024-06-30", ""},
		{"2024年6月底", "2024-06-30", "month"},
		{"2024年2月底", "2024-02-29", "month"},
		{"2024年6月", "2024-06-30", "month"},
		{"2026/2/30", "2026/2/30", ""},
		{"soon", "soon", ""},
	} {
		got, prec := normalizeDate(tc.in)
		if got != tc.want || prec != tc.prec {
			t.Errorf("normalizeDate(%q) = %q, %q; want %q, %q", tc.in, got, prec, tc.want, tc.prec)
		}
	}
}

// ledger writes a 台账 the way an office keeps it: a title row merged
// across the columns, then the Chinese header, date cells and text dates.
func ledger(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sh := "Sheet1"
	f.SetCellValue(sh, "A1", "景德镇市人大代表建议承诺事项督办台账")
	f.MergeCell(sh, "A1", "I1")
	for i, h := range []string{"序号", "承诺事项", "责任单位", "责任人", "来源", "完成时限", "类别", "目标", "备注"} {
		cell, _ := excelize.CoordinatesToCellName(i+1, 2)
		f.SetCellValue(sh, cell, h)
	}
	dateStyle, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	for r, row := range rows {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+3)
			f.SetCellValue(sh, cell, v)
			if _, ok := v.(time.Time); ok {
				f.SetCellStyle(sh, cell, cell, dateStyle)
			}
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestParseXLSX(t *testing.T) {
	t.Run("a ledger with a merged title row, Chinese headers and Excel dates is read", func(t *testing.T) {
		data := ledger(t, [][]any{
			{1, "昌南大道南侧废瓷清运", "国家试验区管委会办公室", "张国斌", "s-111", time.Date(2023, 10, 31, 0, 0, 0, 0, time.UTC), "清运", "", "已完成"},
			{2, "凤岗村垃圾填埋场绿化修复", "国家试验区管委会办公室", "张国斌、督查室值班员", "s-111", "2024年6月底", "复绿修复", "", ""},
			{},
			{3, "陶瓷固废综合利用", "国家试验区管委会办公室", "张国斌", "", "2024/12/31", "", "95%", ""},
		})
		ds, errs := Read(data, "台账.xlsx", "")
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		if len(ds.Commitments) != 3 {
			t.Fatalf("%d commitments, want 3", len(ds.Commitments))
		}
		c := ds.Commitments[0]
		if c.Key != "s-111-1" || c.Title != "昌南大道南侧废瓷清运" || c.Due != "2023-10-31" || c.Category != "cleanup" || c.Detail != "已完成" || c.Line != 3 {
			t.Errorf("row 3: %+v", c)
		}
		c = ds.Commitments[1]
		if c.Due != "2024-06-30" || c.DuePrecision != "month" || len(c.Owners) != 2 || c.Owners[1] != "督查室值班员" || c.Category != "restoration" {
			t.Errorf("row 4: %+v", c)
		}
		c = ds.Commitments[2]
		if c.Key != "台账-3" || c.Due != "2024-12-31" || c.Target != "95%" || c.Line != 6 {
			t.Errorf("row 6: %+v", c)
		}
		if errs := ds.Validate("台账.xlsx", nil); len(errs) > 0 {
			t.Error(errs)
		}
	})
	t.Run("errors name the sheet, row and column", func(t *testing.T) {
		data := ledger(t, [][]any{
			{1, "清运", "单位", "张国斌", "", "2024年6月30号", "", "", ""},
			{2, "", "单位", "张国斌", "", "2024-06-30", "", "", ""},
			{3, "修复", "单位", "", "", "2026/2/30", "", "", ""},
		})
		ds, errs := Read(data, "台账.xlsx", "")
		errs = append(errs, ds.Validate("台账.xlsx", nil)...)
		got := errs.Error()
		for _, want := range []string{"台账.xlsx:Sheet1!F3: due: invalid date", "台账.xlsx:Sheet1!B4: title: missing", "台账.xlsx:Sheet1!D5: owners: missing", "台账.xlsx:Sheet1!F5: due: invalid date"} {
			if !strings.Contains(got, want) {
				t.Errorf("errors lack %q:\n%s", want, got)
			}
		}
	})
	t.Run("English CSV column names work as headers", func(t *testing.T) {
		f := excelize.NewFile()
		f.SetSheetRow("Sheet1", "A1", &[]any{"key", "title", "unit", "owners", "due"})
		f.SetSheetRow("Sheet1", "A2", &[]any{"k1", "清运", "单位", "zhang", "2024.6.30"})
		buf, _ := f.WriteToBuffer()
		ds, errs := Read(buf.Bytes(), "x.xlsx", "")
		if len(errs) > 0 || ds.Commitments[0].Key != "k1" || ds.Commitments[0].Due != "2024-06-30" {
			t.Errorf("got %+v, %v", ds, errs)
		}
	})
	t.Run("a sheet without a header row is refused", func(t *testing.T) {
		f := excelize.NewFile()
		f.SetSheetRow("Sheet1", "A1", &[]any{"甲", "乙"})
		buf, _ := f.WriteToBuffer()
		if _, errs := Read(buf.Bytes(), "x.xlsx", ""); len(errs) != 1 || !strings.Contains(errs.Error(), "x.xlsx:Sheet1!A1: no header row") {
			t.Errorf("got %v", errs)
		}
	})
}

func TestLimits(t *testing.T) {
	t.Run("YAML aliases are refused", func(t *testing.T) {
		in := "commitments:\n  - key: a\n    title: &big 清运\n    owners: [x]\n    due: 2024-06-30\n  - key: b\n    title: *big\n    owners: [x]\n    due: 2024-06-30\n"
		if _, errs := Read([]byte(in), "f.yaml", ""); len(errs) == 0 || !strings.Contains(errs.Error(), "f.yaml:3: YAML anchors and aliases") {
			t.Errorf("got %v", errs)
		}
	})
	t.Run("a long title, a long detail and a NUL are refused with their lines", func(t *testing.T) {
		in := "commitments:\n  - key: a\n    title: " + strings.Repeat("清", 501) + "\n    owners: [x]\n    due: 2024-06-30\n" +
			"  - key: b\n    title: ok\n    detail: " + strings.Repeat("x", 10001) + "\n    owners: [x]\n    due: 2024-06-30\n" +
			"  - key: c\n    title: \"a\\0b\"\n    owners: [x]\n    due: 2024-06-30\n"
		ds, errs := Read([]byte(in), "f.yaml", "")
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		got := ds.Validate("f.yaml", nil).Error()
		for _, want := range []string{"f.yaml:3: commitments[0].title: 501 characters, at most 500",
			"f.yaml:8: commitments[1].detail: 10001 characters, at most 10000", "f.yaml:12: commitments[2].title: contains a NUL character"} {
			if !strings.Contains(got, want) {
				t.Errorf("errors lack %q:\n%s", want, got)
			}
		}
	})
	t.Run("parse and rule problems are reported together", func(t *testing.T) {
		in := strings.TrimSuffix(csvHeader, "\n") + ",progress\n" +
			"k1,,t,,,a,2024-06-30,,,,lots\n" +
			"k1,,t,,,a,2026-02-30,,,,120\n" +
			"k3,,t,bogus,,a,2024-06-15,month,,,\n"
		ds, errs := Read([]byte(in), "f.csv", "")
		errs = append(errs, ds.Validate("f.csv", nil)...)
		got := errs.Error()
		for _, want := range []string{"f.csv:2: progress: want an integer", "f.csv:3: commitments[1].key: duplicate key",
			"f.csv:3: commitments[1].due: invalid date", "f.csv:3: commitments[1].progress: 120 out of range",
			"f.csv:4: commitments[2].category", "f.csv:4: commitments[2].due: month precision wants the period's last day, 2024-06-30"} {
			if !strings.Contains(got, want) {
				t.Errorf("errors lack %q:\n%s", want, got)
			}
		}
	})
	t.Run("more than 100 problems list 100 and count the rest", func(t *testing.T) {
		var sb strings.Builder
		sb.WriteString(csvHeader)
		for i := 0; i < 130; i++ {
			sb.WriteString("k,,,,,a,2024-06-30,,,\n")
		}
		ds, _ := Read([]byte(sb.String()), "f.csv", "")
		errs := ds.Validate("f.csv", nil)
		msg := errs.Error()
		if n := strings.Count(msg, "\n"); n != 100 || !strings.Contains(msg, fmt.Sprintf("… and %d more", len(errs)-100)) {
			t.Errorf("%d problems gave %d lines, last %q", len(errs), n+1, msg[strings.LastIndexByte(msg, '\n')+1:])
		}
	})
}
