-- +goose Up
-- A letter's follow-up, set by the supervision office after the fact
-- (SPEC §13 /sources/{key}): the B-class second reply's date and the
-- deputy's satisfaction. Every change is kept, like commitment_edits.
CREATE TABLE source_edits (
    id          BIGSERIAL PRIMARY KEY,
    source_id   BIGINT NOT NULL REFERENCES sources(id),
    field       TEXT NOT NULL,
    old_value   TEXT NOT NULL DEFAULT '',
    new_value   TEXT NOT NULL DEFAULT '',
    contact_id  BIGINT REFERENCES contacts(id),
    web_session TEXT NOT NULL DEFAULT '',
    channel     TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX source_edits_source ON source_edits (source_id, created_at);

-- +goose Down
DROP INDEX source_edits_source;
DROP TABLE source_edits;
