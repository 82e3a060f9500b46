package extract

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"duban/domain"
)

// seedPath is the real reply letter, copied into the repository so that a
// clean clone tests it.
const seedPath = "../examples/jingdezhen-reply-111.txt"

func readSeed(tb testing.TB) string {
	tb.Helper()
	b, err := os.ReadFile(seedPath)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func mustExtract(tb testing.TB, text string, opts Options) *Result {
	tb.Helper()
	r, err := Extract(text, opts)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// find returns the commitment whose title holds s.
func find(r *Result, s string) *Commitment {
	for i := range r.Commitments {
		if strings.Contains(r.Commitments[i].Title, s) {
			return &r.Commitments[i]
		}
	}
	return nil
}

// findUndated returns the undated entry whose title holds s.
func findUndated(r *Result, s string) *Undated {
	for i := range r.Undated {
		if strings.Contains(r.Undated[i].Title, s) {
			return &r.Undated[i]
		}
	}
	return nil
}

func TestSeedLetter(t *testing.T) {
	r := mustExtract(t, readSeed(t), Options{LetterDate: day("2024-04-15")})

	t.Run("the source carries the letter's metadata", func(t *testing.T) {
		for f, want := range map[string]string{
			"number":         "总第111号",
			"reply_doc_no":   "景国试管办议字〔2024〕3号",
			"classification": "B2",
			"deputies":       "欧阳琦",
			"handling_unit":  "国家试验区管委会办公室",
			"contact":        "张国斌",
			"contact_phone":  "13507985172",
			"title":          "关于推动陶瓷行业高质量发展的议案",
			"session":        "市十六届人大四次会议",
			"kind":           "deputy_suggestion",
			"replied_on":     "2024-04-15",
			"satisfaction":   "satisfied",
			"copy_to":        "市人大常委会选任联,市政府督查室",
			"form_signed_on": "2020-05-12",
		} {
			if got := field(r, f); got != want {
				t.Errorf("%s = %q, want %q", f, got, want)
			}
		}
	})
	t.Run("the stale form date is flagged on the source", func(t *testing.T) {
		if !strings.Contains(r.Letter.Review, "2020年5月12日") {
			t.Errorf("letter review = %q", r.Letter.Review)
		}
	})
	t.Run("the cleanup is due at the end of October 2023 and reported done", func(t *testing.T) {
		c := find(r, "完成清运")
		if c == nil {
			t.Fatalf("no cleanup in %+v", r.Commitments)
		}
		if !strings.Contains(c.Title, "昌南大道南侧、金岭大道东侧") {
			t.Errorf("title = %q", c.Title)
		}
		if c.Due != day("2023-10-31") || c.DuePrecision != domain.PMonth || c.Category != "cleanup" || c.Status != domain.Done {
			t.Errorf("got due %s %s, %s, %s", c.Due, c.DuePrecision, c.Category, c.Status)
		}
		if !strings.Contains(c.Quote, "2023 年 10 月底前") {
			t.Errorf("quote = %q", c.Quote)
		}
	})
	t.Run("the restoration near 凤岗村 is due at the end of June 2024 and open", func(t *testing.T) {
		c := find(r, "凤岗村")
		if c == nil {
			t.Fatalf("no restoration in %+v", r.Commitments)
		}
		if c.Title != "凤岗村附近倾倒填埋陶瓷固废点完成复绿修复" {
			t.Errorf("title = %q", c.Title)
		}
		if c.Due != day("2024-06-30") || c.DuePrecision != domain.PMonth || c.Category != "restoration" || c.Status != domain.Open {
			t.Errorf("got due %s %s, %s, %s", c.Due, c.DuePrecision, c.Category, c.Status)
		}
		if c.Unit != "国家试验区管委会办公室" || len(c.Owners) != 0 || c.Strength != domain.Firm {
			t.Errorf("unit %q, owners %v, strength %s", c.Unit, c.Owners, c.Strength)
		}
	})
	t.Run("the law in force from 2024-05-01 is not a deadline", func(t *testing.T) {
		for _, c := range r.Commitments {
			if c.Due == day("2024-05-01") || strings.Contains(c.Quote, "施行") {
				t.Errorf("taken as a commitment: %+v", c)
			}
		}
		for _, u := range r.Undated {
			if strings.Contains(u.Quote, "施行") {
				t.Errorf("taken as undated: %+v", u)
			}
		}
	})
	t.Run("only the two dated promises are commitments", func(t *testing.T) {
		if len(r.Commitments) != 2 {
			for _, c := range r.Commitments {
				t.Logf("%s %s %s", c.Due, c.DuePrecision, c.Title)
			}
			t.Errorf("got %d commitments, want 2", len(r.Commitments))
		}
	})
	t.Run("the undated plan items are listed for review", func(t *testing.T) {
		tests := []struct {
			title    string
			strength domain.Strength
			value    float64
		}{
			{"确保全市规上陶瓷企业100%上平台", domain.Firm, 100},
			{"通过改造后综合利用比例达95%", domain.Firm, 95},
			{"拟定我市“绿色制造服务行”活动方案", domain.Aim, 0},
			{"力争打破更多技术壁垒", domain.Aim, 0},
		}
		for _, tt := range tests {
			u := findUndated(r, tt.title)
			if u == nil {
				t.Errorf("no undated %q", tt.title)
				continue
			}
			if u.Title != tt.title || u.Strength != tt.strength || u.Review == "" || u.Quote == "" {
				t.Errorf("%q: got %+v", tt.title, u)
			}
			switch {
			case tt.value == 0 && u.TargetValue != nil:
				t.Errorf("%q: target %v", tt.title, *u.TargetValue)
			case tt.value != 0 && (u.TargetValue == nil || *u.TargetValue != tt.value || u.TargetUnit != "%"):
				t.Errorf("%q: target %v %q", tt.title, u.TargetValue, u.TargetUnit)
			}
		}
	})
	t.Run("the report of past work yields no undated items", func(t *testing.T) {
		for _, u := range r.Undated {
			if strings.Contains(u.Quote, "翻番") || strings.Contains(u.Quote, "持续擦亮") || strings.Contains(u.Quote, "861.25") {
				t.Errorf("report sentence listed: %q", u.Quote)
			}
		}
	})
	t.Run("the form's notes are not read as promises", func(t *testing.T) {
		for _, u := range r.Undated {
			if strings.Contains(u.Quote, "三年内能够基本解决") {
				t.Errorf("form note listed: %q", u.Quote)
			}
		}
	})
	t.Run("keys are unique, ASCII and stable", func(t *testing.T) {
		again := mustExtract(t, readSeed(t), Options{LetterDate: day("2024-04-15")})
		seen := map[string]bool{}
		for i, c := range r.Commitments {
			if seen[c.Key] || !isASCII(c.Key) || c.Key != again.Commitments[i].Key {
				t.Errorf("key %q", c.Key)
			}
			seen[c.Key] = true
		}
		for i, u := range r.Undated {
			if seen[u.Key] || !isASCII(u.Key) || u.Key != again.Undated[i].Key {
				t.Errorf("key %q", u.Key)
			}
			seen[u.Key] = true
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return s != ""
}

func TestSeedLetterWithoutDate(t *testing.T) {
	r := mustExtract(t, readSeed(t), Options{})
	t.Run("the letter is dated by the latest date it reports", func(t *testing.T) {
		if r.Source.RepliedOn != day("2024-03-26") || r.Letter.DateFrom != "latest reported date" {
			t.Errorf("replied_on %s from %q", r.Source.RepliedOn, r.Letter.DateFrom)
		}
	})
	t.Run("the past and future split the same way", func(t *testing.T) {
		if c := find(r, "完成清运"); c == nil || c.Status != domain.Done {
			t.Errorf("cleanup: %+v", c)
		}
		if c := find(r, "凤岗村"); c == nil || c.Status != domain.Open {
			t.Errorf("restoration: %+v", c)
		}
	})
}

func TestSeedOutput(t *testing.T) {
	r := mustExtract(t, readSeed(t), Options{LetterDate: day("2024-04-15")})
	t.Run("the YAML has the import sections with quotes as comments", func(t *testing.T) {
		y, err := r.YAML()
		if err != nil {
			t.Fatal(err)
		}
		out := string(y)
		for _, want := range []string{
			"\nsources:\n", "\ncommitments:\n", "\nundated:\n", "\nletter:\n",
			"  # 2024 年 6 月底前，对凤岗村附近倾倒填埋陶瓷固废点完成复绿修复。\n",
			"    due: 2024-06-30\n", "    replied_on: 2024-04-15\n", "    owners: []\n",
			"    reply_doc_no: 景国试管办议字〔2024〕3号\n",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("YAML lacks %q", want)
			}
		}
		var back struct {
			Sources []struct {
				Key       string `yaml:"key"`
				RepliedOn string `yaml:"replied_on"`
			} `yaml:"sources"`
			Commitments []struct {
				Due    string   `yaml:"due"`
				Quote  string   `yaml:"quote"`
				Owners []string `yaml:"owners"`
			} `yaml:"commitments"`
			Undated []map[string]any `yaml:"undated"`
		}
		if err := yaml.Unmarshal(y, &back); err != nil {
			t.Fatal(err)
		}
		if len(back.Sources) != 1 || back.Sources[0].RepliedOn != "2024-04-15" || len(back.Commitments) != 2 ||
			back.Commitments[1].Due != "2024-06-30" || back.Commitments[1].Quote == "" || len(back.Undated) < 4 {
			t.Errorf("read back %+v", back)
		}
	})
	t.Run("the JSON has the same content with quotes", func(t *testing.T) {
		j, err := r.JSON()
		if err != nil {
			t.Fatal(err)
		}
		var back map[string]any
		if err := json.Unmarshal(j, &back); err != nil {
			t.Fatal(err)
		}
		src := back["sources"].([]any)[0].(map[string]any)
		c := back["commitments"].([]any)[0].(map[string]any)
		if src["reply_doc_no"] != "景国试管办议字〔2024〕3号" || c["due"] != "2023-10-31" || c["quote"] == "" {
			t.Errorf("read back %v / %v", src, c)
		}
		if _, ok := c["owners"].([]any); !ok {
			t.Errorf("owners = %v, want []", c["owners"])
		}
	})
	t.Run("yaml.Marshal writes the import format too", func(t *testing.T) {
		y, err := yaml.Marshal(r)
		if err != nil || !strings.Contains(string(y), "due: 2024-06-30") || !strings.Contains(string(y), "sources:") {
			t.Errorf("%s %v", y, err)
		}
	})
	t.Run("encoding/json writes the import format too", func(t *testing.T) {
		j, err := json.Marshal(r)
		if err != nil || !strings.Contains(string(j), `"due":"2024-06-30"`) {
			t.Errorf("%s %v", j, err)
		}
	})
}

func TestExtractSentences(t *testing.T) {
	letter := "关于第1号建议的答复\n\n张三代表：\n\n"
	tests := []struct {
		name, body string
		check      func(t *testing.T, r *Result)
	}{
		{"a statistic is not a commitment", "2023年，我市陶瓷工业总产值861.25亿元，同比增长29.44%。", func(t *testing.T, r *Result) {
			if len(r.Commitments)+len(r.Undated) != 0 {
				t.Errorf("got %+v %+v", r.Commitments, r.Undated)
			}
		}},
		{"a vague promise is undated with the word named", "我局将尽快完成河道清淤。", func(t *testing.T, r *Result) {
			if len(r.Commitments) != 0 || len(r.Undated) != 1 || !strings.Contains(r.Undated[0].Review, "尽快") {
				t.Errorf("got %+v %+v", r.Commitments, r.Undated)
			}
		}},
		{"an ongoing promise has no due date", "我局将常态化开展巡查，严防偷倒。", func(t *testing.T, r *Result) {
			if len(r.Commitments) != 1 || r.Commitments[0].DuePrecision != domain.POngoing || !r.Commitments[0].Due.IsZero() {
				t.Errorf("got %+v", r.Commitments)
			}
		}},
		{"two deadlines in one sentence are two commitments", "2024年6月底前完成清运，2024年底前完成复绿。", func(t *testing.T, r *Result) {
			if len(r.Commitments) != 2 || r.Commitments[0].Category != "cleanup" || r.Commitments[1].Category != "restoration" ||
				r.Commitments[1].Due != day("2024-12-31") {
				t.Errorf("got %+v", r.Commitments)
			}
		}},
		{"力争 makes an aim", "力争2024年底前实现全市固废综合利用率达到95%。", func(t *testing.T, r *Result) {
			if len(r.Commitments) != 1 {
				t.Fatalf("got %+v", r.Commitments)
			}
			c := r.Commitments[0]
			if c.Strength != domain.Aim || c.TargetValue == nil || *c.TargetValue != 95 || c.TargetUnit != "%" {
				t.Errorf("got %+v", c)
			}
		}},
		{"the subject before the deadline stays in the title", "全市陶瓷固废综合利用率2025年底前达到95%。", func(t *testing.T, r *Result) {
			if len(r.Commitments) != 1 || r.Commitments[0].Title != "全市陶瓷固废综合利用率达到95%" {
				t.Errorf("got %+v", r.Commitments)
			}
		}},
		{"a unit the sentence names is the commitment's unit", "由市城管局牵头，2024年9月底前完成拆除。", func(t *testing.T, r *Result) {
			if len(r.Commitments) != 1 || r.Commitments[0].Unit != "市城管局" {
				t.Errorf("got %+v", r.Commitments)
			}
		}},
		{"a status report is not a deadline", "截至2023年6月底，已完成清运。", func(t *testing.T, r *Result) {
			if len(r.Commitments) != 0 {
				t.Errorf("got %+v", r.Commitments)
			}
		}},
		{"an ambiguous deadline carries its review", "2025年前完成全部整改。", func(t *testing.T, r *Result) {
			if len(r.Commitments) != 1 || !strings.Contains(r.Commitments[0].Review, "2025年12月31日") {
				t.Errorf("got %+v", r.Commitments)
			}
		}},
		{"a traditional-character letter is quoted as written", "我局將於2024年6月底前完成復綠。", func(t *testing.T, r *Result) {
			if len(r.Commitments) != 1 || r.Commitments[0].Quote != "我局將於2024年6月底前完成復綠。" ||
				r.Commitments[0].Title != "完成復綠" || r.Commitments[0].Category != "restoration" {
				t.Errorf("got %+v", r.Commitments)
			}
		}},
		{"a deadline with nothing after it takes the words before", "清运工作于2024年6月底前。", func(t *testing.T, r *Result) {
			if len(r.Commitments) != 1 || r.Commitments[0].Title != "清运工作" {
				t.Errorf("got %+v", r.Commitments)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, mustExtract(t, letter+tt.body+"\n", Options{LetterDate: day("2024-04-15")}))
		})
	}
	t.Run("an empty letter is an error", func(t *testing.T) {
		if _, err := Extract(" \n\t", Options{}); err != ErrEmpty {
			t.Errorf("err = %v", err)
		}
	})
}
