package telegramtest

import (
	"errors"
	"fmt"
	"html"
	"regexp"
	"strings"
	"unicode/utf16"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Telegram's limits on what a bot sends, in UTF-16 code units of the text
// after entity parsing.
const (
	maxText    = 4096
	maxCaption = 1024
)

// htmlTags are the tags Telegram's HTML parse mode accepts.
var htmlTags = map[string]bool{
	"b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true,
	"s": true, "strike": true, "del": true, "span": true, "tg-spoiler": true,
	"a": true, "code": true, "pre": true, "blockquote": true, "tg-emoji": true,
}

// plainText parses text in parse mode mode the way Telegram does and
// returns the text users see, or the description of Telegram's 400 answer.
// Markdown modes are not checked.
func plainText(text, mode string) (string, error) {
	switch strings.ToLower(mode) {
	case "":
		return text, nil
	case "markdown", "markdownv2":
		return text, nil
	case "html":
		return parseHTML(text)
	}
	return "", errors.New("unsupported parse_mode")
}

// parseHTML strips Telegram-HTML tags and decodes entities, failing where
// Telegram fails: an unknown or unclosed tag, or a mismatched end tag.
// A lone '&' is taken literally, as Telegram does.
func parseHTML(s string) (string, error) {
	var out strings.Builder
	var stack []string
	for i := 0; i < len(s); {
		switch s[i] {
		case '<':
			end := strings.IndexByte(s[i:], '>')
			if end < 0 {
				return "", fmt.Errorf("can't parse entities: Unclosed start tag at byte offset %d", i)
			}
			tag := s[i+1 : i+end]
			if name, ok := strings.CutPrefix(tag, "/"); ok {
				name = strings.ToLower(strings.TrimSpace(name))
				if len(stack) == 0 {
					return "", fmt.Errorf("can't parse entities: Unexpected end tag at byte offset %d", i)
				}
				if top := stack[len(stack)-1]; top != name {
					return "", fmt.Errorf("can't parse entities: Unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", i, top, name)
				}
				stack = stack[:len(stack)-1]
			} else {
				name, _, _ := strings.Cut(tag, " ")
				name = strings.ToLower(name)
				if !htmlTags[name] {
					return "", fmt.Errorf("can't parse entities: Unsupported start tag \"%s\" at byte offset %d", name, i)
				}
				stack = append(stack, name)
			}
			i += end + 1
		case '&':
			end := strings.IndexByte(s[i:], ';')
			if end > 1 && end <= 10 {
				if dec := html.UnescapeString(s[i : i+end+1]); dec != s[i:i+end+1] {
					out.WriteString(dec)
					i += end + 1
					continue
				}
			}
			out.WriteByte('&')
			i++
		default:
			out.WriteByte(s[i])
			i++
		}
	}
	if len(stack) > 0 {
		return "", fmt.Errorf("can't parse entities: Can't find end tag corresponding to start tag \"%s\"", stack[len(stack)-1])
	}
	return out.String(), nil
}

// utf16Len is the length Telegram measures: UTF-16 code units.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// commandRE matches what Telegram marks as a bot_command entity at the
// start of a message: Latin letters, digits and underscores only, so
// "/进度" is not a command entity.
var commandRE = regexp.MustCompile(`^/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{3,})?`)

// commandEntities is the bot_command entity Telegram attaches to text that
// starts with a command.
func commandEntities(text string) []tgbotapi.MessageEntity {
	m := commandRE.FindString(text)
	if m == "" {
		return nil
	}
	return []tgbotapi.MessageEntity{{Type: "bot_command", Offset: 0, Length: utf16Len(m)}}
}
