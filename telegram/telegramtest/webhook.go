package telegramtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"regexp"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Webhook is the webhook the bot set, if any.
type Webhook struct {
	URL            string
	SecretToken    string
	AllowedUpdates []string
	MaxConnections int
}

// secretRE is what Telegram accepts as a secret_token.
var secretRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

// setWebhook records the webhook. Telegram wants an HTTPS URL on port 443,
// 80, 88 or 8443; the fake also accepts http:// so that tests can point it
// at a local server and use DeliverWebhook.
func (s *Server) setWebhook(w http.ResponseWriter, req *request) {
	p := req.params
	raw := p.Get("url")
	if raw == "" {
		s.removeWebhook(w, req, "Webhook was deleted")
		return
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		badRequest(w, "bad webhook: An HTTPS URL must be provided for webhook")
		return
	}
	secret := p.Get("secret_token")
	if secret != "" && !secretRE.MatchString(secret) {
		badRequest(w, "bad webhook: secret token contains unallowed characters")
		return
	}
	var allowed []string
	if a := p.Get("allowed_updates"); a != "" {
		if err := json.Unmarshal([]byte(a), &allowed); err != nil {
			badRequest(w, "can't parse allowed updates JSON object")
			return
		}
	}
	s.mu.Lock()
	s.state.webhook = Webhook{
		URL: raw, SecretToken: secret, AllowedUpdates: allowed, MaxConnections: intParam(p, "max_connections"),
	}
	if boolParam(p, "drop_pending_updates") {
		s.state.updates = nil
	}
	s.mu.Unlock()
	s.okDescribed(w, req, "Webhook was set")
}

func (s *Server) deleteWebhook(w http.ResponseWriter, req *request) {
	s.removeWebhook(w, req, "Webhook was deleted")
}

func (s *Server) removeWebhook(w http.ResponseWriter, req *request, description string) {
	s.mu.Lock()
	if s.state.webhook.URL == "" {
		description = "Webhook is already deleted"
	}
	s.state.webhook = Webhook{}
	if boolParam(req.params, "drop_pending_updates") {
		s.state.updates = nil
	}
	s.mu.Unlock()
	s.okDescribed(w, req, description)
}

// okDescribed is ok with Telegram's "description" beside result true.
func (s *Server) okDescribed(w http.ResponseWriter, req *request, description string) {
	s.mu.Lock()
	s.state.counts[req.method]++
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, apiResponse{Ok: true, Result: true, Description: description})
}

func (s *Server) getWebhookInfo(w http.ResponseWriter, req *request) {
	s.mu.Lock()
	wh := s.state.webhook
	pending := len(s.state.updates)
	s.mu.Unlock()
	s.ok(w, req, tgbotapi.WebhookInfo{
		URL: wh.URL, PendingUpdateCount: pending, MaxConnections: wh.MaxConnections, AllowedUpdates: wh.AllowedUpdates,
	})
}

// DeliverWebhook posts u to the webhook the bot set, as Telegram does: JSON
// body, and the X-Telegram-Bot-Api-Secret-Token header when a secret was
// set. A zero update_id is given the next one in sequence. It returns the
// HTTP status the bot answered.
func (s *Server) DeliverWebhook(ctx context.Context, u tgbotapi.Update) (int, error) {
	s.mu.Lock()
	wh := s.state.webhook
	if u.UpdateID == 0 {
		s.state.lastUpdateID++
		u.UpdateID = s.state.lastUpdateID
	}
	if u.CallbackQuery != nil && u.CallbackQuery.ID != "" {
		s.state.callbacks[u.CallbackQuery.ID] = false
	}
	s.mu.Unlock()
	if wh.URL == "" {
		return 0, errors.New("telegramtest: no webhook set")
	}
	body, err := json.Marshal(u)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, wh.URL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if wh.SecretToken != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", wh.SecretToken)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}
