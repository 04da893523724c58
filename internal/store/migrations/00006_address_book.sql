-- +goose Up
-- A sender's saved senders and recipients, to pick from when preparing labels.
CREATE TABLE address_book (
    id         TEXT PRIMARY KEY,
    owner_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('sender', 'recipient')),
    name       TEXT NOT NULL,
    country    TEXT NOT NULL,
    address    TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX address_book_owner ON address_book (owner_id, kind, name);

-- +goose Down
DROP TABLE address_book;
