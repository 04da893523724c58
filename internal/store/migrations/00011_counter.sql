-- +goose Up
-- Counter acceptance (RULES CTR-1..6): a session is one visit at one office's counter. Its items
-- are scanned, weighed (the scale prevails) and posted once nothing is due; make-up payments are
-- taken by counter methods; closing it gives the consolidated receipt. version guards against two
-- changes to one session at once: each change names the version it saw.
CREATE TABLE counter_sessions (
    id             TEXT PRIMARY KEY,
    mode           TEXT NOT NULL CHECK (mode IN ('test', 'live')),
    office         TEXT NOT NULL,
    staff_id       TEXT NOT NULL REFERENCES users (id),
    status         TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    speedpost_card TEXT NOT NULL DEFAULT '',
    receipt_no     TEXT UNIQUE,
    version        INTEGER NOT NULL DEFAULT 0,
    opened_at      TIMESTAMPTZ NOT NULL,
    closed_at      TIMESTAMPTZ
);
CREATE INDEX counter_sessions_staff ON counter_sessions (staff_id, opened_at);

-- A label is in at most one session: scanning it at a second counter is a conflict.
CREATE TABLE counter_items (
    session_id        TEXT NOT NULL REFERENCES counter_sessions (id),
    shipment_id       TEXT NOT NULL UNIQUE REFERENCES shipments (id),
    seq               INTEGER NOT NULL,
    item_no           TEXT NOT NULL,
    owner_id          TEXT NOT NULL REFERENCES users (id),
    service           TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('awaiting_payment', 'posted')),
    declared_g        INTEGER NOT NULL,
    weight_g          INTEGER NOT NULL,
    insurance_cents   BIGINT NOT NULL DEFAULT 0,
    postage_cents     BIGINT NOT NULL,
    paid_before_cents BIGINT NOT NULL DEFAULT 0,
    paid_here_cents   BIGINT NOT NULL DEFAULT 0,
    refundable_cents  BIGINT NOT NULL DEFAULT 0,
    bonus_points      INTEGER NOT NULL DEFAULT 0,
    payment_id        TEXT NOT NULL DEFAULT '',
    scanned_at        TIMESTAMPTZ NOT NULL,
    posted_at         TIMESTAMPTZ,
    PRIMARY KEY (session_id, shipment_id),
    UNIQUE (session_id, seq)
);

-- Make-up payments taken at the counter, and change given back at closing (a negative amount);
-- payment_key makes a retried payment count once.
CREATE TABLE counter_payments (
    id           TEXT PRIMARY KEY,
    session_id   TEXT NOT NULL REFERENCES counter_sessions (id),
    method       TEXT NOT NULL,
    amount_cents BIGINT NOT NULL CHECK (amount_cents <> 0),
    payment_key  TEXT NOT NULL,
    at           TIMESTAMPTZ NOT NULL,
    UNIQUE (session_id, payment_key)
);

-- Posting: when and where the item was accepted.
ALTER TABLE shipments ADD COLUMN posted_at TIMESTAMPTZ;
ALTER TABLE shipments ADD COLUMN posted_office TEXT NOT NULL DEFAULT '';

-- Tracking events (UPU EMSEVT codes). The same event reported twice is stored once. Rows are kept
-- in item order (the primary key; on SQLite a WITHOUT ROWID table): an item's events are read together.
CREATE TABLE tracking_events (
    id         TEXT NOT NULL,
    item_no    TEXT NOT NULL,
    code       TEXT NOT NULL,
    at         TIMESTAMPTZ NOT NULL,
    country    TEXT NOT NULL,
    office     TEXT NOT NULL DEFAULT '',
    time_zone  TEXT NOT NULL,
    source     TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (item_no, at, code, country, office)
) /* sqlite: WITHOUT ROWID */;

-- Each item's events packed in time order ("code|at|country|office|zone" joined by ';'), kept
-- with tracking_events in the same transaction: a look-up of 30 items reads 30 short rows instead
-- of hundreds.
CREATE TABLE tracking_items (
    item_no    TEXT PRIMARY KEY,
    events     TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE tracking_items;
DROP TABLE tracking_events;
ALTER TABLE shipments DROP COLUMN posted_office;
ALTER TABLE shipments DROP COLUMN posted_at;
DROP TABLE counter_payments;
DROP TABLE counter_items;
DROP TABLE counter_sessions;
