-- +goose Up
-- The other headers of a kept answer a retry must get again (Label-Pages, Vary), as JSON.
ALTER TABLE request_keys ADD COLUMN headers TEXT NOT NULL DEFAULT '{}';

-- +goose Down
ALTER TABLE request_keys DROP COLUMN headers;
