package extract

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// pageRunes is about one printed page of a letter.
const pageRunes = 1800

// synthLetter builds a letter of about pages pages from the seed: its head,
// its body's paragraphs repeated with the deadline years and months varied,
// and its tail (copies, contact, form).
func synthLetter(tb testing.TB, pages int) string {
	tb.Helper()
	lines := splitLines(readSeed(tb))
	head, body, tail := lines[:14], lines[14:68], lines[68:]
	var b strings.Builder
	b.WriteString(strings.Join(head, "\n"))
	b.WriteByte('\n')
	runes := 0
	for round := 0; runes < pages*pageRunes; round++ {
		r := strings.NewReplacer(
			"2023 年 10 月底前", fmt.Sprintf("%d 年 %d 月底前", 2023+round%5, 1+round%12),
			"2024 年 6 月底前", fmt.Sprintf("%d 年 %d 月底前", 2024+round%5, 1+(round+5)%12),
			"凤岗村", fmt.Sprintf("凤岗%d村", round),
		)
		for _, l := range body {
			l = r.Replace(l)
			b.WriteString(l)
			b.WriteByte('\n')
			runes += utf8.RuneCountInString(l)
			if runes >= pages*pageRunes {
				break
			}
		}
	}
	b.WriteString(strings.Join(tail, "\n"))
	return b.String()
}

func benchmarkPages(b *testing.B, pages int) {
	text := synthLetter(b, pages)
	opts := Options{LetterDate: day("2024-04-15")}
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := Extract(text, opts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(pages), "ns/page")
}

// BenchmarkExtract shows that extraction is linear in the letter's length:
// ns/page stays flat from 1 to 50 pages.
func BenchmarkExtract(b *testing.B) {
	for _, pages := range []int{1, 10, 50} {
		b.Run(fmt.Sprintf("pages=%d", pages), func(b *testing.B) { benchmarkPages(b, pages) })
	}
}

// BenchmarkExtract50Pages extracts a 50-page letter (about 90,000
// characters).
func BenchmarkExtract50Pages(b *testing.B) { benchmarkPages(b, 50) }

func TestSynthLetter(t *testing.T) {
	t.Run("a 50-page letter yields commitments in proportion", func(t *testing.T) {
		text := synthLetter(t, 50)
		if n := utf8.RuneCountInString(text); n < 50*pageRunes {
			t.Fatalf("only %d runes", n)
		}
		r := mustExtract(t, text, Options{LetterDate: day("2024-04-15")})
		if len(r.Commitments) < 40 {
			t.Errorf("got %d commitments", len(r.Commitments))
		}
		if r.Source.Number != "总第111号" {
			t.Errorf("number = %q", r.Source.Number)
		}
	})
}

// TestPathologicalLetters runs inputs that once took time quadratic in
// their length: a sentence with no marks full of dates, date lines among
// blank lines, a row full of ticks, a salutation of thousands of names.
func TestPathologicalLetters(t *testing.T) {
	tests := []struct{ name, text string }{
		{"a sentence with no marks full of deadlines", strings.Repeat("2024年完成", 5000)},
		{"截止 before every date", strings.Repeat("截止2024年底前完成", 3000)},
		{"date lines among blank lines", strings.Repeat("2024年\n", 2000) + strings.Repeat("\n", 5000)},
		{"a row full of ticks", strings.Repeat("满意√", 5000)},
		{"a salutation of thousands of names", "关于第1号建议的答复\n" + strings.Repeat("张三、", 5000) + "代表：\n"},
		{"thousands of short lines", strings.Repeat("短行\n", 10000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			mustExtract(t, tt.text, Options{LetterDate: day("2024-04-15")})
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("took %v for %d bytes", d, len(tt.text))
			}
		})
	}
}
