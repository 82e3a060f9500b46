-- +goose Up
-- The web workspace (SPEC §13). A contact's password hash and the
-- generation of its calendar-feed token live beside the contact, in their
-- own table, so that contacts stay what the import format describes.
CREATE TABLE web_accounts (
    contact_id     BIGINT PRIMARY KEY REFERENCES contacts(id) ON DELETE CASCADE,
    password_hash  TEXT NOT NULL DEFAULT '',
    ics_generation INTEGER NOT NULL DEFAULT 0,
    updated_at     TIMESTAMPTZ NOT NULL
);

-- Sessions are found by the SHA-256 of the cookie's value: a copy of the
-- table does not sign anyone in.
CREATE TABLE web_sessions (
    id_hash      TEXT PRIMARY KEY,
    contact_id   BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    csrf         TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX web_sessions_contact ON web_sessions (contact_id);
CREATE INDEX web_sessions_expires ON web_sessions (expires_at);

-- One-time sign-in links (15 minutes), stored hashed.
CREATE TABLE web_signin_tokens (
    token_hash TEXT PRIMARY KEY,
    contact_id BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX web_signin_tokens_contact ON web_signin_tokens (contact_id);

-- Every sign-in and sign-out, append-only.
CREATE TABLE web_signins (
    id         BIGSERIAL PRIMARY KEY,
    contact_id BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    event      TEXT NOT NULL,
    method     TEXT NOT NULL DEFAULT '',
    session    TEXT NOT NULL DEFAULT '',
    remote     TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX web_signins_contact ON web_signins (contact_id, created_at);

-- The register pages by key: (sort column, id). These serve its orders
-- and the unit filter without OFFSET.
CREATE INDEX commitments_due_id ON commitments (due, id);
CREATE INDEX commitments_updated_id ON commitments (updated_at, id);
CREATE INDEX commitments_unit_id ON commitments (unit_id, id);

-- +goose Down
DROP INDEX commitments_unit_id;
DROP INDEX commitments_updated_id;
DROP INDEX commitments_due_id;
DROP TABLE web_signins;
DROP TABLE web_signin_tokens;
DROP TABLE web_sessions;
DROP TABLE web_accounts;
