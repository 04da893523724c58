package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// sqliteLocker keeps two processes that open one SQLite file at once from migrating it together
// (goose locks only PostgreSQL and MySQL): the holder owns the single row of a lock table.
type sqliteLocker struct{}

// A lock older than this was left by a process that died mid-migration.
const staleMigrationLock = 5 * time.Minute

func (sqliteLocker) Lock(ctx context.Context, db *sql.DB) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS ecship_migration_lock (id INTEGER PRIMARY KEY CHECK (id = 1), taken_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("store: migration lock: %w", err)
	}
	deadline := time.Now().Add(time.Minute)
	for {
		now := time.Now()
		db.ExecContext(ctx, `DELETE FROM ecship_migration_lock WHERE taken_at < $1`, ts(now.Add(-staleMigrationLock)))
		_, err := db.ExecContext(ctx, `INSERT INTO ecship_migration_lock (id, taken_at) VALUES (1, $1)`, ts(now))
		if err == nil {
			return nil
		}
		if _, held := uniqueViolation(err); !held {
			return fmt.Errorf("store: migration lock: %w", err)
		}
		if now.After(deadline) {
			return fmt.Errorf("store: another process has been migrating this database for over a minute")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func (sqliteLocker) Unlock(ctx context.Context, db *sql.DB) error {
	_, err := db.ExecContext(ctx, `DELETE FROM ecship_migration_lock WHERE id = 1`)
	return err
}
