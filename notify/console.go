package notify

import (
	"context"
	"fmt"
	"html"
	"io"
	"strings"
	"sync"
)

// Console is the Notifier used without a Telegram token: it prints each
// message to a writer as a block of plain text, and always succeeds.
type Console struct {
	mu sync.Mutex
	w  io.Writer
}

var _ Notifier = (*Console)(nil)

// NewConsole returns a Console that prints to w.
func NewConsole(w io.Writer) *Console { return &Console{w: w} }

// Send prints m as one block:
//
//	── to chat 12345 ──
//	Reminder: #12 凤岗村复绿 is due on 2024-06-30
//	[Done] [Progress] [Extension]
//	(attachment: report.xlsx, 12345 bytes)
//
// followed by a blank line. HTML tags are dropped and entities decoded;
// each row of buttons is one line. Blocks from concurrent calls do not
// interleave. Write errors are ignored: the console is best effort.
func (c *Console) Send(_ context.Context, m Message) (Result, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "── to chat %d ──\n", m.ChatID)
	if text := StripHTML(m.Text); strings.TrimSpace(text) != "" {
		b.WriteString(strings.TrimRight(text, "\n"))
		b.WriteByte('\n')
	}
	for _, row := range m.Buttons {
		labels := make([]string, 0, len(row))
		for _, btn := range row {
			labels = append(labels, "["+btn.Text+"]")
		}
		if len(labels) > 0 {
			b.WriteString(strings.Join(labels, " "))
			b.WriteByte('\n')
		}
	}
	if a := m.Attachment; a != nil {
		fmt.Fprintf(&b, "(attachment: %s, %d bytes)\n", a.Name, len(a.Data))
	}
	b.WriteByte('\n')

	c.mu.Lock()
	defer c.mu.Unlock()
	_, _ = io.WriteString(c.w, b.String())
	return Result{}, nil
}

// StripHTML turns Telegram HTML into plain text: tags are dropped and
// entities decoded. In valid Telegram HTML every literal '<' is escaped,
// so anything between '<' and '>' is a tag.
func StripHTML(s string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			b.WriteString(s[i:])
			break
		}
		s = s[i+j+1:]
	}
	return html.UnescapeString(b.String())
}
