-- +goose Up
-- Refund applications (RULES PAY-3..5): opened when a label is cancelled after its payment was
-- settled, or for overpayment found at the counter; vetted by operations; then refunded to the card.
CREATE TABLE refunds (
    id           TEXT PRIMARY KEY,
    owner_id     TEXT NOT NULL REFERENCES users (id),
    mode         TEXT NOT NULL CHECK (mode IN ('test', 'live')),
    shipment_id  TEXT NOT NULL REFERENCES shipments (id),
    payment_id   TEXT NOT NULL REFERENCES payments (id),
    reason       TEXT NOT NULL CHECK (reason IN ('cancelled', 'overpayment')),
    amount_cents BIGINT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('submitted', 'approved', 'rejected', 'refunded')),
    note         TEXT NOT NULL DEFAULT '',
    vetted_by    TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL,
    vetted_at    TIMESTAMPTZ,
    refunded_at  TIMESTAMPTZ,
    UNIQUE (shipment_id, reason)
);
CREATE INDEX refunds_owner ON refunds (owner_id, mode, created_at);
CREATE INDEX refunds_status ON refunds (status, created_at);

-- +goose Down
DROP TABLE refunds;
