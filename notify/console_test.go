package notify

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
)

func TestConsoleSend(t *testing.T) {
	tests := []struct {
		name string
		msg  Message
		want string
	}{
		{
			name: "a reminder prints its header, plain text and buttons",
			msg: Message{ChatID: 12345, Text: "<b>#12</b> 凤岗村复绿 due &lt;2024-06-30&gt; &amp; overdue",
				Buttons: [][]Button{{{Text: "Done", Data: "d"}, {Text: "Progress", Data: "p"}, {Text: "Extension", Data: "e"}}}},
			want: "── to chat 12345 ──\n#12 凤岗村复绿 due <2024-06-30> & overdue\n[Done] [Progress] [Extension]\n\n",
		},
		{
			name: "an attachment prints its name and size",
			msg:  Message{ChatID: -100200, Text: "Monthly report\n", Attachment: &Attachment{Kind: Document, Name: "report.xlsx", Data: make([]byte, 12345)}},
			want: "── to chat -100200 ──\nMonthly report\n(attachment: report.xlsx, 12345 bytes)\n\n",
		},
		{
			name: "each row of buttons is its own line",
			msg:  Message{ChatID: 1, Text: "x", Buttons: [][]Button{{{Text: "Approve"}}, {{Text: "Reject"}}}},
			want: "── to chat 1 ──\nx\n[Approve]\n[Reject]\n\n",
		},
		{
			name: "a link keeps its text",
			msg:  Message{ChatID: 1, Text: `see <a href="https://t.me/x">the bot</a>`},
			want: "── to chat 1 ──\nsee the bot\n\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			res, err := NewConsole(&out).Send(context.Background(), tt.msg)
			if err != nil || res.MessageID != 0 {
				t.Fatalf("Send = %+v, %v; want a zero result and no error", res, err)
			}
			if out.String() != tt.want {
				t.Errorf("printed\n%q\nwant\n%q", out.String(), tt.want)
			}
		})
	}
}

func TestConsoleBlocksDoNotInterleave(t *testing.T) {
	var out bytes.Buffer
	c := NewConsole(&out)
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = c.Send(context.Background(), Message{ChatID: int64(i), Text: strings.Repeat("line\n", 20)})
		}()
	}
	wg.Wait()
	blocks := strings.Split(strings.TrimSuffix(out.String(), "\n\n"), "\n\n")
	if len(blocks) != 50 {
		t.Fatalf("got %d blocks, want 50", len(blocks))
	}
	for _, b := range blocks {
		if !strings.HasPrefix(b, "── to chat ") || strings.Count(b, "line") != 20 {
			t.Fatalf("a block is mixed up: %q", b)
		}
	}
}
