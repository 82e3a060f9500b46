package channeltest

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"
)

// RobotLimit is how many messages a WeCom or DingTalk robot takes in a
// minute.
const RobotLimit = 20

// WeCom error codes the fake answers with, as the real API does.
const (
	WeComInvalidWebhook = 93000 // invalid webhook url
	WeComTooFast        = 45009 // api freq out of limit
	WeComInvalidParam   = 40058 // a field missing or too long
	WeComInvalidMsgType = 40008 // invalid message type
	WeComInvalidMediaID = 40007 // invalid media_id
	WeComInvalidSize    = 40006 // invalid file size
	WeComBusy           = -1
)

// WeComMessage is one message a WeCom robot accepted.
type WeComMessage struct {
	MsgType string
	// Content is the markdown (or text) of a markdown or text message.
	Content string
	// File is the name and Data the bytes of a file or image message.
	File string
	Data []byte
}

// WeCom is a fake 企业微信 group robot: the webhook's send and
// upload_media, checking the key, the JSON shapes and the 4096-byte
// markdown limit, answering 45009 past 20 messages in a minute of its
// clock.
type WeCom struct {
	// Key is the robot's key; Webhook is its send URL.
	Key     string
	Webhook string

	srv *httptest.Server
	now func() time.Time

	mu      sync.Mutex
	msgs    []WeComMessage
	sent    []time.Time
	media   map[string]WeComMessage
	faults  []robotFault
	uploads int
}

type robotFault struct {
	status int
	code   int
	msg    string
}

// NewWeCom starts a fake robot with key, on the clock now (time.Now when
// nil), closed when the test ends.
func NewWeCom(tb testing.TB, key string, now func() time.Time) *WeCom {
	tb.Helper()
	if now == nil {
		now = time.Now
	}
	w := &WeCom{Key: key, now: now, media: map[string]WeComMessage{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/cgi-bin/webhook/send", w.send)
	mux.HandleFunc("/cgi-bin/webhook/upload_media", w.upload)
	w.srv = httptest.NewServer(mux)
	tb.Cleanup(w.srv.Close)
	w.Webhook = w.srv.URL + "/cgi-bin/webhook/send?key=" + key
	return w
}

// Client is an HTTP client for the fake.
func (w *WeCom) Client() *http.Client { return w.srv.Client() }

// Messages returns what the robot accepted, in order.
func (w *WeCom) Messages() []WeComMessage {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]WeComMessage(nil), w.msgs...)
}

// FailNext makes the next send answer errcode with errmsg (HTTP 200).
func (w *WeCom) FailNext(errcode int, errmsg string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.faults = append(w.faults, robotFault{status: http.StatusOK, code: errcode, msg: errmsg})
}

// FailNextHTTP makes the next send answer the HTTP status, without JSON.
func (w *WeCom) FailNextHTTP(status int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.faults = append(w.faults, robotFault{status: status})
}

func answer(rw http.ResponseWriter, code int, msg string, extra map[string]any) {
	body := map[string]any{"errcode": code, "errmsg": msg}
	for k, v := range extra {
		body[k] = v
	}
	rw.Header().Set("Content-Type", "application/json; charset=UTF-8")
	_ = json.NewEncoder(rw).Encode(body)
}

func weComHint(code int) string {
	return fmt.Sprintf(", hint: [1700000000000000000], from ip: 127.0.0.1, more info at https://open.work.weixin.qq.com/devtool/query?e=%d", code)
}

// allow counts a message against the limit: at most RobotLimit in any
// minute. The caller holds mu.
func allow(sent *[]time.Time, now time.Time) bool {
	kept := (*sent)[:0]
	for _, t := range *sent {
		if now.Sub(t) < time.Minute {
			kept = append(kept, t)
		}
	}
	*sent = kept
	if len(kept) >= RobotLimit {
		return false
	}
	*sent = append(*sent, now)
	return true
}

func (w *WeCom) send(rw http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(rw, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if r.URL.Query().Get("key") != w.Key {
		answer(rw, WeComInvalidWebhook, "invalid webhook url"+weComHint(WeComInvalidWebhook), nil)
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.faults) > 0 {
		f := w.faults[0]
		w.faults = w.faults[1:]
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
			Content string `json:"content"`
		} `json:"markdown"`
		Text *struct {
			Content string `json:"content"`
		} `json:"text"`
		Image *struct {
			Base64 string `json:"base64"`
			MD5    string `json:"md5"`
		} `json:"image"`
		File *struct {
			MediaID string `json:"media_id"`
		} `json:"file"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		answer(rw, 40016, "Warning: wrong json format. "+err.Error(), nil)
		return
	}
	var msg WeComMessage
	switch body.MsgType {
	case "markdown", "text":
		var content string
		limit := 4096
		if body.MsgType == "markdown" && body.Markdown != nil {
			content = body.Markdown.Content
		} else if body.Text != nil {
			content, limit = body.Text.Content, 2048
		}
		if content == "" {
			answer(rw, 44004, "empty content"+weComHint(44004), nil)
			return
		}
		if len(content) > limit {
			answer(rw, WeComInvalidParam, fmt.Sprintf("%s.content exceed max length %d. invalid Request Parameter%s", body.MsgType, limit, weComHint(WeComInvalidParam)), nil)
			return
		}
		msg = WeComMessage{MsgType: body.MsgType, Content: content}
	case "image":
		if body.Image == nil {
			answer(rw, WeComInvalidParam, "missing image"+weComHint(WeComInvalidParam), nil)
			return
		}
		data, err := base64.StdEncoding.DecodeString(body.Image.Base64)
		sum := md5.Sum(data)
		if err != nil || hex.EncodeToString(sum[:]) != body.Image.MD5 {
			answer(rw, 40009, "invalid image md5 or base64"+weComHint(40009), nil)
			return
		}
		if len(data) > 2<<20 {
			answer(rw, 40009, "invalid image size"+weComHint(40009), nil)
			return
		}
		msg = WeComMessage{MsgType: "image", File: "image", Data: data}
	case "file":
		if body.File == nil {
			answer(rw, WeComInvalidParam, "missing file"+weComHint(WeComInvalidParam), nil)
			return
		}
		m, ok := w.media[body.File.MediaID]
		if !ok {
			answer(rw, WeComInvalidMediaID, "invalid media_id"+weComHint(WeComInvalidMediaID), nil)
			return
		}
		msg = m
	default:
		answer(rw, WeComInvalidMsgType, "invalid message type"+weComHint(WeComInvalidMsgType), nil)
		return
	}
	if !allow(&w.sent, w.now()) {
		answer(rw, WeComTooFast, "api freq out of limit"+weComHint(WeComTooFast), nil)
		return
	}
	w.msgs = append(w.msgs, msg)
	answer(rw, 0, "ok", nil)
}

func (w *WeCom) upload(rw http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if r.Method != http.MethodPost || q.Get("key") != w.Key {
		answer(rw, WeComInvalidWebhook, "invalid webhook url"+weComHint(WeComInvalidWebhook), nil)
		return
	}
	if q.Get("type") != "file" && q.Get("type") != "voice" {
		answer(rw, 40004, "invalid media type"+weComHint(40004), nil)
		return
	}
	f, fh, err := r.FormFile("media")
	if err != nil {
		answer(rw, WeComInvalidParam, "missing media: "+err.Error()+weComHint(WeComInvalidParam), nil)
		return
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		answer(rw, WeComBusy, "system busy", nil)
		return
	}
	_, params, _ := mime.ParseMediaType(fh.Header.Get("Content-Disposition"))
	if n, err := strconv.Atoi(params["filelength"]); err != nil || n != len(data) {
		answer(rw, WeComInvalidSize, "invalid filelength"+weComHint(WeComInvalidSize), nil)
		return
	}
	if len(data) < 5 || len(data) > 20<<20 {
		answer(rw, WeComInvalidSize, "invalid file size"+weComHint(WeComInvalidSize), nil)
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.uploads++
	id := fmt.Sprintf("media-%d", w.uploads)
	w.media[id] = WeComMessage{MsgType: "file", File: fh.Filename, Data: data}
	answer(rw, 0, "ok", map[string]any{"type": "file", "media_id": id, "created_at": strconv.FormatInt(w.now().Unix(), 10)})
}
