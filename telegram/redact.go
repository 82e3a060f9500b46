package telegram

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"sync"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// redact replaces every occurrence of token in s, raw or URL-escaped, with
// "***". An empty token leaves s as it is.
func redact(s, token string) string {
	if token == "" {
		return s
	}
	forms := []string{token, url.PathEscape(token), url.QueryEscape(token)}
	for _, f := range forms {
		s = strings.ReplaceAll(s, f, "***")
	}
	return s
}

// redactError returns err with the token taken out of its message. A
// *url.Error (what the HTTP client returns, with the request URL and so the
// token in it) is copied with its URL redacted, so errors.As, errors.Is and
// Timeout keep working; anything else that would leak is replaced by an
// error that only reports the redacted text.
func redactError(err error, token string) error {
	if err == nil || token == "" {
		return err
	}
	msg := err.Error()
	if redact(msg, token) == msg {
		return err
	}
	if ue, ok := err.(*url.Error); ok {
		clean := &url.Error{Op: ue.Op, URL: redact(ue.URL, token), Err: ue.Err}
		if e := clean.Error(); redact(e, token) == e {
			return clean
		}
	}
	return &redactedError{msg: redact(msg, token), orig: err}
}

// redactedError hides an error whose message held the token. It answers
// errors.Is for its original but does not unwrap to it, so the token
// cannot be reached through the chain.
type redactedError struct {
	msg  string
	orig error
}

func (e *redactedError) Error() string        { return e.msg }
func (e *redactedError) Is(target error) bool { return errors.Is(e.orig, target) }

// botLog is tgbotapi's package-wide logger. tgbotapi prints request URLs,
// and so tokens, in its debug output and in GetUpdatesChan's errors; this
// logger redacts every token a Telegram was created with.
var botLog = &redactingLogger{}

// init installs botLog before any goroutine can use tgbotapi: SetLogger
// writes an unguarded package variable, so calling it later would race
// with tgbotapi's own reads of it.
func init() { _ = tgbotapi.SetLogger(botLog) }

// redactingLogger implements tgbotapi.BotLogger on top of slog.
type redactingLogger struct {
	mu     sync.RWMutex
	tokens []string
	out    *slog.Logger // nil: slog.Default()
}

// register adds token to the redacted set and, if out is not nil, sends
// tgbotapi's lines to it from now on (the last Telegram created wins).
func (l *redactingLogger) register(token string, out *slog.Logger) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if token != "" && !slices.Contains(l.tokens, token) {
		l.tokens = append(l.tokens, token)
	}
	if out != nil {
		l.out = out.With("component", "tgbotapi")
	}
}

// Println implements tgbotapi.BotLogger.
func (l *redactingLogger) Println(v ...any) { l.emit(fmt.Sprintln(v...)) }

// Printf implements tgbotapi.BotLogger.
func (l *redactingLogger) Printf(format string, v ...any) { l.emit(fmt.Sprintf(format, v...)) }

func (l *redactingLogger) emit(s string) {
	l.mu.RLock()
	for _, t := range l.tokens {
		s = redact(s, t)
	}
	out := l.out
	l.mu.RUnlock()
	if out == nil {
		out = slog.Default().With("component", "tgbotapi")
	}
	out.Info(strings.TrimRight(s, "\n"))
}
