package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// robotRateWait is how long to wait after a robot says "too fast": both
// WeCom and DingTalk count 20 messages a minute.
const robotRateWait = time.Minute

// robotReply is the answer of WeCom's and DingTalk's webhooks.
type robotReply struct {
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
	// MediaID is WeCom's answer to upload_media.
	MediaID string `json:"media_id"`
}

// robotPost posts body to rawURL and reads the robot's answer. Transport
// failures are classified here: network errors, time-outs and 5xx are
// Temporary, 429 is RateLimited, any other non-200 answer Permanent (a
// wrong webhook path). The errcode in a 200 answer is left to the caller.
// No secret reaches the error.
func robotPost(ctx context.Context, client *http.Client, name, rawURL, contentType string, body []byte, secrets []string) (robotReply, error) {
	fail := func(f Failure, err error) (robotReply, error) {
		return robotReply{}, &SendError{Failure: f, Err: fmt.Errorf("%s: %w", name, redactSecrets(err, secrets...))}
	}
	failAfter := func(wait time.Duration, err error) (robotReply, error) {
		return robotReply{}, &SendError{Failure: RateLimited, RetryAfter: wait, Err: fmt.Errorf("%s: %w", name, redactSecrets(err, secrets...))}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rawURL, bytes.NewReader(body))
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fail(Permanent, fmt.Errorf("bad webhook URL: %w", err))
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := client.Do(req)
	if err != nil {
		return fail(Temporary, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fail(Temporary, fmt.Errorf("read answer: %w", err))
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		wait := robotRateWait
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
			wait = time.Duration(s) * time.Second
		}
		return failAfter(wait, fmt.Errorf("HTTP %s", resp.Status))
	case resp.StatusCode >= 500:
		return fail(Temporary, fmt.Errorf("HTTP %s", resp.Status))
	case resp.StatusCode != http.StatusOK:
		return fail(Permanent, fmt.Errorf("HTTP %s", resp.Status))
	}
	var r robotReply
	if err := json.Unmarshal(data, &r); err != nil {
		// Not the robot speaking: a proxy's or captive portal's page.
		return fail(Temporary, fmt.Errorf("unreadable answer: %w", err))
	}
	return r, nil
}

// robotError is a robot's refusal, errcode and errmsg.
type robotError struct {
	name string
	code int
	msg  string
}

func (e *robotError) Error() string {
	return fmt.Sprintf("%s: errcode %d: %s", e.name, e.code, e.msg)
}

// robotFailure builds the SendError for a robot's errcode.
func robotFailure(name string, r robotReply, f Failure, secrets []string) *SendError {
	se := &SendError{Failure: f, Err: redactSecrets(&robotError{name: name, code: r.ErrCode, msg: r.ErrMsg}, secrets...)}
	if f == RateLimited {
		se.RetryAfter = robotRateWait
	}
	return se
}
