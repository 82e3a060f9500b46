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

// SplitText cuts s into parts of at most limit UTF-16 code units whose
// concatenation is s. Parts end at line boundaries (each keeps its
// newline); a single line longer than limit is cut at a rune boundary,
// moved back so as not to cut an HTML tag or entity in two. Tags that span
// a cut are not closed and reopened: messages should keep their markup
// within a line. An empty s gives no parts.
func SplitText(s string, limit int) []string {
	if s == "" {
		return nil
	}
	if limit <= 0 {
		return []string{s}
	}
	var parts []string
	for s != "" {
		if UTF16Len(s) <= limit {
			parts = append(parts, s)
			break
		}
		cut := linesPrefix(s, limit)
		if cut == 0 {
			cut = hardCut(s, limit)
		}
		parts = append(parts, s[:cut])
		s = s[cut:]
	}
	return parts
}

// linesPrefix is the byte length of the longest run of whole lines at the
// start of s that fits in limit; 0 when the first line alone is too long.
func linesPrefix(s string, limit int) int {
	cut, n := 0, 0
	for cut < len(s) {
		end := len(s)
		if i := strings.IndexByte(s[cut:], '\n'); i >= 0 {
			end = cut + i + 1
		}
		l := UTF16Len(s[cut:end])
		if n+l > limit {
			break
		}
		n += l
		cut = end
	}
	return cut
}

// hardCut is the byte offset of the longest prefix of s within limit that
// ends on a rune boundary and outside an HTML tag or entity.
func hardCut(s string, limit int) int {
	cut, n := 0, 0
	for cut < len(s) {
		r, size := utf8.DecodeRuneInString(s[cut:])
		if n+utf16.RuneLen(r) > limit {
			break
		}
		n += utf16.RuneLen(r)
		cut += size
	}
	head := s[:cut]
	if i := strings.LastIndexByte(head, '<'); i > 0 && !strings.Contains(head[i:], ">") {
		cut = i
	} else if i := strings.LastIndexByte(head, '&'); i > 0 && !strings.Contains(head[i:], ";") && cut-i <= 10 {
		cut = i
	}
	if cut == 0 { // a limit smaller than one rune: take the rune anyway
		_, cut = utf8.DecodeRuneInString(s)
	}
	return cut
}
