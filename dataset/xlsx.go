package dataset

import (
	"bytes"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// xlsxHeaders maps the column headings a 台账 or 交办单 uses to the CSV's
// column names. English CSV names are accepted as they are. Headings are
// compared without spaces and full-width brackets' contents ("完成时限（月）"
// reads as 完成时限).
var xlsxHeaders = map[string]string{
	"序号": "seq", "编号": "key", "事项编号": "key",
	"事项": "title", "承诺事项": "title", "工作任务": "title", "任务": "title", "督办事项": "title", "承诺内容": "title",
	"承办单位": "unit", "责任单位": "unit", "牵头单位": "unit", "主办单位": "unit",
	"责任人": "owners", "联系人": "owners", "承办人": "owners",
	"完成时限": "due", "截止日期": "due", "完成时间": "due", "办结时限": "due", "截止时间": "due",
	"时限精度": "due_precision",
	"来源":   "source", "事项来源": "source",
	"类别": "category", "类型": "category",
	"目标": "target", "目标值": "target",
	"备注": "detail", "具体内容": "detail", "详情": "detail",
	"力度": "strength",
	"状态": "status", "办理状态": "status",
	"进度": "progress", "完成进度": "progress",
}

// xlsxValues maps Chinese cell values to the import format's words, per
// column.
var xlsxValues = map[string]map[string]string{
	"category": {"清运": "cleanup", "复绿修复": "restoration", "复绿": "restoration", "修复": "restoration",
		"平台": "platform", "平台建设": "platform", "目标": "target", "政策": "policy", "其他": "other"},
	"status": {"未开始": "open", "待办": "open", "未办结": "open", "推进中": "in_progress", "在办": "in_progress", "办理中": "in_progress",
		"已完成": "done", "完成": "done", "已办结": "done", "已销号": "verified", "销号": "verified", "已取消": "cancelled", "取消": "cancelled"},
	"strength":      {"确保": "firm", "力争": "aim"},
	"due_precision": {"日": "day", "月": "month", "季度": "quarter", "年": "year", "长期": "ongoing", "长期坚持": "ongoing", "常态化": "ongoing"},
}

// xlsxMaxHeaderRow is how far down the header row is looked for: a title
// row (often merged across the sheet) and a date line may come first.
const xlsxMaxHeaderRow = 20

// ParseXLSX reads the first sheet of an Excel workbook as a commitments
// table: the first of its top rows whose cells name a title column and at
// least one more known column is the header. Each later non-blank row is a
// commitment. Date cells are read as dates; text dates take the forms
// normalizeDate accepts. A row without a key column gets one from its 序号:
// SOURCE-序号 when the row names its source, FILE-序号 otherwise. Errors name
// the sheet and cell: 台账.xlsx:Sheet1!E7.
func ParseXLSX(data []byte, file string) (*Dataset, Errors) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipXMLSizeLimit: 256 << 20})
	if err != nil {
		return nil, Errors{{File: file, Msg: "not an Excel workbook (.xlsx): " + err.Error()}}
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, Errors{{File: file, Msg: "the workbook has no sheet"}}
	}
	sheet := sheets[0]
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, Errors{{File: file, Msg: fmt.Sprintf("read sheet %s: %v", sheet, err)}}
	}
	hdr, col := -1, map[string]int{}
	for i := 0; i < len(rows) && i < xlsxMaxHeaderRow; i++ {
		m := map[string]int{}
		for j, cell := range rows[i] {
			if name := headerName(cell); name != "" {
				if _, dup := m[name]; !dup {
					m[name] = j
				}
			}
		}
		if _, ok := m["title"]; ok && len(m) >= 2 {
			hdr, col = i, m
			break
		}
	}
	if hdr < 0 {
		return nil, Errors{{File: file, Cell: sheet + "!A1", Msg: "no header row found in the first 20 rows: want a row with 事项 (or title) and 承办单位, 责任人, 完成时限 …"}}
	}
	ds := &Dataset{sheet: sheet, cols: map[string]string{}}
	for name, j := range col {
		c, _ := excelize.ColumnNumberToName(j + 1)
		ds.cols[name] = c
	}
	var errs Errors
	stem := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	for i := hdr + 1; i < len(rows); i++ {
		row, line := rows[i], i+1
		if blank(row) {
			continue
		}
		get := func(name string) string {
			j, ok := col[name]
			if !ok || j >= len(row) {
				return ""
			}
			v := strings.TrimSpace(row[j])
			if m := xlsxValues[name]; m != nil {
				if w, ok := m[v]; ok {
					return w
				}
			}
			return v
		}
		bad := func(field, format string, args ...any) {
			errs = append(errs, ds.Errorf(file, line, field, format, args...))
		}
		c := commitmentOf(func(name string) string {
			switch name {
			case "due":
				return excelDate(get("due"))
			case "progress":
				return excelPercent(get("progress"))
			}
			return get(name)
		}, line)
		c.parseNumbers(func(name string) string {
			if name == "progress" {
				return excelPercent(get("progress"))
			}
			return get(name)
		}, bad)
		if c.Key == "" {
			if seq := get("seq"); seq != "" {
				prefix := stem
				if c.Source != "" {
					prefix = c.Source
				}
				c.Key = prefix + "-" + seq
			}
		}
		ds.Commitments = append(ds.Commitments, c)
	}
	ds.Normalize()
	return ds, errs
}

// headerName returns the CSV column a heading names, or "".
func headerName(cell string) string {
	h := strings.Join(strings.Fields(cell), "")
	for _, br := range []string{"（", "("} {
		if i := strings.Index(h, br); i > 0 {
			h = h[:i]
		}
	}
	if name, ok := xlsxHeaders[h]; ok {
		return name
	}
	for _, name := range append(append([]string{}, CSVHeader...), csvOptional...) {
		if strings.EqualFold(h, name) {
			return name
		}
	}
	return ""
}

func blank(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// excelDate turns an Excel date serial (a date cell read raw, like 45473)
// into YYYY-MM-DD; text is returned as it is, for normalizeDate.
func excelDate(v string) string {
	n, err := strconv.ParseFloat(v, 64)
	if err != nil || n < 1 || n > 2958465 || strings.ContainsAny(v, "-/") {
		return v
	}
	t, err := excelize.ExcelDateToTime(n, false)
	if err != nil {
		return v
	}
	return t.Format("2006-01-02")
}

// excelPercent reads a progress cell: 80, "80%", or 0.8 from a cell
// formatted as a percentage.
func excelPercent(v string) string {
	v = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(v, "%"), "％"))
	if f, err := strconv.ParseFloat(v, 64); err == nil {
		if f > 0 && f <= 1 && strings.Contains(v, ".") {
			f *= 100
		}
		if f == math.Trunc(f) {
			return strconv.Itoa(int(f))
		}
	}
	return v
}
