package notify_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"duban/notify"
	"duban/notify/channeltest"
)

const weComKey = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"

// fakeClock is a clock the test moves.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func sendErr(t *testing.T, err error) *notify.SendError {
	t.Helper()
	var se *notify.SendError
	if !errors.As(err, &se) {
		t.Fatalf("error %v, want a *SendError", err)
	}
	return se
}

func TestWeComSendsMarkdown(t *testing.T) {
	robot := channeltest.NewWeCom(t, weComKey, nil)
	w := notify.NewWeCom(robot.Webhook, robot.Client())
	text := "<b>督办提醒</b>：#12 凤岗村复绿 &lt;二期&gt; &amp; 道路硬化\n" +
		"<i>截止</i> 2026-12-05，编号 <code>DB-12</code>\n" +
		`<a href="https://duban.example.org/a/TOKEN">在督办台办理</a><tg-spoiler>x</tg-spoiler>`
	if _, err := w.Send(context.Background(), notify.Message{ChatID: 99, Subject: "ignored", Text: text}); err != nil {
		t.Fatalf("send: %v", err)
	}
	msgs := robot.Messages()
	if len(msgs) != 1 {
		t.Fatalf("got %d messages, want 1", len(msgs))
	}
	want := "**督办提醒**：#12 凤岗村复绿 ＜二期＞ & 道路硬化\n" +
		"截止 2026-12-05，编号 `DB-12`\n" +
		"[在督办台办理](https://duban.example.org/a/TOKEN)x"
	if msgs[0].MsgType != "markdown" || msgs[0].Content != want {
		t.Errorf("got %s %q\nwant markdown %q", msgs[0].MsgType, msgs[0].Content, want)
	}
}

func TestWeComSplitsLongMarkdownOutsideLinks(t *testing.T) {
	robot := channeltest.NewWeCom(t, weComKey, nil)
	w := notify.NewWeCom(robot.Webhook, robot.Client())
	var b strings.Builder
	b.WriteString("<b>本周到期事项</b>\n")
	for i := 0; i < 120; i++ {
		b.WriteString(`#12 凤岗村复绿工程第二期 <a href="https://duban.example.org/a/TOKEN-`)
		b.WriteString(strings.Repeat("x", i%7))
		b.WriteString(`">办理</a>` + "\n")
	}
	if _, err := w.Send(context.Background(), notify.Message{Text: b.String()}); err != nil {
		t.Fatalf("send: %v", err)
	}
	msgs := robot.Messages()
	if len(msgs) < 2 {
		t.Fatalf("got %d messages, want the text split", len(msgs))
	}
	links := 0
	for i, m := range msgs {
		if len(m.Content) > notify.WeComMaxMarkdown {
			t.Errorf("part %d is %d bytes", i, len(m.Content))
		}
		if strings.Count(m.Content, "[") != strings.Count(m.Content, "](") || strings.Count(m.Content, "](") != strings.Count(m.Content, ")") {
			t.Errorf("part %d cuts a link:\n%s", i, m.Content)
		}
		if strings.HasPrefix(m.Content, "\n") || strings.HasSuffix(m.Content, "\n") {
			t.Errorf("part %d starts or ends with a blank line", i)
		}
		links += strings.Count(m.Content, "](")
	}
	if links != 120 {
		t.Errorf("got %d links in all, want 120", links)
	}
}

func TestWeComCutsALongBoldLineAndReopensTheBold(t *testing.T) {
	robot := channeltest.NewWeCom(t, weComKey, nil)
	w := notify.NewWeCom(robot.Webhook, robot.Client())
	title := strings.Repeat("复绿", 1500) // 9000 bytes in one line
	if _, err := w.Send(context.Background(), notify.Message{Text: "<b>" + title + "</b>"}); err != nil {
		t.Fatalf("send: %v", err)
	}
	msgs := robot.Messages()
	if len(msgs) != 3 {
		t.Fatalf("got %d messages, want 3", len(msgs))
	}
	var all strings.Builder
	for i, m := range msgs {
		if !strings.HasPrefix(m.Content, "**") || !strings.HasSuffix(m.Content, "**") {
			t.Errorf("part %d is not bold by itself: %q…", i, m.Content[:10])
		}
		all.WriteString(strings.Trim(m.Content, "*"))
	}
	if all.String() != title {
		t.Errorf("the parts do not add up to the title")
	}
}

func TestWeComSendsAttachments(t *testing.T) {
	robot := channeltest.NewWeCom(t, weComKey, nil)
	w := notify.NewWeCom(robot.Webhook, robot.Client())
	xlsx := append([]byte("PK\x03\x04"), bytes.Repeat([]byte{1, 2, 3}, 1000)...)
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{9}, 500)...)
	ctx := context.Background()
	if _, err := w.Send(ctx, notify.Message{Text: "<b>11月月报</b>", Attachment: &notify.Attachment{Kind: notify.Document, Name: "督办月报-2026-11.xlsx", Data: xlsx}}); err != nil {
		t.Fatalf("send xlsx: %v", err)
	}
	if _, err := w.Send(ctx, notify.Message{Attachment: &notify.Attachment{Kind: notify.Photo, Name: "chart.png", Data: png}}); err != nil {
		t.Fatalf("send png: %v", err)
	}
	msgs := robot.Messages()
	if len(msgs) != 3 {
		t.Fatalf("got %d messages, want text, file, image", len(msgs))
	}
	if msgs[0].Content != "**11月月报**" {
		t.Errorf("caption %q", msgs[0].Content)
	}
	if msgs[1].MsgType != "file" || msgs[1].File != "督办月报-2026-11.xlsx" || !bytes.Equal(msgs[1].Data, xlsx) {
		t.Errorf("file message %s %q, %d bytes", msgs[1].MsgType, msgs[1].File, len(msgs[1].Data))
	}
	if msgs[2].MsgType != "image" || !bytes.Equal(msgs[2].Data, png) {
		t.Errorf("image message %s, %d bytes", msgs[2].MsgType, len(msgs[2].Data))
	}
}

func TestWeComRateLimitIsRetriedAfterAMinute(t *testing.T) {
	clock := newFakeClock()
	robot := channeltest.NewWeCom(t, weComKey, clock.Now)
	w := notify.NewWeCom(robot.Webhook, robot.Client())
	ctx := context.Background()
	for i := 0; i < channeltest.RobotLimit; i++ {
		if _, err := w.Send(ctx, notify.Message{Text: "提醒"}); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
		clock.Add(time.Second)
	}
	_, err := w.Send(ctx, notify.Message{Text: "第21条"})
	se := sendErr(t, err)
	if se.Failure != notify.RateLimited || se.RetryAfter != time.Minute {
		t.Fatalf("got %v after %v, want rate_limited after 1m", se.Failure, se.RetryAfter)
	}
	clock.Add(se.RetryAfter)
	if _, err := w.Send(ctx, notify.Message{Text: "第21条"}); err != nil {
		t.Fatalf("send after the wait: %v", err)
	}
}

func TestWeComFailuresAreClassifiedWithoutTheKey(t *testing.T) {
	tests := []struct {
		name    string
		webhook func(r *channeltest.WeCom) string
		fault   func(r *channeltest.WeCom)
		want    notify.Failure
	}{
		{"a wrong key is permanent", func(r *channeltest.WeCom) string {
			return strings.Replace(r.Webhook, weComKey, "0000-wrong-key", 1)
		}, nil, notify.Permanent},
		{"45009 is rate limited", nil, func(r *channeltest.WeCom) { r.FailNext(channeltest.WeComTooFast, "api freq out of limit") }, notify.RateLimited},
		{"a busy system is temporary", nil, func(r *channeltest.WeCom) { r.FailNext(channeltest.WeComBusy, "system busy") }, notify.Temporary},
		{"an HTTP 502 is temporary", nil, func(r *channeltest.WeCom) { r.FailNextHTTP(http.StatusBadGateway) }, notify.Temporary},
		{"a wrong path is permanent", func(r *channeltest.WeCom) string {
			return strings.Replace(r.Webhook, "/send", "/sned", 1)
		}, nil, notify.Permanent},
		{"a network error is temporary and hides the key", func(r *channeltest.WeCom) string {
			return "http://127.0.0.1:1/cgi-bin/webhook/send?key=" + weComKey
		}, nil, notify.Temporary},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			robot := channeltest.NewWeCom(t, weComKey, nil)
			hook := robot.Webhook
			if tt.webhook != nil {
				hook = tt.webhook(robot)
			}
			if tt.fault != nil {
				tt.fault(robot)
			}
			_, err := notify.NewWeCom(hook, robot.Client()).Send(context.Background(), notify.Message{Text: "提醒"})
			se := sendErr(t, err)
			if se.Failure != tt.want {
				t.Errorf("failure %v, want %v (%v)", se.Failure, tt.want, err)
			}
			if strings.Contains(err.Error(), weComKey) || strings.Contains(err.Error(), "0000-wrong-key") {
				t.Errorf("error shows the key: %v", err)
			}
			if len(robot.Messages()) != 0 {
				t.Errorf("a message was accepted")
			}
		})
	}
}
