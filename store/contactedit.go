package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"duban/domain"
	"duban/textenc"
)

// ContactEdit is what `duban contact edit` changes: nil fields stay.
type ContactEdit struct {
	Name, Unit, Role, Phone, Email, Channels, Language *string
	// NewUnit allows Unit to name a unit that does not exist yet.
	NewUnit bool
}

// Channels a contact may be reached on (SPEC §14): domain.Channels.
var Channels = domain.Channels

// EditContact changes the given fields of the contact with key.
func (db *DB) EditContact(ctx context.Context, key string, e ContactEdit) error {
	var sets []string
	var args []any
	set := func(col string, v *string, max int) error {
		if v == nil {
			return nil
		}
		if err := textenc.Check(*v, max); err != nil {
			return domain.Errorf(domain.EINVALID, "%s: %v", col, err)
		}
		sets = append(sets, col+" = ?")
		args = append(args, strings.TrimSpace(*v))
		return nil
	}
	if e.Name != nil && strings.TrimSpace(*e.Name) == "" {
		return domain.Errorf(domain.EINVALID, "name: missing")
	}
	if e.Role != nil {
		if _, err := domain.ParseRole(*e.Role); err != nil {
			return domain.Errorf(domain.EINVALID, "role: %v", err)
		}
	}
	if e.Language != nil && *e.Language != "zh" && *e.Language != "en" {
		return domain.Errorf(domain.EINVALID, "language: want zh or en, got %q", *e.Language)
	}
	if e.Channels != nil {
		cs, err := domain.ParseChannels(*e.Channels)
		if err != nil {
			return domain.Errorf(domain.EINVALID, "channels: %v", err)
		}
		joined := strings.Join(cs, ",")
		e.Channels = &joined
	}
	if e.Email != nil {
		if err := domain.CheckEmail(strings.TrimSpace(*e.Email)); err != nil {
			return domain.Errorf(domain.EINVALID, "email: %v", err)
		}
	}
	for _, f := range []struct {
		col string
		v   *string
	}{{"name", e.Name}, {"role", e.Role}, {"phone", e.Phone}, {"email", e.Email}, {"channels", e.Channels}, {"language", e.Language}} {
		if err := set(f.col, f.v, textenc.MaxTitle); err != nil {
			return err
		}
	}
	return db.tx(ctx, func(tx *sqlx.Tx) error {
		id, err := contactID(ctx, tx, key)
		if err != nil {
			return err
		}
		if e.Unit != nil {
			name := strings.TrimSpace(*e.Unit)
			if name != "" && !e.NewUnit {
				var n int
				if err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT COUNT(*) FROM units WHERE name = ?`), name); err != nil {
					return err
				}
				if n == 0 {
					return domain.Errorf(domain.ENOTFOUND, "没有这个单位 (unknown unit) %q; 新单位请加 --new-unit (add --new-unit to create it)", name)
				}
			}
			unit, err := ensureUnit(ctx, tx, name)
			if err != nil {
				return err
			}
			sets = append(sets, "unit_id = ?")
			args = append(args, unit)
		}
		if len(sets) == 0 {
			return nil
		}
		if e.Email != nil {
			// A new address is tried afresh.
			sets = append(sets, "email_unreachable_why = ''")
		}
		_, err = exec(ctx, tx, `UPDATE contacts SET `+strings.Join(sets, ", ")+` WHERE id = ?`, append(args, id)...)
		if err != nil {
			return fmt.Errorf("edit contact: %w", err)
		}
		return nil
	})
}

func contactID(ctx context.Context, tx *sqlx.Tx, key string) (int64, error) {
	var ids []int64
	if err := tx.SelectContext(ctx, &ids, tx.Rebind(`SELECT id FROM contacts WHERE key = ? AND removed_at IS NULL`), key); err != nil {
		return 0, err
	}
	if len(ids) == 0 {
		return 0, domain.Errorf(domain.ENOTFOUND, "没有这个联系人 (unknown contact) %q", key)
	}
	return ids[0], nil
}

// RemoveResult says what RemoveContact did.
type RemoveResult struct {
	Kept bool // the history names the contact: kept, unlinked, marked removed
}

// RemoveContact removes the contact with key. While it owns open or
// in-progress items it is refused, naming them: hand them over first with
// the workflow's Reassign (`contact remove --reassign-to` does). A contact that the history names
// (progress, status changes, extensions, closed items) is kept for the
// audit trail, unlinked from Telegram and marked removed, so that it no
// longer appears in lists; any other is deleted.
func (db *DB) RemoveContact(ctx context.Context, key string) (RemoveResult, error) {
	var res RemoveResult
	err := db.tx(ctx, func(tx *sqlx.Tx) error {
		id, err := contactID(ctx, tx, key)
		if err != nil {
			return err
		}
		var open []int64
		if err := tx.SelectContext(ctx, &open, tx.Rebind(`SELECT c.id FROM commitments c JOIN commitment_owners o ON o.commitment_id = c.id
			WHERE o.contact_id = ? AND c.status IN ('open', 'in_progress') ORDER BY c.id`), id); err != nil {
			return err
		}
		if len(open) > 0 {
			return domain.Errorf(domain.EINVALID, "%s 还负责 %d 项未办结事项 (%s)，请加 --reassign-to KEY 交给接任者 (owns %d open items: give --reassign-to KEY)",
				key, len(open), idList(open), len(open))
		}
		if _, err := exec(ctx, tx, `DELETE FROM link_codes WHERE contact_id = ?`, id); err != nil {
			return err
		}
		var refs int
		if err := tx.GetContext(ctx, &refs, tx.Rebind(`SELECT
			(SELECT COUNT(*) FROM commitment_owners WHERE contact_id = ?) +
			(SELECT COUNT(*) FROM progress_updates WHERE contact_id = ?) +
			(SELECT COUNT(*) FROM status_changes WHERE contact_id = ?) +
			(SELECT COUNT(*) FROM extensions WHERE requester_id = ? OR decided_by = ?) +
			(SELECT COUNT(*) FROM notifications WHERE contact_id = ?)`), id, id, id, id, id, id); err != nil {
			return err
		}
		if refs > 0 {
			res.Kept = true
			_, err := exec(ctx, tx, `UPDATE contacts SET chat_id = 0, telegram_user_id = 0, removed_at = ? WHERE id = ?`, tm(db.now()), id)
			return err
		}
		_, err = exec(ctx, tx, `DELETE FROM contacts WHERE id = ?`, id)
		return err
	})
	return res, err
}

func idList(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = fmt.Sprintf("#%d", id)
	}
	return strings.Join(parts, " ")
}
