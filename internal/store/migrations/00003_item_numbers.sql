-- +goose Up
-- One counter per two-letter S10 series ("RA", "RB", ...): the next serial to issue. A series is used up
-- when next_serial passes 99999999; it may then be a little past it, and is never touched again.
CREATE TABLE item_number_series (
    series      TEXT PRIMARY KEY,
    next_serial BIGINT NOT NULL
);

-- Every item number ever issued. The primary key makes a second issue of a number fail, whatever the
-- counters say.
CREATE TABLE item_numbers (
    number    TEXT PRIMARY KEY,
    issued_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE item_numbers;
DROP TABLE item_number_series;
