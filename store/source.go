package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

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
