package domain

// The channels a message can go by (SPEC §14).
const (
	ChannelTelegram = "telegram"
	ChannelEmail    = "email"
	ChannelWeCom    = "wecom"
	ChannelDingTalk = "dingtalk"
)

// ChannelList is a contact's channels in their order of preference; no
// list means Telegram alone.
func (c *Contact) ChannelList() []string {
	out, _ := ParseChannels(c.Channels)
	if len(out) == 0 {
		return DefaultChannels
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
