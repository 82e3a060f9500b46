package notify

import (
	"html"
	"strings"
)

// flavour says how Telegram HTML is rendered for a channel that does not
// speak it: the markers that stand for bold, italic and code ("" drops the
// tag, keeping its text), how a link is written, and what a line break
// becomes.
type flavour struct {
	bold, italic, code string
	link               func(text, href string) string
	newline            string
	// brackets replaces '<' and '>' in text with their full-width forms:
	// robots' markdown takes <font> and other tags, so a literal "<二期>"
	// could vanish.
	brackets bool
}

// plainFlavour is plain text, for the text/plain part of an e-mail: links
// become "text (url)".
var plainFlavour = flavour{link: plainLink, newline: "\n"}

// weComFlavour is WeCom's markdown: bold, links and inline code; no italic.
var weComFlavour = flavour{bold: "**", code: "`", link: markdownLink, newline: "\n", brackets: true}

// dingTalkFlavour is DingTalk's markdown. DingTalk joins lines that end
// with a bare "\n", so a line break is written the Markdown way, with two
// trailing spaces.
var dingTalkFlavour = flavour{bold: "**", italic: "*", code: "`", link: markdownLink, newline: "  \n", brackets: true}

var fullWidthBrackets = strings.NewReplacer("<", "＜", ">", "＞")

func plainLink(text, href string) string {
	if href == "" || text == href {
		return text
	}
	if text == "" {
		return href
	}
	return text + " (" + href + ")"
}

func markdownLink(text, href string) string {
	if href == "" {
		return text
	}
	if text == "" {
		text = href
	}
	// A bracket in the text or a parenthesis in the URL would end the
	// link early.
	text = strings.NewReplacer("[", "【", "]", "】").Replace(text)
	href = strings.NewReplacer("(", "%28", ")", "%29", " ", "%20").Replace(href)
	return "[" + text + "](" + href + ")"
}

// Atom kinds of rendered text.
const (
	atomText    = iota // a character, or a whole link: never cut inside
	atomNewline        // a line break
	atomOpen           // a marker that opens (**)
	atomClose          // the marker that closes it
)

type atom struct {
	kind int
	text string
}

// renderAtoms turns the Telegram HTML s into the atoms of flavour f. The
// text of a link is taken as plain text (tags dropped, line breaks as
// spaces) and the link becomes one atom, so that splitting never cuts
// through it.
func renderAtoms(s string, f flavour) []atom {
	var out []atom
	type open struct{ name, marker string }
	var stack []open
	inLink, inPre := false, false
	var linkText strings.Builder
	var href string
	for _, t := range tokenize(s) {
		switch t.kind {
		case tokText:
			text := html.UnescapeString(t.text)
			if f.brackets {
				text = fullWidthBrackets.Replace(text)
			}
			if inLink {
				linkText.WriteString(text)
				continue
			}
			out = append(out, atom{kind: atomText, text: text})
		case tokNewline:
			if inLink {
				linkText.WriteByte(' ')
				continue
			}
			out = append(out, atom{kind: atomNewline, text: f.newline})
		case tokOpen:
			if inLink {
				continue
			}
			var marker string
			switch t.name {
			case "b", "strong":
				marker = f.bold
			case "i", "em":
				marker = f.italic
			case "code":
				if !inPre {
					marker = f.code
				}
			case "pre":
				inPre = true
			case "a":
				inLink, href = true, tagAttr(t.text, "href")
				linkText.Reset()
				continue
			}
			stack = append(stack, open{t.name, marker})
			if marker != "" {
				out = append(out, atom{kind: atomOpen, text: marker})
			}
		case tokClose:
			if t.name == "a" {
				if inLink {
					out = append(out, atom{kind: atomText, text: f.link(strings.TrimSpace(linkText.String()), href)})
					inLink = false
				}
				continue
			}
			if inLink {
				continue
			}
			if t.name == "pre" {
				inPre = false
			}
			for k := len(stack) - 1; k >= 0; k-- {
				if stack[k].name != t.name {
					continue
				}
				// Close what was opened inside it first, innermost first.
				for j := len(stack) - 1; j >= k; j-- {
					if m := stack[j].marker; m != "" {
						out = append(out, atom{kind: atomClose, text: m})
					}
				}
				stack = stack[:k]
				break
			}
		}
	}
	if inLink {
		out = append(out, atom{kind: atomText, text: f.link(strings.TrimSpace(linkText.String()), href)})
	}
	for j := len(stack) - 1; j >= 0; j-- {
		if m := stack[j].marker; m != "" {
			out = append(out, atom{kind: atomClose, text: m})
		}
	}
	return dropEmptySpans(out)
}

// dropEmptySpans removes a marker opened and closed with nothing between
// ("****" is not bold, it is four asterisks).
func dropEmptySpans(in []atom) []atom {
	out := in[:0]
	for _, a := range in {
		if a.kind == atomClose && len(out) > 0 && out[len(out)-1].kind == atomOpen && out[len(out)-1].text == a.text {
			out = out[:len(out)-1]
			continue
		}
		out = append(out, a)
	}
	return out
}

// tagAttr returns the value of attribute name in the tag text (<a
// href="...">), unescaped.
func tagAttr(tag, name string) string {
	i := strings.Index(tag, name+"=")
	if i < 0 {
		return ""
	}
	v := tag[i+len(name)+1:]
	if v == "" {
		return ""
	}
	if q := v[0]; q == '"' || q == '\'' {
		if end := strings.IndexByte(v[1:], q); end >= 0 {
			return html.UnescapeString(v[1 : 1+end])
		}
		return ""
	}
	end := strings.IndexAny(v, " >")
	if end < 0 {
		end = len(v)
	}
	return html.UnescapeString(v[:end])
}

// renderText renders the Telegram HTML s in flavour f, whole.
func renderText(s string, f flavour) string {
	var b strings.Builder
	for _, a := range renderAtoms(s, f) {
		b.WriteString(a.text)
	}
	return b.String()
}

// PlainText turns Telegram HTML into plain text: tags dropped, entities
// decoded, links written "text (url)".
func PlainText(s string) string { return renderText(s, plainFlavour) }

// splitRendered renders the Telegram HTML s in flavour f and cuts it into
// parts no longer than limit as measured by size. Parts end at line
// breaks where they can; a longer line is cut between characters, never
// inside a link; a marker open at a cut is closed at the end of the part
// and opened again at the start of the next. Line breaks at the ends of a
// part are dropped, and so are parts with nothing to show.
func splitRendered(s string, f flavour, limit int, size func(string) int) []string {
	atoms := renderAtoms(s, f)
	var parts []string
	var stack []string // markers open at the start of the next part
	for i := 0; i < len(atoms); {
		var b strings.Builder
		n := 0
		for _, m := range stack {
			b.WriteString(m)
			n += size(m)
		}
		cur := append([]string(nil), stack...)
		lineEnd, lineB := -1, ""
		var lineStack []string
		j := i
		hasText := false
		for j < len(atoms) {
			a := atoms[j]
			next := applyMarker(cur, a)
			if hasText && n+size(a.text)+markersLen(next, size) > limit {
				break
			}
			if a.kind == atomText {
				hasText = true
			}
			if a.kind == atomNewline {
				// A cut here keeps the markers' closers on this line.
				lineEnd, lineStack, lineB = j+1, cur, b.String()
			}
			b.WriteString(a.text)
			n += size(a.text)
			cur = next
			j++
		}
		if j < len(atoms) && lineEnd > i {
			parts = appendPart(parts, lineB+closeMarkers(lineStack), f)
			stack, i = lineStack, lineEnd
			continue
		}
		parts = appendPart(parts, b.String()+closeMarkers(cur), f)
		stack, i = cur, j
	}
	return parts
}

func appendPart(parts []string, p string, f flavour) []string {
	for {
		t := strings.TrimSuffix(strings.TrimSuffix(p, f.newline), "\n")
		if t == p {
			break
		}
		p = t
	}
	for {
		t := strings.TrimPrefix(strings.TrimPrefix(p, f.newline), "\n")
		if t == p {
			break
		}
		p = t
	}
	if strings.TrimSpace(p) == "" {
		return parts
	}
	return append(parts, p)
}

func applyMarker(stack []string, a atom) []string {
	switch a.kind {
	case atomOpen:
		return append(stack[:len(stack):len(stack)], a.text)
	case atomClose:
		for k := len(stack) - 1; k >= 0; k-- {
			if stack[k] == a.text {
				return append(stack[:k:k], stack[k+1:]...)
			}
		}
	}
	return stack
}

func closeMarkers(stack []string) string {
	var b strings.Builder
	for k := len(stack) - 1; k >= 0; k-- {
		b.WriteString(stack[k])
	}
	return b.String()
}

func markersLen(stack []string, size func(string) int) int {
	n := 0
	for _, m := range stack {
		n += size(m)
	}
	return n
}
