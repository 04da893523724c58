-- +goose Up
-- A sender's labels by state: the dashboard counts the labels to pay, print and post without
-- reading the whole history (measured with 10,000 labels: BenchmarkPortalPagesLargeHistory).
CREATE INDEX shipments_owner_status ON shipments (owner_id, mode, status);

-- +goose Down
DROP INDEX shipments_owner_status;
