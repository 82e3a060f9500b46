package telegramtest

import (
	"context"
	"fmt"
	"net/http"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// User is a convenience for a human Telegram user with id and first name.
func User(id int64, firstName string) tgbotapi.User {
	return tgbotapi.User{ID: id, FirstName: firstName, LanguageCode: "zh-hans"}
}

// PushUpdate queues u for getUpdates and returns its update_id. A zero
// update_id is replaced by the next one in sequence (ids start at 1). A
// callback query in u becomes answerable with answerCallbackQuery. A long
// poll waiting on the server wakes.
func (s *Server) PushUpdate(u tgbotapi.Update) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pushLocked(u)
}

func (s *Server) pushLocked(u tgbotapi.Update) int {
	if u.UpdateID == 0 {
		u.UpdateID = s.state.lastUpdateID + 1
	}
	s.state.lastUpdateID = max(s.state.lastUpdateID, u.UpdateID)
	if u.CallbackQuery != nil && u.CallbackQuery.ID != "" {
		s.state.callbacks[u.CallbackQuery.ID] = false
	}
	s.state.updates = append(s.state.updates, u)
	close(s.state.wake)
	s.state.wake = make(chan struct{})
	return u.UpdateID
}

// incomingLocked is a message from a user in chat, numbered in the chat's
// message sequence as Telegram numbers them. The caller holds s.mu.
func (s *Server) incomingLocked(chat int64, from tgbotapi.User) *tgbotapi.Message {
	s.state.lastMsgID[chat]++
	return &tgbotapi.Message{
		MessageID: s.state.lastMsgID[chat],
		From:      &from,
		Date:      int(s.now().Unix()),
		Chat:      chatFor(chat),
	}
}

// PushText queues a text message from from in chat and returns the update.
// Like Telegram, it marks a leading /command (Latin letters, digits and
// underscores only) with a bot_command entity, so Message.IsCommand works
// for "/done 12" but not for "/完成 12".
func (s *Server) PushText(chat int64, from tgbotapi.User, text string) tgbotapi.Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.incomingLocked(chat, from)
	m.Text = text
	m.Entities = commandEntities(text)
	u := tgbotapi.Update{Message: m}
	u.UpdateID = s.pushLocked(u)
	return u
}

// PushPhoto queues a photo with caption from from in chat, registering data
// so that getFile and the download work. As with Telegram, a command in the
// caption is marked in caption_entities, not entities.
func (s *Server) PushPhoto(chat int64, from tgbotapi.User, data []byte, caption string) tgbotapi.Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := &storedFile{kind: "photo", name: "photo.jpg", data: append([]byte(nil), data...), width: 1280, height: 960}
	s.addFileLocked(f)
	m := s.incomingLocked(chat, from)
	m.Photo = []tgbotapi.PhotoSize{
		{FileID: f.id + "-s", FileUniqueID: f.unique + "s", Width: 320, Height: 240},
		{FileID: f.id, FileUniqueID: f.unique, Width: f.width, Height: f.height, FileSize: len(data)},
	}
	s.state.files[f.id+"-s"] = f
	m.Caption = caption
	m.CaptionEntities = commandEntities(caption)
	u := tgbotapi.Update{Message: m}
	u.UpdateID = s.pushLocked(u)
	return u
}

// PushCallback queues a press by from of the inline button with data on
// message messageID in chat, and returns the update. The query can be
// answered once with answerCallbackQuery.
func (s *Server) PushCallback(chat int64, from tgbotapi.User, messageID int, data string) tgbotapi.Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state.callbackSeq++
	msg := &tgbotapi.Message{MessageID: messageID, Chat: chatFor(chat), Date: int(s.now().Unix())}
	if m := s.state.messages[msgKey{chat, messageID}]; m != nil {
		cp := m.msg
		msg = &cp
	}
	u := tgbotapi.Update{CallbackQuery: &tgbotapi.CallbackQuery{
		ID:           fmt.Sprintf("cbq-%d", s.state.callbackSeq),
		From:         &from,
		Message:      msg,
		ChatInstance: fmt.Sprintf("ci%d", chat),
		Data:         data,
	}}
	u.UpdateID = s.pushLocked(u)
	return u
}

// PendingUpdates are the updates queued and not yet confirmed by an offset.
func (s *Server) PendingUpdates() []tgbotapi.Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]tgbotapi.Update(nil), s.state.updates...)
}

// WaitForPoll blocks until a getUpdates long poll is waiting on the server,
// or ctx ends. Tests use it instead of sleeping.
func (s *Server) WaitForPoll(ctx context.Context) error {
	for {
		s.mu.Lock()
		polling, started := s.state.polling, s.state.pollStarted
		s.mu.Unlock()
		if polling {
			return nil
		}
		select {
		case <-started:
		case <-ctx.Done():
			return ctx.Err()
		case <-s.done:
			return fmt.Errorf("telegramtest: server closed")
		}
	}
}

const (
	conflictPoll    = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
	conflictWebhook = "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
)

// getUpdates confirms the updates before offset, then answers those from
// offset on, waiting up to timeout seconds for one when there are none.
func (s *Server) getUpdates(w http.ResponseWriter, req *request) {
	p := req.params
	offset := intParam(p, "offset")
	limit := intParam(p, "limit")
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout := time.Duration(max(intParam(p, "timeout"), 0)) * time.Second

	s.mu.Lock()
	if s.state.webhook.URL != "" {
		s.mu.Unlock()
		writeError(w, http.StatusConflict, conflictWebhook, nil)
		return
	}
	if s.state.polling {
		s.mu.Unlock()
		writeError(w, http.StatusConflict, conflictPoll, nil)
		return
	}
	s.confirmLocked(offset)
	got := s.availableLocked(offset, limit)
	if len(got) > 0 || timeout == 0 {
		s.mu.Unlock()
		s.ok(w, req, got)
		return
	}
	s.state.polling = true
	close(s.state.pollStarted)
	s.state.pollStarted = make(chan struct{})
	s.mu.Unlock()

	defer func() {
		s.mu.Lock()
		s.state.polling = false
		s.mu.Unlock()
	}()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		s.mu.Lock()
		got = s.availableLocked(offset, limit)
		wake := s.state.wake
		s.mu.Unlock()
		if len(got) > 0 {
			s.ok(w, req, got)
			return
		}
		select {
		case <-wake:
		case <-timer.C:
			s.ok(w, req, []tgbotapi.Update{})
			return
		case <-req.r.Context().Done():
			return
		case <-s.done:
			return
		}
	}
}

// confirmLocked forgets the updates an offset confirms: all below a
// positive offset; all but the last -offset for a negative one.
func (s *Server) confirmLocked(offset int) {
	u := s.state.updates
	switch {
	case offset > 0:
		kept := u[:0:0]
		for _, x := range u {
			if x.UpdateID >= offset {
				kept = append(kept, x)
			}
		}
		s.state.updates = kept
	case offset < 0:
		if keep := -offset; keep < len(u) {
			s.state.updates = append([]tgbotapi.Update(nil), u[len(u)-keep:]...)
		}
	}
}

func (s *Server) availableLocked(offset, limit int) []tgbotapi.Update {
	out := []tgbotapi.Update{}
	for _, u := range s.state.updates {
		if u.UpdateID >= offset && len(out) < limit {
			out = append(out, u)
		}
	}
	return out
}
