// Package telegramtest is a fake Telegram Bot API server for tests.
//
// The real tgbotapi client talks to it over HTTP, so a test exercises the
// same requests, encodings and error answers as production:
//
//	srv := telegramtest.New(t, "123456:TEST-TOKEN")
//	bot, err := tgbotapi.NewBotAPIWithAPIEndpoint("123456:TEST-TOKEN", srv.Endpoint())
//	...
//	srv.FailNext("sendMessage", 42, telegramtest.TooManyRequests(5))
//	srv.PushText(42, telegramtest.User(42, "Zhang"), "/done 12")
//	got := srv.SentTo(42)
//
// The server answers like Telegram: {"ok":true,"result":...} on success and
// {"ok":false,"error_code":N,"description":"...","parameters":{...}} on
// failure, with the HTTP status equal to error_code. It validates what
// Telegram validates where tests are likely to trip (HTML parse mode, text
// and caption length, callback_data length, command names, webhook secrets),
// keeps getUpdates offsets and long polling as Telegram does, and can be
// scripted to fail (see Fault) or to enforce Telegram's rate limits (see
// EnforceLimits).
//
// Every method is safe for concurrent use.
package telegramtest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Server is a fake Telegram Bot API for one bot token.
type Server struct {
	srv       *httptest.Server
	token     string
	done      chan struct{} // closed by Close: wakes long polls and slow answers
	closeOnce sync.Once

	mu    sync.Mutex
	now   func() time.Time
	hook  func(method string, params url.Values) *Fault
	bot   tgbotapi.User
	state state
}

// state is everything Reset clears; guarded by Server.mu.
type state struct {
	calls    map[string][]url.Values
	counts   map[string]int
	sent     []SentMessage
	edits    []Edit
	answers  []CallbackAnswer
	commands map[commandKey][]tgbotapi.BotCommand
	webhook  Webhook

	lastMsgID map[int64]int
	messages  map[msgKey]*storedMessage

	faults   []queuedFault
	blocked  map[int64]bool
	migrated map[int64]int64

	enforce   bool
	limits    limiter
	throttled int

	updates      []tgbotapi.Update
	lastUpdateID int
	polling      bool
	wake         chan struct{} // closed and replaced when an update is pushed
	pollStarted  chan struct{} // closed and replaced when a long poll starts waiting
	callbacks    map[string]bool
	callbackSeq  int

	files   map[string]*storedFile // by file_id
	paths   map[string]*storedFile // by file_path
	fileSeq int
}

func newState() state {
	return state{
		calls:       map[string][]url.Values{},
		counts:      map[string]int{},
		commands:    map[commandKey][]tgbotapi.BotCommand{},
		lastMsgID:   map[int64]int{},
		messages:    map[msgKey]*storedMessage{},
		blocked:     map[int64]bool{},
		migrated:    map[int64]int64{},
		limits:      newLimiter(),
		wake:        make(chan struct{}),
		pollStarted: make(chan struct{}),
		callbacks:   map[string]bool{},
		files:       map[string]*storedFile{},
		paths:       map[string]*storedFile{},
	}
}

// New starts a fake Bot API that accepts token and closes it when the test
// ends. The bot's id is the number before the colon in token, as with real
// tokens; its username is "test_bot" (see SetBotUser).
func New(tb testing.TB, token string) *Server {
	tb.Helper()
	if token == "" {
		tb.Fatal("telegramtest: empty token")
	}
	id, _ := strconv.ParseInt(strings.SplitN(token, ":", 2)[0], 10, 64)
	if id == 0 {
		id = 1
	}
	s := &Server{
		token: token,
		done:  make(chan struct{}),
		now:   time.Now,
		bot: tgbotapi.User{
			ID: id, IsBot: true, FirstName: "Test Bot", UserName: "test_bot",
			CanJoinGroups: true,
		},
		state: newState(),
	}
	s.srv = httptest.NewServer(s)
	tb.Cleanup(s.Close)
	return s
}

// Close stops the server. Waiting long polls and slow answers end at once.
// It is safe to call more than once; New registers it with tb.Cleanup.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		s.srv.Close()
	})
}

// URL is the server's base URL, such as http://127.0.0.1:40001.
func (s *Server) URL() string { return s.srv.URL }

// Token is the one bot token the server accepts.
func (s *Server) Token() string { return s.token }

// Endpoint is the API endpoint in the form tgbotapi wants:
// URL()+"/bot%s/%s", formatted with the token and the method.
func (s *Server) Endpoint() string { return s.srv.URL + "/bot%s/%s" }

// FileEndpoint is the file download endpoint, URL()+"/file/bot%s/%s",
// formatted with the token and a file_path from getFile.
func (s *Server) FileEndpoint() string { return s.srv.URL + "/file/bot%s/%s" }

// Client returns a real tgbotapi client for this server. Like every tgbotapi
// constructor, it calls getMe.
func (s *Server) Client(tb testing.TB) *tgbotapi.BotAPI {
	tb.Helper()
	bot, err := tgbotapi.NewBotAPIWithAPIEndpoint(s.token, s.Endpoint())
	if err != nil {
		tb.Fatalf("telegramtest: new client: %v", err)
	}
	return bot
}

// SetNow sets the server's clock, used for the rate-limit windows and for
// message dates. The default is time.Now. now is called with the server's
// lock held, so it must not call the server.
func (s *Server) SetNow(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if now == nil {
		now = time.Now
	}
	s.now = now
}

// Now is the time on the server's clock.
func (s *Server) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.now()
}

// SetBotUser sets what getMe answers.
func (s *Server) SetBotUser(u tgbotapi.User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bot = u
}

// BotUser is what getMe answers.
func (s *Server) BotUser() tgbotapi.User {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bot
}

// Reset forgets everything the server recorded or was told: sent messages,
// calls, edits, callback answers, commands, the webhook, queued and
// permanent faults, rate-limit windows and enforcement, updates and files.
// The clock, the OnRequest hook and the bot user stay.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	// Wake anything waiting on the old channels so that no poll is stranded.
	close(s.state.wake)
	close(s.state.pollStarted)
	polling := s.state.polling
	s.state = newState()
	s.state.polling = polling
}

// request is one parsed API call.
type request struct {
	method string
	params url.Values
	files  map[string]upload
	r      *http.Request
}

// upload is one file part of a multipart request.
type upload struct {
	name string
	data []byte
}

// ServeHTTP routes /bot<TOKEN>/<method> and /file/bot<TOKEN>/<path>.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if rest, ok := strings.CutPrefix(r.URL.Path, "/file/bot"); ok {
		s.serveFile(w, r, rest)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	if !ok {
		writeError(w, http.StatusNotFound, "Not Found", nil)
		return
	}
	token, method, _ := strings.Cut(rest, "/")
	if token != s.token {
		writeError(w, http.StatusUnauthorized, "Unauthorized", nil)
		return
	}
	if method == "" {
		writeError(w, http.StatusNotFound, "Not Found", nil)
		return
	}
	params, files, err := parseRequest(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, "Bad Request: "+err.Error(), nil)
		return
	}
	// Telegram's method names are case-insensitive.
	h, known := handlers[strings.ToLower(method)]
	if known {
		method = h.name
	}
	req := &request{method: method, params: params, files: files, r: r}
	s.mu.Lock()
	s.state.calls[method] = append(s.state.calls[method], cloneValues(params))
	s.mu.Unlock()

	if f := s.faultFor(method, params); f != nil && s.applyFault(w, r, *f) {
		return
	}
	if !known {
		writeError(w, http.StatusNotFound, "Not Found", nil)
		return
	}
	h.fn(s, w, req)
}

// ok writes a successful answer and counts it for Count.
func (s *Server) ok(w http.ResponseWriter, req *request, result any) {
	s.mu.Lock()
	s.state.counts[req.method]++
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, apiResponse{Ok: true, Result: result})
}

// apiResponse is Telegram's envelope.
type apiResponse struct {
	Ok          bool                         `json:"ok"`
	Result      any                          `json:"result,omitempty"`
	ErrorCode   int                          `json:"error_code,omitempty"`
	Description string                       `json:"description,omitempty"`
	Parameters  *tgbotapi.ResponseParameters `json:"parameters,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, code int, description string, p *tgbotapi.ResponseParameters) {
	writeJSON(w, code, apiResponse{ErrorCode: code, Description: description, Parameters: p})
}

func badRequest(w http.ResponseWriter, description string) {
	writeError(w, http.StatusBadRequest, "Bad Request: "+description, nil)
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
