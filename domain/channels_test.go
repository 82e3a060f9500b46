package domain

import (
	"strings"
	"testing"
)

func TestCheckEmail(t *testing.T) {
	for _, ok := range []string{"", "li@example.gov.cn", "li.ming+duban@example.gov.cn", "a@b"} {
		if err := CheckEmail(ok); err != nil {
			t.Errorf("CheckEmail(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"nope", "li@", "@example.gov.cn", "李明 <li@example.gov.cn>", "<li@example.gov.cn>",
		" li@example.gov.cn", "li@example.gov.cn, wang@example.gov.cn", "li @example.gov.cn"} {
		if err := CheckEmail(bad); err == nil || !strings.Contains(err.Error(), "is not an e-mail address") {
			t.Errorf("CheckEmail(%q) = %v, want refused", bad, err)
		}
	}
}

func TestChannels(t *testing.T) {
	if err := CheckChannels(nil); err != nil {
		t.Errorf("no channels: %v", err)
	}
	if err := CheckChannels([]string{"dingtalk", "wecom", "email", "telegram"}); err != nil {
		t.Errorf("all four: %v", err)
	}
	if err := CheckChannels([]string{"telegram", "Email"}); err == nil || err.Error() != `unknown channel "Email": want telegram, email, wecom, dingtalk` {
		t.Errorf("unknown: %v", err)
	}
	if err := CheckChannels([]string{"email", "telegram", "email"}); err == nil || err.Error() != `duplicate channel "email"` {
		t.Errorf("duplicate: %v", err)
	}
	cs, err := ParseChannels(" telegram, email ,,")
	if err != nil || strings.Join(cs, "|") != "telegram|email" {
		t.Errorf("ParseChannels = %q, %v", cs, err)
	}
	if cs, err := ParseChannels(""); err != nil || cs != nil {
		t.Errorf("ParseChannels(\"\") = %q, %v", cs, err)
	}
	if _, err := ParseChannels("email,email"); err == nil {
		t.Error("ParseChannels accepted a duplicate")
	}
}
