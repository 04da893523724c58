-- +goose Up
-- The test gateway's refunds, one row per refund reference (ecship's refund application): a refund
-- sent again after a crash is recognised and taken once, and refunds of one payment approved at
-- the same moment add up instead of overwriting each other.
CREATE TABLE gateway_refunds (
    reference    TEXT PRIMARY KEY,
    auth_id      TEXT NOT NULL REFERENCES gateway_records (auth_id),
    amount_cents BIGINT NOT NULL,
    at           TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE gateway_refunds;
