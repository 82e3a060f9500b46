package extract

import (
	"regexp"
	"strings"
)

// mode is the part of the letter a sentence is in, as its last heading
// says. Past work (一、工作开展情况) is reported; plans (二、下一步计划)
// promise. Before any heading, and under headings that say neither, the
// mode is unknown.
type mode int

const (
	modeUnknown mode = iota
	modeReport
	modePlan
)

var (
	planHeadingRe   = regexp.MustCompile(`下一步|计划|打算|安排|措施|举措|思路|目标|展望|今后`)
	reportHeadingRe = regexp.MustCompile(`情况|成效|进展|开展|做法|成绩|回顾|现状|落实|办理`)
)

// headingMode returns the mode a heading sets, or the current one when it
// names neither past work nor plans.
func headingMode(h string, cur mode) mode {
	switch {
	case planHeadingRe.MatchString(h):
		return modePlan
	case reportHeadingRe.MatchString(h):
		return modeReport
	}
	return cur
}

// sentence is one sentence of the letter's body, as quoted and as matched.
type sentence struct {
	quote   string // the original, white space collapsed
	n       norm   // quote, normalised flat
	phrases []phrase
	mode    mode
	// future is true when the sentence has a word of promise (futureCues).
	future bool
}

// bodyEnd returns the index of the line where the letter's body ends: the
// first line that opens the attachments, the copies or the contact.
func bodyEnd(lines []string) int {
	for i, l := range lines {
		l = strings.TrimSpace(l)
		if n := strings.IndexFunc(l, func(r rune) bool { return r > '~' }); n < 0 || n > 4 {
			// Only a line opening with Chinese (after at most a bracket)
			// can end the body.
			continue
		}
		head := l
		if len(head) > 24 {
			head = head[:24]
		}
		t := normalize(head, flat).s
		if hasPrefix(t, "附件", "抄送", "联系人", "主题词", "(此件", "(联系人") {
			return i
		}
	}
	return len(lines)
}

// readBody splits the body into sentences, each with its time phrases and
// the mode of its section.
func readBody(lines []string) []sentence {
	var out []sentence
	cur := modeUnknown
	for _, b := range paragraphs(lines) {
		if b.heading {
			cur = headingMode(b.text, cur)
			continue
		}
		for _, s := range sentences(b.text) {
			q := collapseSpace(s)
			n := normalize(q, flat)
			out = append(out, sentence{quote: q, n: n, phrases: findPhrases(n.s), mode: cur, future: futureCues.in(n.s)})
		}
	}
	return out
}
