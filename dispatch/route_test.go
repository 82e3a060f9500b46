package dispatch

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"duban/domain"
	"duban/notify"
	"duban/notify/channeltest"
	"duban/store"
	"duban/store/storetest"
)

// emailChannel starts an in-process SMTP server and the notifier for it.
func emailChannel(t *testing.T, clock *virtualClock) (*channeltest.SMTP, *notify.Email) {
	t.Helper()
	srv := channeltest.NewSMTP(t, channeltest.SMTPOptions{Username: "duban", Password: "mail-pass"})
	return srv, notify.NewEmail(notify.EmailConfig{Host: srv.Host, Port: srv.Port, Username: "duban", Password: "mail-pass",
		From: "督办 <duban@example.gov.cn>", StartTLS: true, Timeout: 10 * time.Second, TLSConfig: srv.TLSConfig(), Now: clock.Now})
}

// routed makes an outbox row for contact c, routed by c's channels.
func routed(c *domain.Contact, commitment int64) func(*store.Notification) {
	return func(n *store.Notification) {
		n.ContactID, n.ChatID, n.Channel, n.CommitmentID = c.ID, c.ChatID, store.ChannelAuto, commitment
	}
}

// addCommitment adds an open commitment owned by c, for rows about it.
func addCommitment(t *testing.T, db *store.DB, c *domain.Contact, title string) int64 {
	t.Helper()
	id, err := db.AddCommitment(context.Background(), store.NewCommitment{Title: title, Due: domain.NewDate(2024, 10, 31), Owners: []string{c.Key}})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// addContact adds c with its e-mail and channels.
func addContact(t *testing.T, db *store.DB, c *domain.Contact) {
	t.Helper()
	ctx := context.Background()
	if err := db.AddContact(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := db.EditContact(ctx, c.Key, store.ContactEdit{Email: &c.Email, Channels: &c.Channels}); err != nil {
		t.Fatal(err)
	}
}

// mails returns the subjects and bodies of what the server accepted for to.
func mailsTo(srv *channeltest.SMTP, to string) []string {
	var out []string
	for _, m := range srv.Mails() {
		for _, r := range m.To {
			if r == to {
				out = append(out, string(m.Data))
			}
		}
	}
	return out
}

// readMail parses raw as MIME and returns its decoded subject and its
// text/plain part, checking that the part says its charset.
func readMail(t *testing.T, raw string) (string, string) {
	t.Helper()
	subject, parts, err := channeltest.ParseMail([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range parts {
		if p.ContentType == "text/plain" {
			if !strings.EqualFold(p.Charset, "utf-8") {
				t.Errorf("text part charset %q, want UTF-8", p.Charset)
			}
			return subject, string(p.Body)
		}
	}
	t.Fatal("no text/plain part")
	return "", ""
}

func TestATelegram403FallsBackToEmailOnceAndStaysThereUntilTheChatAnswers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		smtpSrv, email := emailChannel(t, f.clock)
		f.d.Routes = &Routes{Email: email, Language: "zh",
			ActionURL: func(contact, item int64) string {
				return fmt.Sprintf("https://duban.example/a/tok-%d-%d", contact, item)
			}}
		wang := &domain.Contact{Key: "wang", Name: "王明", ChatID: 77, Email: "wang@example.gov.cn", Channels: "telegram,email"}
		addContact(t, db, wang)
		item := addCommitment(t, db, wang, "清理陶瓷废料")

		// Telegram answers 403: the same reminder goes by e-mail, once.
		f.srv.Block(77)
		first := f.enqueue(77, "⏰ <b>#1 清理陶瓷废料</b> 明天到期", routed(wang, item))
		drain(t, f.d, f.clock)
		if got := mailsTo(smtpSrv, "wang@example.gov.cn"); len(got) != 1 {
			t.Fatalf("wang got %d e-mails, want 1", len(got))
		}
		if r := f.row(first); r.State != store.StateSent || r.Channel != domain.ChannelEmail {
			t.Fatalf("row %+v: want sent by email", r)
		}
		if c, _ := db.ContactByID(ctx, wang.ID); !c.Unreachable {
			t.Fatal("wang is not marked unreachable on Telegram")
		}
		subject, text := readMail(t, mailsTo(smtpSrv, "wang@example.gov.cn")[0])
		if want := "[督办] ⏰ #1 清理陶瓷废料 明天到期"; subject != want {
			t.Errorf("subject %q, want %q", subject, want)
		}
		if !strings.Contains(text, fmt.Sprintf("https://duban.example/a/tok-%d-%d", wang.ID, item)) || !strings.Contains(text, "报进度或完成") {
			t.Errorf("the e-mail carries no action link:\n%s", text)
		}

		// The next reminder goes straight to e-mail: Telegram is not tried.
		tries := f.srv.Count("sendMessage")
		f.enqueue(77, "⏰ #1 今天到期", routed(wang, item))
		drain(t, f.d, f.clock)
		if got := f.srv.Count("sendMessage"); got != tries {
			t.Errorf("Telegram was tried %d more times, want none", got-tries)
		}
		if got := mailsTo(smtpSrv, "wang@example.gov.cn"); len(got) != 2 {
			t.Errorf("wang got %d e-mails, want 2", len(got))
		}

		// Wang writes to the bot again (the bot calls ContactReachable):
		// Telegram is first again, and nothing already e-mailed repeats.
		f.srv.Unblock(77)
		if _, err := db.ContactReachable(ctx, wang.ID, 0); err != nil {
			t.Fatal(err)
		}
		f.enqueue(77, "⏰ #1 已逾期 1 天", routed(wang, item))
		drain(t, f.d, f.clock)
		if got := texts(f.srv.SentTo(77)); len(got) != 1 || !strings.Contains(got[0], "已逾期") {
			t.Errorf("wang's chat got %q, want the third reminder only", got)
		}
		if got := mailsTo(smtpSrv, "wang@example.gov.cn"); len(got) != 2 {
			t.Errorf("wang got %d e-mails, want still 2", len(got))
		}
	})
}

func TestAContactNoChannelReachesIsRecordedDeadWithEveryReason(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.d.Routes = &Routes{}
		li := &domain.Contact{Key: "li", Name: "李", Unit: "浮梁县", Channels: "telegram,email,wecom"}
		addContact(t, db, li)
		id := f.enqueue(0, "提醒", routed(li, 0))
		drain(t, f.d, f.clock)
		r := f.row(id)
		if r.State != store.StateDead {
			t.Fatalf("row %+v: want dead", r)
		}
		for _, want := range []string{"telegram: no linked chat", "email: channels.email is not configured", `wecom: unit "浮梁县" has no robot`} {
			if !strings.Contains(r.LastError, want) {
				t.Errorf("reason %q lacks %q", r.LastError, want)
			}
		}
	})
}

func TestTwoHundredRemindersToOneUnitsRobotKeepToTwentyAMinute(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		robot := channeltest.NewWeCom(t, "unit-key-1", f.clock.Now)
		f.d.Routes = &Routes{UnitWeCom: map[string]notify.Notifier{"浮梁县": notify.NewWeCom(robot.Webhook, robot.Client())}}
		f.d.Limits = DefaultLimits()
		f.d.Workers = 8
		var people []*domain.Contact
		for i := range 10 {
			c := &domain.Contact{Key: fmt.Sprintf("p%d", i), Name: fmt.Sprintf("干部%d", i), Unit: "浮梁县", Channels: "wecom"}
			addContact(t, db, c)
			people = append(people, c)
		}
		item := addCommitment(t, db, people[0], "清理陶瓷废料")
		for i := range 200 {
			f.enqueue(0, fmt.Sprintf("提醒 %03d", i), routed(people[i%10], item))
		}
		began := f.clock.Now()
		st := drain(t, f.d, f.clock)
		got := robot.Messages()
		if len(got) != 200 {
			t.Fatalf("the robot took %d messages, want 200 (stats %+v)", len(got), st)
		}
		// The fake answers 45009 past 20 in any minute; the dispatcher
		// would count each as rate limited.
		if st.RateLimited != 0 || st.Dead != 0 {
			t.Errorf("stats %+v: want no rate limit errors and none dead", st)
		}
		if took := f.clock.Now().Sub(began); took < 9*time.Minute {
			t.Errorf("200 messages took %s of the clock: faster than 20 a minute", took)
		}
		if !strings.Contains(got[0].Content, "致 干部") {
			t.Errorf("a robot message does not say whom it is for: %q", got[0].Content)
		}
		if !strings.Contains(got[0].Content, "duban progress") {
			t.Errorf("without the web a robot message names no command: %q", got[0].Content)
		}
		all, _ := db.Notifications(ctx, store.OutboxFilter{})
		for _, n := range all {
			if n.Channel != domain.ChannelWeCom {
				t.Fatalf("row %d recorded channel %q, want wecom", n.ID, n.Channel)
			}
		}
	})
}

func TestTheOfficeHearsOnItsChatItsRobotAndByEmail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		smtpSrv, email := emailChannel(t, f.clock)
		robot := channeltest.NewDingTalk(t, "office-token", "SEC-office", f.clock.Now)
		f.d.Routes = &Routes{Email: email, DingTalk: notify.NewDingTalk(robot.Webhook, "SEC-office", robot.Client(), f.clock.Now),
			ItemURL: func(id int64) string { return fmt.Sprintf("https://duban.example/commitments/%d", id) }}
		db.SetOffice([]string{domain.ChannelDingTalk}, []string{"ducha@example.gov.cn"})
		zhang := &domain.Contact{Key: "zhang", Name: "张", ChatID: 5}
		if err := db.AddContact(ctx, zhang); err != nil {
			t.Fatal(err)
		}
		item := addCommitment(t, db, zhang, "绿化修复")
		f.enqueue(-1009, "🔴 <b>#1 绿化修复</b> 逾期 3 天，升级督办", func(n *store.Notification) {
			n.Kind, n.CommitmentID = domain.KindEscalation, item
		})
		// A reply to someone's chat is not the office's news.
		f.enqueue(-1009, "好的", func(n *store.Notification) { n.Kind = store.KindReply })
		drain(t, f.d, f.clock)
		if got := texts(f.srv.SentTo(-1009)); len(got) != 2 {
			t.Errorf("the office chat got %q, want the escalation and the reply", got)
		}
		msgs := robot.Messages()
		if len(msgs) != 1 || !strings.Contains(msgs[0].Text, "https://duban.example/commitments/") {
			t.Errorf("the office robot got %+v, want the escalation with the item's link", msgs)
		}
		if got := mailsTo(smtpSrv, "ducha@example.gov.cn"); len(got) != 1 {
			t.Errorf("the office address got %d e-mails, want 1", len(got))
		}
	})
}

func TestAnEmailAddressRefusedFallsBackToTheUnitRobot(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		smtpSrv, email := emailChannel(t, f.clock)
		robot := channeltest.NewWeCom(t, "unit-key-2", f.clock.Now)
		f.d.Routes = &Routes{Email: email, UnitWeCom: map[string]notify.Notifier{"昌江区": notify.NewWeCom(robot.Webhook, robot.Client())}}
		smtpSrv.RejectRecipient("gone@example.gov.cn", channeltest.Reply{Code: 550, Text: "mailbox unavailable"})
		zhao := &domain.Contact{Key: "zhao", Name: "赵", Unit: "昌江区", Email: "gone@example.gov.cn", Channels: "email,wecom"}
		addContact(t, db, zhao)
		id := f.enqueue(0, "提醒", routed(zhao, 0))
		drain(t, f.d, f.clock)
		if r := f.row(id); r.State != store.StateSent || r.Channel != domain.ChannelWeCom {
			t.Fatalf("row %+v: want sent by the unit's robot", r)
		}
		c, _ := db.ContactByID(ctx, zhao.ID)
		if c.EmailUnreachable == "" || c.Unreachable {
			t.Errorf("contact %+v: want the e-mail marked unreachable, Telegram untouched", c)
		}
		// A new address is tried afresh.
		addr := "zhao@example.gov.cn"
		if err := db.EditContact(ctx, "zhao", store.ContactEdit{Email: &addr}); err != nil {
			t.Fatal(err)
		}
		if c, _ := db.ContactByID(ctx, zhao.ID); c.EmailUnreachable != "" {
			t.Errorf("a new address is still marked unreachable: %q", c.EmailUnreachable)
		}
	})
}

func TestTelegramRemindersCarryTheActionLinkWhenTheWebIsOn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		f.d.Routes = &Routes{ActionURL: func(contact, item int64) string { return fmt.Sprintf("https://duban.example/a/t%d-%d", contact, item) }}
		wang := &domain.Contact{Key: "wang", Name: "王", ChatID: 77}
		if err := db.AddContact(ctx, wang); err != nil {
			t.Fatal(err)
		}
		item := addCommitment(t, db, wang, "清理")
		about := func(kind string) func(*store.Notification) {
			return func(n *store.Notification) { n.ContactID, n.CommitmentID, n.Kind = wang.ID, item, kind }
		}
		f.enqueue(77, "逾期提醒", about(domain.KindOverdue))
		f.enqueue(77, "已销号", about(domain.KindVerified))
		drain(t, f.d, f.clock)
		for _, m := range f.srv.SentTo(77) {
			link := strings.Contains(m.Text, fmt.Sprintf(`href="https://duban.example/a/t%d-%d"`, wang.ID, item))
			if strings.HasPrefix(m.Text, "逾期提醒") != link {
				t.Errorf("%q: action link %v, want it on reminders only", m.Text, link)
			}
		}
		if n := len(f.srv.SentTo(77)); n != 2 {
			t.Errorf("sent %d, want 2", n)
		}
	})
}

func TestAChannelIsNotReadyWhileItsLastSendFailedTransiently(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		smtpSrv, email := emailChannel(t, f.clock)
		f.d.Routes = &Routes{Email: email}
		db.SetOffice(nil, []string{"ducha@example.gov.cn"})
		ready := f.d.Routes.Ready(domain.ChannelEmail)
		smtpSrv.RejectData(channeltest.Reply{Code: 451, Text: "try again later"})
		f.enqueue(-1009, "🚨 逾期督办", func(n *store.Notification) { n.Kind = domain.KindEscalation })
		f.runOnce()
		if err := ready(context.Background()); err == nil || !strings.Contains(err.Error(), "451") {
			t.Errorf("ready after a 451 = %v, want the failure", err)
		}
		drain(t, f.d, f.clock)
		if err := ready(context.Background()); err != nil {
			t.Errorf("ready after a send went through = %v", err)
		}
		if got := mailsTo(smtpSrv, "ducha@example.gov.cn"); len(got) != 1 {
			t.Errorf("the office got %d e-mails, want 1", len(got))
		}
	})
}
