-- +goose Up
-- How long an integrator may send one WS-Security token again on the EC-Ship API after its first
-- use (0: never, "strict"). Existing credentials get the default of five minutes.
ALTER TABLE integrators ADD COLUMN token_reuse_seconds INTEGER NOT NULL DEFAULT 300;

-- Keys that make a create request count once: a retried request with the same key (an EC-Ship
-- createOrder's refNo with the same content, say) answers the shipments the first one created.
-- fingerprint is a hash of the request's content; a key is honoured for a day.
CREATE TABLE create_keys (
    owner_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    mode         TEXT NOT NULL,
    key          TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    shipment_ids TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (owner_id, mode, key)
);
CREATE INDEX create_keys_created ON create_keys (created_at);

-- +goose Down
DROP TABLE create_keys;
ALTER TABLE integrators DROP COLUMN token_reuse_seconds;
