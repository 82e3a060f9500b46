package channeltest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// DingTalk error codes the fake answers with, as the real API does.
const (
	DingTalkTokenNotExist = 300001 // token is not exist
	DingTalkSecurity      = 310000 // keywords, signature, timestamp or IP refused
	DingTalkTooFast       = 130101 // send too fast, exceed 20 times per minute
	DingTalkParamError    = 40035  // 缺少参数 json
	DingTalkBusy          = -1
)

// DingTalkMaxText is the most characters of markdown text the fake takes.
const DingTalkMaxText = 5000

// DingTalkMessage is one message a DingTalk robot accepted.
type DingTalkMessage struct {
	MsgType string
	Title   string
	Text    string
}

// DingTalk is a fake 钉钉 group robot: its webhook checks the access
// token, the signature and its timestamp (within an hour of the fake's
// clock) when the robot has a secret, the JSON shape and the text's
// length, and answers 130101 past 20 messages in a minute.
type DingTalk struct {
	// Token is the access_token, Secret the signing secret ("" for
	// none); Webhook is the send URL without timestamp and sign.
	Token   string
	Secret  string
	Webhook string

	srv *httptest.Server
	now func() time.Time

	mu     sync.Mutex
	msgs   []DingTalkMessage
	sent   []time.Time
	faults []robotFault
}

// NewDingTalk starts a fake robot, closed when the test ends.
func NewDingTalk(tb testing.TB, token, secret string, now func() time.Time) *DingTalk {
	tb.Helper()
	if now == nil {
		now = time.Now
	}
	d := &DingTalk{Token: token, Secret: secret, now: now}
	mux := http.NewServeMux()
	mux.HandleFunc("/robot/send", d.send)
	d.srv = httptest.NewServer(mux)
	tb.Cleanup(d.srv.Close)
	d.Webhook = d.srv.URL + "/robot/send?access_token=" + token
	return d
}

// Client is an HTTP client for the fake.
func (d *DingTalk) Client() *http.Client { return d.srv.Client() }

// Messages returns what the robot accepted, in order.
func (d *DingTalk) Messages() []DingTalkMessage {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]DingTalkMessage(nil), d.msgs...)
}

// FailNext makes the next send answer errcode with errmsg (HTTP 200).
func (d *DingTalk) FailNext(errcode int, errmsg string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.faults = append(d.faults, robotFault{status: http.StatusOK, code: errcode, msg: errmsg})
}

// FailNextHTTP makes the next send answer the HTTP status, without JSON.
func (d *DingTalk) FailNextHTTP(status int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.faults = append(d.faults, robotFault{status: status})
}

func (d *DingTalk) send(rw http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(rw, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	q := r.URL.Query()
	if q.Get("access_token") != d.Token {
		answer(rw, DingTalkTokenNotExist, "token is not exist", nil)
		return
	}
	if d.Secret != "" {
		ts, err := strconv.ParseInt(q.Get("timestamp"), 10, 64)
		if err != nil {
			answer(rw, DingTalkSecurity, "sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]", nil)
			return
		}
		age := d.now().Sub(time.UnixMilli(ts))
		if age > time.Hour || age < -time.Hour {
			answer(rw, DingTalkSecurity, "invalid timestamp "+q.Get("timestamp")+", more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]", nil)
			return
		}
		mac := hmac.New(sha256.New, []byte(d.Secret))
		mac.Write([]byte(q.Get("timestamp") + "\n" + d.Secret))
		want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
		if !hmac.Equal([]byte(q.Get("sign")), []byte(want)) {
			answer(rw, DingTalkSecurity, "sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]", nil)
			return
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.faults) > 0 {
		f := d.faults[0]
		d.faults = d.faults[1:]
		if f.status != http.StatusOK {
			http.Error(rw, http.StatusText(f.status), f.status)
			return
		}
		answer(rw, f.code, f.msg, nil)
		return
	}
	var body struct {
		MsgType  string `json:"msgtype"`
		Markdown *struct {
			Title string `json:"title"`
			Text  string `json:"text"`
		} `json:"markdown"`
		Text *struct {
			Content string `json:"content"`
		} `json:"text"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		answer(rw, DingTalkParamError, "缺少参数 json", nil)
		return
	}
	var msg DingTalkMessage
	switch body.MsgType {
	case "markdown":
		if body.Markdown == nil || body.Markdown.Title == "" || body.Markdown.Text == "" {
			answer(rw, DingTalkParamError, "缺少参数 markdown.title 或 markdown.text", nil)
			return
		}
		msg = DingTalkMessage{MsgType: "markdown", Title: body.Markdown.Title, Text: body.Markdown.Text}
	case "text":
		if body.Text == nil || body.Text.Content == "" {
			answer(rw, DingTalkParamError, "缺少参数 text.content", nil)
			return
		}
		msg = DingTalkMessage{MsgType: "text", Text: body.Text.Content}
	default:
		answer(rw, 400105, "不支持的消息类型", nil)
		return
	}
	if utf8.RuneCountInString(msg.Text) > DingTalkMaxText {
		answer(rw, 460101, "message too long", nil)
		return
	}
	if !allow(&d.sent, d.now()) {
		answer(rw, DingTalkTooFast, "send too fast, exceed 20 times per minute", nil)
		return
	}
	d.msgs = append(d.msgs, msg)
	answer(rw, 0, "ok", nil)
}
