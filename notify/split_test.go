package notify

import (
	"strings"
	"testing"
)

func TestUTF16Len(t *testing.T) {
	tests := []struct {
		name string
		s    string
		want int
	}{
		{"ASCII counts one per byte", "abc", 3},
		{"Chinese counts one per character", "凤岗村", 3},
		{"an emoji outside the BMP counts two", "👍", 2},
		{"an empty string counts zero", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := UTF16Len(tt.s); got != tt.want {
				t.Errorf("UTF16Len(%q) = %d, want %d", tt.s, got, tt.want)
			}
		})
	}
}

func TestSplitText(t *testing.T) {
	tests := []struct {
		name      string
		s         string
		limit     int
		wantParts []string // nil: only check the invariants
		wantN     int
	}{
		{"a short text stays whole", "a\nb\n", 10, []string{"a\nb\n"}, 1},
		{"an empty text gives no parts", "", 10, nil, 0},
		{"lines are kept together up to the limit", "aaa\nbbb\nccc\n", 8, []string{"aaa\nbbb\n", "ccc\n"}, 2},
		{"a line that exactly fits is not cut", "aaaa\nbb", 5, []string{"aaaa\n", "bb"}, 2},
		{"a long line is cut hard", "abcdefghij", 4, []string{"abcd", "efgh", "ij"}, 3},
		{"a hard cut never splits a surrogate pair", "ab👍cd", 3, []string{"ab", "👍c", "d"}, 3},
		{"a hard cut never splits a multibyte character", "凤岗村复绿", 2, []string{"凤岗", "村复", "绿"}, 3},
		{"a hard cut backs off before an HTML tag", "abcd<b>xyz</b>", 10, []string{"abcd", "<b>xyz</b>"}, 2},
		{"a hard cut backs off before an HTML entity", "abcd&amp;x", 6, []string{"abcd", "&amp;x"}, 2},
		{"10,000 characters of lines fit in parts of 4096", longLines(10000), MaxTextLen, nil, 3},
		{"a 9000-character line is cut into 4096, 4096 and 808", strings.Repeat("字", 9000), MaxTextLen, nil, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SplitText(tt.s, tt.limit)
			if len(got) != tt.wantN {
				t.Fatalf("got %d parts, want %d", len(got), tt.wantN)
			}
			if tt.wantParts != nil {
				for i := range got {
					if got[i] != tt.wantParts[i] {
						t.Errorf("part %d = %q, want %q", i, got[i], tt.wantParts[i])
					}
				}
			}
			if strings.Join(got, "") != tt.s {
				t.Error("the parts do not add up to the text")
			}
			for i, p := range got {
				if n := UTF16Len(p); n > tt.limit && tt.limit > 0 {
					t.Errorf("part %d has %d UTF-16 units, over %d", i, n, tt.limit)
				}
			}
		})
	}
}

// longLines builds about n characters of numbered lines mixing ASCII,
// Chinese and emoji.
func longLines(n int) string {
	var b strings.Builder
	for i := 0; UTF16Len(b.String()) < n; i++ {
		b.WriteString("第")
		b.WriteString(strings.Repeat("x", i%50))
		b.WriteString(" 凤岗村 👍\n")
	}
	return b.String()
}

func TestSplitTextKeepsLinesWhole(t *testing.T) {
	parts := SplitText(longLines(10000), MaxTextLen)
	for i, p := range parts[:len(parts)-1] {
		if !strings.HasSuffix(p, "\n") {
			t.Errorf("part %d does not end at a line boundary: ...%q", i, p[len(p)-10:])
		}
	}
}
