-- +goose Up
-- The dashboard's figures are a scan of every commitment; they are kept
-- (in the process that computed them) until a commitment's status, due
-- date, unit or closing changes, which these triggers count. The scan's
-- own writes (next_remind_at) do not count.
CREATE TABLE change_counters (
    name TEXT PRIMARY KEY,
    n    BIGINT NOT NULL
);
INSERT INTO change_counters (name, n) VALUES ('commitments', 0);

-- +goose StatementBegin
CREATE TRIGGER commitments_changed_ins AFTER INSERT ON commitments
BEGIN
    UPDATE change_counters SET n = n + 1 WHERE name = 'commitments';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER commitments_changed_upd AFTER UPDATE OF status, due, unit_id, closed_at, last_progress_at ON commitments
BEGIN
    UPDATE change_counters SET n = n + 1 WHERE name = 'commitments';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER commitments_changed_del AFTER DELETE ON commitments
BEGIN
    UPDATE change_counters SET n = n + 1 WHERE name = 'commitments';
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER commitments_changed_del;
DROP TRIGGER commitments_changed_upd;
DROP TRIGGER commitments_changed_ins;
DROP TABLE change_counters;
