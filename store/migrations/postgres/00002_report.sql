-- +goose Up
-- Indexes for the monthly report and the weekly digest: extensions approved
-- in a month, the history of one commitment by kind of change, and
-- messages given up on for unreachability.
CREATE INDEX extensions_state_decided ON extensions (state, decided_at);
CREATE INDEX status_changes_to ON status_changes (commitment_id, to_status, created_at);
CREATE INDEX notifications_dead ON notifications (created_at) WHERE state = 'dead';

-- +goose Down
DROP INDEX notifications_dead;
DROP INDEX status_changes_to;
DROP INDEX extensions_state_decided;
