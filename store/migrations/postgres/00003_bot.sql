-- +goose Up
-- The bot finds the sender of every update by Telegram user id.
CREATE INDEX contacts_telegram_user ON contacts (telegram_user_id);
-- Issuing a link code drops the contact's earlier unused codes.
CREATE INDEX link_codes_contact ON link_codes (contact_id);
-- Old update records are pruned by age.
CREATE INDEX bot_updates_applied ON bot_updates (applied_at);

-- +goose Down
DROP INDEX bot_updates_applied;
DROP INDEX link_codes_contact;
DROP INDEX contacts_telegram_user;
