-- +goose Up
-- Test-mode API keys keep an address book of their own, apart from the live one the portal uses:
-- a test key never reads or changes live data.
ALTER TABLE address_book ADD COLUMN mode TEXT NOT NULL DEFAULT 'live';
DROP INDEX address_book_owner;
CREATE INDEX address_book_owner ON address_book (owner_id, mode, kind, name);

-- +goose Down
DROP INDEX address_book_owner;
ALTER TABLE address_book DROP COLUMN mode;
CREATE INDEX address_book_owner ON address_book (owner_id, kind, name);
