package channeltest_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"duban/notify/channeltest"
)

func post(t *testing.T, c *http.Client, url, body string) (int, string) {
	t.Helper()
	resp, err := c.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatalf("post: %v", err)
	}
	defer resp.Body.Close()
	var r struct {
		ErrCode int    `json:"errcode"`
		ErrMsg  string `json:"errmsg"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatalf("answer: %v", err)
	}
	return r.ErrCode, r.ErrMsg
}

func TestWeComFakeChecksWhatRealWeComChecks(t *testing.T) {
	w := channeltest.NewWeCom(t, "k1", nil)
	c := w.Client()
	tests := []struct {
		name, url, body string
		want            int
	}{
		{"a markdown message is accepted", w.Webhook, `{"msgtype":"markdown","markdown":{"content":"**hi**"}}`, 0},
		{"a wrong key is an invalid webhook url", strings.Replace(w.Webhook, "k1", "k2", 1), `{"msgtype":"markdown","markdown":{"content":"hi"}}`, channeltest.WeComInvalidWebhook},
		{"markdown over 4096 bytes is refused", w.Webhook, `{"msgtype":"markdown","markdown":{"content":"` + strings.Repeat("督", 1366) + `"}}`, channeltest.WeComInvalidParam},
		{"an unknown msgtype is refused", w.Webhook, `{"msgtype":"card"}`, channeltest.WeComInvalidMsgType},
		{"an unknown media_id is refused", w.Webhook, `{"msgtype":"file","file":{"media_id":"nope"}}`, channeltest.WeComInvalidMediaID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, msg := post(t, c, tt.url, tt.body); got != tt.want {
				t.Errorf("errcode %d (%s), want %d", got, msg, tt.want)
			}
		})
	}
	if n := len(w.Messages()); n != 1 {
		t.Errorf("recorded %d messages, want 1", n)
	}
}

func TestDingTalkFakeChecksTheSignature(t *testing.T) {
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	d := channeltest.NewDingTalk(t, "tok", "SECret", func() time.Time { return now })
	c := d.Client()
	body := `{"msgtype":"markdown","markdown":{"title":"t","text":"hi"}}`
	if got, _ := post(t, c, d.Webhook, body); got != channeltest.DingTalkSecurity {
		t.Errorf("unsigned: errcode %d, want %d", got, channeltest.DingTalkSecurity)
	}
	if got, _ := post(t, c, d.Webhook+"&timestamp=1&sign=x", body); got != channeltest.DingTalkSecurity {
		t.Errorf("ancient timestamp: errcode %d, want %d", got, channeltest.DingTalkSecurity)
	}
	if got, _ := post(t, c, strings.Replace(d.Webhook, "tok", "other", 1), body); got != channeltest.DingTalkTokenNotExist {
		t.Errorf("wrong token: errcode %d, want %d", got, channeltest.DingTalkTokenNotExist)
	}
	if n := len(d.Messages()); n != 0 {
		t.Errorf("recorded %d messages, want 0", n)
	}
}
