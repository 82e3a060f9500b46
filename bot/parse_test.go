package bot_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"duban/bot"
	"duban/domain"
	"duban/store"
	"duban/store/storetest"
)

func TestParse(t *testing.T) {
	d := domain.NewDate
	for _, tc := range []struct {
		text string
		want bot.Command
	}{
		{"/list", bot.Command{Name: bot.CmdList}},
		{"/LIST@Duban_Bot", bot.Command{Name: bot.CmdList, Bot: "Duban_Bot"}},
		{"  /列表", bot.Command{Name: bot.CmdList}},
		{"／逾期", bot.Command{Name: bot.CmdOverdue}},
		{"/due", bot.Command{Name: bot.CmdDue, Days: 7}},
		{"/due 30", bot.Command{Name: bot.CmdDue, Days: 30}},
		{"/show #12", bot.Command{Name: bot.CmdShow, ID: 12}},
		{"/查看 ＃12", bot.Command{Name: bot.CmdShow, ID: 12}},
		{"/progress 12 60 清运三车\n复绿一半", bot.Command{Name: bot.CmdProgress, ID: 12, Percent: 60, Text: "清运三车\n复绿一半"}},
		{"/进度 #12 100%", bot.Command{Name: bot.CmdProgress, ID: 12, Percent: 100}},
		{"/progress\t12\t0", bot.Command{Name: bot.CmdProgress, ID: 12}},
		{"/done 12", bot.Command{Name: bot.CmdDone, ID: 12}},
		{"/完成 12 已复绿 <b>", bot.Command{Name: bot.CmdDone, ID: 12, Text: "已复绿 <b>"}},
		{"/extend 12 2024-09-30 雨季 施工", bot.Command{Name: bot.CmdExtend, ID: 12, Date: d(2024, 9, 30), Text: "雨季 施工"}},
		{"/延期 12 2024-09-30 雨季", bot.Command{Name: bot.CmdExtend, ID: 12, Date: d(2024, 9, 30), Text: "雨季"}},
		{"/verify 12", bot.Command{Name: bot.CmdVerify, ID: 12}},
		{"/销号 12", bot.Command{Name: bot.CmdVerify, ID: 12}},
		{"/reopen 12 照片不清", bot.Command{Name: bot.CmdReopen, ID: 12, Text: "照片不清"}},
		{"/report", bot.Command{Name: bot.CmdReport}},
		{"/report 2024-05", bot.Command{Name: bot.CmdReport, Month: "2024-05"}},
		{"/start abc_DEF-1", bot.Command{Name: bot.CmdStart, Text: "abc_DEF-1"}},
		{"/start", bot.Command{Name: bot.CmdStart}},
		{"/help", bot.Command{Name: bot.CmdHelp}},
		{"/帮助", bot.Command{Name: bot.CmdHelp}},
		{"/whoami", bot.Command{Name: bot.CmdWhoami}},
	} {
		got, err := bot.Parse(tc.text)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", tc.text, got, err, tc.want)
		}
	}
	for _, tc := range []struct {
		text    string
		problem bot.Problem
	}{
		{"/nope", bot.Unknown},
		{"/", bot.Unknown},
		{"/show", bot.MissingID},
		{"/show x", bot.BadID},
		{"/show +5", bot.BadID},
		{"/progress 1", bot.MissingPercent},
		{"/progress 1 101", bot.BadPercent},
		{"/progress 1 -0", bot.BadPercent},
		{"/extend 1", bot.MissingDate},
		{"/extend 1 2024-9-30 r", bot.BadDate},
		{"/extend 1 2024-09-30", bot.MissingReason},
		{"/reopen 1", bot.MissingReason},
		{"/done 1 " + strings.Repeat("長", 2001), bot.TooLong},
		{"/due 367", bot.BadDays},
		{"/report 2024-5", bot.BadMonth},
	} {
		_, err := bot.Parse(tc.text)
		var pe *bot.ParseError
		if !errors.As(err, &pe) || pe.Problem != tc.problem {
			t.Errorf("Parse(%q): err = %v, want problem %d", tc.text, err, tc.problem)
		}
	}
	for _, text := range []string{"", "hello", "list", " ", "#12", "\\list"} {
		if _, err := bot.Parse(text); !errors.Is(err, bot.ErrNotCommand) {
			t.Errorf("Parse(%q): err = %v, want ErrNotCommand", text, err)
		}
	}
}

func TestParseCallback(t *testing.T) {
	for data, want := range map[string]string{"d:12": "d12", "p:1": "p1", "x:3": "x3", "ea:7": "ea7", "er:7": "er7"} {
		a, id, ok := domain.ParseCallback(data)
		if !ok || a+itoa(id) != want || domain.CallbackData(a, id) != data {
			t.Errorf("ParseCallback(%q) = %q %d %v", data, a, id, ok)
		}
	}
	for _, data := range []string{"", "d", "d:", "d:0", "d:-1", "q:1", "d:1x", "D:1", "d:１"} {
		if _, _, ok := domain.ParseCallback(data); ok {
			t.Errorf("ParseCallback(%q) accepted", data)
		}
	}
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

var parseSeeds = []string{
	"/progress 12 60 note", "/done #1", "/extend 1 2024-09-30 r", "/list@bot", "/进度 1 50", "/show 1; DROP TABLE x",
	"/progress 1 101", "/start code", "／列表", "/due 30", "/report 2024-05", "", "/", "/@", "/progress #", "\x00/\xff",
}

// FuzzParse checks that the parser never panics, is deterministic, and
// that whatever it accepts is within bounds.
func FuzzParse(f *testing.F) {
	for _, s := range parseSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		cmd, err := bot.Parse(text)
		again, err2 := bot.Parse(text)
		if !reflect.DeepEqual(cmd, again) || (err == nil) != (err2 == nil) {
			t.Fatalf("Parse(%q) is not deterministic", text)
		}
		trimmed := strings.TrimLeftFunc(text, unicode.IsSpace)
		if !strings.HasPrefix(trimmed, "/") && !strings.HasPrefix(trimmed, "／") {
			if !errors.Is(err, bot.ErrNotCommand) {
				t.Fatalf("Parse(%q) took a non-command: %+v %v", text, cmd, err)
			}
			return
		}
		if err != nil {
			var pe *bot.ParseError
			if !errors.As(err, &pe) || pe.Problem < bot.Unknown || pe.Problem > bot.BadMonth {
				t.Fatalf("Parse(%q): unexpected error %v", text, err)
			}
			return
		}
		switch {
		case cmd.Name == "":
			t.Fatalf("Parse(%q) accepted without a name", text)
		case cmd.Percent < 0 || cmd.Percent > 100:
			t.Fatalf("Parse(%q): percent %d", text, cmd.Percent)
		case utf8.RuneCountInString(cmd.Text) > domain.MaxNoteLen:
			t.Fatalf("Parse(%q): text of %d characters", text, utf8.RuneCountInString(cmd.Text))
		}
		switch cmd.Name {
		case bot.CmdShow, bot.CmdProgress, bot.CmdDone, bot.CmdExtend, bot.CmdVerify, bot.CmdReopen:
			if cmd.ID <= 0 {
				t.Fatalf("Parse(%q): id %d", text, cmd.ID)
			}
		}
		if cmd.Name == bot.CmdExtend && (cmd.Date.IsZero() || cmd.Text == "") {
			t.Fatalf("Parse(%q): extend without date or reason", text)
		}
	})
}

// FuzzHandle feeds arbitrary text to the Handler on a real store, as a
// linked official and as a supervisor: it must not panic, must answer at
// most one message, and text that does not parse must change nothing.
func FuzzHandle(f *testing.F) {
	for _, s := range parseSeeds {
		f.Add(s, false)
	}
	f.Add("/verify 1", true)
	f.Add("/reopen 1 r", true)
	db := storetest.Open(f, store.SQLite)
	seed(f, db)
	ctx := context.Background()
	ct, _ := db.Contact(ctx, "zhang")
	db.SetContactChat(ctx, ct.ID, zhangUser, zhangUser)
	h := bot.New(bot.Config{DB: db, Location: shanghai, WarnDays: 7, SupervisionChatID: superChat, Username: "test_bot"})
	var update int64
	f.Fuzz(func(t *testing.T, text string, supervisor bool) {
		user := zhangUser
		if supervisor {
			user = wangUser
		}
		_, perr := bot.Parse(text)
		before := snapshot(t, db)
		update++
		outs := h.Handle(ctx, bot.In{UpdateID: update, ChatID: user, ChatType: bot.Private, UserID: user, Text: text, MessageID: 1})
		if len(outs) > 1 {
			t.Fatalf("%q: %d answers", text, len(outs))
		}
		for _, o := range outs {
			if o.ChatID != user || o.Text == "" || !utf8.ValidString(o.Text) && utf8.ValidString(text) {
				t.Fatalf("%q: answer %+v", text, o)
			}
		}
		if perr != nil && snapshot(t, db) != before {
			t.Fatalf("%q does not parse (%v) but changed the database", text, perr)
		}
	})
}
