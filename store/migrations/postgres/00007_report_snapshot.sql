-- +goose Up
-- Month-end snapshots of the report's counts (store/report_snapshot.go):
-- the kinds of report_groups for a closed month, kept with a fingerprint
-- of the register as it was then, so that a month's report reads them
-- instead of reconstructing a million commitments.
CREATE TABLE report_snapshots (
    key         TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    -- The ids of the longest-overdue red commitments, in that order,
    -- comma-separated (at most 50; "" none).
    top_red     TEXT NOT NULL,
    -- The ids of the sources all of whose commitments were verified or
    -- cancelled (one at least verified), comma-separated.
    settled     TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE TABLE report_snapshot_rows (
    key       TEXT NOT NULL REFERENCES report_snapshots (key) ON DELETE CASCADE,
    unit_id   BIGINT NOT NULL,
    source_id BIGINT NOT NULL,
    code      BIGINT NOT NULL,
    n         BIGINT NOT NULL,
    min_due   TEXT
);
CREATE INDEX report_snapshot_rows_key ON report_snapshot_rows (key);
-- The owners of the commitments open at the period's end, by unit: the
-- unreachable among them are looked up by their current flags.
CREATE TABLE report_snapshot_owners (
    key        TEXT NOT NULL,
    unit_id    BIGINT NOT NULL,
    contact_id BIGINT NOT NULL
);
CREATE INDEX report_snapshot_owners_key ON report_snapshot_owners (key);

-- +goose Down
DROP TABLE report_snapshot_owners;
DROP TABLE report_snapshot_rows;
DROP TABLE report_snapshots;
