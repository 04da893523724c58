-- +goose Up
-- Mail Tracking API use (RULES TRK-6, TRK-7): one row per integrator credential with the Hong Kong
-- day being counted, the requests accepted that day and when the last one was accepted. Each
-- request is checked and counted by one statement on this row, so the daily limit and the least
-- interval hold however many processes share the database.
CREATE TABLE mailtrack_usage (
    integrator_id TEXT PRIMARY KEY REFERENCES integrators (id) ON DELETE CASCADE,
    day           TEXT NOT NULL,
    requests      INTEGER NOT NULL,
    last_at       TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE mailtrack_usage;
