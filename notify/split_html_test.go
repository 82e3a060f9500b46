package notify

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// telegramHTMLTags are the tags Telegram's HTML parse mode accepts.
var telegramHTMLTags = map[string]bool{
	"b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true,
	"s": true, "strike": true, "del": true, "span": true, "tg-spoiler": true,
	"a": true, "code": true, "pre": true, "blockquote": true, "tg-emoji": true,
}

// checkHTML fails where Telegram answers "can't parse entities": an
// unknown or unclosed tag, a mismatched end tag. It returns the visible
// text (tags dropped, entities kept as written).
func checkHTML(s string) (string, error) {
	var out strings.Builder
	var stack []string
	for i := 0; i < len(s); {
		if s[i] != '<' {
			out.WriteByte(s[i])
			i++
			continue
		}
		end := strings.IndexByte(s[i:], '>')
		if end < 0 {
			return "", fmt.Errorf("unclosed start tag at byte %d", i)
		}
		tag := s[i+1 : i+end]
		if name, ok := strings.CutPrefix(tag, "/"); ok {
			if len(stack) == 0 || stack[len(stack)-1] != name {
				return "", fmt.Errorf("unmatched end tag </%s> at byte %d (open %v)", name, i, stack)
			}
			stack = stack[:len(stack)-1]
		} else {
			name, _, _ := strings.Cut(tag, " ")
			if !telegramHTMLTags[name] {
				return "", fmt.Errorf("unsupported start tag %q", name)
			}
			stack = append(stack, name)
		}
		i += end + 1
	}
	if len(stack) > 0 {
		return "", fmt.Errorf("can't find end tag for %v", stack)
	}
	return out.String(), nil
}

// checkParts checks that every part is valid by itself, fits, shows
// something, and that together they show what s shows.
func checkParts(t *testing.T, s string, limit int, parts []string) {
	t.Helper()
	want, err := checkHTML(s)
	if err != nil {
		t.Fatalf("the input itself is invalid: %v", err)
	}
	var got strings.Builder
	for i, p := range parts {
		vis, err := checkHTML(p)
		if err != nil {
			t.Fatalf("part %d of %d is not valid Telegram HTML: %v\n%q", i, len(parts), err, p)
		}
		if n := UTF16Len(p); n > limit {
			t.Errorf("part %d has %d UTF-16 units, over %d", i, n, limit)
		}
		if vis == "" {
			t.Errorf("part %d shows nothing: %q", i, p)
		}
		got.WriteString(vis)
	}
	if got.String() != want {
		t.Errorf("the parts show %q, want %q", got.String(), want)
	}
}

func TestSplitTextClosesAndReopensTagsAcrossACut(t *testing.T) {
	t.Run("a 5,000-character title in bold goes as bold parts", func(t *testing.T) {
		s := "🔴 <b>" + strings.Repeat("凤", 5000) + "</b>\n截止：2024-06-30\n"
		parts := SplitText(s, MaxTextLen)
		checkParts(t, s, MaxTextLen, parts)
		if len(parts) != 2 || !strings.HasSuffix(parts[0], "</b>") || !strings.HasPrefix(parts[1], "<b>") {
			t.Errorf("parts %d: want the bold closed at the cut and opened again", len(parts))
		}
	})
	t.Run("a link keeps its address in every part", func(t *testing.T) {
		s := `<a href="https://example.org/x?a=1&amp;b=2">` + strings.Repeat("链接", 3000) + "</a>"
		parts := SplitText(s, MaxTextLen)
		checkParts(t, s, MaxTextLen, parts)
		for i, p := range parts {
			if !strings.HasPrefix(p, `<a href="https://example.org/x?a=1&amp;b=2">`) {
				t.Errorf("part %d starts %q", i, p[:20])
			}
		}
	})
	t.Run("nested tags across line cuts", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("<blockquote><i>")
		for i := range 400 {
			fmt.Fprintf(&b, "第%d行 <b>重点</b> &amp; 说明\n", i)
		}
		b.WriteString("</i></blockquote>")
		parts := SplitText(b.String(), 1000)
		checkParts(t, b.String(), 1000, parts)
		for i, p := range parts[:len(parts)-1] {
			if !strings.HasSuffix(p, "\n</i></blockquote>") {
				t.Errorf("part %d does not end at a line: …%q", i, p[len(p)-30:])
			}
		}
	})
}

// randomHTML builds valid Telegram HTML from a seed: nested tags, lines,
// entities, Chinese, emoji, and lines longer than any limit.
func randomHTML(r *rand.Rand) string {
	tags := []string{"b", "i", "u", "s", "code", "tg-spoiler", `a href="https://t.me/x?a=1&amp;b=2"`, `span class="tg-spoiler"`}
	words := []string{"凤岗村", "复绿", "👍", "&amp;", "&lt;x&gt;", "a", "进度 50%", " ", "&#39;"}
	var b strings.Builder
	var stack []string
	for range r.IntN(400) {
		switch k := r.IntN(10); {
		case k < 2 && len(stack) < 4:
			t := tags[r.IntN(len(tags))]
			b.WriteString("<" + t + ">")
			name, _, _ := strings.Cut(t, " ")
			stack = append(stack, name)
		case k < 3 && len(stack) > 0:
			b.WriteString("</" + stack[len(stack)-1] + ">")
			stack = stack[:len(stack)-1]
		case k < 4:
			b.WriteByte('\n')
		case k < 5:
			b.WriteString(strings.Repeat(words[r.IntN(len(words))], r.IntN(300)))
		default:
			b.WriteString(words[r.IntN(len(words))])
		}
	}
	b.WriteString("x")
	for k := len(stack) - 1; k >= 0; k-- {
		b.WriteString("</" + stack[k] + ">")
	}
	return b.String()
}

func FuzzSplitTextGivesValidHTMLParts(f *testing.F) {
	for seed := range uint64(50) {
		f.Add(seed, uint16(seed*37))
	}
	f.Fuzz(func(t *testing.T, seed uint64, limit uint16) {
		s := randomHTML(rand.New(rand.NewPCG(seed, seed^0x9e3779b9)))
		// A limit must leave room for the tags opened again; Telegram's is
		// 4096, tests go down to 256 (four nested tags with attributes).
		lim := 256 + int(limit)%3840
		checkParts(t, s, lim, SplitText(s, lim))
	})
}
