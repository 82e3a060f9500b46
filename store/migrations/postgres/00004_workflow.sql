-- +goose Up
-- Every change records the Telegram update or the web session that made it
-- (SPEC §11), and an extension records through which channel it was asked
-- and decided, and why it was rejected.
ALTER TABLE progress_updates ADD COLUMN telegram_update_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE progress_updates ADD COLUMN web_session TEXT NOT NULL DEFAULT '';
ALTER TABLE status_changes ADD COLUMN telegram_update_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE status_changes ADD COLUMN web_session TEXT NOT NULL DEFAULT '';
ALTER TABLE extensions ADD COLUMN channel TEXT NOT NULL DEFAULT '';
ALTER TABLE extensions ADD COLUMN telegram_update_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE extensions ADD COLUMN decided_channel TEXT NOT NULL DEFAULT '';
ALTER TABLE extensions ADD COLUMN decision_reason TEXT NOT NULL DEFAULT '';
-- Edits of due date, precision, owners, unit or title, and reassignments.
CREATE TABLE commitment_edits (
    id                 BIGSERIAL PRIMARY KEY,
    commitment_id      BIGINT NOT NULL REFERENCES commitments(id),
    field              TEXT NOT NULL,
    old_value          TEXT NOT NULL DEFAULT '',
    new_value          TEXT NOT NULL DEFAULT '',
    reason             TEXT NOT NULL DEFAULT '',
    contact_id         BIGINT REFERENCES contacts(id),
    telegram_user_id   BIGINT NOT NULL DEFAULT 0,
    telegram_update_id BIGINT NOT NULL DEFAULT 0,
    web_session        TEXT NOT NULL DEFAULT '',
    channel            TEXT NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX commitment_edits_commitment ON commitment_edits (commitment_id, created_at);
-- /pending lists done items oldest first.
CREATE INDEX commitments_done ON commitments (updated_at) WHERE status = 'done';
CREATE INDEX extensions_pending ON extensions (created_at) WHERE state = 'pending';

-- +goose Down
DROP INDEX extensions_pending;
DROP INDEX commitments_done;
DROP TABLE commitment_edits;
ALTER TABLE extensions DROP COLUMN decision_reason;
ALTER TABLE extensions DROP COLUMN decided_channel;
ALTER TABLE extensions DROP COLUMN telegram_update_id;
ALTER TABLE extensions DROP COLUMN channel;
ALTER TABLE status_changes DROP COLUMN web_session;
ALTER TABLE status_changes DROP COLUMN telegram_update_id;
ALTER TABLE progress_updates DROP COLUMN web_session;
ALTER TABLE progress_updates DROP COLUMN telegram_update_id;
