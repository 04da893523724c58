-- +goose Up
-- Shipping labels. The columns are what lists, searches and jobs filter on; the rest of the shipment
-- (addresses, contents, price breakdown, problems) is JSON in data.
CREATE TABLE shipments (
    id                TEXT PRIMARY KEY,
    owner_id          TEXT NOT NULL REFERENCES users (id),
    mode              TEXT NOT NULL CHECK (mode IN ('test', 'live')),
    status            TEXT NOT NULL,
    service           TEXT NOT NULL,
    item_no           TEXT UNIQUE,
    reference         TEXT NOT NULL DEFAULT '',
    recipient_name    TEXT NOT NULL DEFAULT '',
    recipient_country TEXT NOT NULL DEFAULT '',
    total_cents       BIGINT NOT NULL DEFAULT 0,
    data              TEXT NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    expires_at        TIMESTAMPTZ,
    delete_after      TIMESTAMPTZ,
    printed_at        TIMESTAMPTZ
);
CREATE INDEX shipments_owner ON shipments (owner_id, mode, created_at);
CREATE INDEX shipments_status ON shipments (status, expires_at);
CREATE INDEX shipments_delete ON shipments (delete_after);

-- +goose Down
DROP TABLE shipments;
