package extract

import (
	"strings"
	"testing"
)

func TestParagraphs(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{
			"a long line cut mid-sentence joins the next non-empty line",
			"呈现良好的发展态势；高新区、昌江区已经成为以航空\n\n陶瓷等军民融合发展为核心的先进陶瓷集聚区。",
			[]string{"呈现良好的发展态势；高新区、昌江区已经成为以航空陶瓷等军民融合发展为核心的先进陶瓷集聚区。"},
		},
		{
			"a heading stands alone",
			"一、工作开展情况\n\n一是产业结构得到持续优化，多点支撑产业格局逐步形成。",
			[]string{"一、工作开展情况", "一是产业结构得到持续优化，多点支撑产业格局逐步形成。"},
		},
		{
			"a parenthesised heading stands alone",
			"(二) 实施补短板工程\n以全省推进行动计划为契机。",
			[]string{"(二) 实施补短板工程", "以全省推进行动计划为契机。"},
		},
		{
			"short lines without a mark stand alone",
			"景德镇市生态环境局\n景环函〔2024〕8号\n分类：B2",
			[]string{"景德镇市生态环境局", "景环函〔2024〕8号", "分类：B2"},
		},
		{
			"a line ending with a comma runs on",
			"通过院（校）企对接、\n成果推介会等形式，加大匹配。",
			[]string{"通过院（校）企对接、成果推介会等形式，加大匹配。"},
		},
		{
			"a sentence ending a line does not run on",
			"这是一个很长的句子，它在行尾以句号结束了。\n下一段从这里开始。",
			[]string{"这是一个很长的句子，它在行尾以句号结束了。", "下一段从这里开始。"},
		},
		{
			"table rows stand alone",
			"\t承办单位\t国家试验区管委会办公室\n\t办理结果\t满意\t√",
			[]string{"承办单位\t国家试验区管委会办公室", "办理结果\t满意\t√"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, b := range paragraphs(splitLines(tt.text)) {
				got = append(got, b.text)
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestSentences(t *testing.T) {
	got := sentences("一是运营好平台。盯紧痛点，确保100%上平台；不断强化服务，做到“进的来、用的好”。最后")
	want := []string{"一是运营好平台。", "盯紧痛点，确保100%上平台；", "不断强化服务，做到“进的来、用的好”。", "最后"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"full-width digits and marks become ASCII", "２０２４年６月，完成１００％", "2024年6月,完成100%"},
		{"spaces between Chinese and digits go", "2023 年 10 月底前", "2023年10月底前"},
		{"a space between ASCII words stays", "DH 123 号", "DH 123号"},
		{"a year in Chinese numerals", "二〇二四年六月底前", "2024年6月底前"},
		{"positional numerals", "十二月三十一日", "12月31日"},
		{"numerals before a duration", "三个月内、十个工作日内、两年内", "3个月内、10个工作日内、2年内"},
		{"numerals that are words stay", "一是十四五期间一批", "一是十四五期间一批"},
		{"traditional characters the rules use", "年內三個月內", "年内3个月内"},
		{"invalid UTF-8 is dropped", "20\xff24年", "2024年"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := normalize(tt.in, flat).s; got != tt.want {
				t.Errorf("normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	t.Run("a span maps back to the original text", func(t *testing.T) {
		orig := "对 凤岗村 二〇二四年六月底前 完成復綠。"
		n := normalize(orig, flat)
		i := strings.Index(n.s, "2024")
		j := strings.Index(n.s, "完成")
		if got := n.span(orig, i, j); strings.TrimSpace(got) != "二〇二四年六月底前" {
			t.Errorf("span = %q", got)
		}
		k := strings.Index(n.s, "。")
		if got := n.span(orig, j, k); got != "完成復綠" {
			t.Errorf("span = %q", got)
		}
	})
}
