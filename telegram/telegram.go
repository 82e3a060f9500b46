package telegram

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"duban/domain"
	"duban/notify"
)

// MaxCaptionLen is Telegram's limit on a file caption, in characters
// (UTF-16 code units).
const MaxCaptionLen = 1024

// maxDownload is the largest file the Bot API lets a bot download.
const maxDownload = 20 << 20

// DefaultTelegramTimeout is the HTTP timeout when TelegramConfig.Timeout is
// zero.
const DefaultTelegramTimeout = 30 * time.Second

// TelegramConfig configures a Telegram notifier.
type TelegramConfig struct {
	// Token is the bot token from @BotFather.
	Token string
	// Endpoint is the Bot API endpoint with two %s, for the token and the
	// method, as tgbotapi wants it: "" is Telegram's; tests use
	// "http://127.0.0.1:PORT/bot%s/%s".
	Endpoint string
	// Timeout bounds each HTTP request (DefaultTelegramTimeout when zero).
	// Long polls through Bot must ask Telegram for less than this.
	Timeout time.Duration
	// Logger receives the notifier's logs and tgbotapi's (redacted).
	Logger *slog.Logger
	// Debug makes tgbotapi log every request and answer (redacted).
	Debug bool
}

// Telegram is a Notifier that sends through the Telegram Bot API.
type Telegram struct {
	bot          *tgbotapi.BotAPI
	client       *http.Client
	token        string
	fileEndpoint string
	log          *slog.Logger
}

var _ notify.Notifier = (*Telegram)(nil)

// NewTelegram connects to the Bot API and checks the token with getMe (as
// every tgbotapi constructor does). Its errors never contain the token; a
// rejected token is a Permanent *SendError, an unreachable API a Temporary
// one.
func NewTelegram(cfg TelegramConfig) (*Telegram, error) {
	if cfg.Token == "" {
		return nil, errors.New("telegram: token is empty")
	}
	endpoint := cfg.Endpoint
	if endpoint == "" {
		endpoint = tgbotapi.APIEndpoint
	}
	if strings.Count(endpoint, "%s") != 2 {
		return nil, fmt.Errorf("telegram: endpoint %q: want two %%s, for the token and the method", redact(endpoint, cfg.Token))
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = DefaultTelegramTimeout
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	botLog.register(cfg.Token, cfg.Logger)

	// The dispatcher sends from several workers at once: keep a connection
	// per worker alive instead of http.DefaultTransport's two per host, so
	// that a send does not pay a new TLS handshake.
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 64
	client := &http.Client{Timeout: timeout, Transport: transport}
	bot, err := tgbotapi.NewBotAPIWithClient(cfg.Token, endpoint, client)
	if err != nil {
		return nil, fmt.Errorf("telegram getMe: %w", classify(err, cfg.Token))
	}
	bot.Debug = cfg.Debug
	return &Telegram{
		bot:          bot,
		client:       client,
		token:        cfg.Token,
		fileEndpoint: fileEndpoint(endpoint),
		log:          logger.With("component", "telegram", "bot", bot.Self.UserName),
	}, nil
}

// fileEndpoint derives the file download endpoint from the API endpoint:
// tgbotapi's File.Link always uses Telegram's, whatever the API endpoint.
func fileEndpoint(api string) string {
	if base, ok := strings.CutSuffix(api, "/bot%s/%s"); ok {
		return base + "/file/bot%s/%s"
	}
	return tgbotapi.FileEndpoint
}

// Username is the bot's @username, without the @.
func (t *Telegram) Username() string { return t.bot.Self.UserName }

// botContext returns a copy of the client whose requests are cancelled
// with ctx. The raw client stays in this package: everything that speaks
// the Bot API (and so holds the token) is here.
//
// tgbotapi has no context support: its requests are built with
// http.NewRequest and sent with BotAPI.Client. A shared transport holding
// "the current context" would not be safe for concurrent sends, and a
// goroutine abandoned on ctx.Done would keep the request running (and
// maybe delivering) until the timeout. Instead each call gets a shallow
// copy of the BotAPI whose Client puts ctx on every request, so
// cancellation aborts the HTTP exchange itself. The copy shares the token,
// endpoint and bot identity, and is cheap.
func (t *Telegram) botContext(ctx context.Context) *tgbotapi.BotAPI {
	b := *t.bot
	b.Client = ctxClient{ctx: ctx, c: t.client}
	return &b
}

// ctxClient sends every request with its context.
type ctxClient struct {
	ctx context.Context
	c   *http.Client
}

func (c ctxClient) Do(req *http.Request) (*http.Response, error) {
	return c.c.Do(req.WithContext(c.ctx))
}

// Send delivers m in HTML parse mode. Text over MaxTextLen is sent as
// several messages cut at line boundaries, with the buttons on the last;
// an attachment goes as a document or photo with Text as its caption, or,
// when Text is longer than a caption may be, after Text in its own
// message(s). The Result has the id of the first message sent.
//
// A failure part-way through a split message is returned as the error of
// the whole; a retry sends the parts already delivered again (delivery is
// at least once).
func (t *Telegram) Send(ctx context.Context, m notify.Message) (notify.Result, error) {
	if err := ctx.Err(); err != nil {
		return notify.Result{}, &notify.SendError{Failure: notify.Temporary, Err: err}
	}
	bot := t.botContext(ctx)
	kb := keyboard(m.Buttons)
	if m.Attachment != nil {
		return t.sendAttachment(bot, m, kb)
	}
	return t.sendText(bot, m.ChatID, m.Text, kb)
}

// sendText sends text in parts, kb on the last.
func (t *Telegram) sendText(bot *tgbotapi.BotAPI, chat int64, text string, kb *tgbotapi.InlineKeyboardMarkup) (notify.Result, error) {
	var parts []string
	for _, p := range notify.SplitText(text, notify.MaxTextLen) {
		// Telegram refuses a message that is only whitespace.
		if strings.TrimSpace(p) != "" {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		return notify.Result{}, &notify.SendError{Failure: notify.Permanent, Err: errors.New("message text is empty")}
	}
	var res notify.Result
	for i, p := range parts {
		cfg := tgbotapi.NewMessage(chat, p)
		cfg.ParseMode = tgbotapi.ModeHTML
		if kb != nil && i == len(parts)-1 {
			cfg.ReplyMarkup = kb
		}
		msg, err := bot.Send(cfg)
		if err != nil {
			return notify.Result{}, t.failed(chat, "sendMessage", err)
		}
		if i == 0 {
			res.MessageID = msg.MessageID
		}
	}
	t.log.Debug("telegram message sent", "chat_id", chat, "message_id", res.MessageID, "parts", len(parts))
	return res, nil
}

func (t *Telegram) sendAttachment(bot *tgbotapi.BotAPI, m notify.Message, kb *tgbotapi.InlineKeyboardMarkup) (notify.Result, error) {
	var res notify.Result
	caption := m.Text
	if notify.UTF16Len(caption) > MaxCaptionLen {
		first, err := t.sendText(bot, m.ChatID, m.Text, nil)
		if err != nil {
			return notify.Result{}, err
		}
		res, caption = first, ""
	}
	a := m.Attachment
	name := a.Name
	if name == "" {
		name = "file"
	}
	var file tgbotapi.RequestFileData = tgbotapi.FileBytes{Name: name, Bytes: a.Data}
	if id, _, ok := domain.TelegramFile(a.Name); ok && len(a.Data) == 0 {
		// Evidence Telegram already holds is re-sent by its file id.
		file = tgbotapi.FileID(id)
	}
	var cfg tgbotapi.Chattable
	method := "sendDocument"
	if a.Kind == notify.Photo {
		method = "sendPhoto"
		c := tgbotapi.NewPhoto(m.ChatID, file)
		c.Caption = caption
		if caption != "" {
			c.ParseMode = tgbotapi.ModeHTML
		}
		if kb != nil {
			c.ReplyMarkup = kb
		}
		cfg = c
	} else {
		c := tgbotapi.NewDocument(m.ChatID, file)
		c.Caption = caption
		if caption != "" {
			c.ParseMode = tgbotapi.ModeHTML
		}
		if kb != nil {
			c.ReplyMarkup = kb
		}
		cfg = c
	}
	msg, err := bot.Send(cfg)
	if err != nil {
		return notify.Result{}, t.failed(m.ChatID, method, err)
	}
	if res.MessageID == 0 {
		res.MessageID = msg.MessageID
	}
	t.log.Debug("telegram file sent", "chat_id", m.ChatID, "message_id", msg.MessageID, "file", name, "bytes", len(a.Data))
	return res, nil
}

// failed classifies err; the dispatcher decides what to log, once per
// change.
func (t *Telegram) failed(chat int64, method string, err error) *notify.SendError {
	se := classify(err, t.token)
	t.log.Debug("telegram send failed", "chat_id", chat, "method", method, "failure", se.Failure.String(), "err", se.Err.Error())
	return se
}

// keyboard turns rows of buttons into an inline keyboard; nil for none.
func keyboard(rows [][]domain.Button) *tgbotapi.InlineKeyboardMarkup {
	var kb [][]tgbotapi.InlineKeyboardButton
	for _, row := range rows {
		var r []tgbotapi.InlineKeyboardButton
		for _, b := range row {
			r = append(r, tgbotapi.NewInlineKeyboardButtonData(b.Text, b.Data))
		}
		if len(r) > 0 {
			kb = append(kb, r)
		}
	}
	if len(kb) == 0 {
		return nil
	}
	return &tgbotapi.InlineKeyboardMarkup{InlineKeyboard: kb}
}

// DownloadFile fetches a file a user sent (a photo of a restored site, say)
// by its file_id: getFile, then a GET on the file endpoint derived from the
// configured API endpoint. Errors never contain the token.
func (t *Telegram) DownloadFile(ctx context.Context, fileID string) ([]byte, error) {
	f, err := t.botContext(ctx).GetFile(tgbotapi.FileConfig{FileID: fileID})
	if err != nil {
		return nil, fmt.Errorf("get file: %w", classify(err, t.token))
	}
	// file_path comes from the server: refuse one that climbs out of the
	// file endpoint, and escape the rest.
	if f.FilePath == "" || strings.Contains(f.FilePath, "..") || strings.HasPrefix(f.FilePath, "/") {
		return nil, fmt.Errorf("get file: refused file path %q", f.FilePath)
	}
	parts := strings.Split(f.FilePath, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf(t.fileEndpoint, t.token, strings.Join(parts, "/")), nil)
	if err != nil {
		return nil, fmt.Errorf("download file: %w", redactError(err, t.token))
	}
	resp, err := t.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("download file: %w", redactError(err, t.token))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download file: HTTP %d", resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxDownload+1))
	if err != nil {
		return nil, fmt.Errorf("download file: %w", redactError(err, t.token))
	}
	if len(data) > maxDownload {
		return nil, fmt.Errorf("download file: larger than %d bytes", maxDownload)
	}
	return data, nil
}
