package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// DingTalkMaxMarkdown is the most characters duban puts in one DingTalk
// markdown message.
const DingTalkMaxMarkdown = 5000

// dingTalkMaxTitle bounds the title, which DingTalk shows in the chat
// list and notifications.
const dingTalkMaxTitle = 64

// DingTalk error codes that are not the message's fault.
const (
	dingTalkBusy       = -1
	dingTalkTooFast    = 130101 // send too fast, exceed 20 times per minute
	dingTalkRateLimit2 = 410100 // 发送速度太快而限流 (the newer code)
)

// DingTalk sends to a 钉钉 (DingTalk) group robot: the text as markdown,
// signed when the robot has a secret (加签). A robot cannot send files: an
// attachment is named in the text.
type DingTalk struct {
	webhook string
	secret  string
	client  *http.Client
	now     func() time.Time
}

var _ Notifier = (*DingTalk)(nil)

// NewDingTalk returns a DingTalk notifier for webhook,
// https://oapi.dingtalk.com/robot/send?access_token=TOKEN, signing with
// secret ("SEC…") when it is not empty. A nil client means one with a
// 30-second timeout; a nil now, time.Now.
func NewDingTalk(webhook, secret string, client *http.Client, now func() time.Time) *DingTalk {
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	if now == nil {
		now = time.Now
	}
	return &DingTalk{webhook: webhook, secret: secret, client: client, now: now}
}

// Send posts m.Text converted to DingTalk markdown, in several messages
// when it is longer than DingTalkMaxMarkdown characters (cut at lines,
// never inside a link). errcode 130101 (too fast) is RateLimited with a
// minute's wait; -1 (busy), HTTP 5xx and network errors are Temporary;
// any other errcode (310000 keyword, signature or IP refused, 300001 and
// 300005 invalid token, 400102 robot disabled) is Permanent. The access
// token and the secret never appear in the error.
func (d *DingTalk) Send(ctx context.Context, m Message) (Result, error) {
	text := m.Text
	if a := m.Attachment; a != nil {
		note := fmt.Sprintf("（附件 %s 无法通过钉钉机器人发送，请到督办台查看。）", escapeText(a.Name))
		if strings.TrimSpace(text) == "" {
			text = note
		} else {
			text = strings.TrimRight(text, "\n") + "\n" + note
		}
	}
	parts := splitRendered(text, dingTalkFlavour, DingTalkMaxMarkdown, utf8.RuneCountInString)
	if len(parts) == 0 {
		return Result{}, &SendError{Failure: Permanent, Err: fmt.Errorf("dingtalk: empty message")}
	}
	title := dingTalkTitle(m)
	for _, p := range parts {
		body, err := json.Marshal(map[string]any{
			"msgtype":  "markdown",
			"markdown": map[string]string{"title": title, "text": p},
		})
		if err != nil {
			return Result{}, &SendError{Failure: Permanent, Err: fmt.Errorf("dingtalk: %w", err)}
		}
		if err := d.post(ctx, body); err != nil {
			return Result{}, err
		}
	}
	return Result{}, nil
}

func escapeText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// dingTalkTitle is the message's title: the subject, or else the first
// line of the text, shortened.
func dingTalkTitle(m Message) string {
	title := strings.TrimSpace(m.Subject)
	if title == "" {
		plain := strings.TrimSpace(PlainText(m.Text))
		title, _, _ = strings.Cut(plain, "\n")
	}
	title = strings.TrimSpace(title)
	if title == "" {
		return DefaultSubject
	}
	if utf8.RuneCountInString(title) > dingTalkMaxTitle {
		r := []rune(title)
		title = string(r[:dingTalkMaxTitle-1]) + "…"
	}
	return title
}

func (d *DingTalk) post(ctx context.Context, body []byte) error {
	u, err := d.signedURL()
	if err != nil {
		return &SendError{Failure: Permanent, Err: fmt.Errorf("dingtalk: bad webhook URL")}
	}
	r, err := robotPost(ctx, d.client, "dingtalk", u, "application/json", body, d.secrets())
	if err != nil {
		return err
	}
	switch r.ErrCode {
	case 0:
		return nil
	case dingTalkTooFast, dingTalkRateLimit2:
		return robotFailure("dingtalk", r, RateLimited, d.secrets())
	case dingTalkBusy:
		return robotFailure("dingtalk", r, Temporary, d.secrets())
	}
	return robotFailure("dingtalk", r, Permanent, d.secrets())
}

// signedURL is the webhook with timestamp and sign added when there is a
// secret, as DingTalk documents 加签: sign is
// urlencode(base64(HmacSHA256(key: secret, message: timestamp+"\n"+secret)))
// with timestamp in milliseconds; DingTalk refuses a timestamp more than an
// hour from its clock.
func (d *DingTalk) signedURL() (string, error) {
	if d.secret == "" {
		return d.webhook, nil
	}
	u, err := url.Parse(d.webhook)
	if err != nil {
		return "", err
	}
	ts := strconv.FormatInt(d.now().UnixMilli(), 10)
	q := u.Query()
	q.Set("timestamp", ts)
	q.Set("sign", DingTalkSign(d.secret, ts))
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// DingTalkSign is the signature of timestamp (milliseconds, as text) with
// secret, before URL encoding.
func DingTalkSign(secret, timestamp string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp + "\n" + secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

func (d *DingTalk) secrets() []string {
	s := webhookSecrets(d.webhook)
	if d.secret != "" {
		s = append(s, d.secret)
	}
	return s
}

// String names the robot without its token or secret.
func (d *DingTalk) String() string { return "dingtalk " + RedactURL(d.webhook) }
