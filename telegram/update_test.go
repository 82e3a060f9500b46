package telegram

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// TestFromUpdateAcceptsPeopleOnly: another bot's message or button press,
// and a message without a sender, are no command, even in a private chat
// where the chat id could stand in for the sender.
func TestFromUpdateAcceptsPeopleOnly(t *testing.T) {
	person := &tgbotapi.User{ID: 42, FirstName: "张"}
	robot := &tgbotapi.User{ID: 43, FirstName: "bot", IsBot: true}
	private := &tgbotapi.Chat{ID: 42, Type: "private"}
	group := &tgbotapi.Chat{ID: -1009, Type: "supergroup"}
	for _, tt := range []struct {
		name string
		u    tgbotapi.Update
		want bool
	}{
		{"a person's message", tgbotapi.Update{UpdateID: 1, Message: &tgbotapi.Message{From: person, Chat: private, Text: "/list"}}, true},
		{"a bot's message in the supervision group", tgbotapi.Update{UpdateID: 2, Message: &tgbotapi.Message{From: robot, Chat: group, Text: "/verify 2"}}, false},
		{"a message without a sender in a private chat", tgbotapi.Update{UpdateID: 3, Message: &tgbotapi.Message{Chat: private, Text: "/done 2"}}, false},
		{"a bot's edited message", tgbotapi.Update{UpdateID: 4, EditedMessage: &tgbotapi.Message{From: robot, Chat: group, Text: "/verify 2"}}, false},
		{"a bot pressing a button", tgbotapi.Update{UpdateID: 5, CallbackQuery: &tgbotapi.CallbackQuery{ID: "q", From: robot, Data: "v:2"}}, false},
		{"a button without a presser", tgbotapi.Update{UpdateID: 6, CallbackQuery: &tgbotapi.CallbackQuery{ID: "q", Data: "v:2"}}, false},
		{"a person pressing a button", tgbotapi.Update{UpdateID: 7, CallbackQuery: &tgbotapi.CallbackQuery{ID: "q", From: person, Data: "d:2",
			Message: &tgbotapi.Message{MessageID: 9, Chat: private}}}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in, ok := FromUpdate(tt.u)
			if ok != tt.want {
				t.Fatalf("FromUpdate = %+v, %v; want accepted %v", in, ok, tt.want)
			}
			if ok && in.UserID != person.ID {
				t.Errorf("user %d, want the sender %d", in.UserID, person.ID)
			}
		})
	}
}

// TestDownloadRefusesAFilePathThatClimbsOut: getFile's file_path comes from
// the server; one with ".." or a leading "/" is refused without a request,
// and an odd but harmless one is escaped.
func TestDownloadRefusesAFilePathThatClimbsOut(t *testing.T) {
	var mu sync.Mutex
	var path string
	var fetched []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case strings.HasSuffix(r.URL.Path, "/getMe"):
			fmt.Fprint(w, `{"ok":true,"result":{"id":777,"is_bot":true,"first_name":"duban","username":"duban_bot"}}`)
		case strings.HasSuffix(r.URL.Path, "/getFile"):
			fmt.Fprintf(w, `{"ok":true,"result":{"file_id":"f","file_unique_id":"u","file_path":%q}}`, path)
		default:
			fetched = append(fetched, r.URL.EscapedPath())
			fmt.Fprint(w, "data")
		}
	}))
	defer srv.Close()
	tg, err := NewTelegram(TelegramConfig{Token: testToken, Endpoint: srv.URL + "/bot%s/%s"})
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"../../etc/passwd", "photos/../../x", "/etc/passwd", ""} {
		mu.Lock()
		path = bad
		mu.Unlock()
		if _, err := tg.DownloadFile(context.Background(), "f"); err == nil || !strings.Contains(err.Error(), "refused file path") {
			t.Errorf("file_path %q: err %v, want refused", bad, err)
		}
		assertNoToken(t, err)
	}
	if len(fetched) != 0 {
		t.Fatalf("requested %q for a refused path", fetched)
	}
	mu.Lock()
	path = "photos/a b#c?.jpg"
	mu.Unlock()
	data, err := tg.DownloadFile(context.Background(), "f")
	if err != nil || string(data) != "data" {
		t.Fatalf("download: %q, %v", data, err)
	}
	if len(fetched) != 1 || !strings.HasSuffix(fetched[0], "/photos/a%20b%23c%3F.jpg") {
		t.Errorf("requested %q, want the path escaped", fetched)
	}
}
