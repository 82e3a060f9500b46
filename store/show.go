package store

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"duban/domain"
)

// Event is one line of a commitment's history: a progress update, a status
// change, an extension request or a notification that went out.
type Event struct {
	At       time.Time `json:"at"`
	Kind     string    `json:"kind"` // progress | status | extension | notification
	Actor    string    `json:"actor,omitempty"`
	Channel  string    `json:"channel,omitempty"`
	Percent  *int      `json:"percent,omitempty"`
	From     string    `json:"from,omitempty"`
	To       string    `json:"to,omitempty"`
	Note     string    `json:"note,omitempty"`
	Evidence []string  `json:"evidence,omitempty"`
	State    string    `json:"state,omitempty"`
	OldDue   string    `json:"old_due,omitempty"`
	NewDue   string    `json:"new_due,omitempty"`
	Late     bool      `json:"late,omitempty"`
	TgUserID int64     `json:"telegram_user_id,omitempty"`
	// DecidedBy, DecidedChannel, DecidedAt and DecisionReason say who
	// decided an extension request (Actor is who asked), through which
	// channel, when and why: a contact key, "" for the command line's
	// administrator.
	DecidedBy      string     `json:"decided_by,omitempty"`
	DecidedChannel string     `json:"decided_channel,omitempty"`
	DecidedAt      *time.Time `json:"decided_at,omitempty"`
	DecisionReason string     `json:"decision_reason,omitempty"`
	seq            int64
}

// History returns a commitment's history, oldest first.
func (db *DB) History(ctx context.Context, id int64) ([]Event, error) {
	var out []Event
	var pu []struct {
		ID       int64  `db:"id"`
		Actor    string `db:"actor"`
		TgUser   int64  `db:"telegram_user_id"`
		Percent  int    `db:"percent"`
		Note     string `db:"note"`
		Evidence string `db:"evidence"`
		Channel  string `db:"channel"`
		At       dbTime `db:"created_at"`
	}
	if err := db.db.SelectContext(ctx, &pu, db.db.Rebind(`SELECT p.id, COALESCE(ct.key, '') AS actor, p.telegram_user_id, p.percent,
		p.note, p.evidence, p.channel, p.created_at FROM progress_updates p LEFT JOIN contacts ct ON ct.id = p.contact_id
		WHERE p.commitment_id = ?`), id); err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	for _, p := range pu {
		pct := p.Percent
		e := Event{At: p.At.T, Kind: "progress", Actor: p.Actor, Channel: p.Channel, Percent: &pct, Note: p.Note, TgUserID: p.TgUser, seq: p.ID}
		if p.Evidence != "" {
			e.Evidence = strings.Split(p.Evidence, "\n")
		}
		out = append(out, e)
	}
	var sc []struct {
		ID      int64  `db:"id"`
		Actor   string `db:"actor"`
		TgUser  int64  `db:"telegram_user_id"`
		From    string `db:"from_status"`
		To      string `db:"to_status"`
		Reason  string `db:"reason"`
		Channel string `db:"channel"`
		At      dbTime `db:"created_at"`
	}
	if err := db.db.SelectContext(ctx, &sc, db.db.Rebind(`SELECT s.id, COALESCE(ct.key, '') AS actor, s.telegram_user_id, s.from_status,
		s.to_status, s.reason, s.channel, s.created_at FROM status_changes s LEFT JOIN contacts ct ON ct.id = s.contact_id
		WHERE s.commitment_id = ?`), id); err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	for _, s := range sc {
		out = append(out, Event{At: s.At.T, Kind: "status", Actor: s.Actor, Channel: s.Channel, From: s.From, To: s.To, Note: s.Reason, TgUserID: s.TgUser, seq: s.ID})
	}
	var ex []struct {
		ID             int64  `db:"id"`
		Requester      string `db:"requester"`
		TgUser         int64  `db:"telegram_user_id"`
		Channel        string `db:"channel"`
		OldDue         dbDate `db:"old_due"`
		RequestedDue   dbDate `db:"requested_due"`
		Reason         string `db:"reason"`
		Late           bool   `db:"late"`
		State          string `db:"state"`
		CreatedAt      dbTime `db:"created_at"`
		Decider        string `db:"decider"`
		DecidedChannel string `db:"decided_channel"`
		DecidedAt      dbTime `db:"decided_at"`
		DecisionReason string `db:"decision_reason"`
	}
	if err := db.db.SelectContext(ctx, &ex, db.db.Rebind(`SELECT x.id, COALESCE(r.key, '') AS requester, x.telegram_user_id, x.channel,
		x.old_due, x.requested_due, x.reason, x.late, x.state, x.created_at, COALESCE(d.key, '') AS decider, x.decided_channel,
		x.decided_at, x.decision_reason FROM extensions x LEFT JOIN contacts r ON r.id = x.requester_id
		LEFT JOIN contacts d ON d.id = x.decided_by WHERE x.commitment_id = ?`), id); err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	for _, x := range ex {
		out = append(out, Event{At: x.CreatedAt.T, Kind: "extension", Actor: x.Requester, Channel: x.Channel, TgUserID: x.TgUser,
			State: x.State, OldDue: x.OldDue.D.String(), NewDue: x.RequestedDue.D.String(), Note: x.Reason, Late: x.Late,
			DecidedBy: x.Decider, DecidedChannel: x.DecidedChannel, DecidedAt: x.DecidedAt.ptr(), DecisionReason: x.DecisionReason, seq: x.ID})
	}
	var ns []struct {
		ID    int64  `db:"id"`
		Kind  string `db:"kind"`
		Stage string `db:"stage"`
		State string `db:"state"`
		Actor string `db:"actor"`
		At    dbTime `db:"sent_at"`
	}
	if err := db.db.SelectContext(ctx, &ns, db.db.Rebind(`SELECT n.id, n.kind, n.stage, n.state, COALESCE(ct.key, '') AS actor, n.sent_at
		FROM notifications n LEFT JOIN contacts ct ON ct.id = n.contact_id WHERE n.commitment_id = ? AND n.state = 'sent'`), id); err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	for _, n := range ns {
		out = append(out, Event{At: n.At.T, Kind: "notification", Actor: n.Actor, State: n.State, Note: strings.TrimSpace(n.Kind + " " + n.Stage), seq: n.ID})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].At.Equal(out[j].At) {
			return out[i].At.Before(out[j].At)
		}
		return out[i].seq < out[j].seq
	})
	return out, nil
}

// NewCommitment is what `duban add` creates.
type NewCommitment struct {
	Key          string
	SourceKey    string
	Title        string
	Detail       string
	Category     string
	Unit         string
	Owners       []string
	Due          domain.Date
	DuePrecision domain.Precision
	Strength     domain.Strength
}

// AddCommitment creates one commitment and returns its id.
func (db *DB) AddCommitment(ctx context.Context, n NewCommitment) (int64, error) {
	if strings.TrimSpace(n.Title) == "" {
		return 0, domain.Errorf(domain.EINVALID, "title: missing")
	}
	if len(n.Owners) == 0 {
		return 0, domain.Errorf(domain.EINVALID, "owner: name at least one contact key")
	}
	if n.DuePrecision == "" {
		n.DuePrecision, _ = domain.ResolvePrecision(n.Due, "")
	}
	if n.Category == "" {
		n.Category = "other"
	}
	if n.Strength == "" {
		n.Strength = domain.Firm
	}
	var id int64
	err := db.tx(ctx, func(tx *sqlx.Tx) error {
		if n.Key == "" {
			var next int64
			if err := tx.GetContext(ctx, &next, `SELECT COALESCE(MAX(id), 0) + 1 FROM commitments`); err != nil {
				return err
			}
			n.Key = fmt.Sprintf("c-%d", next)
		}
		var dup int
		if err := tx.GetContext(ctx, &dup, tx.Rebind(`SELECT COUNT(*) FROM commitments WHERE key = ?`), n.Key); err != nil {
			return err
		}
		if dup > 0 {
			return domain.Errorf(domain.EINVALID, "key: commitment %q already exists", n.Key)
		}
		var src any
		if n.SourceKey != "" {
			var sid int64
			if err := tx.GetContext(ctx, &sid, tx.Rebind(`SELECT id FROM sources WHERE key = ?`), n.SourceKey); err != nil {
				return domain.Errorf(domain.EINVALID, "source: unknown source %q", n.SourceKey)
			}
			src = sid
		}
		owners := make([]int64, len(n.Owners))
		for i, o := range n.Owners {
			if err := tx.GetContext(ctx, &owners[i], tx.Rebind(`SELECT id FROM contacts WHERE key = ?`), o); err != nil {
				return domain.Errorf(domain.EINVALID, "owner: unknown contact %q", o)
			}
		}
		unit, err := ensureUnit(ctx, tx, n.Unit)
		if err != nil {
			return err
		}
		now := db.now()
		id, err = insertID(ctx, tx, `INSERT INTO commitments (key, source_id, title, detail, category, unit_id, due, due_precision,
			strength, status, created_at, updated_at, next_remind_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?)`,
			n.Key, src, n.Title, n.Detail, n.Category, unit, dbDate{n.Due}, string(n.DuePrecision), string(n.Strength), tm(now), tm(now), rescan)
		if err != nil {
			return fmt.Errorf("add commitment: %w", err)
		}
		for pos, o := range owners {
			if _, err := exec(ctx, tx, `INSERT INTO commitment_owners (commitment_id, contact_id, position) VALUES (?, ?, ?)`, id, o, pos); err != nil {
				return err
			}
		}
		return nil
	})
	return id, err
}
