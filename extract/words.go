package extract

import "strings"

// words is a list of plain words to look for. Matching a list with
// strings.Contains is several times faster than one regexp alternation of
// the same words, which Go runs by backtracking at every position.
type words []string

func wordList(s string) words { return strings.Split(s, "|") }

// in reports whether s holds any of the words.
func (ws words) in(s string) bool {
	for _, w := range ws {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// first returns the start of the earliest word in s, or -1.
func (ws words) first(s string) int {
	at := -1
	for _, w := range ws {
		if i := strings.Index(s, w); i >= 0 && (at < 0 || i < at) {
			at = i
		}
	}
	return at
}

// cue is a word that counts only when one of its tails follows it (any
// tail when tails is empty), and not when notBefore follows it: 计划 is a
// promise in 计划于年底前, not in 行动计划为契机.
type cue struct {
	head      string
	tails     words
	notBefore string
}

// cues is a list of cues.
type cues []cue

func cueList(heads string) cues {
	var cs cues
	for _, h := range wordList(heads) {
		cs = append(cs, cue{head: h})
	}
	return cs
}

// in reports whether s holds any of the cues.
func (cs cues) in(s string) bool {
	for _, c := range cs {
		for i := 0; ; {
			j := strings.Index(s[i:], c.head)
			if j < 0 {
				break
			}
			rest := s[i+j+len(c.head):]
			if (len(c.tails) == 0 || c.tails.prefixOf(rest)) && (c.notBefore == "" || !strings.HasPrefix(rest, c.notBefore)) {
				return true
			}
			i += j + len(c.head)
		}
	}
	return false
}

// prefixOf reports whether s begins with one of the words.
func (ws words) prefixOf(s string) bool {
	for _, w := range ws {
		if strings.HasPrefix(s, w) {
			return true
		}
	}
	return false
}
