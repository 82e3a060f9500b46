package telegramtest_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"duban/telegram/telegramtest"
)

const token = "777000:fake-TOKEN_value"

func newServer(t *testing.T) (*telegramtest.Server, *tgbotapi.BotAPI) {
	t.Helper()
	srv := telegramtest.New(t, token)
	return srv, srv.Client(t)
}

// apiError is the tgbotapi.Error in err, or fails the test.
func apiError(t *testing.T, err error) *tgbotapi.Error {
	t.Helper()
	var e *tgbotapi.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *tgbotapi.Error", err, err)
	}
	return e
}

// ctxBot is a copy of bot whose requests carry ctx, so that a test can
// cancel a long poll.
func ctxBot(ctx context.Context, bot *tgbotapi.BotAPI) *tgbotapi.BotAPI {
	b := *bot
	b.Client = ctxDoer{ctx}
	return &b
}

type ctxDoer struct{ ctx context.Context }

func (d ctxDoer) Do(r *http.Request) (*http.Response, error) {
	return http.DefaultClient.Do(r.WithContext(d.ctx))
}

func pngBytes(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 4, 3))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// newHTTPServer serves h for the test and returns its URL.
func newHTTPServer(t *testing.T, h http.Handler) string {
	t.Helper()
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s.URL
}
