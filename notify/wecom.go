package notify

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"path"
	"strings"
	"time"
)

// WeCom limits (developer.work.weixin.qq.com, 群机器人配置说明).
const (
	// WeComMaxMarkdown is the most bytes of UTF-8 in one markdown message.
	WeComMaxMarkdown = 4096
	// weComMaxImage is the largest image sent inline (base64, jpg or png).
	weComMaxImage = 2 << 20
	// weComMinFile and weComMaxFile bound what upload_media takes.
	weComMinFile = 5
	weComMaxFile = 20 << 20
)

// WeCom error codes that are not the message's fault.
const (
	weComBusy           = -1
	weComTooFast        = 45009 // api freq out of limit
	weComConcurrentHigh = 45033 // api concurrent out of limit
)

// WeCom sends to a 企业微信 (WeCom) group robot: the text as markdown, the
// attachment as an image (png, jpg up to 2 MB) or as a file uploaded with
// upload_media.
type WeCom struct {
	webhook string
	client  *http.Client
}

var _ Notifier = (*WeCom)(nil)

// NewWeCom returns a WeCom notifier for webhook,
// https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY. A nil client
// means one with a 30-second timeout.
func NewWeCom(webhook string, client *http.Client) *WeCom {
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	return &WeCom{webhook: webhook, client: client}
}

// Send posts m.Text converted to WeCom markdown, in several messages when
// it is longer than WeCom's 4096 bytes (cut at lines, never inside a
// link), then the attachment. errcode 45009 (too fast) is RateLimited with
// a minute's wait; -1 (busy), HTTP 5xx and network errors are Temporary;
// any other errcode (93000 invalid webhook url, a refused content) is
// Permanent. The robot key never appears in the error. A failure after
// some parts went out makes the retry send them again.
func (w *WeCom) Send(ctx context.Context, m Message) (Result, error) {
	parts := splitRendered(m.Text, weComFlavour, WeComMaxMarkdown, func(s string) int { return len(s) })
	if len(parts) == 0 && m.Attachment == nil {
		return Result{}, &SendError{Failure: Permanent, Err: fmt.Errorf("wecom: empty message")}
	}
	for _, p := range parts {
		body := map[string]any{"msgtype": "markdown", "markdown": map[string]string{"content": p}}
		if err := w.post(ctx, body); err != nil {
			return Result{}, err
		}
	}
	if a := m.Attachment; a != nil {
		if err := w.sendAttachment(ctx, a); err != nil {
			return Result{}, err
		}
	}
	return Result{}, nil
}

func (w *WeCom) sendAttachment(ctx context.Context, a *Attachment) error {
	ext := strings.ToLower(path.Ext(a.Name))
	if (ext == ".png" || ext == ".jpg" || ext == ".jpeg") && len(a.Data) <= weComMaxImage {
		sum := md5.Sum(a.Data)
		return w.post(ctx, map[string]any{"msgtype": "image", "image": map[string]string{
			"base64": base64.StdEncoding.EncodeToString(a.Data),
			"md5":    hex.EncodeToString(sum[:]),
		}})
	}
	if len(a.Data) < weComMinFile || len(a.Data) > weComMaxFile {
		return &SendError{Failure: Permanent, Err: fmt.Errorf("wecom: file %s is %d bytes; a robot takes %d B to %d MB", a.Name, len(a.Data), weComMinFile, weComMaxFile>>20)}
	}
	id, err := w.upload(ctx, a)
	if err != nil {
		return err
	}
	return w.post(ctx, map[string]any{"msgtype": "file", "file": map[string]string{"media_id": id}})
}

// upload sends the file to upload_media, next to the webhook's send, and
// returns its media_id.
func (w *WeCom) upload(ctx context.Context, a *Attachment) (string, error) {
	u, err := url.Parse(w.webhook)
	if err != nil {
		return "", &SendError{Failure: Permanent, Err: fmt.Errorf("wecom: bad webhook URL")}
	}
	u.Path = strings.TrimSuffix(u.Path, "/send") + "/upload_media"
	q := u.Query()
	q.Set("type", "file")
	u.RawQuery = q.Encode()

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	name := a.Name
	if name == "" {
		name = "attachment"
	}
	// WeCom wants filelength in the disposition.
	pw, err := mw.CreatePart(textproto.MIMEHeader{
		"Content-Disposition": {fmt.Sprintf(`form-data; name="media"; filename="%s"; filelength=%d`, quoteEscape(name), len(a.Data))},
		"Content-Type":        {"application/octet-stream"},
	})
	if err != nil {
		return "", &SendError{Failure: Permanent, Err: fmt.Errorf("wecom: upload: %w", err)}
	}
	_, _ = pw.Write(a.Data)
	_ = mw.Close()
	r, err := robotPost(ctx, w.client, "wecom upload", u.String(), mw.FormDataContentType(), body.Bytes(), w.secrets())
	if err != nil {
		return "", err
	}
	if r.ErrCode != 0 {
		return "", w.failure(r)
	}
	if r.MediaID == "" {
		return "", &SendError{Failure: Temporary, Err: fmt.Errorf("wecom upload: no media_id in the answer")}
	}
	return r.MediaID, nil
}

func quoteEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\r", "", "\n", "").Replace(s)
}

func (w *WeCom) post(ctx context.Context, body any) error {
	data, err := json.Marshal(body)
	if err != nil {
		return &SendError{Failure: Permanent, Err: fmt.Errorf("wecom: %w", err)}
	}
	r, err := robotPost(ctx, w.client, "wecom", w.webhook, "application/json", data, w.secrets())
	if err != nil {
		return err
	}
	if r.ErrCode != 0 {
		return w.failure(r)
	}
	return nil
}

func (w *WeCom) failure(r robotReply) *SendError {
	switch r.ErrCode {
	case weComTooFast, weComConcurrentHigh:
		return robotFailure("wecom", r, RateLimited, w.secrets())
	case weComBusy:
		return robotFailure("wecom", r, Temporary, w.secrets())
	}
	return robotFailure("wecom", r, Permanent, w.secrets())
}

// secrets is the robot key, from the webhook's query.
func (w *WeCom) secrets() []string { return webhookSecrets(w.webhook) }

// webhookSecrets are the credential values in a webhook URL's query.
func webhookSecrets(webhook string) []string {
	u, err := url.Parse(webhook)
	if err != nil {
		return nil
	}
	var out []string
	for name, vs := range u.Query() {
		if isSecretParam(name) {
			for _, v := range vs {
				if v != "" {
					out = append(out, v)
				}
			}
		}
	}
	return out
}

// String names the robot without its key.
func (w *WeCom) String() string { return "wecom " + RedactURL(w.webhook) }
