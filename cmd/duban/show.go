package main

import (
	"encoding/json"
	"fmt"
	"github.com/mattn/go-runewidth"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"duban/domain"
	"duban/textenc"
)

// parseID accepts 12 or #12.
func parseID(s string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(s), "#"), 10, 64)
	if err != nil || id <= 0 {
		return 0, usagef("编号 %q 无效，应为事项编号，如 12 或 #12 (invalid id: want a commitment number like 12 or #12)", s)
	}
	return id, nil
}

func (m *Main) showCommand() *cobra.Command {
	var format string
	c := &cobra.Command{
		Use:   "show ID",
		Short: "查看一项督办事项及其办理记录 (one commitment with its history)",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			id, err := parseID(args[0])
			if err != nil {
				return err
			}
			if format != "text" && format != "json" {
				return usagef("--format: 应为 text 或 json，而非 %q (want text or json)", format)
			}
			db, err := m.store(c.Context())
			if err != nil {
				return err
			}
			cm, err := db.Commitment(c.Context(), id)
			if err != nil {
				return err
			}
			it := m.toItem(cm, m.Now(), sourceCache{}, db, c)
			if it.History, err = db.History(c.Context(), id); err != nil {
				return err
			}
			if ext, err := db.PendingExtension(c.Context(), id); err == nil {
				it.Pending = &itemExtension{RequestedDue: ext.RequestedDue.String(), Reason: ext.Reason, Late: ext.Late}
			}
			if format == "json" {
				enc := json.NewEncoder(m.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(it)
			}
			// The text names people; JSON keeps contact keys.
			cts, err := db.Contacts(c.Context())
			if err != nil {
				return err
			}
			names := map[string]string{}
			for _, ct := range cts {
				names[ct.Key] = ct.Name
			}
			m.printItem(it, names)
			return nil
		},
	}
	c.Flags().StringVar(&format, "format", "text", "输出格式：text 或 json (text or json)")
	return c
}

func (m *Main) printItem(it *item, names map[string]string) {
	name := func(key string) string {
		if n := names[key]; n != "" {
			return n
		}
		return key
	}
	lang := m.lang()
	w := m.Stdout
	// label pads a label to one width (a Chinese character is two
	// columns), so the values line up in both languages.
	label := func(key string) string {
		return "  " + runewidth.FillRight(word("show."+key, lang)+":", 11)
	}
	fmt.Fprintf(w, "#%d %s\n", it.ID, it.Title)
	fmt.Fprintf(w, "%s%s\n", label("key"), it.Key)
	due := it.Due
	if due == "" {
		due = word("show.noDue", lang)
	} else {
		due += " (" + word("prec."+it.DuePrecision, lang) + ")"
	}
	fmt.Fprintf(w, "%s%s\n", label("due"), due)
	light := domain.LightName(domain.Light(it.Light), lang)
	if it.DaysOverdue > 0 {
		light += ", " + fmt.Sprintf(word("show.overdue", lang), it.DaysOverdue)
	}
	fmt.Fprintf(w, "%s%s, %d%%, %s\n", label("status"), domain.StatusName(domain.Status(it.Status), lang), it.Progress, light)
	fmt.Fprintf(w, "%s%s\n", label("unit"), it.Unit)
	owners := make([]string, len(it.Owners))
	for i, k := range it.Owners {
		owners[i] = name(k)
	}
	fmt.Fprintf(w, "%s%s\n", label("owners"), strings.Join(owners, "、"))
	fmt.Fprintf(w, "%s%s (%s)\n", label("category"), it.Category, word(it.Strength, lang))
	if it.TargetValue != nil || it.Target != "" {
		tv := ""
		if it.TargetValue != nil {
			tv = strconv.FormatFloat(*it.TargetValue, 'f', -1, 64) + " " + it.TargetUnit
		}
		fmt.Fprintf(w, "%s%s %s\n", label("target"), it.Target, tv)
	}
	if it.Source != nil {
		fmt.Fprintf(w, "%s%s %s %s %s\n", label("source"), it.Source.Key, it.Source.Number, it.Source.ReplyDocNo, it.Source.Classification)
	}
	if it.Detail != "" {
		fmt.Fprintf(w, "%s%s\n", label("detail"), it.Detail)
	}
	if it.Pending != nil {
		late := ""
		if it.Pending.Late {
			late = word("show.late", lang)
		}
		fmt.Fprintf(w, "  "+word("show.pending", lang)+"\n", it.Pending.RequestedDue, late, it.Pending.Reason)
	}
	if len(it.History) > 0 {
		fmt.Fprintf(w, "  %s:\n", word("show.history", lang))
	}
	statusName := func(s string) string { return domain.StatusName(domain.Status(s), lang) }
	for _, e := range it.History {
		at := e.At.In(m.loc()).Format("2006-01-02 15:04")
		var what string
		switch e.Kind {
		case "progress":
			what = fmt.Sprintf(word("ev.progress", lang), *e.Percent)
		case "status":
			what = fmt.Sprintf(word("ev.status", lang), statusName(e.From), statusName(e.To))
		case "extension":
			what = fmt.Sprintf(word("ev.extension", lang), e.OldDue, e.NewDue, word("ext."+e.State, lang))
		case "notification":
			kind, _, _ := strings.Cut(e.Note, " ")
			what = fmt.Sprintf(word("ev.sent", lang), domain.KindName(kind, lang))
			e.Note = ""
		}
		who := name(e.Actor)
		if who == "" && e.Channel != "" {
			who = e.Channel
		}
		line := "    " + at + "  " + runewidth.FillRight(what, 28) + " " + who
		if e.Note != "" {
			line += "  " + e.Note
		}
		if len(e.Evidence) > 0 {
			line += "  " + word("show.evidence", lang) + ": " + strings.Join(e.Evidence, ", ")
		}
		fmt.Fprintln(w, strings.TrimRight(line, " "))
	}
}

func (m *Main) addCommand() *cobra.Command {
	var title, unit, due, source, category, key, precision, detail, strength string
	var owners []string
	var newUnit bool
	c := &cobra.Command{
		Use:   "add",
		Short: "新增一项督办事项 (add one commitment)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			n := storeNew(title, unit, source, category, key, detail, owners)
			if due != "" {
				d, err := domain.ParseDate(due)
				if err != nil {
					return usagef("--due: 日期无效 (%v)", err)
				}
				n.Due = d
			}
			if precision != "" {
				p, err := domain.ParsePrecision(precision)
				if err != nil {
					return usagef("--precision: 精度无效 (%v)", err)
				}
				n.DuePrecision = p
			}
			if n.Due.IsZero() && n.DuePrecision != "" && n.DuePrecision != domain.POngoing {
				return usagef("--due: 缺少期限（或用 --precision ongoing） (missing, or --precision ongoing)")
			}
			if n.Due.IsZero() && precision == "" {
				return usagef("--due: 缺少期限；常态化事项请用 --precision ongoing (missing: use --precision ongoing for an item with no due date)")
			}
			if category != "" && !contains(domain.Categories, category) {
				return usagef("--category: 未知类别 %q，应为 %s 之一 (unknown category)", category, strings.Join(domain.Categories, ", "))
			}
			if strength != "" && strength != "firm" && strength != "aim" {
				return usagef("--strength: 应为 firm（硬性）或 aim（争取），而非 %q (want firm or aim)", strength)
			}
			n.Strength = domain.Strength(strength)
			if err := domain.DueFits(n.Due, n.DuePrecision); err != nil {
				return usagef("--due: 期限与精度不符 (%s)", domain.ErrorMessage(err))
			}
			for _, t := range []struct {
				flag, v string
				max     int
			}{{"--title", title, textenc.MaxTitle}, {"--detail", detail, textenc.MaxNote}} {
				if err := textenc.Check(t.v, t.max); err != nil {
					return usagef("%s: 文字不合要求 (%v)", t.flag, err)
				}
			}
			db, err := m.store(c.Context())
			if err != nil {
				return err
			}
			if err := m.checkAddRefs(c, db, &n, newUnit); err != nil {
				return err
			}
			id, err := db.AddCommitment(c.Context(), n)
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "#%d %s：已新增 (added)\n", id, n.Title)
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&title, "title", "", "承诺事项 (what was promised)")
	f.StringVar(&unit, "unit", "", "承办单位 (responsible unit)")
	f.StringSliceVar(&owners, "owner", nil, "责任人联系人标识或姓名（可重复或逗号分隔） (owner contact key or name; repeat or comma-separate)")
	f.StringVar(&due, "due", "", "期限 YYYY-MM-DD (due date)")
	f.StringVar(&precision, "precision", "", "期限精度：day、month、quarter、year 或 ongoing（日、月、季度、年、常态化） (due precision)")
	f.StringVar(&source, "source", "", "来源标识 (source key)")
	f.StringVar(&category, "category", "", "类别："+strings.Join(domain.Categories, ", ")+" (category)")
	f.StringVar(&key, "key", "", "固定标识，默认 c-编号 (stable key, default c-ID)")
	f.StringVar(&detail, "detail", "", "说明 (detail)")
	f.StringVar(&strength, "strength", "", "承诺力度：firm（硬性）或 aim（争取） (firm or aim)")
	f.BoolVar(&newUnit, "new-unit", false, "--unit 不存在时新建该单位；不加此参数时未知单位会被拒绝，以免笔误成了新单位 (create --unit if it does not exist; without it an unknown unit is refused: a typo must not become a unit)")
	return c
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
