package telegram

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"duban/bot"
	"duban/store"
)

// SecretHeader is the header in which Telegram sends the webhook's secret.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// maxUpdateBody bounds a webhook request body: an update is a few KB.
const maxUpdateBody = 1 << 20

// secretRE is what Telegram accepts as a secret_token.
var secretRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

// WebhookConfig configures a Webhook.
type WebhookConfig struct {
	Handler  *bot.Handler
	DB       *store.DB
	Telegram *Telegram
	// URL is the public HTTPS URL Telegram posts updates to
	// (telegram.webhook.url).
	URL string
	// Secret is required: requests without it in SecretHeader get 401
	// (telegram.webhook.secret).
	Secret string
	Logger *slog.Logger
}

// Webhook receives updates that Telegram posts. It is an http.Handler;
// every replica may serve it, since an update's changes are recorded with
// its id and a redelivered or duplicated update is skipped.
type Webhook struct {
	cfg    WebhookConfig
	secret [32]byte
	r      responder
	log    *slog.Logger
}

// NewWebhook checks the configuration and returns a Webhook.
func NewWebhook(cfg WebhookConfig) (*Webhook, error) {
	if cfg.Handler == nil || cfg.DB == nil || cfg.Telegram == nil {
		return nil, errors.New("telegram webhook: handler, database and telegram are required")
	}
	if !secretRE.MatchString(cfg.Secret) {
		return nil, errors.New("telegram.webhook.secret: want 1-256 characters of A-Z, a-z, 0-9, _ and -")
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("component", "bot.webhook")
	return &Webhook{cfg: cfg, secret: sha256.Sum256([]byte(cfg.Secret)), log: log,
		r: bot.NewResponder(cfg.Handler, cfg.DB, cfg.Telegram, log)}, nil
}

// Register sets the command menu and the webhook, with its secret_token.
// tgbotapi v5.5.1's WebhookConfig has no secret_token, so setWebhook is
// called with MakeRequest.
func (wh *Webhook) Register(ctx context.Context) error {
	if err := RegisterCommands(ctx, wh.cfg.Telegram); err != nil {
		wh.log.Warn("telegram command menu not set", "err", err.Error())
	}
	allowed, _ := json.Marshal(AllowedUpdates)
	_, err := wh.cfg.Telegram.botContext(ctx).MakeRequest("setWebhook", tgbotapi.Params{
		"url": wh.cfg.URL, "secret_token": wh.cfg.Secret, "allowed_updates": string(allowed),
	})
	if err != nil {
		msg := redact(err.Error(), wh.cfg.Telegram.token)
		return fmt.Errorf("set telegram webhook: %s", redact(msg, wh.cfg.Secret))
	}
	wh.log.Info("telegram webhook set", "url", wh.cfg.URL)
	return nil
}

// ServeHTTP takes one update: 405 for anything but POST, 401 without the
// right secret (compared in constant time), 413 for a body over 1 MiB, 400
// for one that is not an update; otherwise the update is handled and
// answered before the 200, so Telegram redelivers it if we die meanwhile.
func (wh *Webhook) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	// Hashing first makes the comparison constant-time in the length too.
	got := sha256.Sum256([]byte(req.Header.Get(SecretHeader)))
	if subtle.ConstantTimeCompare(got[:], wh.secret[:]) != 1 {
		wh.log.Warn("telegram webhook request refused: wrong secret", "remote", req.RemoteAddr)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	var u tgbotapi.Update
	dec := json.NewDecoder(http.MaxBytesReader(w, req.Body, maxUpdateBody))
	if err := dec.Decode(&u); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "bad update", http.StatusBadRequest)
		return
	}
	// Finish even if Telegram hangs up: the change and its record commit
	// together, and the answers should go out.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(req.Context()), time.Minute)
	defer cancel()
	if in, ok := FromUpdate(u); ok {
		wh.r.Respond(ctx, in)
	}
	w.WriteHeader(http.StatusOK)
}

// ListenAndServe serves the webhook on addr (telegram.webhook.listen)
// until ctx ends, then shuts down gracefully. TLS is expected to end at a
// proxy in front.
func (wh *Webhook) ListenAndServe(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("telegram webhook: %w", err)
	}
	return wh.Serve(ctx, ln)
}

// Serve is ListenAndServe on a listener.
func (wh *Webhook) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: wh, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("telegram webhook: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("telegram webhook shutdown: %w", err)
	}
	<-done
	return nil
}
