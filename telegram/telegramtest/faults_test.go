package telegramtest_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"duban/telegram/telegramtest"
)

func TestFaults(t *testing.T) {
	tests := []struct {
		name        string
		fault       telegramtest.Fault
		wantCode    int
		wantMessage string
		wantRetry   int
		wantMigrate int64
	}{
		{"429 carries retry_after", telegramtest.TooManyRequests(5), 429, "Too Many Requests: retry after 5", 5, 0},
		{"a blocked user is 403", telegramtest.Blocked(), 403, "Forbidden: bot was blocked by the user", 0, 0},
		{"chat not found is 400", telegramtest.ChatNotFound(), 400, "Bad Request: chat not found", 0, 0},
		{"a migrated group carries migrate_to_chat_id", telegramtest.MigratedTo(-1001), 400, "Bad Request: group chat was upgraded to a supergroup chat", 0, -1001},
		{"500 is Internal Server Error", telegramtest.ServerError(500), 500, "Internal Server Error", 0, 0},
		{"502 is Bad Gateway", telegramtest.ServerError(502), 502, "Bad Gateway", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, bot := newServer(t)
			srv.FailNext("sendMessage", 42, tt.fault)
			_, err := bot.Send(tgbotapi.NewMessage(42, "x"))
			e := apiError(t, err)
			if e.Code != tt.wantCode || e.Message != tt.wantMessage || e.RetryAfter != tt.wantRetry || e.MigrateToChatID != tt.wantMigrate {
				t.Errorf("got %+v", *e)
			}
			if _, err := bot.Send(tgbotapi.NewMessage(42, "x")); err != nil {
				t.Errorf("the fault was used more than once: %v", err)
			}
		})
	}
}

func TestFaultsOnUploadsLoseTheCode(t *testing.T) {
	// tgbotapi's UploadFiles builds its Error without Code: only the
	// description and parameters survive. Notifiers must test RetryAfter.
	srv, bot := newServer(t)
	srv.FailNext("sendDocument", 42, telegramtest.TooManyRequests(9))
	_, err := bot.Send(tgbotapi.NewDocument(42, tgbotapi.FileBytes{Name: "a.txt", Bytes: []byte("a")}))
	if e := apiError(t, err); e.Code != 0 || e.RetryAfter != 9 {
		t.Errorf("got Code %d RetryAfter %d, want 0 and 9", e.Code, e.RetryAfter)
	}
}

func TestFaultTargeting(t *testing.T) {
	srv, bot := newServer(t)
	srv.FailNext("sendMessage", 2, telegramtest.Blocked())
	if _, err := bot.Send(tgbotapi.NewMessage(1, "x")); err != nil {
		t.Errorf("a fault for chat 2 hit chat 1: %v", err)
	}
	if _, err := bot.Send(tgbotapi.NewMessage(2, "x")); err == nil {
		t.Error("the fault for chat 2 did not hit it")
	}
	srv.FailNext("", 0, telegramtest.ServerError(500))
	if _, err := bot.Request(tgbotapi.NewCallback("x", "")); err == nil || apiError(t, err).Code != 500 {
		t.Errorf("a fault for any method did not hit answerCallbackQuery: %v", err)
	}
}

func TestPermanentModes(t *testing.T) {
	srv, bot := newServer(t)
	srv.Block(42)
	srv.Migrate(-500, -1000000000500)
	for range 3 {
		if _, err := bot.Send(tgbotapi.NewMessage(42, "x")); err == nil || apiError(t, err).Code != 403 {
			t.Fatalf("a blocked chat answered %v", err)
		}
		_, err := bot.Send(tgbotapi.NewMessage(-500, "x"))
		if err == nil || apiError(t, err).MigrateToChatID != -1000000000500 {
			t.Fatalf("a migrated chat answered %v", err)
		}
	}
	if _, err := bot.Send(tgbotapi.NewMessage(-1000000000500, "x")); err != nil {
		t.Errorf("the new supergroup refused: %v", err)
	}
	srv.Unblock(42)
	if _, err := bot.Send(tgbotapi.NewMessage(42, "x")); err != nil {
		t.Errorf("an unblocked chat refused: %v", err)
	}
}

func TestOnRequestHook(t *testing.T) {
	srv, bot := newServer(t)
	srv.OnRequest(func(method string, p url.Values) *telegramtest.Fault {
		if method == "sendMessage" && strings.Contains(p.Get("text"), "boom") {
			f := telegramtest.ServerError(502)
			return &f
		}
		return nil
	})
	if _, err := bot.Send(tgbotapi.NewMessage(1, "boom")); err == nil || apiError(t, err).Code != 502 {
		t.Errorf("hooked request answered %v", err)
	}
	if _, err := bot.Send(tgbotapi.NewMessage(1, "fine")); err != nil {
		t.Errorf("unhooked request answered %v", err)
	}
	srv.OnRequest(nil)
	if _, err := bot.Send(tgbotapi.NewMessage(1, "boom")); err != nil {
		t.Errorf("a removed hook still fired: %v", err)
	}
}

func TestSlowAndDroppedAnswers(t *testing.T) {
	t.Run("a slow answer arrives late but arrives", func(t *testing.T) {
		srv, bot := newServer(t)
		srv.FailNext("sendMessage", 0, telegramtest.Slow(100*time.Millisecond))
		start := time.Now()
		if _, err := bot.Send(tgbotapi.NewMessage(1, "x")); err != nil || time.Since(start) < 100*time.Millisecond {
			t.Errorf("Send = %v after %v", err, time.Since(start))
		}
	})
	t.Run("a slow answer ends when the client gives up, and delivers nothing", func(t *testing.T) {
		srv, bot := newServer(t)
		srv.FailNext("sendMessage", 0, telegramtest.Slow(time.Minute))
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := ctxBot(ctx, bot).Send(tgbotapi.NewMessage(1, "x"))
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
			t.Errorf("Send = %v after %v", err, time.Since(start))
		}
		if len(srv.Sent()) != 0 {
			t.Error("an abandoned message was delivered")
		}
	})
	t.Run("a dropped connection is a network error carrying the URL", func(t *testing.T) {
		srv, bot := newServer(t)
		srv.FailNext("sendMessage", 0, telegramtest.Drop())
		_, err := bot.Send(tgbotapi.NewMessage(1, "x"))
		var api *tgbotapi.Error
		if err == nil || errors.As(err, &api) {
			t.Fatalf("Send = %v, want a network error", err)
		}
		// This is why notifiers must redact: the raw error has the token.
		if !strings.Contains(err.Error(), token) {
			t.Errorf("expected tgbotapi's raw error to carry the token; got %v", err)
		}
	})
}
