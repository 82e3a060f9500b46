package telegramtest

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

type handler struct {
	name string
	fn   func(*Server, http.ResponseWriter, *request)
}

// handlers maps lower-case method names to their handlers.
var handlers = map[string]handler{}

func init() {
	for name, fn := range map[string]func(*Server, http.ResponseWriter, *request){
		"getMe":                  (*Server).getMe,
		"sendMessage":            (*Server).sendMessage,
		"sendDocument":           sendFile("document"),
		"sendPhoto":              sendFile("photo"),
		"sendChatAction":         (*Server).sendChatAction,
		"editMessageText":        (*Server).editMessageText,
		"editMessageReplyMarkup": (*Server).editMessageReplyMarkup,
		"answerCallbackQuery":    (*Server).answerCallbackQuery,
		"setMyCommands":          (*Server).setMyCommands,
		"getMyCommands":          (*Server).getMyCommands,
		"deleteMyCommands":       (*Server).deleteMyCommands,
		"setWebhook":             (*Server).setWebhook,
		"deleteWebhook":          (*Server).deleteWebhook,
		"getWebhookInfo":         (*Server).getWebhookInfo,
		"getUpdates":             (*Server).getUpdates,
		"getFile":                (*Server).getFile,
	} {
		handlers[strings.ToLower(name)] = handler{name: name, fn: fn}
	}
}

func (s *Server) getMe(w http.ResponseWriter, req *request) {
	s.ok(w, req, s.BotUser())
}

func (s *Server) sendChatAction(w http.ResponseWriter, req *request) {
	if _, ok := chatParam(w, req.params); !ok {
		return
	}
	if req.params.Get("action") == "" {
		badRequest(w, "action is empty")
		return
	}
	s.ok(w, req, true)
}

// CallbackAnswer is one answerCallbackQuery the server accepted.
type CallbackAnswer struct {
	QueryID   string
	Text      string
	ShowAlert bool
	URL       string
	CacheTime int
	Time      time.Time
}

const queryInvalid = "query is too old and response timeout expired or query ID is invalid"

// answerCallbackQuery accepts one answer per query pushed with PushUpdate
// or PushCallback, as Telegram does.
func (s *Server) answerCallbackQuery(w http.ResponseWriter, req *request) {
	p := req.params
	id := p.Get("callback_query_id")
	s.mu.Lock()
	answered, known := s.state.callbacks[id]
	if !known || answered {
		s.mu.Unlock()
		badRequest(w, queryInvalid)
		return
	}
	if utf8.RuneCountInString(p.Get("text")) > 200 {
		s.mu.Unlock()
		badRequest(w, "MESSAGE_TOO_LONG")
		return
	}
	s.state.callbacks[id] = true
	s.state.answers = append(s.state.answers, CallbackAnswer{
		QueryID: id, Text: p.Get("text"), ShowAlert: boolParam(p, "show_alert"),
		URL: p.Get("url"), CacheTime: intParam(p, "cache_time"), Time: s.now(),
	})
	s.mu.Unlock()
	s.ok(w, req, true)
}

type commandKey struct {
	scope string // canonical JSON of the scope; "" for the default scope
	lang  string
}

// commandName is what Telegram accepts as a command: 1–32 lower-case Latin
// letters, digits and underscores. Chinese aliases cannot be registered.
var commandName = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

func scopeKey(raw string) (string, error) {
	if raw == "" {
		return "", nil
	}
	var sc tgbotapi.BotCommandScope
	if err := json.Unmarshal([]byte(raw), &sc); err != nil {
		return "", err
	}
	if sc.Type == "default" {
		return "", nil
	}
	b, _ := json.Marshal(sc)
	return string(b), nil
}

func (s *Server) setMyCommands(w http.ResponseWriter, req *request) {
	p := req.params
	var cmds []tgbotapi.BotCommand
	if err := json.Unmarshal([]byte(p.Get("commands")), &cmds); err != nil {
		badRequest(w, "can't parse commands JSON object")
		return
	}
	if len(cmds) > 100 {
		badRequest(w, "too many commands specified")
		return
	}
	for _, c := range cmds {
		if !commandName.MatchString(c.Command) {
			badRequest(w, "BOT_COMMAND_INVALID")
			return
		}
		if n := utf8.RuneCountInString(c.Description); n == 0 || n > 256 {
			badRequest(w, "command description must be non-empty")
			return
		}
	}
	scope, err := scopeKey(p.Get("scope"))
	if err != nil {
		badRequest(w, "can't parse BotCommandScope JSON object")
		return
	}
	s.mu.Lock()
	s.state.commands[commandKey{scope, p.Get("language_code")}] = cmds
	s.mu.Unlock()
	s.ok(w, req, true)
}

func (s *Server) getMyCommands(w http.ResponseWriter, req *request) {
	scope, err := scopeKey(req.params.Get("scope"))
	if err != nil {
		badRequest(w, "can't parse BotCommandScope JSON object")
		return
	}
	s.mu.Lock()
	cmds := append([]tgbotapi.BotCommand{}, s.state.commands[commandKey{scope, req.params.Get("language_code")}]...)
	s.mu.Unlock()
	s.ok(w, req, cmds)
}

func (s *Server) deleteMyCommands(w http.ResponseWriter, req *request) {
	scope, err := scopeKey(req.params.Get("scope"))
	if err != nil {
		badRequest(w, "can't parse BotCommandScope JSON object")
		return
	}
	s.mu.Lock()
	delete(s.state.commands, commandKey{scope, req.params.Get("language_code")})
	s.mu.Unlock()
	s.ok(w, req, true)
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}
