-- +goose Up
-- Two indexes that answer a sender's pages from the index alone (measured with 10,000 labels:
-- BenchmarkPortalPagesLargeHistory):
-- * labels newest first, with what a list filters on and searches in: a page of the history, of
--   a tab or of a search reads this index in order and fetches only the rows it shows. It
--   replaces shipments_owner (owner_id, mode, created_at), its beginning.
-- * labels by state and whether printed: the dashboard counts those to pay, print and post
--   without reading their rows. It replaces shipments_owner_status (owner_id, mode, status).
CREATE INDEX shipments_owner_list ON shipments (owner_id, mode, created_at, id, status, item_no, reference, recipient_name);
DROP INDEX shipments_owner;
CREATE INDEX shipments_owner_waiting ON shipments (owner_id, mode, status, printed_at);
DROP INDEX shipments_owner_status;

-- +goose Down
CREATE INDEX shipments_owner_status ON shipments (owner_id, mode, status);
DROP INDEX shipments_owner_waiting;
CREATE INDEX shipments_owner ON shipments (owner_id, mode, created_at);
DROP INDEX shipments_owner_list;
