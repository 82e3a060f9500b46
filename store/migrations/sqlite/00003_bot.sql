-- +goose Up
-- The bot finds the sender of every update by Telegram user id.
CREATE INDEX contacts_telegram_user ON contacts (telegram_user_id);
-- Issuing a link code drops the contact's earlier unused codes.
CREATE INDEX link_codes_contact ON link_codes (contact_id);
-- Old update records are pruned by age.
CREATE INDEX bot_updates_applied ON bot_updates (applied_at);
-- The bot's lists take open and in-progress commitments by due date: all
-- overdue ones (supervisors' /overdue, counted by unit), or a unit's
-- (bot.unit_scope). Partial, so done and closed items cost nothing.
CREATE INDEX commitments_active_due ON commitments (due, unit_id) WHERE status IN ('open', 'in_progress');
CREATE INDEX commitments_active_unit ON commitments (unit_id, due, id) WHERE status IN ('open', 'in_progress');

-- +goose Down
DROP INDEX commitments_active_unit;
DROP INDEX commitments_active_due;
DROP INDEX bot_updates_applied;
DROP INDEX link_codes_contact;
DROP INDEX contacts_telegram_user;
