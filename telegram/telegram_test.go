package telegram

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"duban/notify"
	"duban/telegram/telegramtest"
)

const testToken = "123456:AAF-secret_TOKEN-value"

// newTelegram starts a fake Bot API and a Telegram notifier talking to it.
func newTelegram(t *testing.T, timeout time.Duration) (*Telegram, *telegramtest.Server) {
	t.Helper()
	srv := telegramtest.New(t, testToken)
	tg, err := NewTelegram(TelegramConfig{Token: testToken, Endpoint: srv.Endpoint(), Timeout: timeout})
	if err != nil {
		t.Fatalf("NewTelegram: %v", err)
	}
	return tg, srv
}

// pngBytes is a small valid PNG, since Telegram rejects photos it cannot
// decode.
func pngBytes(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 4, 3))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// assertNoToken fails if the token shows in err, anywhere in its chain.
func assertNoToken(t *testing.T, err error) {
	t.Helper()
	for e := err; e != nil; e = errors.Unwrap(e) {
		for _, s := range []string{e.Error(), fmt.Sprintf("%+v", e), fmt.Sprintf("%#v", e)} {
			if strings.Contains(s, "secret_TOKEN") {
				t.Fatalf("error leaks the token: %s", s)
			}
		}
	}
}

func TestNewTelegram(t *testing.T) {
	t.Run("it learns the bot's username from getMe", func(t *testing.T) {
		tg, _ := newTelegram(t, 0)
		if got := tg.Username(); got != "test_bot" {
			t.Errorf("Username() = %q, want test_bot", got)
		}
		if tg.bot == nil || tg.bot.Self.ID != 123456 {
			t.Errorf("bot.Self = %+v, want id 123456", tg.bot.Self)
		}
	})
	t.Run("a rejected token is a permanent error without the token", func(t *testing.T) {
		srv := telegramtest.New(t, "999:other")
		_, err := NewTelegram(TelegramConfig{Token: testToken, Endpoint: srv.Endpoint()})
		if err == nil {
			t.Fatal("NewTelegram succeeded with a wrong token")
		}
		assertNoToken(t, err)
		if f := notify.Classify(err).Failure; f != notify.Permanent {
			t.Errorf("failure = %v, want permanent", f)
		}
	})
	t.Run("an unreachable API is a temporary error without the token", func(t *testing.T) {
		srv := telegramtest.New(t, testToken)
		srv.Close()
		_, err := NewTelegram(TelegramConfig{Token: testToken, Endpoint: srv.Endpoint(), Timeout: time.Second})
		if err == nil {
			t.Fatal("NewTelegram succeeded against a closed server")
		}
		assertNoToken(t, err)
		if f := notify.Classify(err).Failure; f != notify.Temporary {
			t.Errorf("failure = %v, want temporary", f)
		}
	})
	t.Run("an endpoint without two %s is refused", func(t *testing.T) {
		_, err := NewTelegram(TelegramConfig{Token: testToken, Endpoint: "http://127.0.0.1:1/bot"})
		if err == nil {
			t.Fatal("NewTelegram accepted a bad endpoint")
		}
	})
}

func TestTelegramSend(t *testing.T) {
	buttons := [][]notify.Button{{{Text: "Done", Data: "done:12"}, {Text: "Progress", Data: "progress:12"}}, {{Text: "Extension", Data: "extend:12"}}}
	long := longLines(10000)
	hard := strings.Repeat("岗", 9000)
	photo := pngBytes(t)
	tests := []struct {
		name  string
		msg   notify.Message
		check func(t *testing.T, res notify.Result, sent []telegramtest.SentMessage)
	}{
		{
			name: "a message arrives in HTML parse mode with its buttons",
			msg:  notify.Message{ChatID: 42, Text: "<b>#12</b> 凤岗村复绿 &amp; 清运", Buttons: buttons},
			check: func(t *testing.T, res notify.Result, sent []telegramtest.SentMessage) {
				if len(sent) != 1 {
					t.Fatalf("sent %d messages, want 1", len(sent))
				}
				m := sent[0]
				if m.Method != "sendMessage" || m.ParseMode != "HTML" || m.Text != "<b>#12</b> 凤岗村复绿 &amp; 清运" {
					t.Errorf("sent %s %q in %q mode", m.Method, m.Text, m.ParseMode)
				}
				if res.MessageID != m.MessageID || res.MessageID == 0 {
					t.Errorf("Result.MessageID = %d, want %d", res.MessageID, m.MessageID)
				}
				kb := m.ReplyMarkup
				if kb == nil || len(kb.InlineKeyboard) != 2 || len(kb.InlineKeyboard[0]) != 2 {
					t.Fatalf("keyboard = %+v, want 2 rows, the first of 2", kb)
				}
				if b := kb.InlineKeyboard[1][0]; b.Text != "Extension" || b.CallbackData == nil || *b.CallbackData != "extend:12" {
					t.Errorf("last button = %+v", b)
				}
			},
		},
		{
			name: "a 10,000-character text is split at line boundaries into parts that fit",
			msg:  notify.Message{ChatID: 42, Text: long, Buttons: buttons},
			check: func(t *testing.T, res notify.Result, sent []telegramtest.SentMessage) {
				if len(sent) < 3 {
					t.Fatalf("sent %d messages, want at least 3", len(sent))
				}
				var all strings.Builder
				for i, m := range sent {
					if notify.UTF16Len(m.Text) > notify.MaxTextLen {
						t.Errorf("part %d has %d UTF-16 units", i, notify.UTF16Len(m.Text))
					}
					if i < len(sent)-1 && !strings.HasSuffix(m.Text, "\n") {
						t.Errorf("part %d does not end at a line boundary", i)
					}
					if (m.ReplyMarkup != nil) != (i == len(sent)-1) {
						t.Errorf("part %d: buttons %v, want them on the last part only", i, m.ReplyMarkup != nil)
					}
					all.WriteString(m.Text)
				}
				if all.String() != long {
					t.Error("the parts do not add up to the text")
				}
				if res.MessageID != sent[0].MessageID {
					t.Errorf("Result.MessageID = %d, want the first part's %d", res.MessageID, sent[0].MessageID)
				}
			},
		},
		{
			name: "a single 9000-character line is split hard",
			msg:  notify.Message{ChatID: 42, Text: hard},
			check: func(t *testing.T, _ notify.Result, sent []telegramtest.SentMessage) {
				var lens []int
				var all strings.Builder
				for _, m := range sent {
					lens = append(lens, notify.UTF16Len(m.Text))
					all.WriteString(m.Text)
				}
				if fmt.Sprint(lens) != "[4096 4096 808]" || all.String() != hard {
					t.Errorf("parts of %v, want [4096 4096 808] adding up to the text", lens)
				}
			},
		},
		{
			name: "a document goes with the text as its caption",
			msg: notify.Message{ChatID: -100200, Text: "<b>2024-05</b> report", Buttons: buttons,
				Attachment: &notify.Attachment{Kind: notify.Document, Name: "report.xlsx", Data: []byte("PK\x03\x04xlsx")}},
			check: func(t *testing.T, res notify.Result, sent []telegramtest.SentMessage) {
				if len(sent) != 1 {
					t.Fatalf("sent %d messages, want 1", len(sent))
				}
				m := sent[0]
				if m.Method != "sendDocument" || m.FileName != "report.xlsx" || string(m.FileData) != "PK\x03\x04xlsx" {
					t.Errorf("sent %s %q (%q)", m.Method, m.FileName, m.FileData)
				}
				if m.Caption != "<b>2024-05</b> report" || m.ParseMode != "HTML" || m.ReplyMarkup == nil {
					t.Errorf("caption %q mode %q buttons %v", m.Caption, m.ParseMode, m.ReplyMarkup != nil)
				}
				if res.MessageID != m.MessageID {
					t.Errorf("Result.MessageID = %d, want %d", res.MessageID, m.MessageID)
				}
			},
		},
		{
			name: "a photo goes as a photo",
			msg:  notify.Message{ChatID: -100200, Text: "chart", Attachment: &notify.Attachment{Kind: notify.Photo, Name: "chart.png", Data: photo}},
			check: func(t *testing.T, _ notify.Result, sent []telegramtest.SentMessage) {
				if len(sent) != 1 || sent[0].Method != "sendPhoto" || !bytes.Equal(sent[0].FileData, photo) || sent[0].Caption != "chart" {
					t.Errorf("sent %+v", sent)
				}
			},
		},
		{
			name: "a text too long for a caption is sent first and the file after it without one",
			msg: notify.Message{ChatID: -100200, Text: strings.Repeat("逾期事项\n", 300), Buttons: buttons,
				Attachment: &notify.Attachment{Kind: notify.Document, Name: "report.csv", Data: []byte("a,b\n")}},
			check: func(t *testing.T, res notify.Result, sent []telegramtest.SentMessage) {
				if len(sent) != 2 || sent[0].Method != "sendMessage" || sent[1].Method != "sendDocument" {
					t.Fatalf("sent %d messages, want a text then a document", len(sent))
				}
				if sent[1].Caption != "" || sent[1].ReplyMarkup == nil {
					t.Errorf("document caption %q, buttons %v; want none and the buttons", sent[1].Caption, sent[1].ReplyMarkup != nil)
				}
				if res.MessageID != sent[0].MessageID {
					t.Errorf("Result.MessageID = %d, want the text's %d", res.MessageID, sent[0].MessageID)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tg, srv := newTelegram(t, 0)
			res, err := tg.Send(context.Background(), tt.msg)
			if err != nil {
				t.Fatalf("Send: %v", err)
			}
			tt.check(t, res, srv.SentTo(tt.msg.ChatID))
		})
	}
}

func TestTelegramSendEmptyTextIsPermanent(t *testing.T) {
	tg, srv := newTelegram(t, 0)
	_, err := tg.Send(context.Background(), notify.Message{ChatID: 42, Text: " \n"})
	if se := notify.Classify(err); err == nil || se.Failure != notify.Permanent {
		t.Fatalf("Send(blank) = %v, want a permanent error", err)
	}
	if n := len(srv.Calls("sendMessage")); n != 0 {
		t.Errorf("%d requests reached the server, want none", n)
	}
}

func TestTelegramSendFailures(t *testing.T) {
	doc := &notify.Attachment{Kind: notify.Document, Name: "r.xlsx", Data: []byte("x")}
	tests := []struct {
		name       string
		method     string
		fault      telegramtest.Fault
		attachment *notify.Attachment
		timeout    time.Duration
		want       notify.Failure
		retryAfter time.Duration
		migrateTo  int64
	}{
		{name: "429 is rate limited with its retry_after", method: "sendMessage", fault: telegramtest.TooManyRequests(5), want: notify.RateLimited, retryAfter: 5 * time.Second},
		{name: "429 on an upload, which tgbotapi returns with code 0, is rate limited", method: "sendDocument", attachment: doc, fault: telegramtest.TooManyRequests(7), want: notify.RateLimited, retryAfter: 7 * time.Second},
		{name: "a blocked bot is unreachable", method: "sendMessage", fault: telegramtest.Blocked(), want: notify.Unreachable},
		{name: "a blocked bot on an upload is unreachable", method: "sendDocument", attachment: doc, fault: telegramtest.Blocked(), want: notify.Unreachable},
		{name: "chat not found is unreachable", method: "sendMessage", fault: telegramtest.ChatNotFound(), want: notify.Unreachable},
		{name: "a migrated group is migrated with the new id", method: "sendMessage", fault: telegramtest.MigratedTo(-1001234567890), want: notify.Migrated, migrateTo: -1001234567890},
		{name: "a migrated group on an upload is migrated", method: "sendDocument", attachment: doc, fault: telegramtest.MigratedTo(-1009), want: notify.Migrated, migrateTo: -1009},
		{name: "another 400 is permanent", method: "sendMessage", fault: telegramtest.Fault{Code: 400, Description: "Bad Request: message is too long"}, want: notify.Permanent},
		{name: "another 400 on an upload is permanent", method: "sendDocument", attachment: doc, fault: telegramtest.Fault{Code: 400, Description: "Bad Request: file must be non-empty"}, want: notify.Permanent},
		{name: "500 is temporary", method: "sendMessage", fault: telegramtest.ServerError(500), want: notify.Temporary},
		{name: "502 is temporary", method: "sendMessage", fault: telegramtest.ServerError(502), want: notify.Temporary},
		{name: "an answer slower than the timeout is temporary", method: "sendMessage", fault: telegramtest.Slow(10 * time.Second), timeout: 200 * time.Millisecond, want: notify.Temporary},
		{name: "a dropped connection is temporary", method: "sendMessage", fault: telegramtest.Drop(), want: notify.Temporary},
		{name: "a dropped connection on an upload is temporary", method: "sendDocument", attachment: doc, fault: telegramtest.Drop(), want: notify.Temporary},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tg, srv := newTelegram(t, tt.timeout)
			srv.FailNext(tt.method, 42, tt.fault)
			start := time.Now()
			_, err := tg.Send(context.Background(), notify.Message{ChatID: 42, Text: "hello", Attachment: tt.attachment})
			if err == nil {
				t.Fatal("Send succeeded")
			}
			assertNoToken(t, err)
			var se *notify.SendError
			if !errors.As(err, &se) {
				t.Fatalf("error %T is not a *SendError: %v", err, err)
			}
			if se.Failure != tt.want || se.RetryAfter != tt.retryAfter || se.MigrateTo != tt.migrateTo {
				t.Errorf("got %v retry %v migrate %d, want %v retry %v migrate %d (%v)",
					se.Failure, se.RetryAfter, se.MigrateTo, tt.want, tt.retryAfter, tt.migrateTo, err)
			}
			if tt.timeout > 0 && time.Since(start) > 5*time.Second {
				t.Errorf("Send took %v with a %v timeout", time.Since(start), tt.timeout)
			}
		})
	}
}

func TestTelegramSendRespectsContext(t *testing.T) {
	t.Run("a cancelled context aborts a send in flight promptly", func(t *testing.T) {
		tg, srv := newTelegram(t, time.Minute)
		arrived := make(chan struct{})
		var once sync.Once
		srv.OnRequest(func(method string, _ url.Values) *telegramtest.Fault {
			if method != "sendMessage" {
				return nil
			}
			once.Do(func() { close(arrived) })
			f := telegramtest.Slow(time.Minute)
			return &f
		})
		ctx, cancel := context.WithCancel(context.Background())
		go func() { <-arrived; cancel() }()
		start := time.Now()
		_, err := tg.Send(ctx, notify.Message{ChatID: 42, Text: "hello"})
		if elapsed := time.Since(start); elapsed > 5*time.Second {
			t.Fatalf("Send returned after %v", elapsed)
		}
		if !errors.Is(err, context.Canceled) || notify.Classify(err).Failure != notify.Temporary {
			t.Errorf("Send = %v, want a temporary error that is context.Canceled", err)
		}
		assertNoToken(t, err)
	})
	t.Run("an already cancelled context sends nothing", func(t *testing.T) {
		tg, srv := newTelegram(t, 0)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := tg.Send(ctx, notify.Message{ChatID: 42, Text: "hello"})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Send = %v, want context.Canceled", err)
		}
		if n := len(srv.Calls("sendMessage")); n != 0 {
			t.Errorf("%d requests reached the server", n)
		}
	})
}

// syncBuffer is a goroutine-safe log sink.
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

func TestTokenNeverLeaks(t *testing.T) {
	var logs syncBuffer
	srv := telegramtest.New(t, testToken)
	tg, err := NewTelegram(TelegramConfig{
		Token: testToken, Endpoint: srv.Endpoint(), Timeout: time.Second,
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv.Close()

	t.Run("a send to an unreachable server fails without the token", func(t *testing.T) {
		for _, m := range []notify.Message{
			{ChatID: 42, Text: "hello"},
			{ChatID: 42, Text: "report", Attachment: &notify.Attachment{Kind: notify.Document, Name: "r.csv", Data: []byte("x")}},
		} {
			_, err := tg.Send(context.Background(), m)
			if err == nil {
				t.Fatal("Send succeeded against a closed server")
			}
			assertNoToken(t, err)
			if !strings.Contains(err.Error(), "bot***") {
				t.Errorf("error %q does not show the redacted URL", err)
			}
			if f := notify.Classify(err).Failure; f != notify.Temporary {
				t.Errorf("failure = %v, want temporary", f)
			}
		}
	})
	t.Run("a download from an unreachable server fails without the token", func(t *testing.T) {
		_, err := tg.DownloadFile(context.Background(), "F1")
		if err == nil {
			t.Fatal("DownloadFile succeeded")
		}
		assertNoToken(t, err)
	})
	t.Run("tgbotapi's own log lines are redacted", func(t *testing.T) {
		// GetUpdatesChan logs its errors, request URL and all, through the
		// package logger.
		bot := tg.bot
		bot.GetUpdatesChan(tgbotapi.NewUpdate(0))
		deadline := time.Now().Add(5 * time.Second)
		for !strings.Contains(logs.String(), "Failed to get updates") && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		bot.StopReceivingUpdates()
		out := logs.String()
		if !strings.Contains(out, "Failed to get updates") {
			t.Fatalf("tgbotapi logged nothing; got %q", out)
		}
		if strings.Contains(out, "secret_TOKEN") {
			t.Errorf("log leaks the token:\n%s", out)
		}
		if !strings.Contains(out, "bot***") {
			t.Errorf("log does not show the redacted URL:\n%s", out)
		}
	})
}

func TestTelegramDownloadFile(t *testing.T) {
	tg, srv := newTelegram(t, 0)
	srv.AddFile("F1", []byte("evidence"))
	got, err := tg.DownloadFile(context.Background(), "F1")
	if err != nil || string(got) != "evidence" {
		t.Fatalf("DownloadFile = %q, %v; want evidence", got, err)
	}
	if _, err := tg.DownloadFile(context.Background(), "nope"); notify.Classify(err).Failure != notify.Permanent {
		t.Errorf("DownloadFile(unknown) = %v, want a permanent error", err)
	}
}

func TestRedact(t *testing.T) {
	tests := []struct {
		name, s, token, want string
	}{
		{"the raw token is replaced", "POST https://api.telegram.org/bot1:abc/sendMessage", "1:abc", "POST https://api.telegram.org/bot***/sendMessage"},
		{"the query-escaped token is replaced", "token=1%3Aabc", "1:abc", "token=***"},
		{"every occurrence is replaced", "1:abc 1:abc", "1:abc", "*** ***"},
		{"an empty token changes nothing", "1:abc", "", "1:abc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := redact(tt.s, tt.token); got != tt.want {
				t.Errorf("Redact = %q, want %q", got, tt.want)
			}
		})
	}
}

// longLines builds about n characters of numbered lines mixing ASCII,
// Chinese and emoji (as notify's split tests do).
func longLines(n int) string {
	var b strings.Builder
	for i := 0; notify.UTF16Len(b.String()) < n; i++ {
		b.WriteString("第")
		b.WriteString(strings.Repeat("x", i%50))
		b.WriteString(" 凤岗村 👍\n")
	}
	return b.String()
}
