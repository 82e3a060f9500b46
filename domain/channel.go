package domain

import "strings"

// The channels a message can go by (SPEC §14).
const (
	ChannelTelegram = "telegram"
	ChannelEmail    = "email"
	ChannelWeCom    = "wecom"
	ChannelDingTalk = "dingtalk"
)

// Channels are the channels a contact may list, in no order.
var Channels = []string{ChannelTelegram, ChannelEmail, ChannelWeCom, ChannelDingTalk}

// ChannelList is a contact's channels in their order of preference; no
// list means Telegram alone.
func (c *Contact) ChannelList() []string {
	var out []string
	for _, ch := range strings.Split(c.Channels, ",") {
		if ch = strings.TrimSpace(ch); ch != "" {
			out = append(out, ch)
		}
	}
	if len(out) == 0 {
		return []string{ChannelTelegram}
	}
	return out
}

// Routed reports whether the contact is reached by their channel list
// rather than by Telegram alone: whether a channel beyond Telegram is
// listed. A routed contact's reminders are not given up at once for want
// of a Telegram chat; the dispatcher picks the first channel that reaches
// them when it sends.
func (c *Contact) Routed() bool {
	for _, ch := range c.ChannelList() {
		if ch != ChannelTelegram {
			return true
		}
	}
	return false
}
