-- +goose Up
-- Uploaded spreadsheets. A file is processed once per sender and mode (file_sha256); the shipments it
-- makes are stored in one transaction with the batch's result, so a batch is recorded whole or not at
-- all. The file itself is kept only while it waits for the sender to map its columns.
CREATE TABLE batches (
    id            TEXT PRIMARY KEY,
    owner_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    mode          TEXT NOT NULL CHECK (mode IN ('test', 'live')),
    status        TEXT NOT NULL,
    filename      TEXT NOT NULL,
    file_sha256   TEXT NOT NULL,
    file          BYTEA,
    options       TEXT NOT NULL DEFAULT '{}',
    rows_total    INTEGER NOT NULL DEFAULT 0,
    rows_done     INTEGER NOT NULL DEFAULT 0,
    created_count INTEGER NOT NULL DEFAULT 0,
    incomplete    INTEGER NOT NULL DEFAULT 0,
    result        TEXT NOT NULL DEFAULT '{}',
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (owner_id, mode, file_sha256)
);

-- A sender's column mapping, kept for their next upload.
CREATE TABLE batch_mappings (
    owner_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    mapping  TEXT NOT NULL
);

-- +goose Down
DROP TABLE batch_mappings;
DROP TABLE batches;
