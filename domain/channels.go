package domain

import (
	"fmt"
	"net/mail"
	"slices"
	"strings"
)

// Channels a contact may be reached on (SPEC §14). A contact's own list is
// their order of preference; an empty list means DefaultChannels.
var Channels = []string{ChannelTelegram, ChannelEmail, ChannelWeCom, ChannelDingTalk}

// DefaultChannels is what reaches a contact whose list is empty.
var DefaultChannels = []string{ChannelTelegram}

// CheckEmail is the one rule for a contact's e-mail address, used by import
// and by `duban contact edit`: empty (no address), or a bare address that
// net/mail parses, like li@example.gov.cn — no display name, no spaces.
func CheckEmail(s string) error {
	if s == "" {
		return nil
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return fmt.Errorf("%q is not an e-mail address: want one like name@example.gov.cn", s)
	}
	return nil
}

// CheckChannels checks a contact's channels: each a name in Channels, none
// twice.
func CheckChannels(cs []string) error {
	for i, c := range cs {
		if !slices.Contains(Channels, c) {
			return fmt.Errorf("unknown channel %q: want %s", c, strings.Join(Channels, ", "))
		}
		if slices.Contains(cs[:i], c) {
			return fmt.Errorf("duplicate channel %q", c)
		}
	}
	return nil
}

// ParseChannels reads a comma-separated list of channels, as the contacts
// table stores it and `duban contact edit --channels` takes it, and checks
// it with CheckChannels. Blanks around names and empty items are ignored.
func ParseChannels(s string) ([]string, error) {
	var cs []string
	for _, c := range strings.Split(s, ",") {
		if c = strings.TrimSpace(c); c != "" {
			cs = append(cs, c)
		}
	}
	return cs, CheckChannels(cs)
}
