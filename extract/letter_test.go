package extract

import (
	"strconv"
	"strings"
	"testing"

	"duban/domain"
)

// field returns one metadata field of r by its import-format name.
func field(r *Result, name string) string {
	s, l := r.Source, r.Letter
	switch name {
	case "key":
		return s.Key
	case "kind":
		return s.Kind
	case "number":
		return s.Number
	case "title":
		return s.Title
	case "session":
		return s.Session
	case "deputies":
		return strings.Join(s.Deputies, ",")
	case "reply_doc_no":
		return s.ReplyDocNo
	case "classification":
		return s.Classification
	case "handling_unit":
		return s.HandlingUnit
	case "replied_on":
		return s.RepliedOn.String()
	case "satisfaction":
		return s.Satisfaction
	case "letterhead":
		return l.Letterhead
	case "contact":
		return l.Contact
	case "contact_phone":
		return l.ContactPhone
	case "copy_to":
		return strings.Join(l.CopyTo, ",")
	case "deputy_count":
		return strconv.Itoa(l.DeputyCount)
	case "date_from":
		return l.DateFrom
	case "form_signed_on":
		return l.FormSignedOn.String()
	}
	panic("unknown field " + name)
}

// letterOf builds a small letter around the given lines.
func letterOf(lines ...string) string {
	return strings.Join(append([]string{"景德镇市生态环境局", ""}, lines...), "\n")
}

func TestLetterMetadata(t *testing.T) {
	tests := []struct {
		name, text  string
		date        string
		field, want string
	}{
		{"the reply number stands on its own line", letterOf("景国试管办议字〔2024〕3号"), "", "reply_doc_no", "景国试管办议字〔2024〕3号"},
		{"a reply number in square brackets is written with 〔〕", letterOf("景政办字[2024]12号"), "", "reply_doc_no", "景政办字〔2024〕12号"},
		{"a reply number in 【】 is written with 〔〕", letterOf("赣环字【2023】5号"), "", "reply_doc_no", "赣环字〔2023〕5号"},
		{"a reply number in full-width parentheses and digits", letterOf("景环函（２０２４）８号"), "", "reply_doc_no", "景环函〔2024〕8号"},
		{"a document cited in the body is not the reply number", letterOf("欧阳琦代表：", "国家知识产权局下发了批复（国知发保函字〔2023〕198号），同意建设保护中心，现将有关情况答复如下，请审阅并提出宝贵意见。"), "", "reply_doc_no", ""},
		{"第N号 in the heading is the number", letterOf("关于市十六届人大四次会议 第111号建议答复的函"), "", "number", "第111号"},
		{"总第N号 wins over 第N号", letterOf("关于第111号建议答复的函", "建议编号\t总第111号"), "", "number", "总第111号"},
		{"总第 N 号 with spaces", letterOf("\t建议编号\t总第 111 号\t"), "", "number", "总第111号"},
		{"a coded number like DH123号", letterOf("关于第DH123号建议的答复"), "", "number", "DH123号"},
		{"the reply number's 号 is not the suggestion number", letterOf("景国试管办议字〔2024〕3号"), "", "number", ""},
		{"the title is the acknowledged 《》", letterOf("您提出的《关于推动陶瓷行业高质量发展的议案》收悉，现答复如下："), "", "title", "关于推动陶瓷行业高质量发展的议案"},
		{"the title comes from the form when the letter has none", letterOf("\t建议标题\t关于加强固废管理的建议\t"), "", "title", "关于加强固废管理的建议"},
		{"the session is read as written", letterOf("关于市十六届人大四次会议 第111号建议答复的函"), "", "session", "市十六届人大四次会议"},
		{"a 人大 session makes a deputy suggestion", letterOf("关于市十六届人大四次会议 第111号建议答复的函"), "", "kind", "deputy_suggestion"},
		{"a 政协 session makes a proposal", letterOf("关于市政协十一届三次会议第45号提案的答复"), "", "kind", "proposal"},
		{"the source key joins session and number", letterOf("关于市十六届人大四次会议 第111号建议答复的函"), "", "key", "s-16-4-111"},
		{"欧阳琦等代表 names one deputy", letterOf("欧阳琦等代表："), "", "deputies", "欧阳琦"},
		{"王娟等10名代表 names one deputy", letterOf("王娟等10名代表："), "", "deputies", "王娟"},
		{"王娟等10名代表 counts ten", letterOf("王娟等10名代表："), "", "deputy_count", "10"},
		{"王娟等十名代表 counts ten in Chinese numerals", letterOf("王娟等十名代表："), "", "deputy_count", "10"},
		{"two deputies in the salutation", letterOf("张三、李四代表："), "", "deputies", "张三,李四"},
		{"the form's 代表姓名 row adds its name", letterOf("欧阳琦等代表：", "\t代表姓名\t王娟\t\t通讯地址\t"), "", "deputies", "欧阳琦,王娟"},
		{"the form's 代表姓名 row alone", letterOf("承 办 单 位 填 写\t代表姓名\t欧阳琦\t\t通讯地址及 联系电话\t瓷都大道 47 号"), "", "deputies", "欧阳琦"},
		{"分类：B2 in the head", letterOf("分类：B2"), "", "classification", "B2"},
		{"类别:A in the head", letterOf("类别:A"), "", "classification", "A"},
		{"full-width 分类：Ｂ２", letterOf("分类：Ｂ２"), "", "classification", "B2"},
		{"the code in the form's table", letterOf("\t建议编号\t总第 111 号\t办理结果分类 (A1、A2、A3、 B1、B2、C1、C2)\tB1\t\t"), "", "classification", "B1"},
		{"the form's 承办单位 is the handling unit", letterOf("\t承办单位\t国家试验区管委会办公室\t\t\t\t"), "", "handling_unit", "国家试验区管委会办公室"},
		{"承 办 单 位 填 写 is a label, not the unit", letterOf("承 办 单 位 填 写\t代表姓名\t欧阳琦"), "", "handling_unit", "景德镇市生态环境局"},
		{"the signature above the date line is the handling unit", "关于第1号建议的答复\n\n正文。\n\n景德镇市城市管理局\n2024年5月27日\n", "", "handling_unit", "景德镇市城市管理局"},
		{"the signature above a blank line and the date", "关于第1号建议的答复\n\n正文。\n\n景德镇市城市管理局\n\n2024年5月27日\n", "", "handling_unit", "景德镇市城市管理局"},
		{"the letterhead is the handling unit when nothing else names it", letterOf("正文。"), "", "handling_unit", "景德镇市生态环境局"},
		{"the letterhead drops a trailing 文件", "景德镇市人民政府文件\n\n正文。", "", "letterhead", "景德镇市人民政府"},
		{"a date line closes the letter", letterOf("正文。", "", "2024年5月27日", "", "抄送：市政府督查室。"), "", "replied_on", "2024-05-27"},
		{"an ISO date line closes the letter", letterOf("正文。", "2024-06-24"), "", "replied_on", "2024-06-24"},
		{"a date line broken across lines", letterOf("正文。", "2024年5月", "27日"), "", "replied_on", "2024-05-27"},
		{"a date line broken with spaces and a blank line", letterOf("正文。", "2024 年", "", "5 月 27 日"), "", "replied_on", "2024-05-27"},
		{"a date line in Chinese numerals", letterOf("正文。", "二〇二四年五月二十七日"), "", "replied_on", "2024-05-27"},
		{"the letter's date line wins over --date", letterOf("正文。", "2024年5月27日"), "2024-04-15", "replied_on", "2024-05-27"},
		{"--date is used when the letter has no date line", letterOf("正文。"), "2024-04-15", "replied_on", "2024-04-15"},
		{"--date is said to be the date's source", letterOf("正文。"), "2024-04-15", "date_from", "--date"},
		{"the form's date is used when nothing contradicts it", letterOf("2023年，我市完成清运。", "附件", "代表签名: 欧阳琦", "2024 年 5 月 12 日"), "", "replied_on", "2024-05-12"},
		{"the form's date is kept as the form's", letterOf("正文。", "附件", "代表签名: 欧阳琦", "2020 年 5 月 12 日"), "", "form_signed_on", "2020-05-12"},
		{"a stale form date is not the letter date", letterOf("条例于2024年3月26日通过。", "附件", "代表签名: 欧阳琦", "2020 年 5 月 12 日"), "", "replied_on", "2024-03-26"},
		{"the latest reported date dates a letter with nothing else", letterOf("条例于2024年3月26日通过。"), "", "date_from", "latest reported date"},
		{"联系人及联系电话 gives name and phone", letterOf("联系人及联系电话：张国斌 13507985172"), "", "contact", "张国斌"},
		{"联系人及联系电话 gives the phone", letterOf("联系人及联系电话：张国斌 13507985172"), "", "contact_phone", "13507985172"},
		{"a landline after 电话", letterOf("联系人：李明，电话：0798-8222222"), "", "contact_phone", "0798-8222222"},
		{"the phone on the next line", letterOf("联系人：王芳", "联系电话：13800000000"), "", "contact_phone", "13800000000"},
		{"抄送 lists the copies", letterOf("抄送：市人大常委会选任联，市政府督查室。"), "", "copy_to", "市人大常委会选任联,市政府督查室"},
		{"a tick after 满意 is satisfied", letterOf("\t办理结果\t满意\t√\t基本满意\t不满意\t"), "", "satisfaction", "satisfied"},
		{"a tick after 基本满意 is basically", letterOf("\t办理结果\t满意\t\t基本满意\t√\t不满意\t"), "", "satisfaction", "basically"},
		{"a box ticked before 不满意 is dissatisfied", letterOf("办理结果：□满意 □基本满意 ☑不满意"), "", "satisfaction", "dissatisfied"},
		{"the 办理结果 row wins over 办理态度", letterOf("\t办理态度\t满意\t√\t基本满意\t不满意", "\t办理结果\t满意\t\t基本满意\t√\t不满意"), "", "satisfaction", "basically"},
		{"no tick is no satisfaction", letterOf("\t办理结果\t满意\t基本满意\t不满意\t"), "", "satisfaction", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var opts Options
			if tt.date != "" {
				opts.LetterDate = day(tt.date)
			}
			r, err := Extract(tt.text, opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := field(r, tt.field); got != tt.want {
				t.Errorf("%s = %q, want %q", tt.field, got, tt.want)
			}
		})
	}
}

func TestLetterDateNotes(t *testing.T) {
	text := letterOf("条例于2024年3月26日通过。", "附件", "代表签名: 欧阳琦", "2020 年 5 月 12 日")
	t.Run("a stale form date is noted with both dates", func(t *testing.T) {
		r, _ := Extract(text, Options{})
		for _, want := range []string{"2020年5月12日", "2024年3月26日", "请用 --date 指定"} {
			if !strings.Contains(r.Letter.Review, want) {
				t.Errorf("review %q does not name %s", r.Letter.Review, want)
			}
		}
	})
	t.Run("in English the note names the dates as YYYY-MM-DD", func(t *testing.T) {
		r, _ := Extract(text, Options{Lang: "en"})
		for _, want := range []string{"2020-05-12", "2024-03-26", "give --date"} {
			if !strings.Contains(r.Letter.Review, want) {
				t.Errorf("review %q does not name %s", r.Letter.Review, want)
			}
		}
	})
	t.Run("a letter with no date at all asks for --date", func(t *testing.T) {
		r, _ := Extract(letterOf("年底前完成清运。"), Options{})
		if !r.Source.RepliedOn.IsZero() || !strings.Contains(r.Letter.Review, "--date") {
			t.Errorf("replied_on %s, review %q", r.Source.RepliedOn, r.Letter.Review)
		}
		if len(r.Commitments) != 0 || len(r.Undated) != 1 {
			t.Fatalf("got %d commitments, %d undated; want the relative deadline undated", len(r.Commitments), len(r.Undated))
		}
		if !strings.Contains(r.Undated[0].Review, "--date") {
			t.Errorf("undated review %q", r.Undated[0].Review)
		}
	})
	t.Run("--date out of range is ignored", func(t *testing.T) {
		r, _ := Extract(letterOf("正文。"), Options{LetterDate: domain.Date{Year: 1, Month: 1, Day: 1}})
		if !r.Source.RepliedOn.IsZero() {
			t.Errorf("replied_on = %s", r.Source.RepliedOn)
		}
	})
}
