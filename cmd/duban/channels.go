package main

import (
	"context"
	"fmt"
	"strings"

	"duban/config"
	"duban/dispatch"
	"duban/domain"
	"duban/httpserver"
	"duban/notify"
	"duban/store"
	"duban/web"
)

// routes builds the channels beyond Telegram from channels.* and units[]
// (SPEC §14). It returns nil when none is configured and the web makes
// no action links.
func (m *Main) routes(ctx context.Context, cfg *config.Config, db *store.DB) (*dispatch.Routes, error) {
	rt := &dispatch.Routes{Language: cfg.Language, UnitWeCom: map[string]notify.Notifier{}, UnitDingTalk: map[string]notify.Notifier{}}
	on := false
	if e := cfg.Channels.Email; e.Enabled() {
		rt.Email = notify.NewEmail(notify.EmailConfig{Host: e.Host, Port: e.Port, Username: e.Username, Password: e.Password,
			From: e.From, StartTLS: e.StartTLS, Now: m.Now})
		on = true
	}
	if w := cfg.Channels.WeCom; w.Webhook != "" {
		rt.WeCom = notify.NewWeCom(w.Webhook, nil)
		on = true
	}
	if d := cfg.Channels.DingTalk; d.Webhook != "" {
		rt.DingTalk = notify.NewDingTalk(d.Webhook, d.Secret, nil, m.Now)
		on = true
	}
	for _, u := range cfg.Units {
		if u.WeComWebhook != "" {
			rt.UnitWeCom[u.Name] = notify.NewWeCom(u.WeComWebhook, nil)
			on = true
		}
		if u.DingTalkWebhook != "" {
			rt.UnitDingTalk[u.Name] = notify.NewDingTalk(u.DingTalkWebhook, u.DingTalkSecret, nil, m.Now)
			on = true
		}
	}
	if cfg.Web.BaseURL != "" {
		links, err := web.NewLinks(ctx, db, cfg.Web.BaseURL, m.Now)
		if err != nil {
			return nil, err
		}
		rt.ActionURL = links.ActionURL
		base := strings.TrimRight(cfg.Web.BaseURL, "/")
		rt.ItemURL = func(id int64) string { return fmt.Sprintf("%s/commitments/%d", base, id) }
		rt.WorkspaceURL = base + "/"
		on = true
	}
	if !on {
		return nil, nil
	}
	return rt, nil
}

// officeChannels are the robots and addresses on which the supervision
// office hears besides its Telegram chat.
func officeChannels(cfg *config.Config) (robots, emails []string) {
	if cfg.Channels.WeCom.Webhook != "" {
		robots = append(robots, domain.ChannelWeCom)
	}
	if cfg.Channels.DingTalk.Webhook != "" {
		robots = append(robots, domain.ChannelDingTalk)
	}
	if cfg.Channels.Email.Enabled() {
		emails = cfg.Channels.Email.Office
	}
	return robots, emails
}

// channelChecks are /readyz's checks of the channels beyond Telegram: each
// fails while its last send failed for a reason that may pass (a network
// error, a 5xx, an SMTP 4xx).
func channelChecks(rt *dispatch.Routes) httpserver.Checks {
	if rt == nil {
		return nil
	}
	var out httpserver.Checks
	if rt.Email != nil {
		out = append(out, httpserver.Check{Name: domain.ChannelEmail, Ready: rt.Ready(domain.ChannelEmail)})
	}
	if rt.WeCom != nil || len(rt.UnitWeCom) > 0 {
		out = append(out, httpserver.Check{Name: domain.ChannelWeCom, Ready: rt.Ready(domain.ChannelWeCom)})
	}
	if rt.DingTalk != nil || len(rt.UnitDingTalk) > 0 {
		out = append(out, httpserver.Check{Name: domain.ChannelDingTalk, Ready: rt.Ready(domain.ChannelDingTalk)})
	}
	return out
}
