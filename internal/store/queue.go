package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
)

// The durable job queue is River (riverqueue.com) on this same database: its tables (river_job,
// river_leader, river_queue, ...) sit beside ecship's, migrated by River's own migrations when the
// store migrates, and a job can be inserted in the transaction of the change it follows. Its SQL
// is River's; this file only hands it the connection pool.

// QueueDriver is River's driver over this store's connection pool.
func (s *Store) QueueDriver() riverdriver.Driver[*sql.Tx] {
	if s.dialect == SQLite {
		return riversqlite.New(s.db)
	}
	return riverdatabasesql.New(s.db)
}

// migrateQueue brings River's tables up to date, each version in a transaction of its own (a
// PostgreSQL enum value cannot be added and used in one), under a lock held meanwhile so that
// processes starting together migrate once: an advisory lock on PostgreSQL, the migration lock
// row on SQLite.
func (s *Store) migrateQueue(ctx context.Context) (err error) {
	m, err := rivermigrate.New(s.QueueDriver(), nil)
	if err != nil {
		return fmt.Errorf("store: queue migrations: %w", err)
	}
	if s.dialect == SQLite {
		if err := (sqliteLocker{}).Lock(ctx, s.db); err != nil {
			return err
		}
		defer (sqliteLocker{}).Unlock(context.WithoutCancel(ctx), s.db)
	} else {
		conn, err := s.db.Conn(ctx)
		if err != nil {
			return fmt.Errorf("store: migrate the job queue: %w", err)
		}
		defer conn.Close()
		const key = "ecship: migrate the job queue"
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(hashtext($1))`, key); err != nil {
			return fmt.Errorf("store: migrate the job queue: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(hashtext($1))`, key)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("store: migrate the job queue: %w", err)
	}
	return nil
}

// QueueCount is how many of the job queue's jobs of one kind are in one state, and since when
// the oldest of them was made.
type QueueCount struct {
	Queue, Kind, State string
	Jobs               int
	Oldest             time.Time
}

// QueueCounts counts the queue's jobs by queue, kind and state, leaving out the completed ones
// (River keeps those a day): what waits, runs, is retried or was given up on.
func (s *Store) QueueCounts(ctx context.Context) ([]QueueCount, error) {
	return queryAll(ctx, s.db, "job queue", func(r scanner) (QueueCount, error) {
		var c QueueCount
		var oldest ts
		err := r.Scan(&c.Queue, &c.Kind, &c.State, &c.Jobs, &oldest)
		c.Oldest = time.Time(oldest)
		return c, err
	}, `SELECT queue, kind, state, COUNT(*), MIN(created_at) FROM river_job
		WHERE state IN ('available', 'scheduled', 'running', 'retryable', 'discarded', 'cancelled', 'pending')
		GROUP BY queue, kind, state ORDER BY queue, kind, state`)
}

// CompletedJobs counts the jobs of a kind finished since a time.
func (s *Store) CompletedJobs(ctx context.Context, kind string, since time.Time) (int, error) {
	var n int
	var after any = since
	if s.dialect == SQLite {
		after = since.UTC().Format("2006-01-02 15:04:05.000") // as River writes its times there
	}
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM river_job WHERE state = 'completed' AND kind = $1 AND finalized_at >= $2`, kind, after).Scan(&n)
	return n, err
}
