-- +goose Up
-- Idempotency keys of the REST API's other changes (labels printed, batches, refunds, counter
-- actions): the first request with a key claims it (state 'pending'), its answer is kept when it
-- is done ('done'), and a retry with the same key and the same content gets that answer again.
-- fingerprint is a hash of the request (method, path, content); claim names the request holding a
-- pending key, so that only it finishes or releases it. A key is honoured for a day.
CREATE TABLE request_keys (
    owner_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    mode         TEXT NOT NULL,
    key          TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    claim        TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('pending', 'done')),
    status       INTEGER NOT NULL DEFAULT 0,
    content_type TEXT NOT NULL DEFAULT '',
    location     TEXT NOT NULL DEFAULT '',
    disposition  TEXT NOT NULL DEFAULT '',
    body         BYTEA,
    created_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (owner_id, mode, key)
);
CREATE INDEX request_keys_created ON request_keys (created_at);

-- +goose Down
DROP TABLE request_keys;
