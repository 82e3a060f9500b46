package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"duban/domain"
)

const sourceSelect = `SELECT id, key, kind, number, title, session, deputies, reply_doc_no, classification,
	handling_unit, replied_on, satisfaction, second_reply_on FROM sources`

type sourceRow struct {
	ID             int64  `db:"id"`
	Key            string `db:"key"`
	Kind           string `db:"kind"`
	Number         string `db:"number"`
	Title          string `db:"title"`
	Session        string `db:"session"`
	Deputies       string `db:"deputies"`
	ReplyDocNo     string `db:"reply_doc_no"`
	Classification string `db:"classification"`
	HandlingUnit   string `db:"handling_unit"`
	RepliedOn      dbDate `db:"replied_on"`
	Satisfaction   string `db:"satisfaction"`
	SecondReplyOn  dbDate `db:"second_reply_on"`
}

func (r sourceRow) domain() *domain.Source {
	var deps []string
	if r.Deputies != "" {
		deps = strings.Split(r.Deputies, "、")
	}
	return &domain.Source{ID: r.ID, Key: r.Key, Kind: r.Kind, Number: r.Number, Title: r.Title, Session: r.Session,
		Deputies: deps, ReplyDocNo: r.ReplyDocNo, Classification: r.Classification, HandlingUnit: r.HandlingUnit,
		RepliedOn: r.RepliedOn.D, Satisfaction: r.Satisfaction, SecondReplyOn: r.SecondReplyOn.D}
}

// Source returns the source with the given key.
func (db *DB) Source(ctx context.Context, key string) (*domain.Source, error) {
	var r sourceRow
	err := db.db.GetContext(ctx, &r, db.db.Rebind(sourceSelect+` WHERE key = ?`), key)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "source %q not found", key)
	}
	if err != nil {
		return nil, fmt.Errorf("get source: %w", err)
	}
	return r.domain(), nil
}

// Sources lists every source, by id.
func (db *DB) Sources(ctx context.Context) ([]*domain.Source, error) {
	var rows []sourceRow
	if err := db.db.SelectContext(ctx, &rows, sourceSelect+` ORDER BY id`); err != nil {
		return nil, fmt.Errorf("list sources: %w", err)
	}
	out := make([]*domain.Source, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}

// SourceEdit is a change of a letter's follow-up: nil fields stay. A zero
// SecondReplyOn clears the date; Satisfaction "" clears the verdict.
type SourceEdit struct {
	SecondReplyOn *domain.Date
	Satisfaction  *string
}

// EditSource changes the source with key as e says and records each
// changed field in source_edits, in one transaction. Who may do it is the
// workflow's decision.
func (db *DB) EditSource(ctx context.Context, key string, e SourceEdit, by Actor) error {
	return db.change(ctx, by, func(tx *sqlx.Tx) error {
		var r struct {
			ID           int64   `db:"id"`
			Satisfaction string  `db:"satisfaction"`
			SecondReply  *string `db:"second_reply_on"`
		}
		err := tx.GetContext(ctx, &r, tx.Rebind(`SELECT id, satisfaction, second_reply_on FROM sources WHERE key = ?`+db.forUpdate()), key)
		if errors.Is(err, sql.ErrNoRows) {
			return domain.Errorf(domain.ENOTFOUND, "source %q not found", key)
		}
		if err != nil {
			return fmt.Errorf("edit source: %w", err)
		}
		now := db.now()
		set := func(field, col, old, new string, v any) error {
			if old == new {
				return nil
			}
			if _, err := exec(ctx, tx, `UPDATE sources SET `+col+` = ? WHERE id = ?`, v, r.ID); err != nil {
				return fmt.Errorf("edit source: %w", err)
			}
			_, err := exec(ctx, tx, `INSERT INTO source_edits (source_id, field, old_value, new_value, contact_id, web_session, channel, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, r.ID, field, old, new, by.contact(), by.WebSession, by.channel(), tm(now))
			return err
		}
		if e.SecondReplyOn != nil {
			old := ""
			if r.SecondReply != nil {
				old = *r.SecondReply
			}
			if err := set("second_reply_on", "second_reply_on", old, dateText(*e.SecondReplyOn), dbDate{*e.SecondReplyOn}); err != nil {
				return err
			}
		}
		if e.Satisfaction != nil {
			if err := set("satisfaction", "satisfaction", r.Satisfaction, *e.Satisfaction, *e.Satisfaction); err != nil {
				return err
			}
		}
		return nil
	})
}

// dateText is a date as stored, "" for none.
func dateText(d domain.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}
