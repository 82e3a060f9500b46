-- +goose Up
-- due_at is when a message first fell due: transient failures never make
-- it dead before delivery.give_up_after since then, however often it was
-- put back. dead_at is when it was given up, so that the messages a
-- contact missed while unreachable can be queued again when they are back.
-- failing_since is the first failed attempt of the current streak, by the
-- dispatcher's clock: transient failures give up give_up_after after it
-- (it is at or after the time the message fell due).
-- batch_id ties the reminders sent together as one message to the row
-- that carries them; they wait as 'batched' and share its outcome.
ALTER TABLE notifications ADD COLUMN due_at TIMESTAMPTZ;
ALTER TABLE notifications ADD COLUMN dead_at TIMESTAMPTZ;
ALTER TABLE notifications ADD COLUMN batch_id BIGINT;
ALTER TABLE notifications ADD COLUMN failing_since TIMESTAMPTZ;
UPDATE notifications SET due_at = created_at;
CREATE INDEX notifications_batch ON notifications (batch_id) WHERE batch_id IS NOT NULL;
CREATE INDEX notifications_dead_contact ON notifications (contact_id, dead_at) WHERE state = 'dead';

-- +goose Down
DROP INDEX notifications_dead_contact;
DROP INDEX notifications_batch;
ALTER TABLE notifications DROP COLUMN failing_since;
ALTER TABLE notifications DROP COLUMN batch_id;
ALTER TABLE notifications DROP COLUMN dead_at;
ALTER TABLE notifications DROP COLUMN due_at;
