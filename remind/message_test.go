package remind_test

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"duban/dataset"
	"duban/domain"
	"duban/notify"
	"duban/remind"
)

// reminderAt returns the reminder of kind that the default policy gives the
// seed item, edited by edit, at now.
func reminderAt(t *testing.T, kind string, c *domain.Commitment, now time.Time) remind.Reminder {
	t.Helper()
	p := defaultPolicy(t)
	for _, r := range p.Due(remind.Item{Commitment: c, Owners: []*domain.Contact{zhang}}, now) {
		if r.Kind == kind {
			return r
		}
	}
	t.Fatalf("no %s reminder at %s", kind, now)
	return remind.Reminder{}
}

func TestText(t *testing.T) {
	inProgress := func() *domain.Commitment {
		c := fenggang()
		p := at(shanghai, "2024-06-20 16:30")
		c.Status, c.Progress, c.LastProgressAt = domain.InProgress, 60, &p
		return c
	}
	ongoing := func() *domain.Commitment {
		c := fenggang()
		c.Due, c.DuePrecision = domain.Date{}, domain.POngoing
		return c
	}
	tests := []struct {
		name    string
		kind    string
		c       *domain.Commitment
		lang    string
		now     time.Time
		want    []string
		notWant []string
	}{
		{
			name: "a Chinese lead reminder names the item, the due date, the days left, progress, light and commands",
			kind: remind.KindLead, c: fenggang(), lang: "zh", now: at(shanghai, "2024-06-21 09:00"),
			want: []string{
				"提前提醒", "#12 <b>凤岗村附近倾倒填埋陶瓷固废点完成复绿修复</b>",
				"截止日期：2024年6月30日（周日），还有 9 天", "进度：0%", "🟢 绿灯",
				"<code>/progress 12 60 说明</code>", "<code>/done 12</code>", "<code>/extend 12 YYYY-MM-DD 理由</code>",
			},
		},
		{
			name: "the due reminder that arrives on Friday says two days are left and the light is yellow",
			kind: remind.KindDue, c: fenggang(), lang: "zh", now: at(shanghai, "2024-06-28 09:00"),
			want: []string{"到期提醒", "还有 2 天", "🟡 黄灯"},
		},
		{
			name: "an English due reminder reads in English",
			kind: remind.KindDue, c: fenggang(), lang: "en", now: at(shanghai, "2024-06-28 09:00"),
			want: []string{
				"<b>Due reminder</b>", "#12 <b>凤岗村", "Due 2024-06-30 (Sun), in 2 days", "Progress 0% · 🟡 yellow",
				"<code>/progress 12 60 note</code>", "<code>/done 12</code>", "<code>/extend 12 YYYY-MM-DD reason</code>",
			},
			notWant: []string{"说明", "截止"},
		},
		{
			name: "a message rendered on the due date says it is due today",
			kind: remind.KindDue, c: fenggang(), lang: "zh", now: at(shanghai, "2024-06-30 10:00"),
			want: []string{"今天到期"},
		},
		{
			name: "an overdue reminder says how many days overdue, in red",
			kind: remind.KindOverdue, c: inProgress(), lang: "zh", now: at(shanghai, "2024-07-05 09:00"),
			want: []string{"逾期提醒", "已逾期 5 天", "进度：60%", "🔴 红灯", "/done 12"},
		},
		{
			name: "an English overdue reminder says how many days overdue",
			kind: remind.KindOverdue, c: fenggang(), lang: "en", now: at(shanghai, "2024-07-05 09:00"),
			want: []string{"<b>Overdue reminder</b>", "5 days overdue", "🔴 red"},
		},
		{
			name: "an escalation names the unit and owners and offers /show, not the owners' commands",
			kind: remind.KindEscalation, c: fenggang(), lang: "zh", now: at(shanghai, "2024-07-03 09:00"),
			want:    []string{"逾期督办", "已逾期 3 天", "承办单位：国家试验区管委会办公室", "责任人：张国斌", "<code>/show 12</code>"},
			notWant: []string{"/done", "/progress", "/extend", "zhang-guobin"},
		},
		{
			name: "an English escalation",
			kind: remind.KindEscalation, c: fenggang(), lang: "en", now: at(shanghai, "2024-07-03 09:00"),
			want:    []string{"Escalation", "3 days overdue", "Unit: ", "Owners: 张国斌", "/show 12"},
			notWant: []string{"zhang-guobin"},
		},
		{
			name: "a progress check of an item never updated counts from its registration",
			kind: remind.KindProgressCheck, c: fenggang(), lang: "zh", now: at(shanghai, "2024-05-15 09:00"),
			want: []string{"进度询问", "自 2024年4月15日 登记以来 30 天没有进度更新", "/progress 12"},
		},
		{
			name: "a progress check counts from the last update",
			kind: remind.KindProgressCheck, c: inProgress(), lang: "en", now: at(shanghai, "2024-07-19 09:00"),
			want: []string{"Progress check", "No progress update for 29 days (last on 2024-06-20)."},
		},
		{
			name: "a progress check of an ongoing item says it has no due date",
			kind: remind.KindProgressCheck, c: ongoing(), lang: "zh", now: at(shanghai, "2024-05-15 09:00"),
			want:    []string{"长期事项，无截止日期", "🟢 绿灯"},
			notWant: []string{"截止日期：", "逾期"},
		},
		{
			name: "an unknown language falls back to Chinese",
			kind: remind.KindLead, c: fenggang(), lang: "fr", now: at(shanghai, "2024-06-21 09:00"),
			want: []string{"提前提醒"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := reminderAt(t, tt.kind, tt.c, tt.now)
			got := remind.Text(r, tt.c, tt.lang, tt.now, shanghai)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("text lacks %q:\n%s", w, got)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(got, w) {
					t.Errorf("text contains %q:\n%s", w, got)
				}
			}
			if n := utf8.RuneCountInString(got); n > notify.MaxTextLen {
				t.Errorf("text is %d characters, over Telegram's limit", n)
			}
		})
	}

	t.Run("an owner with no known contact is named by key rather than left out", func(t *testing.T) {
		c := fenggang()
		c.Owners = []string{"zhang-guobin", "li-ming"}
		r := remind.Reminder{Kind: remind.KindEscalation, WarnDays: 7, Owners: []*domain.Contact{zhang}}
		got := remind.Text(r, c, "zh", at(shanghai, "2024-07-03 09:00"), shanghai)
		if !strings.Contains(got, "责任人：张国斌、li-ming") {
			t.Errorf("escalation owners:\n%s", got)
		}
	})

	t.Run("user text is escaped for Telegram HTML", func(t *testing.T) {
		c := fenggang()
		c.Title, c.Unit, c.Owners = `<b>A & B</b>`, "X<Y>", []string{"a&b"}
		for _, kind := range []string{remind.KindLead, remind.KindEscalation} {
			r := remind.Reminder{Kind: kind, WarnDays: 7}
			got := remind.Text(r, c, "zh", at(shanghai, "2024-07-03 09:00"), shanghai)
			for _, w := range []string{"&lt;b&gt;A &amp; B&lt;/b&gt;"} {
				if !strings.Contains(got, w) {
					t.Errorf("%s text lacks %q:\n%s", kind, w, got)
				}
			}
			if kind == remind.KindEscalation && (!strings.Contains(got, "X&lt;Y&gt;") || !strings.Contains(got, "a&amp;b")) {
				t.Errorf("escalation text does not escape the unit and owners:\n%s", got)
			}
			if strings.Contains(got, "<b>A") || strings.Contains(got, "<Y>") {
				t.Errorf("%s text carries raw user HTML:\n%s", kind, got)
			}
		}
	})
}

func TestButtons(t *testing.T) {
	c := fenggang()
	owner := remind.Reminder{Kind: remind.KindDue, Contact: zhang, ChatID: zhang.ChatID}
	tests := []struct {
		name string
		r    remind.Reminder
		lang string
		want [][]notify.Button
	}{
		{"an owner reminder in Chinese offers 完成, 进度 and 延期", owner, "zh",
			[][]notify.Button{{{Text: "完成", Data: "d:12"}, {Text: "进度", Data: "p:12"}, {Text: "延期", Data: "x:12"}}}},
		{"an owner reminder in English offers Done, Progress and Extension", owner, "en",
			[][]notify.Button{{{Text: "Done", Data: "d:12"}, {Text: "Progress", Data: "p:12"}, {Text: "Extension", Data: "x:12"}}}},
		{"a progress check has the same buttons", remind.Reminder{Kind: remind.KindProgressCheck, Contact: zhang}, "zh",
			[][]notify.Button{{{Text: "完成", Data: "d:12"}, {Text: "进度", Data: "p:12"}, {Text: "延期", Data: "x:12"}}}},
		{"an escalation has none", remind.Reminder{Kind: remind.KindEscalation, ChatID: -100}, "zh", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := remind.Buttons(tt.r, c, tt.lang)
			if len(got) != len(tt.want) {
				t.Fatalf("Buttons = %v, want %v", got, tt.want)
			}
			for i := range got {
				if len(got[i]) != len(tt.want[i]) {
					t.Fatalf("Buttons = %v, want %v", got, tt.want)
				}
				for j := range got[i] {
					if got[i][j] != tt.want[i][j] {
						t.Errorf("button %d,%d = %+v, want %+v", i, j, got[i][j], tt.want[i][j])
					}
				}
			}
		})
	}
	t.Run("callback data fits Telegram's 64 bytes for the largest id", func(t *testing.T) {
		big := &domain.Commitment{ID: 1<<63 - 1}
		for _, row := range remind.Buttons(owner, big, "zh") {
			for _, b := range row {
				if len(b.Data) > 64 {
					t.Errorf("callback data %q is %d bytes", b.Data, len(b.Data))
				}
			}
		}
	})
}

func TestTextSpeaksTheDomainVocabulary(t *testing.T) {
	now := at(shanghai, "2024-07-05 09:00")
	t.Run("every light is named as the domain names it, in both languages", func(t *testing.T) {
		for _, st := range domain.Statuses {
			c := fenggang()
			c.Status = st
			light := c.Light(now, shanghai, 7)
			for _, lang := range []string{"zh", "en"} {
				got := remind.Text(remind.Reminder{Kind: remind.KindOverdue, WarnDays: 7}, c, lang, now, shanghai)
				want := domain.LightIcon(light) + " " + domain.LightName(light, lang)
				if !strings.Contains(got, want) {
					t.Errorf("%s %s text lacks %q:\n%s", st, lang, want, got)
				}
			}
		}
	})
	t.Run("a cancelled item's light reads 已撤销, never 已取消", func(t *testing.T) {
		c := fenggang()
		c.Status = domain.Cancelled
		got := remind.Text(remind.Reminder{Kind: remind.KindOverdue, WarnDays: 7}, c, "zh", now, shanghai)
		if !strings.Contains(got, "已撤销") || strings.Contains(got, "已取消") {
			t.Errorf("cancelled light:\n%s", got)
		}
	})
	t.Run("every heading is the kind's name in the domain vocabulary", func(t *testing.T) {
		for _, kind := range []string{remind.KindLead, remind.KindDue, remind.KindOverdue, remind.KindEscalation, remind.KindProgressCheck} {
			got := remind.Text(remind.Reminder{Kind: kind, WarnDays: 7}, fenggang(), "zh", now, shanghai)
			if first, _, _ := strings.Cut(got, "\n"); !strings.Contains(first, domain.KindName(kind, "zh")) {
				t.Errorf("%s heading %q lacks %q", kind, first, domain.KindName(kind, "zh"))
			}
		}
	})
}

func TestChineseTextWritesDatesAsDocumentsDo(t *testing.T) {
	iso := regexp.MustCompile(`\d{4}-\d{2}-\d{2}`)
	c := fenggang()
	p := at(shanghai, "2024-06-20 16:30")
	c.Status, c.Progress, c.LastProgressAt = domain.InProgress, 60, &p
	now := at(shanghai, "2024-07-19 09:00")
	for _, kind := range []string{remind.KindLead, remind.KindDue, remind.KindOverdue, remind.KindEscalation, remind.KindProgressCheck} {
		t.Run(kind+" in Chinese reads 2024年6月30日 and no ISO date", func(t *testing.T) {
			got := remind.Text(remind.Reminder{Kind: kind, WarnDays: 7}, c, "zh", now, shanghai)
			if !strings.Contains(got, "2024年6月30日") {
				t.Errorf("text lacks 2024年6月30日:\n%s", got)
			}
			if kind == remind.KindProgressCheck && !strings.Contains(got, "上次更新：2024年6月20日") {
				t.Errorf("progress check lacks 上次更新：2024年6月20日:\n%s", got)
			}
			if m := iso.FindString(got); m != "" {
				t.Errorf("text carries the ISO date %s:\n%s", m, got)
			}
		})
		t.Run(kind+" in English keeps ISO", func(t *testing.T) {
			got := remind.Text(remind.Reminder{Kind: kind, WarnDays: 7}, c, "en", now, shanghai)
			if !strings.Contains(got, "2024-06-30") {
				t.Errorf("text lacks 2024-06-30:\n%s", got)
			}
		})
	}
}

// exampleItem reads commitment key of the README's example letter.
func exampleItem(t *testing.T, key string) *domain.Commitment {
	t.Helper()
	f, err := os.Open("../examples/jingdezhen-111.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ds, err := dataset.ParseYAML(f, "jingdezhen-111.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for i, rec := range ds.Commitments {
		if rec.Key != key {
			continue
		}
		c := &domain.Commitment{ID: int64(i + 1), Key: rec.Key, Title: rec.Title, Unit: rec.Unit, Owners: rec.Owners,
			DuePrecision: domain.Precision(rec.DuePrecision), Status: domain.Open}
		if rec.Due != "" {
			if c.Due, err = domain.ParseDate(rec.Due); err != nil {
				t.Fatal(err)
			}
		}
		if c.CreatedAt, err = time.Parse(time.RFC3339, rec.CreatedAt); err != nil {
			t.Fatal(err)
		}
		return c
	}
	t.Fatalf("no commitment %s in the example", key)
	return nil
}

func TestOngoingItemHasNoExtension(t *testing.T) {
	c := exampleItem(t, "jdz-111-dumping-patrol") // 常态化巡查整治: ongoing, no due date
	if !c.Ongoing() {
		t.Fatalf("the example's patrol item has due date %s, want none", c.Due)
	}
	rs := defaultPolicy(t).Due(remind.Item{Commitment: c, Owners: []*domain.Contact{zhang}}, at(shanghai, "2024-07-22 10:00"))
	if len(rs) == 0 {
		t.Fatal("no reminder for the ongoing item")
	}
	for _, r := range rs {
		for _, lang := range []string{"zh", "en"} {
			t.Run("the "+r.Kind+" in "+lang+" offers 完成 and 进度 but no 延期 and no /extend", func(t *testing.T) {
				want := domain.OwnerButtons(c, lang)
				for _, got := range [][][]notify.Button{remind.Buttons(r, c, lang), remind.ItemButtons(r, c, lang)} {
					if len(got) != 1 || len(got[0]) != 2 {
						t.Fatalf("buttons = %v, want %v", got, want)
					}
					for i, b := range got[0] {
						if !strings.HasPrefix(b.Text, want[0][i].Text) || b.Data != want[0][i].Data {
							t.Errorf("button %d = %+v, want %+v", i, b, want[0][i])
						}
						if a, _, _ := domain.ParseCallback(b.Data); a == domain.BtnExtend {
							t.Errorf("an ongoing item carries the extension button %+v", b)
						}
					}
				}
				if text := remind.Text(r, c, lang, at(shanghai, "2024-07-22 10:00"), shanghai); strings.Contains(text, "/extend") {
					t.Errorf("the text of an ongoing item offers /extend:\n%s", text)
				}
			})
		}
	}
	t.Run("an item with a due date keeps its 延期 button", func(t *testing.T) {
		c := exampleItem(t, "jdz-111-fenggang-restoration")
		got := remind.Buttons(remind.Reminder{Kind: remind.KindOverdue, Contact: zhang}, c, "zh")
		if len(got) != 1 || len(got[0]) != 3 || got[0][2].Text != "延期" {
			t.Errorf("buttons = %v, want 完成, 进度, 延期", got)
		}
	})
}

func TestEscalationFromThePolicyNamesTheOwners(t *testing.T) {
	c := fenggang()
	now := at(shanghai, "2024-07-03 09:00")
	r := reminderAt(t, remind.KindEscalation, c, now)
	got := remind.Text(r, c, "zh", now, shanghai)
	if !strings.Contains(got, "责任人：张国斌") || strings.Contains(got, "zhang-guobin") {
		t.Errorf("the escalation Policy.Due gives does not name 张国斌:\n%s", got)
	}
}
