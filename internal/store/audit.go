package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/ecship/ecship/internal/account"
)

// Audit records a security event.
func (s *Store) Audit(ctx context.Context, e account.AuditEntry) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO audit_log (id, at, event, user_id, actor_id, ip, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		account.NewID("aud"), ts(e.At), string(e.Event), e.UserID, e.ActorID, e.IP, e.Detail)
	if err != nil {
		return fmt.Errorf("store: audit: %w", err)
	}
	return nil
}

// AuditLog lists the newest events, of one user when userID is not empty.
func (s *Store) AuditLog(ctx context.Context, userID string, limit int) ([]account.AuditEntry, error) {
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	rows, err := s.db.QueryContext(ctx, `SELECT at, event, user_id, actor_id, ip, detail FROM audit_log
		WHERE $1 = '' OR user_id = $1 ORDER BY at DESC, id DESC LIMIT $2`, userID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: audit log: %w", err)
	}
	defer rows.Close()
	var out []account.AuditEntry
	for rows.Next() {
		var e account.AuditEntry
		var at ts
		var ev string
		if err := rows.Scan(&at, &ev, &e.UserID, &e.ActorID, &e.IP, &e.Detail); err != nil {
			return nil, err
		}
		e.At, e.Event = time.Time(at), account.Event(ev)
		out = append(out, e)
	}
	return out, rows.Err()
}

// RecordFailure counts a failed sign-in under each key and returns the failures of each key within the
// window, oldest dropped: one statement set every process shares.
func (s *Store) RecordFailure(ctx context.Context, keys []string, now time.Time, window time.Duration) ([]int, error) {
	counts := make([]int, len(keys))
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		for i, k := range keys {
			if err := s.lockKey(ctx, tx, "signin:"+k); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM signin_failures WHERE key = $1 AND at <= $2`, k, ts(now.Add(-window))); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO signin_failures (key, at) VALUES ($1, $2)`, k, ts(now)); err != nil {
				return err
			}
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM signin_failures WHERE key = $1 AND at > $2`, k, ts(now.Add(-window))).Scan(&counts[i]); err != nil {
				return err
			}
		}
		return nil
	})
	return counts, err
}

// Failures returns each key's failed sign-ins within the window.
func (s *Store) Failures(ctx context.Context, keys []string, now time.Time, window time.Duration) ([]int, error) {
	counts := make([]int, len(keys))
	for i, k := range keys {
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM signin_failures WHERE key = $1 AND at > $2`, k, ts(now.Add(-window))).Scan(&counts[i]); err != nil {
			return nil, fmt.Errorf("store: failures: %w", err)
		}
	}
	return counts, nil
}

// ForgetFailure takes back the attempt recorded for key at that instant.
func (s *Store) ForgetFailure(ctx context.Context, key string, at time.Time) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM signin_failures WHERE key = $1 AND at = $2`, key, ts(at))
	return err
}

// ClearFailures forgets a key's failures (after a successful sign-in to the account).
func (s *Store) ClearFailures(ctx context.Context, key string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM signin_failures WHERE key = $1`, key)
	return err
}
