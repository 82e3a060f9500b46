package telegramtest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"duban/telegram/telegramtest"
)

func TestGetUpdatesOffsets(t *testing.T) {
	srv, bot := newServer(t)
	zhang := telegramtest.User(42, "Zhang")
	for _, text := range []string{"/list", "/done 12", "/进度 12 50"} {
		srv.PushText(42, zhang, text)
	}
	get := func(offset, limit int) []tgbotapi.Update {
		t.Helper()
		cfg := tgbotapi.NewUpdate(offset)
		cfg.Limit = limit
		u, err := bot.GetUpdates(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	ids := func(us []tgbotapi.Update) []int {
		var out []int
		for _, u := range us {
			out = append(out, u.UpdateID)
		}
		return out
	}
	t.Run("without an offset every pending update comes, again and again", func(t *testing.T) {
		if got := ids(get(0, 0)); !equalInts(got, []int{1, 2, 3}) {
			t.Errorf("got %v", got)
		}
		if got := ids(get(0, 0)); !equalInts(got, []int{1, 2, 3}) {
			t.Errorf("got %v on the second call", got)
		}
	})
	t.Run("limit caps the answer", func(t *testing.T) {
		if got := ids(get(0, 2)); !equalInts(got, []int{1, 2}) {
			t.Errorf("got %v", got)
		}
	})
	t.Run("an offset confirms and drops the older updates", func(t *testing.T) {
		if got := ids(get(3, 0)); !equalInts(got, []int{3}) {
			t.Errorf("got %v", got)
		}
		if got := ids(get(0, 0)); !equalInts(got, []int{3}) {
			t.Errorf("got %v after confirming, want only 3", got)
		}
	})
	t.Run("commands in Latin letters carry a bot_command entity, Chinese ones do not", func(t *testing.T) {
		srv.PushText(42, zhang, "/done 12")
		u := get(3, 0)
		if u[0].Message.Text != "/进度 12 50" || u[0].Message.IsCommand() {
			t.Errorf("Chinese alias %q IsCommand = %v", u[0].Message.Text, u[0].Message.IsCommand())
		}
		if !u[1].Message.IsCommand() || u[1].Message.Command() != "done" {
			t.Errorf("%q Command = %q", u[1].Message.Text, u[1].Message.Command())
		}
	})
	t.Run("a negative offset keeps only the last updates", func(t *testing.T) {
		if got := ids(get(-1, 0)); !equalInts(got, []int{4}) {
			t.Errorf("got %v", got)
		}
		if n := len(srv.PendingUpdates()); n != 1 {
			t.Errorf("%d updates pending, want 1", n)
		}
	})
}

func TestLongPoll(t *testing.T) {
	t.Run("a long poll wakes when an update is pushed", func(t *testing.T) {
		srv, bot := newServer(t)
		got := make(chan []tgbotapi.Update, 1)
		go func() {
			cfg := tgbotapi.NewUpdate(0)
			cfg.Timeout = 30
			u, _ := bot.GetUpdates(cfg)
			got <- u
		}()
		if err := srv.WaitForPoll(ctxTimeout(t, 5*time.Second)); err != nil {
			t.Fatal(err)
		}
		srv.PushText(42, telegramtest.User(42, "Zhang"), "/list")
		select {
		case u := <-got:
			if len(u) != 1 || u[0].Message.Text != "/list" {
				t.Errorf("got %+v", u)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("the long poll did not wake")
		}
	})
	t.Run("a long poll with nothing to say answers an empty list after its timeout", func(t *testing.T) {
		_, bot := newServer(t)
		cfg := tgbotapi.NewUpdate(0)
		cfg.Timeout = 1
		u, err := bot.GetUpdates(cfg)
		if err != nil || len(u) != 0 {
			t.Errorf("got %v, %v", u, err)
		}
	})
	t.Run("a second getUpdates while one waits is 409 Conflict", func(t *testing.T) {
		srv, bot := newServer(t)
		done := make(chan error, 1)
		go func() {
			cfg := tgbotapi.NewUpdate(0)
			cfg.Timeout = 30
			_, err := bot.GetUpdates(cfg)
			done <- err
		}()
		if err := srv.WaitForPoll(ctxTimeout(t, 5*time.Second)); err != nil {
			t.Fatal(err)
		}
		_, err := bot.GetUpdates(tgbotapi.NewUpdate(0))
		if e := apiError(t, err); e.Code != 409 || e.Message != "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running" {
			t.Errorf("got %d %q", e.Code, e.Message)
		}
		srv.PushText(1, telegramtest.User(1, "A"), "hi")
		if err := <-done; err != nil {
			t.Errorf("the first poll failed: %v", err)
		}
	})
	t.Run("a cancelled long poll frees the slot", func(t *testing.T) {
		srv, bot := newServer(t)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			cfg := tgbotapi.NewUpdate(0)
			cfg.Timeout = 30
			_, err := ctxBot(ctx, bot).GetUpdates(cfg)
			done <- err
		}()
		if err := srv.WaitForPoll(ctxTimeout(t, 5*time.Second)); err != nil {
			t.Fatal(err)
		}
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled poll returned %v", err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for {
			_, err := bot.GetUpdates(tgbotapi.NewUpdate(0))
			if err == nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the slot stayed taken: %v", err)
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
	t.Run("closing the server ends a waiting poll", func(t *testing.T) {
		srv, bot := newServer(t)
		done := make(chan struct{})
		go func() {
			cfg := tgbotapi.NewUpdate(0)
			cfg.Timeout = 60
			_, _ = bot.GetUpdates(cfg)
			close(done)
		}()
		if err := srv.WaitForPoll(ctxTimeout(t, 5*time.Second)); err != nil {
			t.Fatal(err)
		}
		srv.Close()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("the poll outlived the server")
		}
	})
}

func TestPushedMediaAndCallbacks(t *testing.T) {
	srv, bot := newServer(t)
	sent, err := bot.Send(tgbotapi.NewMessage(42, "reminder"))
	if err != nil {
		t.Fatal(err)
	}
	photo := srv.PushPhoto(42, telegramtest.User(42, "Zhang"), pngBytes(t), "/done 12 restored")
	cb := srv.PushCallback(42, telegramtest.User(42, "Zhang"), sent.MessageID, "done:12")
	t.Run("a photo caption carries caption_entities, not entities", func(t *testing.T) {
		m := photo.Message
		if m.IsCommand() || len(m.CaptionEntities) != 1 || m.CaptionEntities[0].Type != "bot_command" || len(m.Photo) != 2 {
			t.Errorf("photo message %+v", m)
		}
		if m.MessageID <= sent.MessageID {
			t.Errorf("incoming message id %d does not follow the bot's %d", m.MessageID, sent.MessageID)
		}
	})
	t.Run("a callback carries the message it was pressed on", func(t *testing.T) {
		q := cb.CallbackQuery
		if q.Data != "done:12" || q.Message == nil || q.Message.Text != "reminder" || q.From.ID != 42 {
			t.Errorf("callback %+v", q)
		}
	})
}

func ctxTimeout(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
