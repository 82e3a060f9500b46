package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jmoiron/sqlx"

	"duban/dataset"
)

// CheckImport runs, without writing, the checks of an import that need the
// database: owners and sources that exist neither in the database nor in
// ds, and sources that duplicate an existing one under another key. It
// lets `duban import` report these together with the file's parse and rule
// problems in one run. Import repeats the same checks in its transaction.
func (db *DB) CheckImport(ctx context.Context, ds *dataset.Dataset, file string) (dataset.Errors, error) {
	tx, err := db.db.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("check import: %w", err)
	}
	defer tx.Rollback()
	r, err := loadRefs(ctx, tx, ds)
	if err != nil {
		return nil, fmt.Errorf("check import: %w", err)
	}
	errs := r.sourceConflicts(ds, file)
	for i, c := range ds.Commitments {
		p := fmt.Sprintf("commitments[%d]", i)
		if c.Source != "" && !r.sources[c.Source] {
			errs = append(errs, ds.Errorf(file, c.Fields.At("source", c.Line), p+".source", "unknown source %q", c.Source))
		}
		for _, o := range c.Owners {
			if _, msg := r.owner(o); msg != "" {
				errs = append(errs, ds.Errorf(file, c.Fields.At("owners", c.Line), p+".owners", "%s", msg))
			}
		}
	}
	return errs, nil
}

// refs are the keys an import may refer to: the database's and the file's.
type refs struct {
	contacts map[string]bool
	names    map[string][]string // contact name → keys
	sources  map[string]bool
	existing []sourceRow
}

func loadRefs(ctx context.Context, q sqlx.QueryerContext, ds *dataset.Dataset) (*refs, error) {
	r := &refs{contacts: map[string]bool{}, names: map[string][]string{}, sources: map[string]bool{}}
	var cs []struct {
		Key  string `db:"key"`
		Name string `db:"name"`
	}
	if err := sqlx.SelectContext(ctx, q, &cs, `SELECT key, name FROM contacts ORDER BY id`); err != nil {
		return nil, err
	}
	inFile := map[string]bool{}
	for _, c := range ds.Contacts {
		inFile[c.Key] = true
		r.contacts[c.Key] = true
		r.names[c.Name] = append(r.names[c.Name], c.Key)
	}
	for _, c := range cs {
		r.contacts[c.Key] = true
		if !inFile[c.Key] {
			r.names[c.Name] = append(r.names[c.Name], c.Key)
		}
	}
	if err := sqlx.SelectContext(ctx, q, &r.existing, sourceSelect+` ORDER BY id`); err != nil {
		return nil, err
	}
	for _, s := range r.existing {
		r.sources[s.Key] = true
	}
	for _, s := range ds.Sources {
		r.sources[s.Key] = true
	}
	return r, nil
}

// owner resolves an owner written in a file: a contact key, or a contact's
// name when exactly one contact has it (a 台账 names people, not keys).
func (r *refs) owner(o string) (key, msg string) {
	if r.contacts[o] {
		return o, ""
	}
	switch keys := r.names[o]; len(keys) {
	case 0:
		return "", fmt.Sprintf("unknown contact %q", o)
	case 1:
		return keys[0], ""
	default:
		return "", fmt.Sprintf("%d contacts are named %q (%v): write the key", len(keys), o, keys)
	}
}

// sourceConflicts reports each source of ds whose reply document number, or
// kind + number + session, is that of another source — in the database or
// earlier in the file — under a different key: importing it would make the
// same letter two sources and its commitments twice (SPEC §15).
func (r *refs) sourceConflicts(ds *dataset.Dataset, file string) dataset.Errors {
	var errs dataset.Errors
	type seen struct{ key, where string }
	byDoc, byNum := map[string]seen{}, map[string]seen{}
	numKey := func(kind, number, session string) string {
		if kind == "" {
			kind = "other"
		}
		return kind + "\x00" + number + "\x00" + session
	}
	for _, s := range r.existing {
		if s.ReplyDocNo != "" {
			byDoc[s.ReplyDocNo] = seen{s.Key, "in the database"}
		}
		if s.Number != "" {
			byNum[numKey(s.Kind, s.Number, s.Session)] = seen{s.Key, "in the database"}
		}
	}
	for i, s := range ds.Sources {
		p := fmt.Sprintf("sources[%d]", i)
		if s.ReplyDocNo != "" {
			if o, ok := byDoc[s.ReplyDocNo]; ok && o.key != s.Key {
				errs = append(errs, ds.Errorf(file, s.Fields.At("reply_doc_no", s.Line), p+".reply_doc_no",
					"来源重复：%s 已是来源 %q (%s)，本文件用了另一个 key %q; the same letter cannot be two sources: use key %q or drop this source",
					s.ReplyDocNo, o.key, o.where, s.Key, o.key))
				continue
			}
		}
		if s.Number != "" {
			if o, ok := byNum[numKey(s.Kind, s.Number, s.Session)]; ok && o.key != s.Key {
				errs = append(errs, ds.Errorf(file, s.Fields.At("number", s.Line), p+".number",
					"来源重复：%s %s 已是来源 %q (%s)，本文件用了另一个 key %q; the same suggestion cannot be two sources: use key %q or drop this source",
					s.Session, s.Number, o.key, o.where, s.Key, o.key))
				continue
			}
		}
		where := fmt.Sprintf("line %d of this file", s.Line)
		if s.ReplyDocNo != "" {
			byDoc[s.ReplyDocNo] = seen{s.Key, where}
		}
		if s.Number != "" {
			byNum[numKey(s.Kind, s.Number, s.Session)] = seen{s.Key, where}
		}
	}
	return errs
}
