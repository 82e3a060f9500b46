package telegramtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	_ "image/gif"  // Telegram accepts GIF photos
	_ "image/jpeg" // and JPEG
	_ "image/png"  // and PNG
	"net/http"
	"net/url"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// SentMessage is one message the bot sent and the server delivered.
type SentMessage struct {
	Method    string // sendMessage, sendDocument or sendPhoto
	ChatID    int64
	MessageID int
	// Text is the text of a sendMessage, as the bot sent it (with markup).
	Text string
	// Caption is the caption of a file, as the bot sent it.
	Caption   string
	ParseMode string
	// ReplyMarkup is the inline keyboard, if the message has one.
	ReplyMarkup *tgbotapi.InlineKeyboardMarkup
	// FileName and FileData are the uploaded file; FileID is the id the
	// server gave it (or the id or URL the bot sent instead of an upload).
	FileName string
	FileData []byte
	FileID   string
	// Time is when the server delivered it, on its clock.
	Time   time.Time
	Params url.Values
}

// Edit is one editMessageText or editMessageReplyMarkup the server applied.
type Edit struct {
	Method          string
	ChatID          int64
	MessageID       int
	InlineMessageID string
	Text            string // editMessageText only
	ParseMode       string
	ReplyMarkup     *tgbotapi.InlineKeyboardMarkup
	Time            time.Time
}

type msgKey struct {
	chat int64
	id   int
}

// storedMessage is what edits compare against.
type storedMessage struct {
	msg    tgbotapi.Message
	text   string // as sent, with markup
	markup string // canonical JSON of the inline keyboard, "" for none
}

// outgoing is a validated message about to be delivered.
type outgoing struct {
	sent SentMessage
	msg  tgbotapi.Message
	file *storedFile // a new upload to register, if any
}

func (s *Server) sendMessage(w http.ResponseWriter, req *request) {
	p := req.params
	chat, ok := chatParam(w, p)
	if !ok {
		return
	}
	text := p.Get("text")
	if text == "" {
		badRequest(w, "message text is empty")
		return
	}
	plain, err := plainText(text, p.Get("parse_mode"))
	if err != nil {
		badRequest(w, err.Error())
		return
	}
	if n := utf16Len(strings.TrimSpace(plain)); n == 0 {
		badRequest(w, "message text is empty")
		return
	} else if n > maxText {
		badRequest(w, "message is too long")
		return
	}
	markup, err := parseMarkup(p.Get("reply_markup"))
	if err != nil {
		badRequest(w, err.Error())
		return
	}
	s.deliver(w, req, outgoing{
		sent: SentMessage{Text: text, ParseMode: p.Get("parse_mode"), ReplyMarkup: markup},
		msg:  tgbotapi.Message{Text: plain, Entities: commandEntities(plain)},
	}, chat, nil)
}

// sendFile handles sendDocument and sendPhoto; field is "document" or
// "photo".
func sendFile(field string) func(*Server, http.ResponseWriter, *request) {
	return func(s *Server, w http.ResponseWriter, req *request) {
		p := req.params
		chat, ok := chatParam(w, p)
		if !ok {
			return
		}
		caption := p.Get("caption")
		plain, err := plainText(caption, p.Get("parse_mode"))
		if err != nil {
			badRequest(w, err.Error())
			return
		}
		if utf16Len(plain) > maxCaption {
			badRequest(w, "message caption is too long")
			return
		}
		markup, err := parseMarkup(p.Get("reply_markup"))
		if err != nil {
			badRequest(w, err.Error())
			return
		}
		out := outgoing{
			sent: SentMessage{Caption: caption, ParseMode: p.Get("parse_mode"), ReplyMarkup: markup},
			msg:  tgbotapi.Message{Caption: plain},
		}
		var f *storedFile
		if up, ok := req.files[field]; ok {
			if len(up.data) == 0 {
				badRequest(w, "file must be non-empty")
				return
			}
			f = &storedFile{name: up.name, data: up.data, kind: field}
			if field == "photo" {
				cfg, _, err := image.DecodeConfig(bytes.NewReader(up.data))
				if err != nil {
					badRequest(w, "IMAGE_PROCESS_FAILED")
					return
				}
				f.width, f.height = cfg.Width, cfg.Height
			}
			out.file = f
			out.sent.FileName, out.sent.FileData = up.name, up.data
		} else if ref := p.Get(field); ref != "" {
			s.mu.Lock()
			known := s.state.files[ref]
			s.mu.Unlock()
			switch {
			case known != nil:
				f = known
				out.sent.FileName, out.sent.FileData = known.name, known.data
			case strings.HasPrefix(ref, "http://") || strings.HasPrefix(ref, "https://"):
				f = &storedFile{name: ref, kind: field}
				out.file = f
			default:
				badRequest(w, "wrong file identifier/HTTP URL specified")
				return
			}
		} else {
			badRequest(w, "there is no "+field+" in the request")
			return
		}
		s.deliver(w, req, out, chat, s.fileMessage(f, field))
	}
}

// fileMessage registers a new upload and fills in the file parts of out.
// It runs under the server's lock.
func (s *Server) fileMessage(f *storedFile, field string) func(out *outgoing) {
	return func(out *outgoing) {
		if out.file != nil {
			s.addFileLocked(f)
		}
		out.sent.FileID = f.id
		if field == "photo" {
			out.msg.Photo = []tgbotapi.PhotoSize{{
				FileID: f.id, FileUniqueID: f.unique, Width: f.width, Height: f.height, FileSize: len(f.data),
			}}
		} else {
			out.msg.Document = &tgbotapi.Document{
				FileID: f.id, FileUniqueID: f.unique, FileName: f.name, FileSize: len(f.data),
			}
		}
	}
}

// deliver applies the rate limits, numbers the message, records it and
// answers with it. prepare, if set, runs under the lock before recording.
func (s *Server) deliver(w http.ResponseWriter, req *request, out outgoing, chat int64, prepare func(*outgoing)) {
	s.mu.Lock()
	now := s.now()
	if s.state.enforce && !s.state.limits.allow(chat, now) {
		s.state.throttled++
		s.mu.Unlock()
		f := TooManyRequests(1)
		writeError(w, f.Code, f.Description, &tgbotapi.ResponseParameters{RetryAfter: 1})
		return
	}
	s.state.limits.record(chat, now)
	if prepare != nil {
		prepare(&out)
	}
	s.state.lastMsgID[chat]++
	id := s.state.lastMsgID[chat]
	bot := s.bot
	out.msg.MessageID = id
	out.msg.From = &bot
	out.msg.Date = int(now.Unix())
	out.msg.Chat = chatFor(chat)
	out.msg.ReplyMarkup = out.sent.ReplyMarkup
	out.sent.Method = req.method
	out.sent.ChatID = chat
	out.sent.MessageID = id
	out.sent.Time = now
	out.sent.Params = cloneValues(req.params)
	s.state.sent = append(s.state.sent, out.sent)
	s.state.messages[msgKey{chat, id}] = &storedMessage{
		msg: out.msg, text: out.sent.Text, markup: canonicalMarkup(out.sent.ReplyMarkup),
	}
	s.mu.Unlock()
	s.ok(w, req, out.msg)
}

// chatFor is the chat object Telegram returns for an id: positive ids are
// private chats, -100… ids supergroups, other negative ids basic groups.
func chatFor(id int64) *tgbotapi.Chat {
	switch {
	case id > 0:
		return &tgbotapi.Chat{ID: id, Type: "private", FirstName: fmt.Sprintf("User %d", id)}
	case id <= -1_000_000_000_000:
		return &tgbotapi.Chat{ID: id, Type: "supergroup", Title: fmt.Sprintf("Supergroup %d", id)}
	default:
		return &tgbotapi.Chat{ID: id, Type: "group", Title: fmt.Sprintf("Group %d", id)}
	}
}

// parseMarkup reads reply_markup. An inline keyboard is checked the way
// Telegram checks it (callback_data 1–64 bytes, one action per button);
// other keyboards are accepted as they are.
func parseMarkup(raw string) (*tgbotapi.InlineKeyboardMarkup, error) {
	if raw == "" {
		return nil, nil
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &probe); err != nil {
		return nil, errors.New("can't parse reply keyboard markup JSON object")
	}
	if _, ok := probe["inline_keyboard"]; !ok {
		return nil, nil
	}
	var kb tgbotapi.InlineKeyboardMarkup
	if err := json.Unmarshal([]byte(raw), &kb); err != nil {
		return nil, fmt.Errorf("can't parse inline keyboard button: %v", err)
	}
	for _, row := range kb.InlineKeyboard {
		for _, b := range row {
			if b.Text == "" {
				return nil, errors.New("can't parse inline keyboard button: Text must be non-empty")
			}
			if b.CallbackData == nil && b.URL == nil && b.SwitchInlineQuery == nil &&
				b.SwitchInlineQueryCurrentChat == nil && b.LoginURL == nil && b.CallbackGame == nil && !b.Pay {
				return nil, errors.New("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
			}
			if b.CallbackData != nil && (len(*b.CallbackData) == 0 || len(*b.CallbackData) > 64) {
				return nil, errors.New("BUTTON_DATA_INVALID")
			}
		}
	}
	return &kb, nil
}

func canonicalMarkup(kb *tgbotapi.InlineKeyboardMarkup) string {
	if kb == nil || len(kb.InlineKeyboard) == 0 {
		return ""
	}
	b, _ := json.Marshal(kb)
	return string(b)
}

// editTarget finds the message an edit names, answering 400 when it does
// not exist. For inline messages it returns nil and ok.
func (s *Server) editTarget(w http.ResponseWriter, p url.Values) (msgKey, *storedMessage, bool) {
	if p.Get("inline_message_id") != "" {
		return msgKey{}, nil, true
	}
	chat, ok := chatParam(w, p)
	if !ok {
		return msgKey{}, nil, false
	}
	id := intParam(p, "message_id")
	if id == 0 {
		badRequest(w, "message identifier is not specified")
		return msgKey{}, nil, false
	}
	k := msgKey{chat, id}
	s.mu.Lock()
	m := s.state.messages[k]
	s.mu.Unlock()
	if m == nil {
		badRequest(w, "message to edit not found")
		return msgKey{}, nil, false
	}
	return k, m, true
}

const notModified = "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"

func (s *Server) editMessageText(w http.ResponseWriter, req *request) {
	p := req.params
	k, m, ok := s.editTarget(w, p)
	if !ok {
		return
	}
	text := p.Get("text")
	if text == "" {
		badRequest(w, "message text is empty")
		return
	}
	plain, err := plainText(text, p.Get("parse_mode"))
	if err != nil {
		badRequest(w, err.Error())
		return
	}
	if utf16Len(plain) > maxText {
		badRequest(w, "MESSAGE_TOO_LONG")
		return
	}
	markup, err := parseMarkup(p.Get("reply_markup"))
	if err != nil {
		badRequest(w, err.Error())
		return
	}
	s.applyEdit(w, req, k, m, Edit{Text: text, ParseMode: p.Get("parse_mode"), ReplyMarkup: markup}, &plain)
}

func (s *Server) editMessageReplyMarkup(w http.ResponseWriter, req *request) {
	p := req.params
	k, m, ok := s.editTarget(w, p)
	if !ok {
		return
	}
	markup, err := parseMarkup(p.Get("reply_markup"))
	if err != nil {
		badRequest(w, err.Error())
		return
	}
	s.applyEdit(w, req, k, m, Edit{ReplyMarkup: markup}, nil)
}

// applyEdit records e and changes the stored message; plain is the new
// visible text, nil when only the keyboard changes.
func (s *Server) applyEdit(w http.ResponseWriter, req *request, k msgKey, m *storedMessage, e Edit, plain *string) {
	e.Method = req.method
	e.ChatID, e.MessageID = k.chat, k.id
	e.InlineMessageID = req.params.Get("inline_message_id")
	s.mu.Lock()
	e.Time = s.now()
	if m == nil { // an inline message: Telegram answers true
		s.state.edits = append(s.state.edits, e)
		s.mu.Unlock()
		s.ok(w, req, true)
		return
	}
	newMarkup := canonicalMarkup(e.ReplyMarkup)
	if plain != nil && m.msg.Text == "" {
		s.mu.Unlock()
		badRequest(w, "there is no text in the message to edit")
		return
	}
	sameText := plain == nil || e.Text == m.text
	if sameText && newMarkup == m.markup {
		s.mu.Unlock()
		badRequest(w, notModified)
		return
	}
	if plain != nil {
		m.text = e.Text
		m.msg.Text = *plain
		m.msg.Entities = commandEntities(*plain)
	}
	m.markup = newMarkup
	m.msg.ReplyMarkup = e.ReplyMarkup
	m.msg.EditDate = int(e.Time.Unix())
	s.state.edits = append(s.state.edits, e)
	msg := m.msg
	s.mu.Unlock()
	s.ok(w, req, msg)
}
