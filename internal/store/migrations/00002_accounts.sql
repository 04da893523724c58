-- +goose Up
-- Hongkong Post IDs. login_key and email_key are the lower-case forms that make both unique in any case.
CREATE TABLE users (
    id                TEXT PRIMARY KEY,
    login_name        TEXT NOT NULL,
    login_key         TEXT NOT NULL UNIQUE,
    email             TEXT NOT NULL,
    email_key         TEXT NOT NULL UNIQUE,
    email_verified_at TIMESTAMPTZ,
    first_name        TEXT NOT NULL,
    last_name         TEXT NOT NULL,
    phone             TEXT NOT NULL,
    lang              TEXT NOT NULL,
    role              TEXT NOT NULL CHECK (role IN ('sender', 'counter', 'admin')),
    password_hash     TEXT NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL
);

-- Signed-in browsers; the id in the cookie is stored only as its SHA-256.
CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Single-use links sent by email (verification, password reset), stored as their SHA-256.
CREATE TABLE tokens (
    hash       TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);

-- Every email ecship sends; without SMTP this is where admins read them.
CREATE TABLE email_outbox (
    id         TEXT PRIMARY KEY,
    to_addr    TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    sent_at    TIMESTAMPTZ,
    error      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX email_outbox_created ON email_outbox (created_at);

CREATE TABLE audit_log (
    id       TEXT PRIMARY KEY,
    at       TIMESTAMPTZ NOT NULL,
    event    TEXT NOT NULL,
    user_id  TEXT NOT NULL DEFAULT '',
    actor_id TEXT NOT NULL DEFAULT '',
    ip       TEXT NOT NULL DEFAULT '',
    detail   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_user ON audit_log (user_id, at);

-- Failed sign-ins by key ("account:NAME", "ip:ADDR"), shared by every process.
CREATE TABLE signin_failures (
    key TEXT NOT NULL,
    at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX signin_failures_key ON signin_failures (key, at);

CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    mode         TEXT NOT NULL CHECK (mode IN ('test', 'live')),
    prefix       TEXT NOT NULL,
    key_hash     TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);
CREATE INDEX api_keys_user ON api_keys (user_id);

-- SOAP integrator credentials; the password is sealed (AES-GCM), since WS-Security digests need it.
CREATE TABLE integrators (
    id              TEXT PRIMARY KEY,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    username        TEXT NOT NULL UNIQUE,
    password_sealed TEXT NOT NULL,
    allow_ips       TEXT NOT NULL,
    mode            TEXT NOT NULL CHECK (mode IN ('test', 'live')),
    created_at      TIMESTAMPTZ NOT NULL,
    revoked_at      TIMESTAMPTZ
);
CREATE INDEX integrators_user ON integrators (user_id);

-- Accounts of legacy systems: Stamp OnNet members upgrade from them, other services link to them.
CREATE TABLE legacy_accounts (
    id               TEXT PRIMARY KEY,
    system           TEXT NOT NULL CHECK (system IN ('lsos', 'omos', 'ecship', 'speedpost', 'circular')),
    login            TEXT NOT NULL,
    login_key        TEXT NOT NULL,
    membership_no    TEXT NOT NULL DEFAULT '',
    email            TEXT NOT NULL DEFAULT '',
    first_name       TEXT NOT NULL DEFAULT '',
    last_name        TEXT NOT NULL DEFAULT '',
    phone            TEXT NOT NULL DEFAULT '',
    lang             TEXT NOT NULL DEFAULT '',
    password_hash    TEXT NOT NULL,
    upgraded_user_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    linked_user_id   TEXT REFERENCES users (id) ON DELETE SET NULL,
    linked_at        TIMESTAMPTZ,
    UNIQUE (system, login_key)
);
CREATE INDEX legacy_accounts_linked ON legacy_accounts (linked_user_id);

-- +goose Down
DROP TABLE legacy_accounts;
DROP TABLE integrators;
DROP TABLE api_keys;
DROP TABLE signin_failures;
DROP TABLE audit_log;
DROP TABLE email_outbox;
DROP TABLE tokens;
DROP TABLE sessions;
DROP TABLE users;
