package telegramtest_test

import (
	"fmt"
	"io"
	"net/http"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

func TestFiles(t *testing.T) {
	srv, bot := newServer(t)
	srv.AddFile("EVIDENCE-1", []byte("jpeg bytes"))
	download := func(tok, path string) (int, string) {
		t.Helper()
		resp, err := http.Get(fmt.Sprintf(srv.FileEndpoint(), tok, path))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	t.Run("getFile answers a file_path that downloads the bytes", func(t *testing.T) {
		f, err := bot.GetFile(tgbotapi.FileConfig{FileID: "EVIDENCE-1"})
		if err != nil || f.FilePath == "" || f.FileSize != 10 {
			t.Fatalf("getFile = %+v, %v", f, err)
		}
		if status, body := download(token, f.FilePath); status != 200 || body != "jpeg bytes" {
			t.Errorf("download = %d %q", status, body)
		}
	})
	t.Run("a download with the wrong token is refused", func(t *testing.T) {
		f, _ := bot.GetFile(tgbotapi.FileConfig{FileID: "EVIDENCE-1"})
		if status, _ := download("1:wrong", f.FilePath); status != 401 {
			t.Errorf("download = %d, want 401", status)
		}
	})
	t.Run("an unknown file_id is 400", func(t *testing.T) {
		_, err := bot.GetFile(tgbotapi.FileConfig{FileID: "nope"})
		if e := apiError(t, err); e.Code != 400 {
			t.Errorf("getFile = %d %q", e.Code, e.Message)
		}
	})
	t.Run("File.Link ignores the custom endpoint", func(t *testing.T) {
		f, _ := bot.GetFile(tgbotapi.FileConfig{FileID: "EVIDENCE-1"})
		if link := f.Link(token); link != fmt.Sprintf(tgbotapi.FileEndpoint, token, f.FilePath) {
			t.Errorf("Link = %q", link)
		}
	})
	t.Run("an uploaded document can be fetched back", func(t *testing.T) {
		msg, err := bot.Send(tgbotapi.NewDocument(42, tgbotapi.FileBytes{Name: "r.csv", Bytes: []byte("a,b")}))
		if err != nil {
			t.Fatal(err)
		}
		f, err := bot.GetFile(tgbotapi.FileConfig{FileID: msg.Document.FileID})
		if err != nil {
			t.Fatal(err)
		}
		if _, body := download(token, f.FilePath); body != "a,b" {
			t.Errorf("download = %q", body)
		}
	})
}
