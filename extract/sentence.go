package extract

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// block is a paragraph of the letter with its wrapped lines joined, or a
// line that stands on its own: a heading, a table row, a short title.
type block struct {
	text    string
	heading bool
}

// splitLines splits text into lines without their line endings.
func splitLines(text string) []string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, "\r")
	}
	return lines
}

// headingRe matches the numbering that opens a heading: 一、 （一） (二) 1、
// 第一章.
var headingRe = regexp.MustCompile(`^(?:[一二三四五六七八九十]+[、.．]|[（(]\s*[一二三四五六七八九十\d]+\s*[）)]|\d{1,2}\s*[、．]|第[一二三四五六七八九十\d]+[章节部分])`)

// isHeading reports whether a trimmed line is a heading: numbered, short,
// and not a sentence.
func isHeading(line string) bool {
	return headingRe.MatchString(line) && utf8.RuneCountInString(line) <= 40 &&
		!strings.ContainsAny(line, "。；;")
}

// wrapWidth is the length from which a line that does not end a sentence is
// taken to be wrapped: letters converted from PDF or Word break lines at
// the page width, mid-sentence, while titles, names and dates are short
// lines of their own.
const wrapWidth = 20

// continues reports whether a trimmed line runs on into the next non-empty
// line.
func continues(line string) bool {
	if line == "" || strings.ContainsRune(line, '\t') {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(line)
	if strings.ContainsRune("”’」』）)】》\"'", last) {
		rest := strings.TrimRightFunc(line, func(r rune) bool { return strings.ContainsRune("”’」』）)】》\"'", r) })
		if r, _ := utf8.DecodeLastRuneInString(rest); strings.ContainsRune(sentenceEnds+"：:", r) {
			return false
		}
	}
	if strings.ContainsRune(sentenceEnds+"：:", last) {
		return false
	}
	if strings.ContainsRune("，、,（(“‘《「", last) {
		return true
	}
	return utf8.RuneCountInString(line) >= wrapWidth
}

// sentenceEnds are the marks that end a sentence (or, for ； and ;, a
// clause that stands as one: letters list their measures with them).
const sentenceEnds = "。！？；;!?…"

// paragraphs joins wrapped lines into blocks. A line continues on the next
// non-empty line when it is long and does not end with a sentence mark;
// headings and table rows always stand alone. It runs in time linear in the
// text.
func paragraphs(lines []string) []block {
	var out []block
	var cur strings.Builder
	open := false
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, block{text: cur.String()})
			cur.Reset()
		}
		open = false
	}
	for _, raw := range lines {
		l := strings.TrimSpace(raw)
		if l == "" {
			continue
		}
		if strings.ContainsRune(raw, '\t') || isHeading(l) {
			flush()
			out = append(out, block{text: l, heading: isHeading(l)})
			continue
		}
		if open {
			prev, _ := utf8.DecodeLastRuneInString(cur.String())
			next, _ := utf8.DecodeRuneInString(l)
			if isASCIIAlnum(prev) && isASCIIAlnum(next) {
				cur.WriteByte(' ')
			}
		} else {
			flush()
		}
		cur.WriteString(l)
		open = continues(l)
	}
	flush()
	return out
}

// closers may follow a sentence mark and belong to the sentence it ends.
const closers = "”’」』）)】》\"'"

// maxSentence bounds a sentence in bytes (about 400 Chinese characters, twice
// the longest in the seed). Text without sentence marks is cut into pieces
// this long, at a clause mark where there is one, so that the work per
// sentence stays bounded and extraction linear in the letter's length.
const maxSentence = 1200

// sentences splits a paragraph after each sentence mark, keeping closing
// quotes and brackets with the sentence they end.
func sentences(p string) []string {
	var out []string
	add := func(s string) {
		for len(s) > maxSentence {
			cut := strings.LastIndexAny(s[:maxSentence], "，,；;：:、 ")
			if cut <= 0 {
				cut = maxSentence
				for cut > 0 && !utf8.RuneStart(s[cut]) {
					cut--
				}
			} else {
				_, w := utf8.DecodeRuneInString(s[cut:])
				cut += w
			}
			if t := strings.TrimSpace(s[:cut]); t != "" {
				out = append(out, t)
			}
			s = s[cut:]
		}
		if t := strings.TrimSpace(s); t != "" {
			out = append(out, t)
		}
	}
	start := 0
	for i := 0; i < len(p); {
		r, w := utf8.DecodeRuneInString(p[i:])
		i += w
		if !strings.ContainsRune(sentenceEnds, r) {
			continue
		}
		for i < len(p) {
			c, cw := utf8.DecodeRuneInString(p[i:])
			if !strings.ContainsRune(closers+sentenceEnds, c) {
				break
			}
			i += cw
		}
		add(p[start:i])
		start = i
	}
	add(p[start:])
	return out
}

// clauseMarks separate the clauses of a normalised sentence (full-width
// ，；： are ASCII after normalisation).
const clauseMarks = ",;:。!?…"

// clauseStart returns the start of the clause holding byte i of s.
func clauseStart(s string, i int) int {
	if j := strings.LastIndexAny(s[:i], clauseMarks); j >= 0 {
		_, w := utf8.DecodeRuneInString(s[j:])
		return j + w
	}
	return 0
}

// clauseEnd returns the end of the clause holding byte i of s.
func clauseEnd(s string, i int) int {
	if j := strings.IndexAny(s[i:], clauseMarks); j >= 0 {
		return i + j
	}
	return len(s)
}

// clauses returns the [start, end) ranges of the clauses of s[a:b].
func clauses(s string, a, b int) [][2]int {
	var out [][2]int
	for a < b {
		e := clauseEnd(s[:b], a)
		if e > a {
			out = append(out, [2]int{a, e})
		}
		if e >= b {
			break
		}
		_, w := utf8.DecodeRuneInString(s[e:])
		a = e + w
	}
	return out
}

// collapseSpace trims s and turns each run of white space into one space.
func collapseSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// tidy removes the spaces a PDF converter leaves between Chinese characters
// ("承 办 单 位", "2024 年 6 月") and keeps single spaces between ASCII words.
func tidy(s string) string {
	f := strings.Fields(s)
	var b strings.Builder
	for i, w := range f {
		if i > 0 {
			prev, _ := utf8.DecodeLastRuneInString(f[i-1])
			next, _ := utf8.DecodeRuneInString(w)
			if prev < utf8.RuneSelf && next < utf8.RuneSelf {
				b.WriteByte(' ')
			}
		}
		b.WriteString(w)
	}
	return b.String()
}
