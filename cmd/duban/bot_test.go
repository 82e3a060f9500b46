package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"duban/store"
	"duban/telegram/telegramtest"
)

// botTestNow is the clock of these tests.
var botTestNow = time.Date(2024, 6, 1, 9, 0, 0, 0, time.UTC)

// runMain runs one duban command in-process and returns its exit code,
// standard output and standard error.
func runMain(t *testing.T, env map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	m := &Main{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut,
		Getenv: func(k string) string { return env[k] }, Now: func() time.Time { return botTestNow }}
	code := m.Run(context.Background(), args)
	return code, out.String(), errOut.String()
}

// botTestDB returns the --db flag of a fresh SQLite file with a contact
// and one commitment (#1) of theirs.
func botTestDB(t *testing.T) []string {
	t.Helper()
	db := []string{"--db", "sqlite://" + filepath.Join(t.TempDir(), "duban.db")}
	for _, args := range [][]string{
		{"contact", "add", "zhang", "--name", "张国斌", "--unit", "管委会办公室"},
		{"contact", "add", "wang", "--name", "王督查", "--role", "supervisor"},
		{"add", "--title", "凤岗村<复绿> & 修复", "--unit", "管委会办公室", "--owner", "zhang", "--due", "2024-06-30"},
	} {
		if code, _, stderr := runMain(t, nil, "", append(db, args...)...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}
	return db
}

var codeRE = regexp.MustCompile(`(?m)^关联码 \(code\): +([A-Za-z0-9_-]{1,64})$`)

func TestContactLink(t *testing.T) {
	t.Run("without a token the link has a placeholder, and says so", func(t *testing.T) {
		db := botTestDB(t)
		code, out, stderr := runMain(t, nil, "", append(db, "contact", "link", "zhang")...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		m := codeRE.FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("no code in %q", out)
		}
		for _, want := range []string{"https://t.me/<bot>?start=" + m[1], "有效期至 (expires):  2024-06-04T17:00:00+08:00", "未配置 telegram.token"} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
		// The code links a chat, once.
		sdb, err := store.Open(context.Background(), db[1])
		if err != nil {
			t.Fatal(err)
		}
		defer sdb.Close()
		sdb.Now = func() time.Time { return botTestNow }
		ct, err := sdb.UseLinkCode(context.Background(), m[1], 1001, 1001)
		if err != nil || ct.Key != "zhang" {
			t.Errorf("UseLinkCode: %+v, %v", ct, err)
		}
	})
	t.Run("with a token the bot's username comes from getMe", func(t *testing.T) {
		db := botTestDB(t)
		srv := telegramtest.New(t, "777:LINK-token")
		env := map[string]string{"DUBAN_TELEGRAM_TOKEN": srv.Token(), "DUBAN_TELEGRAM_API_ENDPOINT": srv.Endpoint()}
		code, out, stderr := runMain(t, env, "", append(db, "contact", "link", "zhang")...)
		m := codeRE.FindStringSubmatch(out)
		if code != 0 || m == nil || !strings.Contains(out, "https://t.me/test_bot?start="+m[1]) || strings.Contains(out, "注意 (note):") {
			t.Errorf("exit %d:\n%s%s", code, out, stderr)
		}
		if strings.Contains(out+stderr, srv.Token()) {
			t.Error("the token was printed")
		}
	})
	t.Run("an unknown contact is bad input", func(t *testing.T) {
		db := botTestDB(t)
		code, _, stderr := runMain(t, nil, "", append(db, "contact", "link", "nobody")...)
		if code != 2 || !strings.Contains(stderr, "nobody") {
			t.Errorf("exit %d: %s", code, stderr)
		}
	})
}

func TestChat(t *testing.T) {
	db := botTestDB(t)
	session := "/list\n\n/progress 1 40 清运 <三车>\n/进度 #1 101\n/show 1\nd:1\ndc:1\n/verify 1\n"
	code, out, stderr := runMain(t, nil, session, append(db, "chat", "--as", "zhang")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"我的未完成事项（共 1 项）",
		"#1 凤岗村<复绿> & 修复 · 截止 2024年6月30日",
		"已记录 #1 凤岗村<复绿> & 修复 进度 40%。",
		"进度 101 无效，应为 0–100 的整数。 用法：/progress 编号 百分比 [说明]",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, want := range []string{"(张国斌) 清运 <三车>", "[确认完成: dc:1]", "[已标记完成]", "✅ 已标记完成（进度 100%）", "只有督查室可以销号。"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "<b>") || strings.Contains(out, "&lt;") {
		t.Errorf("HTML in the terminal:\n%s", out)
	}
	sdb, err := store.Open(context.Background(), db[1])
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	hist, err := sdb.History(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) == 0 || hist[0].Channel != "cli" || hist[0].Actor != "zhang" || hist[len(hist)-1].To != "done" {
		t.Errorf("history %+v", hist)
	}

	t.Run("a supervisor verifies from the terminal", func(t *testing.T) {
		code, out, _ := runMain(t, nil, "/verify 1\n", append(db, "chat", "--as", "wang")...)
		if code != 0 || !strings.Contains(out, "#1 凤岗村<复绿> & 修复 已销号。") {
			t.Errorf("exit %d:\n%s", code, out)
		}
	})
	t.Run("an unknown or missing contact is bad usage", func(t *testing.T) {
		if code, _, stderr := runMain(t, nil, "", append(db, "chat", "--as", "nobody")...); code != 2 || !strings.Contains(stderr, "nobody") {
			t.Errorf("unknown: exit %d: %s", code, stderr)
		}
		if code, _, stderr := runMain(t, nil, "", append(db, "chat")...); code != 2 || !strings.Contains(stderr, "--as") {
			t.Errorf("missing: exit %d: %s", code, stderr)
		}
	})
}
