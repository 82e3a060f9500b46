package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"unicode"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// chineseFirst reports whether s has Chinese, and its Chinese comes before
// the English in parentheses.
func chineseFirst(s string) bool {
	han := strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) })
	if han < 0 {
		return false
	}
	paren := strings.Index(s, " (")
	return paren < 0 || han < paren
}

func TestHelpIsChineseFirst(t *testing.T) {
	t.Run("the root's help has Chinese headings and Chinese first descriptions", func(t *testing.T) {
		var out, errb bytes.Buffer
		m := &Main{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
		if code := m.Run(context.Background(), []string{"--help"}); code != 0 {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
		for _, want := range []string{"督办：让承办单位兑现书面承诺 (duban keeps government units to their written promises)",
			"用法 (Usage):", "命令 (Available Commands):", "参数 (Flags):", "列出督办事项 (list commitments)",
			"命令的帮助 (help about any command)", "显示 duban 的帮助 (help for duban)"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("help lacks %q:\n%s", want, out.String())
			}
		}
	})
	t.Run("a command's help names the global flags in Chinese", func(t *testing.T) {
		var out, errb bytes.Buffer
		m := &Main{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
		if code := m.Run(context.Background(), []string{"list", "--help"}); code != 0 {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
		for _, want := range []string{"用法 (Usage):", "全局参数 (Global Flags):", "显示 list 的帮助 (help for list)",
			"状态：open, in_progress, done, verified, cancelled 或 未启动、进行中、已完成、已销号、已撤销（逗号分隔）"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("list --help lacks %q:\n%s", want, out.String())
			}
		}
	})
	t.Run("every command and flag is described Chinese first", func(t *testing.T) {
		m := &Main{Getenv: func(string) string { return "" }}
		var walk func(c *cobra.Command)
		walk = func(c *cobra.Command) {
			path := c.CommandPath()
			if !c.Hidden {
				if !chineseFirst(c.Short) {
					t.Errorf("%s: Short %q is not Chinese first", path, c.Short)
				}
				if c.Long != "" && !chineseFirst(c.Long) {
					t.Errorf("%s: Long %q is not Chinese first", path, c.Long)
				}
				c.LocalFlags().VisitAll(func(f *pflag.Flag) {
					if !f.Hidden && !chineseFirst(f.Usage) {
						t.Errorf("%s --%s: %q is not Chinese first", path, f.Name, f.Usage)
					}
				})
			}
			for _, sub := range c.Commands() {
				walk(sub)
			}
		}
		walk(m.rootCommand())
	})
	t.Run("cobra's own usage errors are Chinese first and exit 2", func(t *testing.T) {
		for _, args := range [][]string{{"list", "--bogus"}, {"show"}, {"list", "extra"}} {
			var out, errb bytes.Buffer
			m := &Main{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
			if code := m.Run(context.Background(), args); code != 2 || !chineseFirst(errb.String()) {
				t.Errorf("duban %s: exit %d, stderr %q; want 2 and a Chinese first line", strings.Join(args, " "), code, errb.String())
			}
		}
	})
}
