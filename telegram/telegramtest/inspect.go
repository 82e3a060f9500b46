package telegramtest

import (
	"net/url"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Sent is every message delivered, in order.
func (s *Server) Sent() []SentMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SentMessage(nil), s.state.sent...)
}

// SentTo is every message delivered to chatID, in order.
func (s *Server) SentTo(chatID int64) []SentMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []SentMessage
	for _, m := range s.state.sent {
		if m.ChatID == chatID {
			out = append(out, m)
		}
	}
	return out
}

// Count is how many requests for method the server answered with ok:true.
// Refused requests (faults, 429s, 400s) are in Calls but not in Count.
func (s *Server) Count(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state.counts[method]
}

// Calls is the parameters of every request for method that reached the
// server with the right token, answered or not, in order.
func (s *Server) Calls(method string) []url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]url.Values, 0, len(s.state.calls[method]))
	for _, v := range s.state.calls[method] {
		out = append(out, cloneValues(v))
	}
	return out
}

// Edited is every edit the server applied, in order.
func (s *Server) Edited() []Edit {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Edit(nil), s.state.edits...)
}

// CallbackAnswers is every callback answer the server accepted, in order.
func (s *Server) CallbackAnswers() []CallbackAnswer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]CallbackAnswer(nil), s.state.answers...)
}

// Commands is the command list set for the default scope and language lang
// ("" for all languages without their own list).
func (s *Server) Commands(lang string) []tgbotapi.BotCommand {
	return s.ScopedCommands(tgbotapi.BotCommandScope{}, lang)
}

// ScopedCommands is the command list set for scope and lang. A zero scope
// is the default scope.
func (s *Server) ScopedCommands(scope tgbotapi.BotCommandScope, lang string) []tgbotapi.BotCommand {
	key := ""
	if scope.Type != "" {
		key, _ = scopeKey(mustJSON(scope))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]tgbotapi.BotCommand(nil), s.state.commands[commandKey{key, lang}]...)
}

// Webhook is the webhook currently set; its URL is "" when there is none.
func (s *Server) Webhook() Webhook {
	s.mu.Lock()
	defer s.mu.Unlock()
	wh := s.state.webhook
	wh.AllowedUpdates = append([]string(nil), wh.AllowedUpdates...)
	return wh
}
