package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"duban/domain"
)

// Outbox states. A row is pending until it is sent, dead (given up, or
// unreachable), or dropped (its commitment closed before it went out). A
// reminder that goes out inside another row's message (several reminders
// for one chat in one scan) is batched until that row is sent or dead, and
// then shares its outcome.
const (
	StatePending = "pending"
	StateSent    = "sent"
	StateFailed  = "failed"
	StateDead    = "dead"
	StateDropped = "dropped"
	StateBatched = "batched"
)

// Notification kinds that are not reminders.
const (
	KindReply     = "reply"  // a bot answer that could not be sent at once
	KindDigest    = "digest" // weekly digest to the supervision chat
	KindReport    = "monthly_report"
	KindExtension = "extension" // extension request / decision
	KindFollowUp  = "follow_up" // a source owes its second reply
	KindBatch     = "batch"     // several reminders for one chat, sent as one message
)

// Button is an inline keyboard button stored with a notification: the
// domain's type, so that rows go from the scheduler and the bot to the
// dispatcher without conversion.
type Button = domain.Button

// Notification is one outbox row: a message the system means to send.
type Notification struct {
	ID             int64
	CommitmentID   int64 // 0: not about one commitment
	ContactID      int64 // 0: a chat, not a contact (the supervision group)
	ChatID         int64 // 0: unreachable, recorded dead at once
	Kind           string
	Stage          string
	DedupKey       string
	Body           string
	Buttons        [][]Button
	AttachmentKind string // "document" | "photo" | ""
	AttachmentName string
	Attachment     []byte
	State          string
	Attempts       int
	NextAttemptAt  time.Time
	LastError      string
	SentAt         *time.Time
	MessageID      int
	CreatedAt      time.Time
	// DueAt is when the message first fell due; transient failures give
	// it up only delivery.give_up_after after that.
	DueAt time.Time
	// DeadAt is when it was recorded dead (nil unless dead).
	DeadAt *time.Time
	// BatchID is the row whose message carries this one (0: none).
	BatchID int64
	// FailingSince is the first failed attempt since the row was last
	// queued (nil: none failed); transient failures give up
	// delivery.give_up_after after it.
	FailingSince *time.Time
	// DeadReason, when set at enqueue, records the row as dead at once with
	// this reason (for example "unreachable: no linked Telegram chat").
	DeadReason string
	// Channel is, before the row is sent, how it is routed: "" Telegram
	// (ChatID) as always, ChannelAuto by its contact's channels in order,
	// or a named channel for a copy to the supervision office (SPEC §14);
	// once sent, the channel that carried it.
	Channel string
	// Address is the e-mail address of an office copy by e-mail.
	Address string
}

// ChannelAuto routes a row by its contact's channels, in order, at the
// moment it is sent.
const ChannelAuto = "auto"

// office is where the supervision office is reached besides its Telegram
// chat (SPEC §14): a robot and e-mail addresses. See SetOffice.
type office struct {
	robots []string // domain.ChannelWeCom, domain.ChannelDingTalk
	emails []string
}

// SetOffice says on which channels beyond its Telegram chat the
// supervision office is reached: the robots ("wecom", "dingtalk") and the
// e-mail addresses. Every row for the office (no contact, not a bot's
// reply) is then written once per channel, each with its own dedup key,
// so that one channel failing leaves the others. Without a Telegram chat
// but with another channel, the office gets no Telegram row at all. Call
// it before the DB is used.
func (db *DB) SetOffice(robots, emails []string) {
	db.office = office{robots: robots, emails: emails}
}

// officeCopies returns ns with the office's copies on its other channels.
// Telegram evidence (a file id, no bytes) is not copied: only Telegram can
// resend it; the copy of the message itself says evidence was sent.
func (db *DB) officeCopies(ns []Notification) []Notification {
	if len(db.office.robots) == 0 && len(db.office.emails) == 0 {
		return ns
	}
	out := make([]Notification, 0, len(ns))
	for _, n := range ns {
		// A batch's members were copied one by one when they were written.
		if n.ContactID != 0 || n.Kind == KindReply || n.Kind == KindBatch || n.Channel != "" {
			out = append(out, n)
			continue
		}
		noChat := strings.Contains(n.DeadReason, "supervision chat") || strings.Contains(n.DeadReason, "supervision_chat_id")
		if n.DeadReason != "" && !noChat {
			out = append(out, n) // dead for its own sake (a chart without its glyphs): no copies
			continue
		}
		if n.ChatID != 0 {
			out = append(out, n)
		}
		if n.AttachmentKind != "" && len(n.Attachment) == 0 {
			continue
		}
		cp := func(ch, addr string) {
			c := n
			c.ChatID, c.Channel, c.Address, c.DeadReason = 0, ch, addr, ""
			c.DedupKey = n.DedupKey + "@" + ch
			if addr != "" {
				c.DedupKey += ":" + addr
			}
			out = append(out, c)
		}
		for _, r := range db.office.robots {
			cp(r, "")
		}
		for _, a := range db.office.emails {
			cp(domain.ChannelEmail, a)
		}
	}
	return out
}

// Enqueue writes notifications to the outbox in one transaction. A row
// whose dedup key is already there is skipped: that is what makes a
// reminder go out at most once, whatever the number of scans, restarts or
// replicas. It returns how many rows were written.
func (db *DB) Enqueue(ctx context.Context, ns ...Notification) (int, error) {
	var n int
	err := db.tx(ctx, func(tx *sqlx.Tx) error {
		var err error
		n, err = db.enqueue(ctx, tx, ns)
		return err
	})
	return n, err
}

// enqueue is Enqueue inside a caller's transaction, so that a state change
// and the messages it causes commit together. Rows go in as multi-row
// inserts, a chunk at a time: one round trip per chunk, not per message.
func (db *DB) enqueue(ctx context.Context, tx *sqlx.Tx, ns []Notification) (int, error) {
	in, err := db.enqueueReturning(ctx, tx, ns)
	return len(in), err
}

// enqueueReturning is enqueue returning the rows it wrote (with their ids,
// in no particular order); rows whose dedup key was already there are not
// returned.
func (db *DB) enqueueReturning(ctx context.Context, tx *sqlx.Tx, ns []Notification) ([]Notification, error) {
	const cols = 19
	const chunk = 200
	now := db.now()
	ns = db.officeCopies(ns)
	var written []Notification
	byKey := make(map[string]int, len(ns))
	for i, n := range ns {
		byKey[n.DedupKey] = i
	}
	for start := 0; start < len(ns); start += chunk {
		part := ns[start:min(start+chunk, len(ns))]
		args := make([]any, 0, len(part)*cols)
		for _, n := range part {
			if n.DedupKey == "" {
				return written, fmt.Errorf("enqueue: notification without dedup key")
			}
			state, lastErr := StatePending, ""
			if n.ChatID == 0 && n.DeadReason == "" && n.Channel == "" {
				n.DeadReason = "unreachable: no linked Telegram chat"
			}
			if n.DeadReason != "" {
				state, lastErr = StateDead, n.DeadReason
			}
			next := n.NextAttemptAt
			if next.IsZero() {
				next = now
			}
			var buttons string
			if len(n.Buttons) > 0 {
				b, err := json.Marshal(n.Buttons)
				if err != nil {
					return written, err
				}
				buttons = string(b)
			}
			var deadAt dbTime
			if state == StateDead {
				deadAt = tm(now)
			}
			args = append(args, nullID(n.CommitmentID), nullID(n.ContactID), n.ChatID, n.Kind, n.Stage, n.DedupKey, n.Body, buttons,
				n.AttachmentKind, n.AttachmentName, n.Attachment, state, tm(next), lastErr, tm(now), tm(next), deadAt,
				n.Channel, n.Address)
		}
		q := `INSERT INTO notifications (commitment_id, contact_id, chat_id, kind, stage, dedup_key, body, buttons,
			attachment_kind, attachment_name, attachment, state, next_attempt_at, last_error, created_at, due_at, dead_at,
			channel, address) VALUES ` +
			strings.TrimSuffix(strings.Repeat("(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?),", len(part)), ",") +
			// A dedup key already in the outbox is skipped: that is what makes
			// a reminder go out at most once.
			` ON CONFLICT (dedup_key) DO NOTHING RETURNING id, dedup_key`
		var rows []struct {
			ID  int64  `db:"id"`
			Key string `db:"dedup_key"`
		}
		if err := tx.SelectContext(ctx, &rows, tx.Rebind(q), args...); err != nil {
			return written, fmt.Errorf("enqueue: %w", err)
		}
		for _, r := range rows {
			n := ns[byKey[r.Key]]
			n.ID = r.ID
			written = append(written, n)
		}
	}
	return written, nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

type notificationRow struct {
	ID             int64  `db:"id"`
	CommitmentID   *int64 `db:"commitment_id"`
	ContactID      *int64 `db:"contact_id"`
	ChatID         int64  `db:"chat_id"`
	Kind           string `db:"kind"`
	Stage          string `db:"stage"`
	DedupKey       string `db:"dedup_key"`
	Body           string `db:"body"`
	Buttons        string `db:"buttons"`
	AttachmentKind string `db:"attachment_kind"`
	AttachmentName string `db:"attachment_name"`
	Attachment     []byte `db:"attachment"`
	State          string `db:"state"`
	Attempts       int    `db:"attempts"`
	NextAttemptAt  dbTime `db:"next_attempt_at"`
	LastError      string `db:"last_error"`
	SentAt         dbTime `db:"sent_at"`
	MessageID      int64  `db:"message_id"`
	CreatedAt      dbTime `db:"created_at"`
	DueAt          dbTime `db:"due_at"`
	DeadAt         dbTime `db:"dead_at"`
	BatchID        *int64 `db:"batch_id"`
	FailingSince   dbTime `db:"failing_since"`
	Channel        string `db:"channel"`
	Address        string `db:"address"`
}

const notificationCols = `id, commitment_id, contact_id, chat_id, kind, stage, dedup_key, body, buttons, attachment_kind,
	attachment_name, attachment, state, attempts, next_attempt_at, last_error, sent_at, message_id, created_at,
	due_at, dead_at, batch_id, failing_since, channel, address`

func (r *notificationRow) notification() Notification {
	n := Notification{ID: r.ID, ChatID: r.ChatID, Kind: r.Kind, Stage: r.Stage, DedupKey: r.DedupKey, Body: r.Body,
		AttachmentKind: r.AttachmentKind, AttachmentName: r.AttachmentName, Attachment: r.Attachment, State: r.State,
		Attempts: r.Attempts, NextAttemptAt: r.NextAttemptAt.T, LastError: r.LastError, SentAt: r.SentAt.ptr(),
		MessageID: int(r.MessageID), CreatedAt: r.CreatedAt.T, DueAt: r.DueAt.T, DeadAt: r.DeadAt.ptr(),
		FailingSince: r.FailingSince.ptr(), Channel: r.Channel, Address: r.Address}
	if n.DueAt.IsZero() {
		n.DueAt = n.CreatedAt
	}
	if r.BatchID != nil {
		n.BatchID = *r.BatchID
	}
	if r.CommitmentID != nil {
		n.CommitmentID = *r.CommitmentID
	}
	if r.ContactID != nil {
		n.ContactID = *r.ContactID
	}
	if r.Buttons != "" {
		json.Unmarshal([]byte(r.Buttons), &n.Buttons)
	}
	return n
}

// OutboxFilter selects notifications for Notifications.
type OutboxFilter struct {
	State        string
	Kind         string
	CommitmentID int64
	ChatID       int64
	Limit        int
}

// Notifications lists outbox rows, oldest first.
func (db *DB) Notifications(ctx context.Context, f OutboxFilter) ([]Notification, error) {
	var where []string
	var args []any
	if f.State != "" {
		where, args = append(where, "state = ?"), append(args, f.State)
	}
	if f.Kind != "" {
		where, args = append(where, "kind = ?"), append(args, f.Kind)
	}
	if f.CommitmentID != 0 {
		where, args = append(where, "commitment_id = ?"), append(args, f.CommitmentID)
	}
	if f.ChatID != 0 {
		where, args = append(where, "chat_id = ?"), append(args, f.ChatID)
	}
	q := `SELECT ` + notificationCols + ` FROM notifications`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY id"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	var rows []notificationRow
	if err := db.db.SelectContext(ctx, &rows, db.db.Rebind(q), args...); err != nil {
		return nil, fmt.Errorf("list notifications: %w", err)
	}
	out := make([]Notification, len(rows))
	for i := range rows {
		out[i] = rows[i].notification()
	}
	return out, nil
}

// OutboxDepth counts outbox rows by state.
func (db *DB) OutboxDepth(ctx context.Context) (map[string]int, error) {
	rows, err := db.db.QueryxContext(ctx, `SELECT state, COUNT(*) FROM notifications GROUP BY state`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}
