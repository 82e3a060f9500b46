package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"duban/domain"
)

// ResolveUnit returns the name of the unit that s names: its name, or its
// id. An unknown unit is an ENOTFOUND error naming s.
func (db *DB) ResolveUnit(ctx context.Context, s string) (string, error) {
	var names []string
	q := `SELECT name FROM units WHERE name = ?`
	args := []any{strings.TrimSpace(s)}
	if id, err := strconv.ParseInt(s, 10, 64); err == nil {
		q += ` OR id = ?`
		args = append(args, id)
	}
	if err := db.db.SelectContext(ctx, &names, db.db.Rebind(q+` ORDER BY id`), args...); err != nil {
		return "", fmt.Errorf("find unit: %w", err)
	}
	if len(names) == 0 {
		return "", domain.Errorf(domain.ENOTFOUND, "没有这个单位 (unknown unit) %q", s)
	}
	return names[0], nil
}

// ResolveContact returns the key of the contact that s names: its key, or
// its name when exactly one contact has that name. An unknown contact is
// ENOTFOUND, a name two contacts share is EINVALID listing their keys.
func (db *DB) ResolveContact(ctx context.Context, s string) (string, error) {
	s = strings.TrimSpace(s)
	var keys []string
	if err := db.db.SelectContext(ctx, &keys, db.db.Rebind(`SELECT key FROM contacts WHERE key = ?`), s); err != nil {
		return "", fmt.Errorf("find contact: %w", err)
	}
	if len(keys) == 1 {
		return keys[0], nil
	}
	if err := db.db.SelectContext(ctx, &keys, db.db.Rebind(`SELECT key FROM contacts WHERE name = ? ORDER BY id`), s); err != nil {
		return "", fmt.Errorf("find contact: %w", err)
	}
	switch len(keys) {
	case 0:
		return "", domain.Errorf(domain.ENOTFOUND, "没有这个联系人 (unknown contact) %q", s)
	case 1:
		return keys[0], nil
	}
	return "", domain.Errorf(domain.EINVALID, "%d 位联系人同名 %q，请用 key (%d contacts share the name %q: give a key): %s",
		len(keys), s, len(keys), s, strings.Join(keys, ", "))
}
