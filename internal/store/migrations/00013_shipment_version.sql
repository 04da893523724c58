-- +goose Up
-- A label's version counts its changes. Every change of a label is one UPDATE that names the version it
-- was worked out from and checks that it changed one row, so two callers racing on one label (an edit
-- and a payment, a cancellation and the counter) can never both win.
ALTER TABLE shipments ADD COLUMN version INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE shipments DROP COLUMN version;
