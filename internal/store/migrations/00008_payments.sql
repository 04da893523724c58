-- +goose Up
-- A label being paid for names its payment: the claim that lets exactly one of two racing payments win.
ALTER TABLE shipments ADD COLUMN payment_id TEXT;
CREATE INDEX shipments_payment ON shipments (payment_id);

-- Payments. Only the card's brand, last four digits and expiry are kept. idempotency_key is NULL when
-- the caller sent none (NULLs never collide).
CREATE TABLE payments (
    id              TEXT PRIMARY KEY,
    owner_id        TEXT NOT NULL REFERENCES users (id),
    mode            TEXT NOT NULL CHECK (mode IN ('test', 'live')),
    method          TEXT NOT NULL,
    status          TEXT NOT NULL,
    amount_cents    BIGINT NOT NULL,
    captured_cents  BIGINT NOT NULL DEFAULT 0,
    card_brand      TEXT NOT NULL DEFAULT '',
    card_last4      TEXT NOT NULL DEFAULT '',
    card_exp_month  INTEGER NOT NULL DEFAULT 0,
    card_exp_year   INTEGER NOT NULL DEFAULT 0,
    auth_id         TEXT NOT NULL DEFAULT '',
    decline         TEXT NOT NULL DEFAULT '',
    idempotency_key TEXT,
    created_at      TIMESTAMPTZ NOT NULL,
    settled_at      TIMESTAMPTZ,
    UNIQUE (owner_id, mode, idempotency_key)
);
CREATE INDEX payments_status ON payments (status, created_at);

CREATE TABLE payment_items (
    payment_id   TEXT NOT NULL REFERENCES payments (id),
    shipment_id  TEXT NOT NULL REFERENCES shipments (id),
    amount_cents BIGINT NOT NULL,
    cancelled    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (payment_id, shipment_id)
);

-- The double-entry ledger: every movement of money is one transaction whose lines sum to zero.
-- txn_key makes a movement idempotent: the same key is booked once.
CREATE TABLE ledger_txns (
    id      TEXT PRIMARY KEY,
    txn_key TEXT NOT NULL UNIQUE,
    kind    TEXT NOT NULL,
    ref     TEXT NOT NULL,
    at      TIMESTAMPTZ NOT NULL
);
CREATE TABLE ledger_entries (
    txn_id       TEXT NOT NULL REFERENCES ledger_txns (id),
    line         INTEGER NOT NULL,
    account      TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    PRIMARY KEY (txn_id, line)
);
CREATE INDEX ledger_entries_account ON ledger_entries (account);

-- The built-in test gateway's own book (a real acquirer keeps its own): reconciliation compares it
-- with payments.
CREATE TABLE gateway_records (
    auth_id          TEXT PRIMARY KEY,
    reference        TEXT NOT NULL UNIQUE,
    status           TEXT NOT NULL,
    authorized_cents BIGINT NOT NULL,
    captured_cents   BIGINT NOT NULL DEFAULT 0,
    refunded_cents   BIGINT NOT NULL DEFAULT 0,
    card_brand       TEXT NOT NULL DEFAULT '',
    card_last4       TEXT NOT NULL DEFAULT '',
    card_exp_month   INTEGER NOT NULL DEFAULT 0,
    card_exp_year    INTEGER NOT NULL DEFAULT 0,
    at               TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE gateway_records;
DROP TABLE ledger_entries;
DROP TABLE ledger_txns;
DROP TABLE payment_items;
DROP TABLE payments;
DROP INDEX shipments_payment;
ALTER TABLE shipments DROP COLUMN payment_id;
