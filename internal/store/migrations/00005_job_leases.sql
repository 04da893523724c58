-- +goose Up
-- One row per background job ("retention", "settlement"): the lease that makes several processes run it
-- once at a time. A process may run the job while it holds the lease (holder is its id and expires_at is
-- in the future); it takes over a lease that is free or expired. last_run_at and last_result say how the
-- last finished run went, for the operations pages.
CREATE TABLE job_leases (
    name        TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    last_run_at TIMESTAMPTZ,
    last_result TEXT NOT NULL DEFAULT ''
);

-- +goose Down
DROP TABLE job_leases;
