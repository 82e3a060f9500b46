// Package notify is the channel-neutral contract for sending messages to
// people: Message, Notifier and the classified SendError, the console
// notifier used when no token is configured, and splitting of long HTML
// text. The Telegram notifier lives in duban/telegram. A Notifier's error
// says whether the send may be retried, so the dispatcher can keep retry
// state in the outbox row rather than in a goroutine.
package notify

import (
	"context"

	"duban/domain"
	"errors"
	"fmt"
	"time"
)

// MaxTextLen is Telegram's limit on the length of one message, in characters.
const MaxTextLen = 4096

// Message is one thing to deliver to one chat (Telegram) or one address
// (the other channels of SPEC §14).
type Message struct {
	ChatID int64
	// Address is the recipient on a channel addressed by string: an e-mail
	// address for email. Robots (WeCom, DingTalk) ignore it: the webhook
	// is the notifier's own.
	Address string
	// Subject is the e-mail subject ("[督办] #12 …"); other channels ignore
	// it.
	Subject string
	// Text is HTML (Telegram's HTML parse mode): user text in it must already
	// be escaped with html.EscapeString.
	Text string
	// Buttons is an inline keyboard, rows of buttons. Channels that take
	// no commands ignore them: their messages carry the signed action link
	// in Text instead.
	Buttons [][]Button
	// Attachment, when set, is sent as a document or photo with Text as its
	// caption (Text must then fit a caption: 1024 characters).
	Attachment *Attachment
}

// Button is one inline keyboard button; Data is its callback_data (at most
// 64 bytes). It is the domain's type, shared by everything that builds
// messages.
type Button = domain.Button

// AttachmentKind says how an attachment is sent.
type AttachmentKind string

// Attachment kinds.
const (
	Document AttachmentKind = "document"
	Photo    AttachmentKind = "photo"
)

// Attachment is a file sent with a message.
type Attachment struct {
	Kind AttachmentKind
	Name string
	Data []byte
}

// Result is what a successful send returns.
type Result struct {
	// MessageID is Telegram's id of the first message sent (0 on the console).
	MessageID int
}

// Notifier delivers a message. A returned error is a *SendError when the
// cause is known; any other error is treated as temporary.
type Notifier interface {
	Send(ctx context.Context, m Message) (Result, error)
}

// Failure classifies why a send failed.
type Failure int

// Failures, from the dispatcher's point of view.
const (
	// Temporary: 5xx, network error, timeout. Retry with backoff.
	Temporary Failure = iota
	// RateLimited: 429. Retry after RetryAfter.
	RateLimited
	// Unreachable: 403 (blocked, kicked) or 400 "chat not found". Do not
	// retry; the recipient is unreachable.
	Unreachable
	// Migrated: 400 with migrate_to_chat_id. Resend to MigrateTo.
	Migrated
	// Permanent: any other 4xx. Retrying will not help.
	Permanent
)

func (f Failure) String() string {
	switch f {
	case Temporary:
		return "temporary"
	case RateLimited:
		return "rate_limited"
	case Unreachable:
		return "unreachable"
	case Migrated:
		return "migrated"
	case Permanent:
		return "permanent"
	}
	return fmt.Sprintf("failure(%d)", int(f))
}

// SendError is a classified send failure. Its message never contains the
// bot token.
type SendError struct {
	Failure    Failure
	RetryAfter time.Duration // RateLimited
	MigrateTo  int64         // Migrated
	Err        error
}

func (e *SendError) Error() string {
	return fmt.Sprintf("%s: %v", e.Failure, e.Err)
}

func (e *SendError) Unwrap() error { return e.Err }

// Classify returns the failure class of err (Temporary for unclassified
// errors).
func Classify(err error) *SendError {
	var se *SendError
	if errors.As(err, &se) {
		return se
	}
	return &SendError{Failure: Temporary, Err: err}
}
