package telegramtest

import (
	"fmt"
	"net/http"
	"net/url"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Fault is a scripted misbehaviour for one request. Build one with the
// constructors (TooManyRequests, Blocked, ChatNotFound, MigratedTo,
// ServerError, Slow, Drop) or fill it in yourself.
//
// The server first waits Delay (ending early, without answering, if the
// client gives up or the server closes); then drops the connection if Drop
// is set; then answers Code with Description and the parameters if Code is
// set; otherwise it handles the request normally, late.
type Fault struct {
	// Code is the HTTP status and error_code of the answer; 0 for none.
	Code        int
	Description string
	// RetryAfter is parameters.retry_after, in seconds.
	RetryAfter int
	// MigrateTo is parameters.migrate_to_chat_id.
	MigrateTo int64
	// Delay is how long to wait before answering.
	Delay time.Duration
	// Drop closes the connection without an answer.
	Drop bool
}

// TooManyRequests is Telegram's flood-control answer: 429 with
// parameters.retry_after.
func TooManyRequests(retryAfter int) Fault {
	return Fault{
		Code:        http.StatusTooManyRequests,
		Description: fmt.Sprintf("Too Many Requests: retry after %d", retryAfter),
		RetryAfter:  retryAfter,
	}
}

// Blocked is the answer for a user who blocked the bot: 403.
func Blocked() Fault {
	return Fault{Code: http.StatusForbidden, Description: "Forbidden: bot was blocked by the user"}
}

// ChatNotFound is the answer for a chat the bot cannot see: 400.
func ChatNotFound() Fault {
	return Fault{Code: http.StatusBadRequest, Description: "Bad Request: chat not found"}
}

// MigratedTo is the answer for a group that became a supergroup: 400 with
// parameters.migrate_to_chat_id.
func MigratedTo(newChatID int64) Fault {
	return Fault{
		Code:        http.StatusBadRequest,
		Description: "Bad Request: group chat was upgraded to a supergroup chat",
		MigrateTo:   newChatID,
	}
}

// ServerError is a 5xx answer: 500 "Internal Server Error", 502 "Bad
// Gateway" and so on.
func ServerError(code int) Fault {
	if code == 0 {
		code = http.StatusInternalServerError
	}
	return Fault{Code: code, Description: http.StatusText(code)}
}

// Slow answers normally after d, unless the client gives up first.
func Slow(d time.Duration) Fault { return Fault{Delay: d} }

// Drop closes the connection without answering.
func Drop() Fault { return Fault{Drop: true} }

type queuedFault struct {
	method string
	chatID int64
	fault  Fault
}

// FailNext queues f for the next request for method (any method when "")
// to chatID (any chat, or a method without a chat, when 0). Queued faults
// are used once each, in order.
func (s *Server) FailNext(method string, chatID int64, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state.faults = append(s.state.faults, queuedFault{method: method, chatID: chatID, fault: f})
}

// OnRequest sets a hook called for every API request with a known token,
// before anything else: a non-nil Fault is applied to that request. It is
// called without the server's lock held, so it may call the server. Pass
// nil to remove it.
func (s *Server) OnRequest(hook func(method string, params url.Values) *Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hook = hook
}

// Block makes every request to chatID answer 403 "Forbidden: bot was
// blocked by the user" until Unblock.
func (s *Server) Block(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state.blocked[chatID] = true
}

// Unblock undoes Block.
func (s *Server) Unblock(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.state.blocked, chatID)
}

// Migrate makes every request to oldChatID answer 400 "group chat was
// upgraded to a supergroup chat" with migrate_to_chat_id newChatID.
func (s *Server) Migrate(oldChatID, newChatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state.migrated[oldChatID] = newChatID
}

// faultFor picks the fault for a request: the hook, then the queue, then
// the permanent Block and Migrate modes.
func (s *Server) faultFor(method string, params url.Values) *Fault {
	s.mu.Lock()
	hook := s.hook
	s.mu.Unlock()
	if hook != nil {
		if f := hook(method, cloneValues(params)); f != nil {
			return f
		}
	}
	chat := chatOf(params)
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, q := range s.state.faults {
		if (q.method == "" || q.method == method) && (q.chatID == 0 || q.chatID == chat) {
			s.state.faults = append(s.state.faults[:i:i], s.state.faults[i+1:]...)
			return &q.fault
		}
	}
	if chat == 0 {
		return nil
	}
	if s.state.blocked[chat] {
		f := Blocked()
		return &f
	}
	if to, ok := s.state.migrated[chat]; ok {
		f := MigratedTo(to)
		return &f
	}
	return nil
}

// applyFault carries out f and reports whether the request is answered.
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, f Fault) bool {
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return true
		case <-s.done:
			return true
		}
	}
	if f.Drop {
		hj, ok := w.(http.Hijacker)
		if !ok {
			panic("telegramtest: response writer cannot hijack")
		}
		conn, _, err := hj.Hijack()
		if err == nil {
			conn.Close()
		}
		return true
	}
	if f.Code != 0 {
		var p *tgbotapi.ResponseParameters
		if f.RetryAfter != 0 || f.MigrateTo != 0 {
			p = &tgbotapi.ResponseParameters{RetryAfter: f.RetryAfter, MigrateToChatID: f.MigrateTo}
		}
		writeError(w, f.Code, f.Description, p)
		return true
	}
	return false
}
