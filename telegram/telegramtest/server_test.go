package telegramtest_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"duban/telegram/telegramtest"
)

func TestRouting(t *testing.T) {
	srv, bot := newServer(t)
	t.Run("getMe answers the bot named by the token", func(t *testing.T) {
		if bot.Self.ID != 777000 || bot.Self.UserName != "test_bot" || !bot.Self.IsBot {
			t.Errorf("Self = %+v", bot.Self)
		}
	})
	t.Run("a wrong token is 401 Unauthorized", func(t *testing.T) {
		_, err := tgbotapi.NewBotAPIWithAPIEndpoint("777000:wrong", srv.Endpoint())
		if e := apiError(t, err); e.Code != 401 || e.Message != "Unauthorized" {
			t.Errorf("got %d %q", e.Code, e.Message)
		}
	})
	t.Run("an unknown method is 404 Not Found", func(t *testing.T) {
		_, err := bot.MakeRequest("frobnicate", nil)
		if e := apiError(t, err); e.Code != 404 {
			t.Errorf("got %d %q", e.Code, e.Message)
		}
	})
	t.Run("method names are case-insensitive", func(t *testing.T) {
		if _, err := bot.MakeRequest("GETME", nil); err != nil {
			t.Error(err)
		}
	})
	t.Run("a JSON body is accepted", func(t *testing.T) {
		body := `{"chat_id": 5, "text": "hi <b>there</b>", "parse_mode": "HTML",
			"reply_markup": {"inline_keyboard": [[{"text": "Done", "callback_data": "done:1"}]]}}`
		resp, err := http.Post(srv.URL()+"/bot"+token+"/sendMessage", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var r struct {
			Ok     bool
			Result tgbotapi.Message
		}
		if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || !r.Ok || r.Result.Text != "hi there" {
			t.Fatalf("answer %+v, %v", r, err)
		}
		m := srv.SentTo(5)[0]
		if m.ParseMode != "HTML" || m.ReplyMarkup == nil || *m.ReplyMarkup.InlineKeyboard[0][0].CallbackData != "done:1" {
			t.Errorf("recorded %+v", m)
		}
	})
}

func TestSendMessage(t *testing.T) {
	kb := tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
		tgbotapi.NewInlineKeyboardButtonData("Done", "done:12"),
		tgbotapi.NewInlineKeyboardButtonData("Progress", "progress:12"),
	))
	tests := []struct {
		name    string
		chat    int64
		text    string
		mode    string
		markup  any
		wantErr string
	}{
		{name: "an HTML message with buttons is delivered", chat: 42, text: "<b>#12</b> due &lt;soon&gt;", mode: "HTML", markup: kb},
		{name: "an unclosed HTML tag is refused", chat: 42, text: "<b>#12 due", mode: "HTML", wantErr: "Bad Request: can't parse entities: Can't find end tag"},
		{name: "an unsupported HTML tag is refused", chat: 42, text: "a<br>b", mode: "HTML", wantErr: `Unsupported start tag "br"`},
		{name: "mismatched HTML tags are refused", chat: 42, text: "<b><i>x</b></i>", mode: "HTML", wantErr: "Unmatched end tag"},
		{name: "an empty text is refused", chat: 42, text: "", wantErr: "Bad Request: message text is empty"},
		{name: "a text over 4096 characters is refused", chat: 42, text: strings.Repeat("a", 4097), wantErr: "Bad Request: message is too long"},
		{name: "HTML tags do not count toward the length", chat: 42, text: "<b>" + strings.Repeat("a", 4096) + "</b>", mode: "HTML"},
		{name: "emoji count two toward the length", chat: 42, text: strings.Repeat("👍", 2049), wantErr: "message is too long"},
		{name: "callback data over 64 bytes is refused", chat: 42, text: "x", wantErr: "BUTTON_DATA_INVALID",
			markup: tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("b", strings.Repeat("x", 65))))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, bot := newServer(t)
			cfg := tgbotapi.NewMessage(tt.chat, tt.text)
			cfg.ParseMode = tt.mode
			cfg.ReplyMarkup = tt.markup
			msg, err := bot.Send(cfg)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || apiError(t, err).Code != 400 {
					t.Fatalf("Send = %v, want 400 %q", err, tt.wantErr)
				}
				if len(srv.Sent()) != 0 {
					t.Error("a refused message was recorded")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			sent := srv.SentTo(tt.chat)
			if len(sent) != 1 || sent[0].Text != tt.text || sent[0].ParseMode != tt.mode || sent[0].MessageID != msg.MessageID {
				t.Fatalf("recorded %+v for message %d", sent, msg.MessageID)
			}
			if msg.Chat == nil || msg.Chat.ID != tt.chat || msg.From == nil || !msg.From.IsBot {
				t.Errorf("answered %+v", msg)
			}
		})
	}
}

func TestMessageIDsIncreasePerChat(t *testing.T) {
	srv, bot := newServer(t)
	var ids []int
	for _, chat := range []int64{1, 1, 2, 1} {
		m, err := bot.Send(tgbotapi.NewMessage(chat, "x"))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.MessageID)
	}
	if want := []int{1, 2, 1, 3}; !equalInts(ids, want) {
		t.Errorf("message ids %v, want %v", ids, want)
	}
	if srv.Count("sendMessage") != 4 || len(srv.SentTo(1)) != 3 {
		t.Errorf("Count = %d, SentTo(1) has %d", srv.Count("sendMessage"), len(srv.SentTo(1)))
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestUploads(t *testing.T) {
	srv, bot := newServer(t)
	t.Run("a document upload records its name, bytes and caption", func(t *testing.T) {
		cfg := tgbotapi.NewDocument(-100500, tgbotapi.FileBytes{Name: "report.xlsx", Bytes: []byte("PK..")})
		cfg.Caption, cfg.ParseMode = "<b>May</b>", "HTML"
		msg, err := bot.Send(cfg)
		if err != nil {
			t.Fatal(err)
		}
		m := srv.SentTo(-100500)[0]
		if m.Method != "sendDocument" || m.FileName != "report.xlsx" || string(m.FileData) != "PK.." || m.Caption != "<b>May</b>" {
			t.Errorf("recorded %+v", m)
		}
		if msg.Document == nil || msg.Document.FileName != "report.xlsx" || msg.Caption != "May" {
			t.Errorf("answered %+v", msg)
		}
	})
	t.Run("a photo upload must be an image", func(t *testing.T) {
		_, err := bot.Send(tgbotapi.NewPhoto(42, tgbotapi.FileBytes{Name: "x.png", Bytes: []byte("not a png")}))
		if err == nil || !strings.Contains(err.Error(), "IMAGE_PROCESS_FAILED") {
			t.Errorf("Send = %v, want IMAGE_PROCESS_FAILED", err)
		}
		msg, err := bot.Send(tgbotapi.NewPhoto(42, tgbotapi.FileBytes{Name: "x.png", Bytes: pngBytes(t)}))
		if err != nil || len(msg.Photo) == 0 || msg.Photo[0].Width != 4 {
			t.Errorf("Send = %+v, %v", msg.Photo, err)
		}
	})
	t.Run("a caption over 1024 characters is refused", func(t *testing.T) {
		cfg := tgbotapi.NewDocument(42, tgbotapi.FileBytes{Name: "a", Bytes: []byte("a")})
		cfg.Caption = strings.Repeat("c", 1025)
		if _, err := bot.Send(cfg); err == nil || !strings.Contains(err.Error(), "caption is too long") {
			t.Errorf("Send = %v, want caption is too long", err)
		}
	})
	t.Run("an uploaded file can be sent again by its file_id", func(t *testing.T) {
		first := srv.SentTo(-100500)[0]
		msg, err := bot.Send(tgbotapi.NewDocument(43, tgbotapi.FileID(first.FileID)))
		if err != nil || msg.Document.FileID != first.FileID || string(srv.SentTo(43)[0].FileData) != "PK.." {
			t.Errorf("Send = %+v, %v", msg.Document, err)
		}
	})
}

func TestEdits(t *testing.T) {
	srv, bot := newServer(t)
	kb := tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("Done", "done:1")))
	cfg := tgbotapi.NewMessage(42, "reminder")
	cfg.ReplyMarkup = kb
	sent, err := bot.Send(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("editMessageText changes the text and is recorded", func(t *testing.T) {
		msg, err := bot.Send(tgbotapi.NewEditMessageTextAndMarkup(42, sent.MessageID, "reminder — <i>done</i>", kb))
		if err != nil || msg.Text != "reminder — <i>done</i>" || msg.ReplyMarkup == nil {
			t.Fatalf("edit = %+v, %v", msg, err)
		}
	})
	t.Run("an edit that changes nothing is refused as not modified", func(t *testing.T) {
		_, err := bot.Send(tgbotapi.NewEditMessageTextAndMarkup(42, sent.MessageID, "reminder — <i>done</i>", kb))
		if err == nil || !strings.Contains(err.Error(), "message is not modified") {
			t.Errorf("edit = %v, want not modified", err)
		}
	})
	t.Run("editMessageReplyMarkup removes the buttons", func(t *testing.T) {
		empty := tgbotapi.NewInlineKeyboardMarkup()
		if _, err := bot.Send(tgbotapi.NewEditMessageReplyMarkup(42, sent.MessageID, empty)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("editMessageText without reply_markup drops the buttons, as Telegram does", func(t *testing.T) {
		cfg := tgbotapi.NewMessage(42, "second")
		cfg.ReplyMarkup = kb
		m, err := bot.Send(cfg)
		if err != nil {
			t.Fatal(err)
		}
		edited, err := bot.Send(tgbotapi.NewEditMessageText(42, m.MessageID, "second, edited"))
		if err != nil || edited.ReplyMarkup != nil {
			t.Errorf("edit = %+v, %v; want no keyboard", edited.ReplyMarkup, err)
		}
	})
	t.Run("editing a message the bot never sent is refused", func(t *testing.T) {
		_, err := bot.Send(tgbotapi.NewEditMessageText(42, 999, "x"))
		if err == nil || !strings.Contains(err.Error(), "message to edit not found") {
			t.Errorf("edit = %v, want not found", err)
		}
	})
	edits := srv.Edited()
	if len(edits) != 3 || edits[0].Method != "editMessageText" || edits[0].Text != "reminder — <i>done</i>" ||
		edits[1].Method != "editMessageReplyMarkup" || edits[1].MessageID != sent.MessageID {
		t.Errorf("Edited() = %+v", edits)
	}
}

func TestCallbackAnswers(t *testing.T) {
	srv, bot := newServer(t)
	u := srv.PushCallback(42, telegramtest.User(42, "Zhang"), 7, "done:12")
	id := u.CallbackQuery.ID
	t.Run("a pushed callback can be answered once", func(t *testing.T) {
		if _, err := bot.Request(tgbotapi.NewCallback(id, "Marked done")); err != nil {
			t.Fatal(err)
		}
		if _, err := bot.Request(tgbotapi.NewCallback(id, "again")); err == nil {
			t.Error("a second answer was accepted")
		}
	})
	t.Run("an unknown query id is refused", func(t *testing.T) {
		if _, err := bot.Request(tgbotapi.NewCallback("nope", "")); err == nil || !strings.Contains(err.Error(), "query ID is invalid") {
			t.Errorf("answer = %v", err)
		}
	})
	if a := srv.CallbackAnswers(); len(a) != 1 || a[0].QueryID != id || a[0].Text != "Marked done" {
		t.Errorf("CallbackAnswers() = %+v", a)
	}
}

func TestCommands(t *testing.T) {
	srv, bot := newServer(t)
	zh := tgbotapi.NewSetMyCommands(tgbotapi.BotCommand{Command: "done", Description: "标记完成"})
	zh.LanguageCode = "zh"
	en := tgbotapi.NewSetMyCommands(tgbotapi.BotCommand{Command: "done", Description: "Mark done"}, tgbotapi.BotCommand{Command: "list", Description: "My items"})
	for _, c := range []tgbotapi.SetMyCommandsConfig{zh, en} {
		if _, err := bot.Request(c); err != nil {
			t.Fatal(err)
		}
	}
	if got := srv.Commands("zh"); len(got) != 1 || got[0].Description != "标记完成" {
		t.Errorf("Commands(zh) = %+v", got)
	}
	if got := srv.Commands(""); len(got) != 2 {
		t.Errorf("Commands(\"\") = %+v", got)
	}
	t.Run("a command name Telegram does not allow is refused", func(t *testing.T) {
		_, err := bot.Request(tgbotapi.NewSetMyCommands(tgbotapi.BotCommand{Command: "完成", Description: "done"}))
		if err == nil || !strings.Contains(err.Error(), "BOT_COMMAND_INVALID") {
			t.Errorf("setMyCommands = %v", err)
		}
	})
	t.Run("deleteMyCommands removes a language's list", func(t *testing.T) {
		del := tgbotapi.NewDeleteMyCommands()
		del.LanguageCode = "zh"
		if _, err := bot.Request(del); err != nil || len(srv.Commands("zh")) != 0 {
			t.Errorf("delete = %v, left %+v", err, srv.Commands("zh"))
		}
	})
}

func TestWebhook(t *testing.T) {
	srv, bot := newServer(t)
	t.Run("setWebhook records the url and secret_token", func(t *testing.T) {
		_, err := bot.MakeRequest("setWebhook", tgbotapi.Params{"url": "https://duban.example/hook", "secret_token": "s3cret-_X"})
		if err != nil {
			t.Fatal(err)
		}
		if wh := srv.Webhook(); wh.URL != "https://duban.example/hook" || wh.SecretToken != "s3cret-_X" {
			t.Errorf("Webhook() = %+v", wh)
		}
		info, err := bot.GetWebhookInfo()
		if err != nil || !info.IsSet() {
			t.Errorf("getWebhookInfo = %+v, %v", info, err)
		}
	})
	t.Run("getUpdates while a webhook is set is 409", func(t *testing.T) {
		_, err := bot.GetUpdates(tgbotapi.NewUpdate(0))
		if e := apiError(t, err); e.Code != 409 || !strings.Contains(e.Message, "webhook is active") {
			t.Errorf("getUpdates = %d %q", e.Code, e.Message)
		}
	})
	t.Run("a secret_token with other characters is refused", func(t *testing.T) {
		_, err := bot.MakeRequest("setWebhook", tgbotapi.Params{"url": "https://duban.example/hook", "secret_token": "no spaces!"})
		if err == nil {
			t.Error("setWebhook accepted a bad secret")
		}
	})
	t.Run("deleteWebhook clears it", func(t *testing.T) {
		if _, err := bot.Request(tgbotapi.DeleteWebhookConfig{}); err != nil || srv.Webhook().URL != "" {
			t.Errorf("deleteWebhook = %v, left %+v", err, srv.Webhook())
		}
	})
	t.Run("DeliverWebhook posts the update with the secret header", func(t *testing.T) {
		var mu sync.Mutex
		var gotSecret string
		var gotUpdate tgbotapi.Update
		hook := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			gotSecret = r.Header.Get("X-Telegram-Bot-Api-Secret-Token")
			_ = json.NewDecoder(r.Body).Decode(&gotUpdate)
		})
		hs := newHTTPServer(t, hook)
		if _, err := bot.MakeRequest("setWebhook", tgbotapi.Params{"url": hs + "/hook", "secret_token": "abc"}); err != nil {
			t.Fatal(err)
		}
		status, err := srv.DeliverWebhook(t.Context(), tgbotapi.Update{Message: &tgbotapi.Message{Text: "/list"}})
		mu.Lock()
		defer mu.Unlock()
		if err != nil || status != 200 || gotSecret != "abc" || gotUpdate.Message.Text != "/list" || gotUpdate.UpdateID == 0 {
			t.Errorf("delivered %d %v: secret %q update %+v", status, err, gotSecret, gotUpdate)
		}
	})
}

func TestCallsRecordRefusedRequestsToo(t *testing.T) {
	srv, bot := newServer(t)
	srv.FailNext("sendMessage", 0, telegramtest.ServerError(500))
	_, _ = bot.Send(tgbotapi.NewMessage(1, "a"))
	_, _ = bot.Send(tgbotapi.NewMessage(1, "b"))
	calls := srv.Calls("sendMessage")
	if len(calls) != 2 || calls[0].Get("text") != "a" || srv.Count("sendMessage") != 1 {
		t.Errorf("Calls = %v, Count = %d", calls, srv.Count("sendMessage"))
	}
	srv.Reset()
	if len(srv.Calls("sendMessage")) != 0 || len(srv.Sent()) != 0 || srv.Count("sendMessage") != 0 {
		t.Error("Reset left records behind")
	}
}

func TestConcurrentSendsAreAllRecorded(t *testing.T) {
	srv, bot := newServer(t)
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := bot.Send(tgbotapi.NewMessage(int64(i%4+1), "x")); err != nil {
				t.Error(err)
			}
			_ = srv.Sent()
		}()
	}
	wg.Wait()
	seen := map[[2]int64]bool{}
	for _, m := range srv.Sent() {
		k := [2]int64{m.ChatID, int64(m.MessageID)}
		if seen[k] {
			t.Errorf("message id %d given twice in chat %d", m.MessageID, m.ChatID)
		}
		seen[k] = true
	}
	if len(seen) != 40 {
		t.Errorf("recorded %d messages, want 40", len(seen))
	}
}
