-- +goose Up
CREATE TABLE units (
    id   INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE contacts (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    key              TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    unit_id          BIGINT REFERENCES units(id),
    role             TEXT NOT NULL DEFAULT 'official',
    phone            TEXT NOT NULL DEFAULT '',
    telegram_user_id BIGINT NOT NULL DEFAULT 0,
    chat_id          BIGINT NOT NULL DEFAULT 0,
    language         TEXT NOT NULL DEFAULT 'zh',
    unreachable      INTEGER NOT NULL DEFAULT 0,
    unreachable_why  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX contacts_chat ON contacts (chat_id);

CREATE TABLE sources (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    key             TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL DEFAULT 'other',
    number          TEXT NOT NULL DEFAULT '',
    title           TEXT NOT NULL DEFAULT '',
    session         TEXT NOT NULL DEFAULT '',
    deputies        TEXT NOT NULL DEFAULT '',
    reply_doc_no    TEXT NOT NULL DEFAULT '',
    classification  TEXT NOT NULL DEFAULT '',
    handling_unit   TEXT NOT NULL DEFAULT '',
    replied_on      TEXT,
    satisfaction    TEXT NOT NULL DEFAULT '',
    second_reply_on TEXT,
    followup_sent_at TEXT
);

CREATE TABLE commitments (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    key              TEXT NOT NULL UNIQUE,
    source_id        BIGINT REFERENCES sources(id),
    title            TEXT NOT NULL,
    detail           TEXT NOT NULL DEFAULT '',
    category         TEXT NOT NULL DEFAULT 'other',
    unit_id          BIGINT REFERENCES units(id),
    due              TEXT,
    due_precision    TEXT NOT NULL DEFAULT 'day',
    strength         TEXT NOT NULL DEFAULT 'firm',
    target           TEXT NOT NULL DEFAULT '',
    target_value     REAL,
    target_unit      TEXT NOT NULL DEFAULT '',
    lead_days        TEXT NOT NULL DEFAULT '',
    progress         INTEGER NOT NULL DEFAULT 0,
    status           TEXT NOT NULL DEFAULT 'open',
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    closed_at        TEXT,
    last_progress_at TEXT,
    next_remind_at   TEXT
);
CREATE INDEX commitments_next_remind ON commitments (next_remind_at) WHERE next_remind_at IS NOT NULL;
CREATE INDEX commitments_unit ON commitments (unit_id);
CREATE INDEX commitments_source ON commitments (source_id);
CREATE INDEX commitments_status_due ON commitments (status, due);

CREATE TABLE commitment_owners (
    commitment_id BIGINT NOT NULL REFERENCES commitments(id) ON DELETE CASCADE,
    contact_id    BIGINT NOT NULL REFERENCES contacts(id),
    position      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (commitment_id, contact_id)
);
CREATE INDEX commitment_owners_contact ON commitment_owners (contact_id);

-- History tables are append-only: rows are never updated or deleted.
CREATE TABLE progress_updates (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    commitment_id    BIGINT NOT NULL REFERENCES commitments(id),
    contact_id       BIGINT REFERENCES contacts(id),
    telegram_user_id BIGINT NOT NULL DEFAULT 0,
    percent          INTEGER NOT NULL,
    note             TEXT NOT NULL DEFAULT '',
    evidence         TEXT NOT NULL DEFAULT '',
    channel          TEXT NOT NULL,
    created_at       TEXT NOT NULL
);
CREATE INDEX progress_updates_commitment ON progress_updates (commitment_id, created_at);

CREATE TABLE status_changes (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    commitment_id    BIGINT NOT NULL REFERENCES commitments(id),
    from_status      TEXT NOT NULL,
    to_status        TEXT NOT NULL,
    reason           TEXT NOT NULL DEFAULT '',
    contact_id       BIGINT REFERENCES contacts(id),
    telegram_user_id BIGINT NOT NULL DEFAULT 0,
    channel          TEXT NOT NULL,
    created_at       TEXT NOT NULL
);
CREATE INDEX status_changes_commitment ON status_changes (commitment_id, created_at);

CREATE TABLE extensions (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    commitment_id    BIGINT NOT NULL REFERENCES commitments(id),
    old_due          TEXT,
    requested_due    TEXT NOT NULL,
    reason           TEXT NOT NULL,
    requester_id     BIGINT REFERENCES contacts(id),
    telegram_user_id BIGINT NOT NULL DEFAULT 0,
    late             INTEGER NOT NULL DEFAULT 0,
    state            TEXT NOT NULL DEFAULT 'pending',
    decided_by       BIGINT REFERENCES contacts(id),
    decided_tg_user  BIGINT NOT NULL DEFAULT 0,
    decided_at       TEXT,
    created_at       TEXT NOT NULL
);
CREATE INDEX extensions_commitment ON extensions (commitment_id);

-- The outbox: every message the system means to send is first a row here.
CREATE TABLE notifications (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    commitment_id   BIGINT REFERENCES commitments(id),
    contact_id      BIGINT REFERENCES contacts(id),
    chat_id         BIGINT NOT NULL DEFAULT 0,
    kind            TEXT NOT NULL,
    stage           TEXT NOT NULL DEFAULT '',
    dedup_key       TEXT NOT NULL UNIQUE,
    body            TEXT NOT NULL,
    buttons         TEXT NOT NULL DEFAULT '',
    attachment_kind TEXT NOT NULL DEFAULT '',
    attachment_name TEXT NOT NULL DEFAULT '',
    attachment      BLOB,
    state           TEXT NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    locked_until    TEXT,
    last_error      TEXT NOT NULL DEFAULT '',
    sent_at         TEXT,
    message_id      BIGINT NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL
);
CREATE INDEX notifications_pending ON notifications (next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX notifications_commitment ON notifications (commitment_id);

CREATE TABLE link_codes (
    code       TEXT PRIMARY KEY,
    contact_id BIGINT NOT NULL REFERENCES contacts(id),
    expires_at TEXT NOT NULL,
    used_at    TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE bot_updates (
    update_id  BIGINT PRIMARY KEY,
    applied_at TEXT NOT NULL
);

CREATE TABLE kv (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose Down
DROP TABLE kv;
DROP TABLE bot_updates;
DROP TABLE link_codes;
DROP TABLE notifications;
DROP TABLE extensions;
DROP TABLE status_changes;
DROP TABLE progress_updates;
DROP TABLE commitment_owners;
DROP TABLE commitments;
DROP TABLE sources;
DROP TABLE contacts;
DROP TABLE units;
