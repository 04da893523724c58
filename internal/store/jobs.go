package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ErrLeaseLost is FinishLease's answer when the lease is no longer the caller's: it expired and another
// process took it, so the result was not recorded.
var ErrLeaseLost = errors.New("store: job lease is held by another process")

// JobRun is a background job's lease and its last finished run.
type JobRun struct {
	Name       string
	Holder     string     // the process that holds or last held the lease
	ExpiresAt  time.Time  // the lease is live until then
	LastRunAt  *time.Time // when the last run finished; nil before the first
	LastResult string     // what the last run did, or its error
}

// TryLease takes the lease on a job for holder until now+ttl, and reports whether it did. The lease is
// taken when nobody holds it, when it has expired (expires_at <= now), or when holder already holds it
// (a renewal); otherwise it is left alone and the answer is false. One statement decides, so of several
// processes asking at once exactly one gets a live lease.
func (s *Store) TryLease(ctx context.Context, name, holder string, ttl time.Duration, now time.Time) (bool, error) {
	var taken bool
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		// The WHERE of DO UPDATE sees the row as it is after any concurrent writer committed (PostgreSQL
		// locks the conflicting row first; SQLite has one writer), and a refused update changes no row.
		res, err := tx.ExecContext(ctx, `INSERT INTO job_leases (name, holder, expires_at) VALUES ($1, $2, $3)
			ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
			WHERE job_leases.expires_at <= $4 OR job_leases.holder = $2`,
			name, holder, ts(now.Add(ttl)), ts(now))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		taken = n == 1
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: lease %s: %w", name, err)
	}
	return taken, nil
}

// FinishLease records a run of the job (its time and result) and releases holder's lease, so the next
// process that asks may take it. When holder no longer holds the lease nothing changes and the answer is
// ErrLeaseLost.
func (s *Store) FinishLease(ctx context.Context, name, holder, result string, now time.Time) error {
	var n int64
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE job_leases SET expires_at = $3, last_run_at = $3, last_result = $4
			WHERE name = $1 AND holder = $2`, name, holder, ts(now), result)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return fmt.Errorf("store: finish lease %s: %w", name, err)
	}
	if n == 0 {
		return fmt.Errorf("%w: %s", ErrLeaseLost, name)
	}
	return nil
}

// JobRuns lists every job's lease and last run, by name.
func (s *Store) JobRuns(ctx context.Context) ([]JobRun, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name, holder, expires_at, last_run_at, last_result FROM job_leases ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("store: job runs: %w", err)
	}
	defer rows.Close()
	var out []JobRun
	for rows.Next() {
		var r JobRun
		var expires ts
		var last nullTS
		if err := rows.Scan(&r.Name, &r.Holder, &expires, &last, &r.LastResult); err != nil {
			return nil, fmt.Errorf("store: job runs: %w", err)
		}
		r.ExpiresAt, r.LastRunAt = time.Time(expires), last.ptr()
		out = append(out, r)
	}
	return out, rows.Err()
}
