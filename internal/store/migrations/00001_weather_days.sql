-- +goose Up
-- Days of Black Rainstorm or Typhoon Signal No. 8 or above: not working days for delivery standards.
CREATE TABLE weather_days (
    day        DATE PRIMARY KEY,           -- 2006-01-02, Hong Kong
    signal     TEXT NOT NULL,              -- T8, T9, T10, BLACK
    note       TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE weather_days;
