-- +goose Up
-- Permit mailing deposit accounts (RULES PAY-1): opened and topped up by operations, debited by
-- their holder's payments, credited by refunds. The balance never goes below zero; every change
-- is a movement with the balance after it, once per key.
CREATE TABLE deposit_accounts (
    id            TEXT PRIMARY KEY,
    owner_id      TEXT NOT NULL REFERENCES users (id),
    mode          TEXT NOT NULL CHECK (mode IN ('test', 'live')),
    name          TEXT NOT NULL,
    balance_cents BIGINT NOT NULL DEFAULT 0 CHECK (balance_cents >= 0),
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX deposit_accounts_owner ON deposit_accounts (owner_id, mode);

CREATE TABLE deposit_movements (
    id            TEXT PRIMARY KEY,
    account_id    TEXT NOT NULL REFERENCES deposit_accounts (id),
    movement_key  TEXT NOT NULL UNIQUE,
    kind          TEXT NOT NULL CHECK (kind IN ('top_up', 'payment', 'refund')),
    amount_cents  BIGINT NOT NULL,
    balance_cents BIGINT NOT NULL,
    ref           TEXT NOT NULL,
    at            TIMESTAMPTZ NOT NULL
);
CREATE INDEX deposit_movements_account ON deposit_movements (account_id, at);

-- The deposit account a payment was taken from ('' for cards).
ALTER TABLE payments ADD COLUMN deposit_id TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE payments DROP COLUMN deposit_id;
DROP TABLE deposit_movements;
DROP TABLE deposit_accounts;
