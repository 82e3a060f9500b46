package dispatch

import (
	"context"
	"fmt"
	"hash/fnv"
	"html"
	"regexp"
	"strings"
	"sync"
	"time"

	"duban/domain"
	"duban/notify"
	"duban/store"
)

// Routes reach people beyond Telegram (SPEC §14): e-mail, and the WeCom
// and DingTalk group robots of the supervision office and of each unit. A
// row routed "auto" goes by its contact's first channel that reaches them
// at the moment it is sent; a row for a named channel is the office's copy
// there. Rows with no channel go to their Telegram chat as always.
//
// Telegram refusing a contact (403: blocked, chat gone) marks them
// unreachable there and sends the same row by their next channel at once;
// later rows go straight to it until Telegram reaches them again (they
// write to the bot, or are linked anew). A mail server refusing the
// address marks the e-mail channel alike.
type Routes struct {
	// Email sends e-mail; nil: no e-mail channel.
	Email notify.Notifier
	// WeCom and DingTalk are the office's robots; nil: none.
	WeCom, DingTalk notify.Notifier
	// UnitWeCom and UnitDingTalk are each unit's robots, by unit name.
	UnitWeCom, UnitDingTalk map[string]notify.Notifier
	// ActionURL, if set, is the signed link (SPEC §13 /a/TOKEN) by which
	// a contact answers for one item on a channel that takes no commands.
	ActionURL func(contactID, commitmentID int64) string
	// ItemURL, if set, is an item's page in the workspace, for the
	// office's copies; WorkspaceURL is the workspace itself.
	ItemURL      func(commitmentID int64) string
	WorkspaceURL string
	// Language is the office's ("zh" or "en"); a contact's own wins.
	Language string

	mu    sync.Mutex
	state map[string]error // channel → its last transient failure (nil: fine)
}

// Route is where one row goes.
type target struct {
	channel  string
	chat     int64 // Telegram
	address  string
	key      int64 // its queue and rate-limit bucket
	notifier notify.Notifier
	contact  *domain.Contact // nil: the office
}

// Queue keys beyond Telegram's chat ids, which stay well within ±2^52:
// robots count as groups (negative: their 20 a minute), e-mail addresses
// as private chats.
const (
	robotKeyBase = -(1 << 60)
	emailKeyBase = 1 << 60
)

func hashKey(s string) int64 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return int64(h.Sum32())
}

// isRobot reports whether key is a robot's bucket.
func isRobot(key int64) bool { return key <= robotKeyBase }

// isEmail reports whether key is an e-mail address's bucket.
func isEmail(key int64) bool { return key >= emailKeyBase }

// resolve picks the target of n, or says why nothing reaches it. d is the
// dispatcher's Telegram notifier; contacts are the rows' contacts.
func (rt *Routes) resolve(n store.Notification, contacts map[int64]*domain.Contact, telegram notify.Notifier) (*target, string) {
	switch n.Channel {
	case domain.ChannelWeCom:
		if rt == nil || rt.WeCom == nil {
			return nil, "unreachable: channels.wecom.webhook is not configured"
		}
		return &target{channel: n.Channel, key: robotKeyBase - hashKey("wecom/"), notifier: rt.WeCom}, ""
	case domain.ChannelDingTalk:
		if rt == nil || rt.DingTalk == nil {
			return nil, "unreachable: channels.dingtalk.webhook is not configured"
		}
		return &target{channel: n.Channel, key: robotKeyBase - hashKey("dingtalk/"), notifier: rt.DingTalk}, ""
	case domain.ChannelEmail:
		if rt == nil || rt.Email == nil {
			return nil, "unreachable: channels.email is not configured"
		}
		return &target{channel: n.Channel, address: n.Address, key: emailKeyBase + hashKey(n.Address), notifier: rt.Email}, ""
	case store.ChannelAuto:
	default:
		return nil, fmt.Sprintf("unreachable: unknown channel %q", n.Channel)
	}
	c := contacts[n.ContactID]
	if c == nil {
		return nil, "unreachable: the contact is gone"
	}
	var why []string
	for _, ch := range c.ChannelList() {
		switch ch {
		case domain.ChannelTelegram:
			switch {
			case c.ChatID == 0:
				why = append(why, "telegram: no linked chat")
			case c.Unreachable:
				why = append(why, "telegram: "+strings.TrimPrefix(c.UnreachableWhy, "unreachable: "))
			default:
				return &target{channel: ch, chat: c.ChatID, key: c.ChatID, notifier: telegram, contact: c}, ""
			}
		case domain.ChannelEmail:
			switch {
			case rt == nil || rt.Email == nil:
				why = append(why, "email: channels.email is not configured")
			case c.Email == "":
				why = append(why, "email: no address")
			case c.EmailUnreachable != "":
				why = append(why, "email: "+c.EmailUnreachable)
			default:
				return &target{channel: ch, address: c.Email, key: emailKeyBase + c.ID, notifier: rt.Email, contact: c}, ""
			}
		case domain.ChannelWeCom, domain.ChannelDingTalk:
			var robots map[string]notify.Notifier
			if rt != nil {
				robots = rt.UnitWeCom
				if ch == domain.ChannelDingTalk {
					robots = rt.UnitDingTalk
				}
			}
			if r := robots[c.Unit]; r != nil {
				return &target{channel: ch, key: robotKeyBase - hashKey(ch+"/"+c.Unit), notifier: r, contact: c}, ""
			}
			why = append(why, fmt.Sprintf("%s: unit %q has no robot", ch, c.Unit))
		}
	}
	return nil, "unreachable: " + strings.Join(why, "; ")
}

// message is n as sent to t. Telegram gets it as it is; the other channels
// take no commands and no buttons, so the message says how to answer
// there: the signed action link, or without the web the commands to use.
// A robot posts in a group, so the message names whom it is for; an
// e-mail gets a subject.
func (rt *Routes) message(n store.Notification, t *target) notify.Message {
	m := message(n, t.chat)
	if t.channel == domain.ChannelTelegram {
		m.Text = rt.withLink(n, t.contact)
		return m
	}
	m.ChatID, m.Address, m.Buttons = 0, t.address, nil
	lang := rt.Language
	if t.contact != nil && t.contact.Language != "" {
		lang = t.contact.Language
	}
	zh := !domain.IsEnglish(lang)
	pick := func(z, e string) string {
		if zh {
			return z
		}
		return e
	}
	text := n.Body
	if t.contact != nil && t.channel != domain.ChannelEmail {
		text = fmt.Sprintf(pick("<b>致 %s：</b>\n", "<b>For %s:</b>\n"), html.EscapeString(t.contact.Name)) + text
	}
	if foot := rt.howToAnswer(n, t, pick); foot != "" {
		text += "\n\n" + foot
	}
	m.Text = text
	m.Subject = pick("[督办] ", "[duban] ") + subjectLine(n.Body, n.CommitmentID)
	return m
}

// withLink is a Telegram reminder's text with the signed action link
// under it when the web makes them (SPEC §13: every reminder carries one),
// for an official who would rather answer with a photo from the browser.
func (rt *Routes) withLink(n store.Notification, c *domain.Contact) string {
	if rt == nil || rt.ActionURL == nil || n.ContactID == 0 || n.CommitmentID == 0 || !domain.IsReminderKind(n.Kind) {
		return n.Body
	}
	lang := rt.Language
	if c != nil && c.Language != "" {
		lang = c.Language
	}
	label := "网页办理（免登录）"
	if domain.IsEnglish(lang) {
		label = "Answer in the browser (no password)"
	}
	return n.Body + fmt.Sprintf("\n\n<a href=\"%s\">%s</a>", html.EscapeString(rt.ActionURL(n.ContactID, n.CommitmentID)), label)
}

// howToAnswer is the footer of a message on a channel without commands.
func (rt *Routes) howToAnswer(n store.Notification, t *target, pick func(z, e string) string) string {
	id := n.CommitmentID
	if id == 0 {
		if t.contact == nil || n.Kind != store.KindBatch {
			return ""
		}
		// Several items in one message: the commands, by number.
		if rt.WorkspaceURL != "" {
			u := html.EscapeString(rt.WorkspaceURL)
			return fmt.Sprintf(pick(`此渠道不能回复命令：请在督办台账中办理：<a href="%s">%s</a>（账号请向督查室索取，或在 Telegram 中发送 /web），或在 Telegram 中回复上面的命令。`,
				`This channel takes no commands: answer in the workspace at <a href="%s">%s</a> (ask the office for an account, or send /web to the Telegram bot), or with the commands above in Telegram.`), u, u)
		}
		return pick("此渠道不能回复命令：请在 Telegram 中向机器人发送上面的命令，或告知督查室用 duban progress 编号 进度 / duban done 编号 登记。",
			"This channel takes no commands: send the commands above to the Telegram bot, or ask the office to record them with duban progress ID PERCENT / duban done ID.")
	}
	if t.contact == nil { // the office's copy
		if rt.ItemURL != nil {
			u := html.EscapeString(rt.ItemURL(id))
			return fmt.Sprintf(pick(`在督办台账中查看和处理：<a href="%s">%s</a>`, `Open it in the workspace: <a href="%s">%s</a>`), u, u)
		}
		return fmt.Sprintf(pick("督查室可在 Telegram 群里处理，或用命令 duban show %d 查看、duban verify %d 销号。",
			"The office can act in its Telegram chat, or with duban show %d and duban verify %d."), id, id)
	}
	if rt.ActionURL != nil && n.ContactID != 0 {
		u := html.EscapeString(rt.ActionURL(n.ContactID, id))
		return fmt.Sprintf(pick(`报进度或完成（免登录，仅限本事项）：<a href="%s">%s</a>`,
			`Report progress or mark it done (no password, this item only): <a href="%s">%s</a>`), u, u)
	}
	return fmt.Sprintf(pick("此渠道不能回复命令：请在 Telegram 中向机器人发送 /progress %d 进度 说明 或 /done %d，或告知督查室用 duban progress %d 进度 / duban done %d 登记。",
		"This channel takes no commands: send /progress %d PERCENT NOTE or /done %d to the Telegram bot, or ask the office to record it with duban progress %d PERCENT / duban done %d."),
		id, id, id, id)
}

var tags = regexp.MustCompile(`<[^>]*>`)

// subjectLine is an e-mail subject from a Telegram HTML body: its first
// line as plain text, and for a message about item id the line that names
// it ("🚨 逾期督办 #2 凤岗村…") when the first does not; at most 80
// characters.
func subjectLine(body string, id int64) string {
	var lines []string
	for _, l := range strings.Split(body, "\n") {
		if l = strings.TrimSpace(html.UnescapeString(tags.ReplaceAllString(l, ""))); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		return ""
	}
	subject := lines[0]
	if ref := fmt.Sprintf("#%d ", id); id != 0 && !strings.Contains(subject+" ", ref) {
		for _, l := range lines[1:] {
			if strings.HasPrefix(l+" ", ref) || strings.Contains(l, " "+ref) {
				subject += " " + l
				break
			}
		}
	}
	if r := []rune(subject); len(r) > 80 {
		subject = string(r[:79]) + "…"
	}
	return subject
}

// noted records the outcome of a send on channel, for Ready.
func (rt *Routes) noted(channel string, err error) {
	if rt == nil {
		return
	}
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if rt.state == nil {
		rt.state = map[string]error{}
	}
	rt.state[channel] = err
}

// Ready returns a readiness check for channel (for /readyz): the channel's
// last transient failure, until a send on it succeeds.
func (rt *Routes) Ready(channel string) func(context.Context) error {
	return func(context.Context) error {
		rt.mu.Lock()
		defer rt.mu.Unlock()
		return rt.state[channel]
	}
}

// routeBatch resolves the routed rows of a claimed batch: each gets its
// target (and its queue key in place of its chat id); rows nothing reaches
// are recorded dead and left out.
func (r *run) routeBatch(rows []store.Notification) []store.Notification {
	var ids []int64
	for _, n := range rows {
		if n.Channel == store.ChannelAuto && n.ContactID != 0 {
			ids = append(ids, n.ContactID)
		}
	}
	if len(ids) == 0 && !anyRouted(rows) {
		return rows
	}
	ctx, cancel := r.dbCtx()
	defer cancel()
	contacts, err := r.d.DB.ContactsByID(ctx, ids)
	if err != nil {
		r.d.log.Error("route: read contacts", "err", err.Error())
		contacts = map[int64]*domain.Contact{}
	}
	out := rows[:0:0]
	for _, n := range rows {
		if n.Channel == "" {
			out = append(out, n)
			continue
		}
		t, why := r.d.Routes.resolve(n, contacts, r.d.Notifier)
		if t == nil {
			r.dead.Add(1)
			r.unhold([]int64{n.ID})
			r.d.log.Warn("message dead", "notification", n.ID, "kind", n.Kind, "reason", why)
			if err := r.d.DB.MarkDead(ctx, n.ID, why); err != nil {
				r.d.log.Error("record dead message", "notification", n.ID, "err", err.Error())
			}
			continue
		}
		r.targetMu.Lock()
		r.targets[n.ID] = t
		r.targetMu.Unlock()
		n.ChatID = t.key
		out = append(out, n)
	}
	return out
}

func anyRouted(rows []store.Notification) bool {
	for _, n := range rows {
		if n.Channel != "" {
			return true
		}
	}
	return false
}

// target returns the route of n, nil for a plain Telegram row.
func (r *run) target(n store.Notification) *target {
	if n.Channel == "" {
		return nil
	}
	r.targetMu.Lock()
	defer r.targetMu.Unlock()
	return r.targets[n.ID]
}

// forgetTargets drops the routes of rows done with.
func (r *run) forgetTargets(ids []int64) {
	r.targetMu.Lock()
	defer r.targetMu.Unlock()
	for _, id := range ids {
		delete(r.targets, id)
	}
}

// fellBack handles a routed row whose channel refused the contact for
// good: the channel is marked dead for them and the row, with the rest of
// its queue, goes back at once to be routed again: to their next channel,
// or recorded dead if none is left.
func (r *run) fellBack(q *chatQueue, n store.Notification, t *target, reason string) {
	d := r.d
	ctx, cancel := r.dbCtx()
	defer cancel()
	var err error
	switch t.channel {
	case domain.ChannelTelegram:
		err = d.DB.MarkUnreachable(ctx, t.chat, reason)
	case domain.ChannelEmail:
		err = d.DB.MarkEmailUnreachable(ctx, t.contact.ID, reason)
	}
	if err != nil {
		d.log.Error("mark channel unreachable", "channel", t.channel, "err", err.Error())
	}
	d.log.Warn("channel refused the contact; trying their next", "notification", n.ID, "channel", t.channel,
		"contact", t.contact.Key, "reason", reason)
	ids := q.ids()
	r.forgetTargets(ids)
	r.release(time.Time{}, ids)
	q.rows = nil
	d.Wake()
}
