package notify

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// UTF16Len is the length of s as Telegram measures it: in UTF-16 code
// units, so a character outside the Basic Multilingual Plane (most emoji)
// counts as two.
func UTF16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// SplitText cuts the Telegram HTML s into parts of at most limit UTF-16
// code units (tags included, which is more than Telegram counts: a part
// never runs over), each of them valid Telegram HTML by itself. Parts end
// at line boundaries (each keeps its newline); a single line longer than
// limit is cut between characters, never inside a tag or an entity. A tag
// open at a cut is closed at the end of the part and opened again, with
// its attributes, at the start of the next one, so that a 5,000-character
// title inside <b>…</b> goes as two bold parts. Without tags the parts add
// up to s. An empty s gives no parts.
func SplitText(s string, limit int) []string {
	if s == "" {
		return nil
	}
	if limit <= 0 || UTF16Len(s) <= limit {
		return []string{s}
	}
	toks := tokenize(s)
	var parts []string
	var stack []openTag // open at the start of the next part
	for i := 0; i < len(toks); {
		var b strings.Builder
		n := 0
		for _, t := range stack {
			b.WriteString(t.text)
			n += t.size
		}
		cur := append([]openTag(nil), stack...)
		// The last line boundary in this part: where to cut, and the tags
		// open there.
		lineEnd := -1
		var lineStack []openTag
		var lineB string
		j := i
		hasText := false
		for j < len(toks) {
			t := toks[j]
			next := applyTag(cur, t)
			if hasText && n+t.size+closersLen(next) > limit {
				break
			}
			if !hasText && t.kind != tokOpen && t.kind != tokClose {
				hasText = true
			}
			b.WriteString(t.text)
			n += t.size
			cur = next
			j++
			if t.kind == tokNewline {
				lineEnd, lineStack, lineB = j, cur, b.String()
			}
		}
		if !hasText {
			// Only tags are left, all closed by the part before: nothing
			// to show, and Telegram refuses an empty message.
			break
		}
		if j < len(toks) && lineEnd > i {
			// Cut at the last line boundary rather than inside the line.
			parts = append(parts, lineB+closers(lineStack))
			stack, i = lineStack, lineEnd
			continue
		}
		parts = append(parts, b.String()+closers(cur))
		stack, i = cur, j
	}
	return parts
}

// Token kinds.
const (
	tokText    = iota // one character, or an entity like &amp;
	tokNewline        // "\n"
	tokOpen           // <b>, <a href="...">
	tokClose          // </b>
)

type token struct {
	kind int
	text string
	name string // tag name, for tags
	size int    // UTF-16 length of text
}

// openTag is a tag open at some point: its name and its text, to open it
// again.
type openTag struct {
	name string
	text string
	size int
}

// tokenize cuts s into characters, entities and tags. A '<' without a '>'
// and a '&' that starts no entity are taken as characters, as Telegram
// takes a lone '&'.
func tokenize(s string) []token {
	var out []token
	for i := 0; i < len(s); {
		switch s[i] {
		case '<':
			if end := strings.IndexByte(s[i:], '>'); end > 0 {
				text := s[i : i+end+1]
				inner := text[1 : len(text)-1]
				if name, ok := strings.CutPrefix(inner, "/"); ok {
					out = append(out, token{kind: tokClose, text: text, name: strings.ToLower(strings.TrimSpace(name)), size: UTF16Len(text)})
				} else {
					name, _, _ := strings.Cut(inner, " ")
					out = append(out, token{kind: tokOpen, text: text, name: strings.ToLower(strings.TrimSpace(name)), size: UTF16Len(text)})
				}
				i += end + 1
				continue
			}
		case '&':
			if end := strings.IndexByte(s[i:], ';'); end > 1 && end <= 10 && isEntityName(s[i+1:i+end]) {
				out = append(out, token{kind: tokText, text: s[i : i+end+1], size: end + 1})
				i += end + 1
				continue
			}
		case '\n':
			out = append(out, token{kind: tokNewline, text: "\n", size: 1})
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		out = append(out, token{kind: tokText, text: s[i : i+size], size: utf16.RuneLen(max(r, 0))})
		i += size
	}
	return out
}

// isEntityName reports whether s can be the inside of an HTML entity:
// "amp", "#39", "#x27".
func isEntityName(s string) bool {
	for _, c := range s {
		if !(c == '#' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// applyTag returns the open tags after t.
func applyTag(stack []openTag, t token) []openTag {
	switch t.kind {
	case tokOpen:
		return append(stack[:len(stack):len(stack)], openTag{name: t.name, text: t.text, size: t.size})
	case tokClose:
		for k := len(stack) - 1; k >= 0; k-- {
			if stack[k].name == t.name {
				return stack[:k:k]
			}
		}
	}
	return stack
}

// closers closes the open tags, innermost first.
func closers(stack []openTag) string {
	var b strings.Builder
	for k := len(stack) - 1; k >= 0; k-- {
		b.WriteString("</" + stack[k].name + ">")
	}
	return b.String()
}

func closersLen(stack []openTag) int {
	n := 0
	for _, t := range stack {
		n += len(t.name) + 3
	}
	return n
}
