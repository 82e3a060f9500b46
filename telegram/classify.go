package telegram

import (
	"errors"
	"net/http"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"duban/notify"
)

// classify turns an error from tgbotapi into a *notify.SendError whose message
// does not contain token.
//
// Telegram's answers arrive as tgbotapi.Error. Uploads (sendDocument,
// sendPhoto) go through tgbotapi's UploadFiles, which drops error_code: a
// 429 there has Code 0 and only RetryAfter set. So the code is inferred
// from the description ("Too Many Requests: …", "Forbidden: …") when it is
// missing. Anything that is not an answer from Telegram (network errors,
// timeouts, a cancelled context, an unreadable body) is Temporary.
func classify(err error, token string) *notify.SendError {
	safe := redactError(err, token)
	var api tgbotapi.Error
	if p := (*tgbotapi.Error)(nil); errors.As(err, &p) {
		api = *p
	} else if !errors.As(err, &api) {
		return &notify.SendError{Failure: notify.Temporary, Err: safe}
	}
	code := api.Code
	if code == 0 {
		code = inferCode(api.Message)
	}
	se := &notify.SendError{Err: safe}
	switch {
	case code == http.StatusTooManyRequests || api.RetryAfter > 0:
		se.Failure = notify.RateLimited
		se.RetryAfter = time.Duration(api.RetryAfter) * time.Second
	case api.MigrateToChatID != 0:
		se.Failure = notify.Migrated
		se.MigrateTo = api.MigrateToChatID
	case code == http.StatusForbidden:
		se.Failure = notify.Unreachable
	case code == http.StatusBadRequest && strings.Contains(strings.ToLower(api.Message), "chat not found"):
		se.Failure = notify.Unreachable
	case code >= 500:
		se.Failure = notify.Temporary
	case code >= 400:
		se.Failure = notify.Permanent
	default:
		se.Failure = notify.Temporary
	}
	return se
}

// descriptionCodes maps the start of Telegram's error descriptions to their
// codes, for answers that reach us without error_code.
var descriptionCodes = []struct {
	prefix string
	code   int
}{
	{"too many requests", http.StatusTooManyRequests},
	{"forbidden", http.StatusForbidden},
	{"bad request", http.StatusBadRequest},
	{"unauthorized", http.StatusUnauthorized},
	{"not found", http.StatusNotFound},
	{"conflict", http.StatusConflict},
	{"request entity too large", http.StatusRequestEntityTooLarge},
	{"internal server error", http.StatusInternalServerError},
	{"bad gateway", http.StatusBadGateway},
	{"service unavailable", http.StatusServiceUnavailable},
	{"gateway timeout", http.StatusGatewayTimeout},
}

func inferCode(description string) int {
	d := strings.ToLower(strings.TrimSpace(description))
	for _, dc := range descriptionCodes {
		if strings.HasPrefix(d, dc.prefix) {
			return dc.code
		}
	}
	return 0
}
