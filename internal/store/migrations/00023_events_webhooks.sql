-- +goose Up
-- What happened that a sender may be told of (a label paid, an item delivered, ...): written in
-- the transaction of the change itself, so an event exists exactly when its change does. seq
-- orders a sender's events; data is the event's JSON body as delivered.
CREATE TABLE events (
    id         TEXT PRIMARY KEY,
    owner_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    mode       TEXT NOT NULL CHECK (mode IN ('test', 'live')),
    type       TEXT NOT NULL,
    subject    TEXT NOT NULL,
    data       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX events_owner ON events (owner_id, mode, created_at);
CREATE INDEX events_subject ON events (subject, type);

-- A sender's webhook endpoints: a URL, the event types it wants ('*' for all, else a list written
-- ',type,type,'), and its signing secret, sealed with the server key.
CREATE TABLE webhook_endpoints (
    id            TEXT PRIMARY KEY,
    owner_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    mode          TEXT NOT NULL CHECK (mode IN ('test', 'live')),
    url           TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    event_types   TEXT NOT NULL,
    secret_sealed TEXT NOT NULL,
    failures      INTEGER NOT NULL DEFAULT 0,
    disabled_at   TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX webhook_endpoints_owner ON webhook_endpoints (owner_id, mode);

-- One event for one endpoint: made with the event, in its transaction, for every endpoint that
-- wants it; delivered (a 2xx answer) at most once. Each attempt's outcome is kept on the row.
CREATE TABLE webhook_deliveries (
    id            TEXT PRIMARY KEY,
    endpoint_id   TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_id      TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    state         TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    last_status   INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT NOT NULL DEFAULT '',
    last_ms       INTEGER NOT NULL DEFAULT 0,
    last_at       TIMESTAMPTZ,
    delivered_at  TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at);
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id);

-- +goose Down
DROP TABLE webhook_deliveries;
DROP TABLE webhook_endpoints;
DROP TABLE events;
