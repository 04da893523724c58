package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// CountMailTrackRequest checks and counts one Mail Tracking request of an integrator credential at
// now, day being now's date in Hong Kong ("2006-01-02"). A request is accepted when at least
// minInterval has passed since the credential's last accepted request (rule TRK-7) and fewer than
// dailyLimit were accepted that day (TRK-6); 0 turns either check off. When refused, tooSoon says
// whether the interval was the reason (else the daily limit).
//
// Accepting is one statement on the credential's row: the upsert's WHERE is evaluated against the
// row as locked (PostgreSQL re-reads it after waiting for a concurrent writer; SQLite has one
// writer), so two processes can never both accept within the interval or past the limit.
func (s *Store) CountMailTrackRequest(ctx context.Context, integratorID string, now time.Time, day string, minInterval time.Duration, dailyLimit int) (ok, tooSoon bool, err error) {
	if minInterval <= 0 && dailyLimit <= 0 {
		return true, false, nil
	}
	args := []any{integratorID, day, ts(now)}
	where := ""
	if minInterval > 0 {
		args = append(args, ts(now.Add(-minInterval)))
		where = fmt.Sprintf(" WHERE mailtrack_usage.last_at <= $%d", len(args))
	}
	if dailyLimit > 0 {
		args = append(args, dailyLimit)
		cond := fmt.Sprintf("(mailtrack_usage.day <> excluded.day OR mailtrack_usage.requests < $%d)", len(args))
		if where == "" {
			where = " WHERE " + cond
		} else {
			where += " AND " + cond
		}
	}
	var n int
	err = s.db.QueryRowContext(ctx, `INSERT INTO mailtrack_usage (integrator_id, day, requests, last_at) VALUES ($1, $2, 1, $3)
		ON CONFLICT (integrator_id) DO UPDATE SET
			requests = CASE WHEN mailtrack_usage.day = excluded.day THEN mailtrack_usage.requests + 1 ELSE 1 END,
			day = excluded.day, last_at = excluded.last_at`+where+`
		RETURNING requests`, args...).Scan(&n)
	if err == nil {
		return true, false, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return false, false, fmt.Errorf("store: count mail tracking request: %w", err)
	}
	// Refused: read the row to say why. It may have moved on meanwhile; the answer is only the
	// reason given to the caller.
	var last ts
	if err := s.db.QueryRowContext(ctx, `SELECT last_at FROM mailtrack_usage WHERE integrator_id = $1`, integratorID).Scan(&last); err != nil {
		return false, false, fmt.Errorf("store: mail tracking usage: %w", err)
	}
	return false, minInterval > 0 && time.Time(last).After(now.Add(-minInterval)), nil
}
