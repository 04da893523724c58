package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/ecship/ecship/internal/catalog"
)

// AddWeatherDay records (or replaces) a day of Black Rainstorm or Typhoon Signal No. 8 or above.
func (s *Store) AddWeatherDay(ctx context.Context, w catalog.WeatherDay) error {
	return s.Transact(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO weather_days (day, signal, note, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (day) DO UPDATE SET signal = excluded.signal, note = excluded.note`,
			w.Date, w.Signal, w.Note, ts(time.Now()))
		if err != nil {
			return fmt.Errorf("store: add weather day: %w", err)
		}
		return nil
	})
}

// WeatherDays lists every recorded weather day, oldest first.
func (s *Store) WeatherDays(ctx context.Context) ([]catalog.WeatherDay, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+s.dateText("day")+`, signal, note FROM weather_days ORDER BY day`)
	if err != nil {
		return nil, fmt.Errorf("store: weather days: %w", err)
	}
	defer rows.Close()
	var out []catalog.WeatherDay
	for rows.Next() {
		var w catalog.WeatherDay
		if err := rows.Scan(&w.Date, &w.Signal, &w.Note); err != nil {
			return nil, fmt.Errorf("store: weather days: %w", err)
		}
		out = append(out, w)
	}
	return out, rows.Err()
}
