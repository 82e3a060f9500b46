package notify_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"duban/notify"
	"duban/notify/channeltest"
)

const (
	dingToken  = "b2f1c0ffee5eed0123456789abcdef"
	dingSecret = "SEC3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f"
)

func TestDingTalkSendsSignedMarkdown(t *testing.T) {
	clock := newFakeClock()
	robot := channeltest.NewDingTalk(t, dingToken, dingSecret, clock.Now)
	d := notify.NewDingTalk(robot.Webhook, dingSecret, robot.Client(), clock.Now)
	text := "<b>督办提醒</b>：#12 凤岗村复绿\n<i>截止</i> 2026-12-05\n" +
		`<a href="https://duban.example.org/a/TOKEN">在督办台办理</a>`
	// Several timestamps, so that some signatures hold '+' or '/' and
	// must be URL-encoded to match.
	for i := 0; i < 10; i++ {
		if _, err := d.Send(context.Background(), notify.Message{Subject: "[督办] #12 凤岗村复绿", Text: text}); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
		clock.Add(7*time.Second + 13*time.Millisecond)
	}
	msgs := robot.Messages()
	if len(msgs) != 10 {
		t.Fatalf("got %d messages, want 10", len(msgs))
	}
	want := "**督办提醒**：#12 凤岗村复绿  \n*截止* 2026-12-05  \n[在督办台办理](https://duban.example.org/a/TOKEN)"
	if m := msgs[0]; m.MsgType != "markdown" || m.Title != "[督办] #12 凤岗村复绿" || m.Text != want {
		t.Errorf("got %s %q %q\nwant markdown text %q", m.MsgType, m.Title, m.Text, want)
	}
}

func TestDingTalkTitleFallsBackToTheFirstLine(t *testing.T) {
	robot := channeltest.NewDingTalk(t, dingToken, "", nil)
	d := notify.NewDingTalk(robot.Webhook, "", robot.Client(), nil)
	if _, err := d.Send(context.Background(), notify.Message{Text: "<b>本周到期</b> 3 项\n#12 …"}); err != nil {
		t.Fatalf("send: %v", err)
	}
	if got := robot.Messages()[0].Title; got != "本周到期 3 项" {
		t.Errorf("title %q", got)
	}
}

func TestDingTalkSplitsLongMarkdown(t *testing.T) {
	robot := channeltest.NewDingTalk(t, dingToken, dingSecret, nil)
	d := notify.NewDingTalk(robot.Webhook, dingSecret, robot.Client(), nil)
	var b strings.Builder
	for i := 0; i < 300; i++ {
		b.WriteString(`#12 凤岗村复绿工程第二期，责任单位凤岗镇 <a href="https://duban.example.org/a/T">办理</a>` + "\n")
	}
	if _, err := d.Send(context.Background(), notify.Message{Text: b.String()}); err != nil {
		t.Fatalf("send: %v", err)
	}
	msgs := robot.Messages()
	if len(msgs) < 2 {
		t.Fatalf("got %d messages, want the text split", len(msgs))
	}
	links := 0
	for i, m := range msgs {
		if n := utf8.RuneCountInString(m.Text); n > notify.DingTalkMaxMarkdown {
			t.Errorf("part %d has %d characters", i, n)
		}
		links += strings.Count(m.Text, "[办理](https://duban.example.org/a/T)")
	}
	if links != 300 {
		t.Errorf("got %d whole links, want 300", links)
	}
}

func TestDingTalkNamesTheAttachmentItCannotSend(t *testing.T) {
	robot := channeltest.NewDingTalk(t, dingToken, "", nil)
	d := notify.NewDingTalk(robot.Webhook, "", robot.Client(), nil)
	_, err := d.Send(context.Background(), notify.Message{Text: "<b>11月月报</b>", Attachment: &notify.Attachment{Kind: notify.Document, Name: "督办月报-2026-11.xlsx", Data: []byte("PK..")}})
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	if got := robot.Messages()[0].Text; !strings.Contains(got, "督办月报-2026-11.xlsx") || !strings.HasPrefix(got, "**11月月报**") {
		t.Errorf("text %q", got)
	}
}

func TestDingTalkRateLimitIsRetriedAfterAMinute(t *testing.T) {
	clock := newFakeClock()
	robot := channeltest.NewDingTalk(t, dingToken, dingSecret, clock.Now)
	d := notify.NewDingTalk(robot.Webhook, dingSecret, robot.Client(), clock.Now)
	ctx := context.Background()
	for i := 0; i < channeltest.RobotLimit; i++ {
		if _, err := d.Send(ctx, notify.Message{Text: "提醒"}); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
		clock.Add(time.Second)
	}
	_, err := d.Send(ctx, notify.Message{Text: "第21条"})
	se := sendErr(t, err)
	if se.Failure != notify.RateLimited || se.RetryAfter != time.Minute {
		t.Fatalf("got %v after %v, want rate_limited after 1m", se.Failure, se.RetryAfter)
	}
	clock.Add(se.RetryAfter)
	if _, err := d.Send(ctx, notify.Message{Text: "第21条"}); err != nil {
		t.Fatalf("send after the wait: %v", err)
	}
}

func TestDingTalkFailuresAreClassifiedWithoutSecrets(t *testing.T) {
	tests := []struct {
		name    string
		webhook func(r *channeltest.DingTalk) string
		secret  string
		skew    time.Duration // the notifier's clock minus the robot's
		fault   func(r *channeltest.DingTalk)
		want    notify.Failure
	}{
		{name: "a wrong secret is permanent", secret: dingSecret + "x", want: notify.Permanent},
		{name: "no signature on a signed robot is permanent", secret: "", want: notify.Permanent},
		{name: "a clock two hours behind is permanent", secret: dingSecret, skew: -2 * time.Hour, want: notify.Permanent},
		{name: "a clock half an hour off is fine", secret: dingSecret, skew: 30 * time.Minute, want: -1},
		{name: "a wrong token is permanent", secret: dingSecret, webhook: func(r *channeltest.DingTalk) string {
			return strings.Replace(r.Webhook, dingToken, "wrong-token-42", 1)
		}, want: notify.Permanent},
		{name: "130101 is rate limited", secret: dingSecret, fault: func(r *channeltest.DingTalk) {
			r.FailNext(channeltest.DingTalkTooFast, "send too fast, exceed 20 times per minute")
		}, want: notify.RateLimited},
		{name: "a busy system is temporary", secret: dingSecret, fault: func(r *channeltest.DingTalk) {
			r.FailNext(channeltest.DingTalkBusy, "系统繁忙")
		}, want: notify.Temporary},
		{name: "an HTTP 503 is temporary", secret: dingSecret, fault: func(r *channeltest.DingTalk) {
			r.FailNextHTTP(http.StatusServiceUnavailable)
		}, want: notify.Temporary},
		{name: "a network error is temporary", secret: dingSecret, webhook: func(r *channeltest.DingTalk) string {
			return "http://127.0.0.1:1/robot/send?access_token=" + dingToken
		}, want: notify.Temporary},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			robot := channeltest.NewDingTalk(t, dingToken, dingSecret, clock.Now)
			hook := robot.Webhook
			if tt.webhook != nil {
				hook = tt.webhook(robot)
			}
			if tt.fault != nil {
				tt.fault(robot)
			}
			now := func() time.Time { return clock.Now().Add(tt.skew) }
			_, err := notify.NewDingTalk(hook, tt.secret, robot.Client(), now).Send(context.Background(), notify.Message{Text: "提醒"})
			if tt.want == -1 {
				if err != nil {
					t.Fatalf("send: %v", err)
				}
				return
			}
			se := sendErr(t, err)
			if se.Failure != tt.want {
				t.Errorf("failure %v, want %v (%v)", se.Failure, tt.want, err)
			}
			for _, secret := range []string{dingToken, dingSecret, "wrong-token-42"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error shows %q: %v", secret, err)
				}
			}
			if strings.Contains(err.Error(), "sign=") && !strings.Contains(err.Error(), "sign=***") {
				t.Errorf("error shows the signature: %v", err)
			}
			if len(robot.Messages()) != 0 {
				t.Errorf("a message was accepted")
			}
		})
	}
}

func TestRobotsPrintWithoutSecrets(t *testing.T) {
	d := notify.NewDingTalk("https://oapi.dingtalk.com/robot/send?access_token="+dingToken, dingSecret, nil, nil)
	w := notify.NewWeCom("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key="+weComKey, nil)
	for _, s := range []string{fmt.Sprint(d), fmt.Sprintf("%+v", d), fmt.Sprint(w), fmt.Sprintf("%v", w)} {
		for _, secret := range []string{dingToken, dingSecret, weComKey} {
			if strings.Contains(s, secret) {
				t.Errorf("%q shows a secret", s)
			}
		}
	}
}
