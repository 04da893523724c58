package store

import (
	"context"
	"database/sql"
	"fmt"

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
