package bot_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"duban/bot"
	"duban/domain"
	"duban/store"
	"duban/telegram"
	"duban/telegram/telegramtest"
)

const (
	token      = "424242:SECRET-bot-TOKEN_xyz"
	superChat  = int64(-1001234567890) // the supervision supergroup
	zhangUser  = int64(1001)           // official, 管委会办公室, zh; linked by /start in the flow
	liUser     = int64(1002)           // official, 生态环境局, en
	wangUser   = int64(1003)           // supervisor
	strangerID = int64(9999)           // never linked
)

// title1 has every character HTML or Markdown would trip on.
const title1 = "凤岗村<复绿> & _修复_ *一期*"

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

// now is the fixed clock of the bot tests: 2024-06-01 09:00 in Shanghai.
var now = time.Date(2024, 6, 1, 9, 0, 0, 0, shanghai)

// seed fills db: zhang (unlinked), li and wang (linked), and
// #1 zhang's, due 2024-06-30, with a hostile title;
// #2 li's, another unit, due 2024-06-30;
// #3 zhang's, overdue since 2024-05-01;
// #4 zhang's, ongoing.
func seed(t testing.TB, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	db.Now = func() time.Time { return now }
	for _, c := range []*domain.Contact{
		{Key: "zhang", Name: "张国斌", Unit: "管委会办公室", Role: domain.Official, Language: "zh"},
		{Key: "li", Name: "Li Ming", Unit: "生态环境局", Role: domain.Official, Language: "en"},
		{Key: "wang", Name: "王督查", Unit: "督查室", Role: domain.Supervisor, Language: "zh"},
		{Key: "zhao", Name: "赵未关联", Unit: "管委会办公室", Role: domain.Official},
	} {
		if err := db.AddContact(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []store.NewCommitment{
		{Key: "c1", Title: title1, Unit: "管委会办公室", Owners: []string{"zhang"}, Due: domain.NewDate(2024, 6, 30)},
		{Key: "c2", Title: "昌南大道南侧陶瓷固废清运", Unit: "生态环境局", Owners: []string{"li"}, Due: domain.NewDate(2024, 6, 30)},
		{Key: "c3", Title: "建设固废监管平台", Unit: "管委会办公室", Owners: []string{"zhang"}, Due: domain.NewDate(2024, 5, 1)},
		{Key: "c4", Title: "常态化巡查", Unit: "管委会办公室", Owners: []string{"zhang"}},
	} {
		if _, err := db.AddCommitment(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	for _, l := range []struct {
		key  string
		user int64
	}{{"li", liUser}, {"wang", wangUser}} {
		ct, _ := db.Contact(ctx, l.key)
		if err := db.SetContactChat(ctx, ct.ID, l.user, l.user); err != nil {
			t.Fatal(err)
		}
	}
}

// fakeReporter records /report calls.
type fakeReporter struct {
	mu    sync.Mutex
	calls []string
}

func (f *fakeReporter) SendMonthly(_ context.Context, month string, chatID int64) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf("%s@%d", month, chatID))
	return "", nil
}

func (f *fakeReporter) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

// syncBuffer is a log sink safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// harness runs the real Poller against the fake Bot API with the real
// tgbotapi client.
type harness struct {
	t        *testing.T
	db       *store.DB
	srv      *telegramtest.Server
	tg       *telegram.Telegram
	h        *bot.Handler
	reporter *fakeReporter
	logs     *syncBuffer
	evidence string

	stored chan int64
	cancel context.CancelFunc
	done   chan error
}

// newHarness seeds db and connects to a fresh fake Bot API.
func newHarness(t *testing.T, db *store.DB) *harness {
	t.Helper()
	seed(t, db)
	x := &harness{t: t, db: db, srv: telegramtest.New(t, token), reporter: &fakeReporter{}, logs: &syncBuffer{}, evidence: t.TempDir()}
	logger := slog.New(slog.NewTextHandler(x.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	tg, err := telegram.NewTelegram(telegram.TelegramConfig{Token: token, Endpoint: x.srv.Endpoint(), Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	x.tg = tg
	x.h = bot.New(bot.Config{
		DB: db, Location: shanghai, WarnDays: 7, SupervisionChatID: superChat, Username: tg.Username(),
		Language: "zh", Reporter: x.reporter, Files: tg, EvidenceDir: x.evidence, Logger: logger,
	})
	return x
}

// start runs a Poller until the test ends (or a hook stops it).
func (x *harness) start(hooks telegram.Hooks) {
	x.t.Helper()
	x.stored = make(chan int64, 100)
	user := hooks.Stored
	hooks.Stored = func(id int64) {
		if user != nil {
			user(id)
		}
		x.stored <- id
	}
	p, err := telegram.NewPoller(telegram.PollerConfig{Handler: x.h, DB: x.db, Telegram: x.tg, Hooks: hooks,
		MinBackoff: 5 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(x.logs, nil))})
	if err != nil {
		x.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	x.cancel, x.done = cancel, make(chan error, 1)
	go func() { x.done <- p.Run(ctx) }()
	x.t.Cleanup(func() { x.stop() })
}

// stop ends the Poller and returns what Run returned.
func (x *harness) stop() error {
	if x.cancel == nil {
		return nil
	}
	x.cancel()
	x.cancel = nil
	select {
	case err := <-x.done:
		return err
	case <-time.After(10 * time.Second):
		x.t.Fatal("poller did not stop")
	}
	return nil
}

// waitStored waits until the Poller stored the offset of update id.
func (x *harness) waitStored(id int64) {
	x.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case got := <-x.stored:
			if got >= id {
				return
			}
		case err := <-x.done:
			x.t.Fatalf("poller stopped before update %d was stored: %v", id, err)
		case <-deadline:
			x.t.Fatalf("update %d not handled in time", id)
		}
	}
}

// result is what the bot did in answer to one update.
type result struct {
	Sent    []telegramtest.SentMessage
	Edits   []telegramtest.Edit
	Answers []telegramtest.CallbackAnswer
}

// texts are the texts of the messages sent.
func (r result) texts() []string {
	var out []string
	for _, m := range r.Sent {
		out = append(out, m.Text)
	}
	return out
}

// push queues an update (made by fn on the fake server), waits until it is
// handled, and returns what the bot did.
func (x *harness) push(fn func(*telegramtest.Server) int) result {
	x.t.Helper()
	sent, edits, answers := len(x.srv.Sent()), len(x.srv.Edited()), len(x.srv.CallbackAnswers())
	id := fn(x.srv)
	x.waitStored(int64(id))
	return result{Sent: x.srv.Sent()[sent:], Edits: x.srv.Edited()[edits:], Answers: x.srv.CallbackAnswers()[answers:]}
}

// say sends text from user in chat.
func (x *harness) say(chat, user int64, text string) result {
	x.t.Helper()
	return x.push(func(s *telegramtest.Server) int {
		return s.PushText(chat, telegramtest.User(user, "U"), text).UpdateID
	})
}

// reply sends text from user in their private chat and returns the one
// message the bot answered.
func (x *harness) reply(user int64, text string) string {
	x.t.Helper()
	r := x.say(user, user, text)
	if len(r.Sent) != 1 {
		x.t.Fatalf("%q: bot sent %d messages, want 1: %q", text, len(r.Sent), r.texts())
	}
	return r.Sent[0].Text
}

// press presses the button with data on message msgID in chat, as user.
func (x *harness) press(chat, user int64, msgID int, data string) result {
	x.t.Helper()
	return x.push(func(s *telegramtest.Server) int {
		return s.PushCallback(chat, telegramtest.User(user, "U"), msgID, data).UpdateID
	})
}

// photo sends a photo with a caption.
func (x *harness) photo(user int64, data []byte, caption string) result {
	x.t.Helper()
	return x.push(func(s *telegramtest.Server) int {
		return s.PushPhoto(user, telegramtest.User(user, "U"), data, caption).UpdateID
	})
}

// document sends a document with a caption.
func (x *harness) document(user int64, fileID, name string, data []byte, caption string) result {
	x.t.Helper()
	return x.push(func(s *telegramtest.Server) int {
		s.AddFile(fileID, data)
		return s.PushUpdate(tgbotapi.Update{Message: &tgbotapi.Message{
			MessageID: 1, From: &tgbotapi.User{ID: user, FirstName: "U"}, Date: int(now.Unix()),
			Chat:     &tgbotapi.Chat{ID: user, Type: "private"},
			Document: &tgbotapi.Document{FileID: fileID, FileUniqueID: "u" + fileID, FileName: name, FileSize: len(data)},
			Caption:  caption,
		}})
	})
}

// commitment reads a commitment.
func (x *harness) commitment(id int64) *domain.Commitment {
	x.t.Helper()
	c, err := x.db.Commitment(context.Background(), id)
	if err != nil {
		x.t.Fatal(err)
	}
	return c
}

// snapshot is everything a bot command may change, as text: comparing it
// before and after shows that nothing changed.
func snapshot(t testing.TB, db *store.DB) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		`SELECT COUNT(*) FROM progress_updates`, `SELECT COUNT(*) FROM status_changes`,
		`SELECT COUNT(*) FROM extensions`, `SELECT COUNT(*) FROM notifications`,
		`SELECT COUNT(*) FROM bot_updates`, `SELECT COUNT(*) FROM link_codes WHERE used_at IS NOT NULL`,
	} {
		var n int
		if err := db.SQLX().Get(&n, q); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%d;", n)
	}
	var rows []struct {
		ID       int64   `db:"id"`
		Status   string  `db:"status"`
		Progress int     `db:"progress"`
		Due      *string `db:"due"`
	}
	if err := db.SQLX().Select(&rows, `SELECT id, status, progress, due FROM commitments ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		due := ""
		if r.Due != nil {
			due = *r.Due
		}
		fmt.Fprintf(&b, "#%d %s %d %s;", r.ID, r.Status, r.Progress, due)
	}
	var links []struct {
		Key  string `db:"key"`
		Chat int64  `db:"chat_id"`
		User int64  `db:"telegram_user_id"`
	}
	if err := db.SQLX().Select(&links, `SELECT key, chat_id, telegram_user_id FROM contacts ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	for _, l := range links {
		fmt.Fprintf(&b, "%s:%d/%d;", l.Key, l.Chat, l.User)
	}
	return b.String()
}

// link links zhang's chat through a code, as the flow starts.
func (x *harness) link() string {
	x.t.Helper()
	lc, err := x.db.IssueLinkCode(context.Background(), "zhang")
	if err != nil {
		x.t.Fatal(err)
	}
	if got := x.reply(zhangUser, "/start "+lc.Code); !strings.Contains(got, "张国斌") {
		x.t.Fatalf("/start: %q", got)
	}
	return lc.Code
}
