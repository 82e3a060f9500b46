-- +goose Up
-- Link codes are kept only as SHA-256 hashes (SPEC §12): the column code
-- now holds the hash's hex. Codes stored in plain text before cannot be
-- hashed in SQL on both databases, so they are dropped: unused ones must
-- be issued again (`duban contact link KEY`).
DELETE FROM link_codes;

-- Failed /start attempts, counted per chat to limit guessing: 5 an hour.
CREATE TABLE link_attempts (
    chat_id    BIGINT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX link_attempts_chat ON link_attempts (chat_id, created_at);

-- A contact's e-mail and the channels that reach them (SPEC §14, §15
-- `duban contact edit`): channels is a comma-separated list such as
-- "telegram,email"; empty means Telegram.
ALTER TABLE contacts ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE contacts ADD COLUMN channels TEXT NOT NULL DEFAULT '';
-- `duban contact remove` keeps a contact that the history names (progress,
-- status changes, closed items), unlinked and marked removed.
ALTER TABLE contacts ADD COLUMN removed_at TEXT;

-- +goose Down
ALTER TABLE contacts DROP COLUMN removed_at;
ALTER TABLE contacts DROP COLUMN channels;
ALTER TABLE contacts DROP COLUMN email;
DROP INDEX link_attempts_chat;
DROP TABLE link_attempts;
