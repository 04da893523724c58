-- +goose Up
-- Days of Black Rainstorm or Typhoon Signal No. 8 or above: not working days for delivery standards.
CREATE TABLE weather_days (
    day        DATE PRIMARY KEY,
    signal     TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE weather_days;
