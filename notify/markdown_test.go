package notify

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestRenderTextInEachFlavour(t *testing.T) {
	tests := []struct {
		name, in               string
		plain, wecom, dingtalk string
	}{
		{"bold, italic and code become markers",
			"<b>红</b> <i>黄</i> <code>x&lt;1</code>",
			"红 黄 x<1", "**红** 黄 `x＜1`", "**红** *黄* `x＜1`"},
		{"a link keeps its text and URL",
			`请<a href="https://d.example/a/T?x=1&amp;y=2">办理</a>`,
			"请办理 (https://d.example/a/T?x=1&y=2)", "请[办理](https://d.example/a/T?x=1&y=2)", "请[办理](https://d.example/a/T?x=1&y=2)"},
		{"a link whose text is its URL is written once in plain text",
			`<a href="https://d.example">https://d.example</a>`,
			"https://d.example", "[https://d.example](https://d.example)", "[https://d.example](https://d.example)"},
		{"tags inside a link are dropped",
			`<a href="https://d.example"><b>办</b>理</a>`,
			"办理 (https://d.example)", "[办理](https://d.example)", "[办理](https://d.example)"},
		{"brackets in link text cannot end the link",
			`<a href="https://d.example/(1)">[急]办理</a>`,
			"[急]办理 (https://d.example/(1))", "[【急】办理](https://d.example/%281%29)", "[【急】办理](https://d.example/%281%29)"},
		{"unknown tags are dropped, their text kept",
			"<tg-spoiler>秘</tg-spoiler><u>下</u><s>删</s>",
			"秘下删", "秘下删", "秘下删"},
		{"lines break the flavour's way",
			"一\n二",
			"一\n二", "一\n二", "一  \n二"},
		{"code inside pre is not marked",
			"<pre><code>a\nb</code></pre>",
			"a\nb", "a\nb", "a  \nb"},
		{"empty bold is dropped",
			"<b></b>空",
			"空", "空", "空"},
		{"an unclosed tag is closed at the end",
			"<b>粗",
			"粗", "**粗**", "**粗**"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PlainText(tt.in); got != tt.plain {
				t.Errorf("plain %q, want %q", got, tt.plain)
			}
			if got := renderText(tt.in, weComFlavour); got != tt.wecom {
				t.Errorf("wecom %q, want %q", got, tt.wecom)
			}
			if got := renderText(tt.in, dingTalkFlavour); got != tt.dingtalk {
				t.Errorf("dingtalk %q, want %q", got, tt.dingtalk)
			}
		})
	}
}

func TestSplitRendered(t *testing.T) {
	bytesLen := func(s string) int { return len(s) }
	t.Run("short text is one part", func(t *testing.T) {
		got := splitRendered("<b>a</b>\nb", weComFlavour, 100, bytesLen)
		if len(got) != 1 || got[0] != "**a**\nb" {
			t.Errorf("got %q", got)
		}
	})
	t.Run("parts end at line breaks", func(t *testing.T) {
		got := splitRendered("aaaa\nbbbb\ncccc\n", weComFlavour, 10, bytesLen)
		want := []string{"aaaa\nbbbb", "cccc"}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("got %q, want %q", got, want)
		}
	})
	t.Run("a bold line cut in two is bold in both parts", func(t *testing.T) {
		got := splitRendered("<b>"+strings.Repeat("a", 30)+"</b>", weComFlavour, 20, bytesLen)
		for i, p := range got {
			if len(p) > 20 || !strings.HasPrefix(p, "**") || !strings.HasSuffix(p, "**") {
				t.Errorf("part %d %q", i, p)
			}
		}
		if all := strings.ReplaceAll(strings.Join(got, ""), "*", ""); all != strings.Repeat("a", 30) {
			t.Errorf("parts add up to %q", all)
		}
	})
	t.Run("a bold span over a cut at a line keeps its closer on the line", func(t *testing.T) {
		got := splitRendered("<b>aaaa\nbbbb</b>", weComFlavour, 10, bytesLen)
		want := []string{"**aaaa**", "**bbbb**"}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("got %q, want %q", got, want)
		}
	})
	t.Run("a link is never cut", func(t *testing.T) {
		link := `<a href="https://d.example/` + strings.Repeat("x", 20) + `">办理</a>`
		got := splitRendered("前言前言"+link+"后", weComFlavour, 50, bytesLen)
		found := false
		for _, p := range got {
			if strings.Contains(p, "[办理](https://d.example/"+strings.Repeat("x", 20)+")") {
				found = true
			}
		}
		if !found {
			t.Errorf("the link was cut: %q", got)
		}
	})
	t.Run("characters count for DingTalk", func(t *testing.T) {
		got := splitRendered(strings.Repeat("督", 12), dingTalkFlavour, 5, utf8.RuneCountInString)
		want := []string{"督督督督督", "督督督督督", "督督"}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("got %q, want %q", got, want)
		}
	})
	t.Run("blank lines and empty text give no empty parts", func(t *testing.T) {
		if got := splitRendered("\n\n\n", weComFlavour, 10, bytesLen); len(got) != 0 {
			t.Errorf("got %q", got)
		}
		if got := splitRendered("", weComFlavour, 10, bytesLen); len(got) != 0 {
			t.Errorf("got %q", got)
		}
	})
}
