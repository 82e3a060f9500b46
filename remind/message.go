package remind

import (
	"html"
	"strconv"
	"strings"
	"time"

	"duban/domain"
	"duban/notify"
)

// Text renders the message of r about c in lang ("en", or Chinese for
// anything else) at now, in loc: Telegram HTML naming the commitment by id
// and title, its due date with the days left or overdue, its progress and
// light, and, for an owner, the commands to answer with; an escalation names
// the unit and the owners (by name, from r.Owners). User text (the title,
// the unit, the names) is escaped.
func Text(r Reminder, c *domain.Commitment, lang string, now time.Time, loc *time.Location) string {
	text := ItemText(r, c, lang, now, loc)
	if r.Kind != KindEscalation {
		text += "\n" + wordsFor(lang).replyWith(strconv.FormatInt(c.ID, 10), !c.Ongoing())
	}
	return text
}

// ItemText is Text without the commands to answer with: one item of a
// batch (BatchText), which lists the commands once at its end.
func ItemText(r Reminder, c *domain.Commitment, lang string, now time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	w := wordsFor(lang)
	today := domain.DateOf(now, loc)
	id := strconv.FormatInt(c.ID, 10)
	lines := []string{
		w.heading(r.Kind),
		"#" + id + " <b>" + html.EscapeString(c.Title) + "</b>",
		w.due(c.Due, today),
		w.progress(c.Progress, domain.LightOf(c.Status, c.Due, now, loc, r.WarnDays)),
	}
	if r.Kind == KindProgressCheck {
		lines = append(lines, w.silence(c, today, loc))
	}
	if r.Kind != KindEscalation {
		return strings.Join(lines, "\n")
	}
	if c.Unit != "" {
		lines = append(lines, w.pick("承办单位：", "Unit: ")+html.EscapeString(c.Unit))
	}
	if len(c.Owners) > 0 {
		lines = append(lines, w.pick("责任人：", "Owners: ")+html.EscapeString(strings.Join(ownerNames(c.Owners, r.Owners), w.pick("、", ", "))))
	}
	lines = append(lines, w.pick("已逾期未完成，请督查室跟进：", "Overdue and not done; please follow up: ")+"<code>/show "+id+"</code>")
	return strings.Join(lines, "\n")
}

// ownerNames gives the owners by name, as everything a person reads does:
// each key's contact among contacts, or the key itself when none is known.
func ownerNames(keys []string, contacts []*domain.Contact) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k
		for _, ct := range contacts {
			if ct != nil && ct.Key == k && ct.Name != "" {
				out[i] = ct.Name
				break
			}
		}
	}
	return out
}

// Buttons returns the inline keyboard of an owner reminder: the domain's
// owner buttons (domain.OwnerButtons), 完成, 进度 and, for an item with a
// due date, 延期, whose callback data "d:12", "p:12" and "x:12" the bot
// handles as /done, /progress and /extend. An ongoing item (常态化) takes no
// extension request, so it has no 延期. An escalation, which goes to the
// supervision chat, has none.
func Buttons(r Reminder, c *domain.Commitment, lang string) [][]notify.Button {
	if r.Kind == KindEscalation || r.Contact == nil {
		return nil
	}
	return domain.OwnerButtons(c, wordsFor(lang).lang())
}

// BatchText is the message that carries several reminders for one chat,
// items as ItemText renders them, most urgent first (see Rank): a heading
// with their number, the items one after another with a blank line
// between, and, when any is for an owner, the commands to answer with,
// once.
func BatchText(items []string, lang string, owner bool) string {
	w := wordsFor(lang)
	var b strings.Builder
	if w.en {
		b.WriteString("📋 <b>" + strconv.Itoa(len(items)) + " items need your attention</b>")
	} else {
		b.WriteString("📋 <b>督办提醒：共 " + strconv.Itoa(len(items)) + " 项</b>")
	}
	for _, it := range items {
		b.WriteString("\n\n")
		b.WriteString(it)
	}
	if owner {
		b.WriteString("\n\n")
		b.WriteString(w.replyWith(w.pick("编号", "ID"), true))
	}
	return b.String()
}

// ItemButtons is Buttons for one item of a batch: the labels carry the
// item's number ("完成 #12"), so that each row says which item it acts on.
func ItemButtons(r Reminder, c *domain.Commitment, lang string) [][]notify.Button {
	rows := Buttons(r, c, lang)
	suffix := " #" + strconv.FormatInt(c.ID, 10)
	for _, row := range rows {
		for i := range row {
			row[i].Text += suffix
		}
	}
	return rows
}

// Rank orders the reminders of a batch: red first (overdue and
// escalations), then what is due today, then lead reminders, then progress
// checks.
func Rank(kind string) int {
	switch kind {
	case KindOverdue, KindEscalation:
		return 0
	case KindDue:
		return 1
	case KindLead:
		return 2
	}
	return 3
}

// words writes the parts of a message in Chinese or, when en is set, English.
type words struct{ en bool }

// wordsFor returns the words of lang: English for "en" and its regional
// variants, Chinese for anything else (zh is duban's default language).
func wordsFor(lang string) words {
	return words{en: domain.IsEnglish(lang)}
}

// lang is the language code of the domain's vocabulary: "en" or "zh".
func (w words) lang() string {
	if w.en {
		return "en"
	}
	return "zh"
}

func (w words) pick(zh, en string) string {
	if w.en {
		return en
	}
	return zh
}

// heading is the kind's icon and its name in the one vocabulary
// (domain.KindName), in bold.
func (w words) heading(kind string) string {
	name := domain.KindName(kind, w.lang())
	if w.en && name != "" {
		name = strings.ToUpper(name[:1]) + name[1:]
	}
	return kindIcons[kind] + " <b>" + name + "</b>"
}

var kindIcons = map[string]string{
	KindLead: "⏰", KindDue: "⏰", KindOverdue: "🔴", KindEscalation: "🚨", KindProgressCheck: "📝",
}

var (
	weekdaysZH = [7]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}
	weekdaysEN = [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
)

// due says when the commitment is due and how many days are left or past.
func (w words) due(due, today domain.Date) string {
	if due.IsZero() {
		return w.pick("长期事项，无截止日期", "Ongoing, no due date")
	}
	left := today.DaysUntil(due)
	if w.en {
		s := "Due " + due.String() + " (" + weekdaysEN[due.Weekday()] + "), "
		switch {
		case left > 1:
			return s + "in " + strconv.Itoa(left) + " days"
		case left == 1:
			return s + "tomorrow"
		case left == 0:
			return s + "today"
		}
		return s + plural(-left, "day") + " overdue"
	}
	s := "截止日期：" + due.ZH() + "（" + weekdaysZH[due.Weekday()] + "），"
	switch {
	case left > 1:
		return s + "还有 " + strconv.Itoa(left) + " 天"
	case left == 1:
		return s + "明天到期"
	case left == 0:
		return s + "今天到期"
	}
	return s + "已逾期 " + strconv.Itoa(-left) + " 天"
}

// progress shows the progress percentage and the light.
func (w words) progress(pct int, l domain.Light) string {
	light := domain.LightIcon(l) + " " + domain.LightName(l, w.lang())
	if w.en {
		return "Progress " + strconv.Itoa(pct) + "% · " + light
	}
	return "进度：" + strconv.Itoa(pct) + "%　" + light
}

// silence says how long the owners have not reported progress.
func (w words) silence(c *domain.Commitment, today domain.Date, loc *time.Location) string {
	if c.LastProgressAt != nil && !c.LastProgressAt.IsZero() {
		d := domain.DateOf(*c.LastProgressAt, loc)
		n := d.DaysUntil(today)
		if w.en {
			return "No progress update for " + plural(n, "day") + " (last on " + d.String() + ")."
		}
		return "已 " + strconv.Itoa(n) + " 天没有进度更新（上次更新：" + d.ZH() + "）"
	}
	d := domain.DateOf(c.CreatedAt, loc)
	n := d.DaysUntil(today)
	if w.en {
		return "No progress update in the " + plural(n, "day") + " since it was registered on " + d.String() + "."
	}
	return "自 " + d.ZH() + " 登记以来 " + strconv.Itoa(n) + " 天没有进度更新"
}

// replyWith lists the commands an owner answers with, /extend only when
// the item has a due date to move (extend); the bot takes the Chinese
// aliases too, but the ASCII names are easier to type on any phone.
func (w words) replyWith(id string, extend bool) string {
	if w.en {
		s := "Reply with:\n" +
			"<code>/progress " + id + " 60 note</code> to report progress (percent 0-100)\n" +
			"<code>/done " + id + "</code> when it is done (a photo may be attached)"
		if extend {
			s += "\n<code>/extend " + id + " YYYY-MM-DD reason</code> to ask for an extension"
		}
		return s
	}
	s := "请回复：\n" +
		"<code>/progress " + id + " 60 说明</code> 报告进度（百分比 0-100）\n" +
		"<code>/done " + id + "</code> 已完成（可附照片）"
	if extend {
		s += "\n<code>/extend " + id + " YYYY-MM-DD 理由</code> 申请延期"
	}
	return s
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}
