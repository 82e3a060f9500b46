package notify

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

func TestRedactURLHidesCredentials(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"a WeCom key", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a-91f6", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***"},
		{"a DingTalk token, timestamp kept, sign hidden", "https://oapi.dingtalk.com/robot/send?access_token=abc123&timestamp=1764752400000&sign=x%2By%3D",
			"https://oapi.dingtalk.com/robot/send?access_token=***&timestamp=1764752400000&sign=***"},
		{"a password in the user info", "smtp://duban:hunter2@mail.example.org:587", "smtp://duban:%2A%2A%2A@mail.example.org:587"},
		{"a URL without secrets", "https://example.org/a?b=c", "https://example.org/a?b=c"},
		{"text that is not a URL", "Post \"%zz?key=abc&x=1\": bad", "Post \"%zz?key=***&x=1\": bad"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RedactURL(tt.in); got != tt.want {
				t.Errorf("RedactURL(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestRedactSecretsKeepsTheErrorChain(t *testing.T) {
	_, err := http.Post("http://127.0.0.1:1/robot/send?access_token=tok-123&sign=s1gnature", "application/json", nil)
	if err == nil {
		t.Fatal("want a connection error")
	}
	safe := redactSecrets(err, "tok-123", "SECxyz")
	if strings.Contains(safe.Error(), "tok-123") || strings.Contains(safe.Error(), "s1gnature") {
		t.Errorf("error shows a secret: %v", safe)
	}
	var ne interface{ Timeout() bool }
	if !errors.As(safe, &ne) {
		t.Errorf("the redacted error lost its *url.Error: %T", safe)
	}
	wrapped := errors.New("wecom: errcode 1: key tok-123 is wrong")
	if got := redactSecrets(wrapped, "tok-123").Error(); got != "wecom: errcode 1: key *** is wrong" {
		t.Errorf("got %q", got)
	}
}
