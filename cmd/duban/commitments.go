package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/mattn/go-runewidth"
	"github.com/spf13/cobra"

	"duban/domain"
	"duban/store"
)

// item is a commitment as list and show print it in JSON.
type item struct {
	ID           int64          `json:"id"`
	Key          string         `json:"key"`
	Title        string         `json:"title"`
	Unit         string         `json:"unit"`
	Owners       []string       `json:"owners"`
	Due          string         `json:"due"`
	DuePrecision string         `json:"due_precision"`
	Status       string         `json:"status"`
	Light        string         `json:"light"`
	Progress     int            `json:"progress"`
	DaysOverdue  int            `json:"days_overdue"`
	Category     string         `json:"category"`
	Strength     string         `json:"strength"`
	Target       string         `json:"target,omitempty"`
	TargetValue  *float64       `json:"target_value,omitempty"`
	TargetUnit   string         `json:"target_unit,omitempty"`
	Source       *itemSource    `json:"source"`
	Detail       string         `json:"detail,omitempty"`
	History      []store.Event  `json:"history,omitempty"`
	Pending      *itemExtension `json:"pending_extension,omitempty"`
}

type itemSource struct {
	Key            string `json:"key"`
	Number         string `json:"number"`
	ReplyDocNo     string `json:"reply_doc_no"`
	Classification string `json:"classification"`
}

type itemExtension struct {
	RequestedDue string `json:"requested_due"`
	Reason       string `json:"reason"`
	Late         bool   `json:"late"`
}

// sourceCache looks each source up once per command.
type sourceCache map[string]*itemSource

func (m *Main) toItem(c *domain.Commitment, now time.Time, sc sourceCache, db *store.DB, cmd *cobra.Command) *item {
	cfg, _ := m.config()
	loc := m.loc()
	it := &item{ID: c.ID, Key: c.Key, Title: c.Title, Unit: c.Unit, Owners: c.Owners, Due: c.Due.String(),
		DuePrecision: string(c.DuePrecision), Status: string(c.Status), Light: string(c.Light(now, loc, cfg.Reminders.WarnDays)),
		Progress: c.Progress, Category: c.Category, Strength: string(c.Strength), Target: c.Target,
		TargetValue: c.TargetValue, TargetUnit: c.TargetUnit, Detail: c.Detail}
	if it.Owners == nil {
		it.Owners = []string{}
	}
	if c.Status.Active() {
		it.DaysOverdue = domain.DaysOverdue(c.Due, now, loc)
	}
	if c.SourceKey != "" {
		s, ok := sc[c.SourceKey]
		if !ok {
			if src, err := db.Source(cmd.Context(), c.SourceKey); err == nil {
				s = &itemSource{Key: src.Key, Number: src.Number, ReplyDocNo: src.ReplyDocNo, Classification: src.Classification}
			}
			sc[c.SourceKey] = s
		}
		it.Source = s
	}
	return it
}

func (m *Main) listCommand() *cobra.Command {
	var statuses, lights []string
	var unit, owner, dueBefore, source, format, search string
	c := &cobra.Command{
		Use:   "list",
		Short: "列出督办事项 (list commitments)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			cfg, err := m.config()
			if err != nil {
				return err
			}
			f := store.Filter{SourceKey: source, Search: search, Loc: m.loc(), WarnDays: cfg.Reminders.WarnDays}
			for _, s := range splitList(statuses) {
				st, err := domain.ParseStatus(s)
				if err != nil {
					return usagef("--status: 状态无效 (%v)", err)
				}
				f.Statuses = append(f.Statuses, st)
			}
			for _, s := range splitList(lights) {
				l, ok := domain.ParseLight(s)
				if !ok {
					return usagef("--light: 未知的灯色 %q，应为 red、yellow、green、done、grey 或 红灯、黄灯、绿灯 (unknown light: want red, yellow, green, done or grey)", s)
				}
				f.Lights = append(f.Lights, l)
			}
			if dueBefore != "" {
				if f.DueBefore, err = domain.ParseDate(dueBefore); err != nil {
					return usagef("--due-before: 日期无效 (%v)", err)
				}
			}
			if format != "table" && format != "json" && format != "csv" {
				return usagef("--format: 应为 table、json 或 csv，而非 %q (want table, json or csv)", format)
			}
			db, err := m.store(c.Context())
			if err != nil {
				return err
			}
			// A name or a key; an unknown one is bad input, not an
			// empty list.
			if unit != "" {
				if f.Unit, err = db.ResolveUnit(c.Context(), unit); err != nil {
					return flagErr("--unit", err, "")
				}
			}
			if owner != "" {
				if f.Owner, err = db.ResolveContact(c.Context(), owner); err != nil {
					return flagErr("--owner", err, "")
				}
			}
			now := m.Now()
			sc := sourceCache{}
			w := newListWriter(m.Stdout, format, m.lang())
			// The table names people; JSON and CSV keep contact keys.
			cts, err := db.Contacts(c.Context())
			if err != nil {
				return err
			}
			w.names = make(map[string]string, len(cts))
			for _, ct := range cts {
				w.names[ct.Key] = ct.Name
			}
			err = db.List(c.Context(), f, func(cm *domain.Commitment) error {
				return w.write(m.toItem(cm, now, sc, db, c))
			})
			if err != nil {
				return err
			}
			return w.close()
		},
	}
	c.Flags().StringSliceVar(&statuses, "status", nil, "状态：open, in_progress, done, verified, cancelled 或 未启动、进行中、已完成、已销号、已撤销（逗号分隔） (statuses, comma-separated)")
	c.Flags().StringSliceVar(&lights, "light", nil, "灯色：red, yellow, green, done, grey 或 红灯、黄灯、绿灯（逗号分隔） (lights, comma-separated)")
	c.Flags().StringVar(&unit, "unit", "", "承办单位名称或编号 (unit name or id)")
	c.Flags().StringVar(&owner, "owner", "", "责任人：联系人标识或姓名 (owner: contact key or name)")
	c.Flags().StringVar(&search, "search", "", "搜索事项、说明或来源（编号、标题、答复文号）中的文字 (text in the title, detail or source: number, title, reply document number)")
	c.Flags().StringVar(&dueBefore, "due-before", "", "期限不晚于 YYYY-MM-DD (due on or before YYYY-MM-DD)")
	c.Flags().StringVar(&source, "source", "", "来源标识 (source key)")
	c.Flags().StringVar(&format, "format", "table", "输出格式：table、json 或 csv (table, json or csv)")
	return c
}

func splitList(v []string) []string {
	var out []string
	for _, s := range v {
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// listWriter streams items as a table, a JSON array or CSV.
type listWriter struct {
	w      io.Writer
	format string
	n      int
	rows   [][]string
	csv    *csv.Writer
	// names maps contact keys to names for the table.
	names map[string]string
	// lang is the table's language (headers and values).
	lang string
}

var listHeader = []string{"id", "light", "due", "progress", "status", "unit", "owners", "title"}

func newListWriter(w io.Writer, format, lang string) *listWriter {
	lw := &listWriter{w: w, format: format, lang: lang}
	switch format {
	case "json":
		io.WriteString(w, "[")
	case "csv":
		w.Write([]byte{0xEF, 0xBB, 0xBF})
		lw.csv = csv.NewWriter(w)
		lw.csv.Write([]string{"id", "key", "title", "unit", "owners", "due", "due_precision", "status", "light", "progress", "days_overdue", "source"})
	}
	return lw
}

func (lw *listWriter) write(it *item) error {
	defer func() { lw.n++ }()
	switch lw.format {
	case "json":
		b, err := json.Marshal(it)
		if err != nil {
			return err
		}
		if lw.n > 0 {
			io.WriteString(lw.w, ",")
		}
		_, err = fmt.Fprintf(lw.w, "\n  %s", b)
		return err
	case "csv":
		src := ""
		if it.Source != nil {
			src = it.Source.Key
		}
		return lw.csv.Write([]string{strconv.FormatInt(it.ID, 10), it.Key, it.Title, it.Unit, strings.Join(it.Owners, ";"),
			it.Due, it.DuePrecision, it.Status, it.Light, strconv.Itoa(it.Progress), strconv.Itoa(it.DaysOverdue), src})
	}
	due := it.Due
	if due == "" {
		due = word("ongoing", lw.lang)
	}
	if it.DaysOverdue > 0 {
		due += " (" + fmt.Sprintf(word("overdueDay", lw.lang), it.DaysOverdue) + ")"
	}
	lw.rows = append(lw.rows, []string{"#" + strconv.FormatInt(it.ID, 10), domain.LightName(domain.Light(it.Light), lw.lang), due,
		strconv.Itoa(it.Progress) + "%", domain.StatusName(domain.Status(it.Status), lw.lang), it.Unit, strings.Join(lw.ownerNames(it.Owners), "、"), it.Title})
	return nil
}

func (lw *listWriter) close() error {
	switch lw.format {
	case "json":
		if lw.n > 0 {
			io.WriteString(lw.w, "\n")
		}
		_, err := io.WriteString(lw.w, "]\n")
		return err
	case "csv":
		lw.csv.Flush()
		return lw.csv.Error()
	}
	header := make([]string, len(listHeader))
	for i, h := range listHeader {
		header[i] = word(h, lw.lang)
	}
	writeTable(lw.w, header, lw.rows)
	return nil
}

// writeTable aligns columns by display width: East Asian wide characters
// take two columns, so Chinese titles line up.
func writeTable(w io.Writer, header []string, rows [][]string) {
	width := make([]int, len(header))
	for i, h := range header {
		width[i] = runewidth.StringWidth(h)
	}
	for _, r := range rows {
		for i, cell := range r {
			width[i] = max(width[i], runewidth.StringWidth(cell))
		}
	}
	line := func(cells []string) {
		var sb strings.Builder
		for i, cell := range cells {
			if i == len(cells)-1 {
				sb.WriteString(cell)
				break
			}
			sb.WriteString(runewidth.FillRight(cell, width[i]))
			sb.WriteString("  ")
		}
		fmt.Fprintln(w, strings.TrimRight(sb.String(), " "))
	}
	line(header)
	for _, r := range rows {
		line(r)
	}
}

// ownerNames gives owners by name, a key with no contact as it is.
func (lw *listWriter) ownerNames(keys []string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k
		if n, ok := lw.names[k]; ok && n != "" {
			out[i] = n
		}
	}
	return out
}
