-- +goose Up
-- Indexes for the monthly report and the weekly digest, which rebuild a
-- commitment's state at a past instant from its history: the first
-- extension approved after an instant, the extensions approved in a month,
-- the last change to a given status before an instant, and the messages
-- given up on for unreachability.
CREATE INDEX extensions_commitment_state ON extensions (commitment_id, state, decided_at);
CREATE INDEX extensions_state_decided ON extensions (state, decided_at);
CREATE INDEX status_changes_to ON status_changes (commitment_id, to_status, created_at);
CREATE INDEX notifications_dead ON notifications (created_at) WHERE state = 'dead';

-- +goose Down
DROP INDEX notifications_dead;
DROP INDEX status_changes_to;
DROP INDEX extensions_state_decided;
DROP INDEX extensions_commitment_state;
