// Package store holds all of ecship's SQL: one implementation on database/sql for SQLite (the default,
// pure Go) and PostgreSQL (for several processes against one database). Queries use $N placeholders,
// which both databases read; what differs between them lives in dialect.go; the schema is written
// once (schema.go).
//
// Errors leave the store in one of two forms. What a caller can act on is an errs.Error: a row that
// is not there (or not the caller's) is errs.NotFound, a change that lost a race is errs.Conflict
// naming the state found, a value refused by a constraint is a field error. Anything else is the
// database's own error wrapped as "store: <what was being done>: %w"; Transact wraps what a
// transaction's statements return unwrapped. Errors of a caller's own function run inside a
// transaction (a decision) pass through as they are. Rows are read by queryAll with one scanner.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/ecship/ecship/internal/errs"
)

//go:embed migrations
var migrations embed.FS

// Store is ecship's database.
type Store struct {
	db      *sql.DB
	dialect Dialect
	stmts   sync.Map // query -> *sql.Stmt, for the hot read paths (see prepared)
	deliver DeliverFunc
}

// Open connects to a database named by a DSN: "sqlite:PATH" or "postgres://...". It does not migrate.
func Open(ctx context.Context, dsn string) (*Store, error) {
	var (
		db  *sql.DB
		d   Dialect
		err error
	)
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(dsn, "sqlite:")
		if path == "" {
			return nil, errors.New("store: sqlite DSN needs a file path, like sqlite:ecship-data/ecship.db")
		}
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("store: %w", err)
			}
		}
		// WAL lets readers run beside the writer; busy_timeout waits for a lock instead of failing;
		// immediate transactions take the write lock up front, so two writers never deadlock on upgrade.
		// busy_timeout comes first: switching a new file to WAL takes a lock that another process
		// opening it at the same moment must wait for, not fail on.
		q := "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_pragma=mmap_size(268435456)&_pragma=cache_size(-16000)&_txlock=immediate"
		db, err = sql.Open("sqlite", "file:"+path+q)
		d = SQLite
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		db, err = sql.Open("pgx", dsn)
		d = Postgres
	default:
		return nil, errors.New("store: DSN must start with sqlite: or postgres://")
	}
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	if d == SQLite {
		// One connection per core is plenty; more only queue on SQLite's single writer. Keep them
		// open: a new connection reads the schema again.
		db.SetMaxOpenConns(8)
		db.SetMaxIdleConns(8)
	} else {
		db.SetMaxOpenConns(20)
		db.SetMaxIdleConns(10)
		db.SetConnMaxIdleTime(5 * time.Minute)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for {
		err := db.PingContext(ctx)
		if err == nil {
			break
		}
		// Switching a brand-new SQLite file to WAL can fail busy without waiting, when another
		// process is switching it at the same moment: a new connection shortly after finds it done.
		if d == SQLite && strings.Contains(err.Error(), "SQLITE_BUSY") && ctx.Err() == nil {
			time.Sleep(20 * time.Millisecond)
			continue
		}
		db.Close()
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	return &Store{db: db, dialect: d}, nil
}

// Close closes the database.
func (s *Store) Close() error {
	s.stmts.Range(func(_, st any) bool { st.(*sql.Stmt).Close(); return true })
	return s.db.Close()
}

// prepared is the query prepared once for the life of the store: a look-up that runs thousands of
// times a second should not parse its SQL each time.
func (s *Store) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := s.stmts.Load(query); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := s.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if prev, loaded := s.stmts.LoadOrStore(query, st); loaded {
		st.Close()
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

// Dialect says which database this is.
func (s *Store) Dialect() Dialect { return s.dialect }

// Ping checks that the database answers (for /readyz).
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// Migrate brings the schema up to date. On PostgreSQL an advisory lock lets several processes start at
// once: one migrates, the others wait.
func (s *Store) Migrate(ctx context.Context) error {
	dir, err := migrationsFor(s.dialect)
	if err != nil {
		return err
	}
	opts := []goose.ProviderOption{}
	gd := goose.DialectSQLite3
	if s.dialect == SQLite {
		opts = append(opts, goose.WithLocker(sqliteLocker{}))
	} else {
		gd = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(gd, s.db, dir, opts...)
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	return s.migrateQueue(ctx)
}

// Transact runs fn in a transaction and commits it, or rolls back when fn fails. A transaction that the
// database aborted for a conflict (PostgreSQL serialization failure or deadlock, SQLite busy) is retried
// from the start, a few times, so fn must do nothing outside the transaction that cannot be repeated.
func (s *Store) Transact(ctx context.Context, fn func(tx *sql.Tx) error) error {
	const attempts = 5
	var err error
	for i := range attempts {
		if err = s.transactOnce(ctx, fn); err == nil || !retryable(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(i+1) * 10 * time.Millisecond):
		}
	}
	return err
}

func (s *Store) transactOnce(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
		if err != nil {
			tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return wrap(err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// wrap names a database error that a transaction's statement returned as it was; ecship's own
// errors and errors already named pass through.
func wrap(err error) error {
	var e *errs.Error
	if errors.As(err, &e) || strings.HasPrefix(err.Error(), "store: ") || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return fmt.Errorf("store: transaction: %w", err)
}

func retryable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "40001" || pgErr.Code == "40P01"
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		c := sqErr.Code() & 0xff
		return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED
	}
	return false
}

// Ready reports whether the database answers and its schema is the one this binary was built for:
// its latest migration applied. A database restored from an older backup, or emptied, is not ready
// even though it answers.
func (s *Store) Ready(ctx context.Context) error {
	want, err := LatestMigration()
	if err != nil {
		return err
	}
	var got sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT MAX(version_id) FROM goose_db_version`).Scan(&got); err != nil {
		return fmt.Errorf("store: schema version: %w", err)
	}
	if got.Int64 != want {
		return fmt.Errorf("store: the schema is at migration %d; this binary needs %d", got.Int64, want)
	}
	return nil
}
