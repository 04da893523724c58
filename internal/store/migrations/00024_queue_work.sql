-- +goose Up
-- An endpoint's pending deliveries, counted (up to a hundred) when events are written, so that
-- an endpoint with a backlog is served behind the others.
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (endpoint_id) WHERE state = 'pending';
-- The periodic work (settlement, reconciliation, retention) runs on the job queue, elected once
-- among processes by River: the leases that did so before are gone.
DROP TABLE job_leases;

-- +goose Down
CREATE TABLE job_leases (
    name        TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    last_run_at TIMESTAMPTZ,
    last_result TEXT NOT NULL DEFAULT ''
);
DROP INDEX webhook_deliveries_pending;
