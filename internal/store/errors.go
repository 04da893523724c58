package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/ecship/ecship/internal/errs"
)

// querier is what both *sql.DB and *sql.Tx offer: helpers take one so they work inside a transaction.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// uniqueViolation reports whether err is a unique-constraint failure, and on which column when the
// database says (SQLite: "users.email_key"; PostgreSQL: the constraint "users_email_key_key").
func uniqueViolation(err error) (string, bool) {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return pgErr.ConstraintName + " " + pgErr.Detail, true
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) && sqErr.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || sqErr != nil && sqErr.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY {
		return sqErr.Error(), true
	}
	return "", false
}

// notFound turns sql.ErrNoRows into ecship's not-found error.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return errs.New(errs.NotFound, "error.not_found", nil)
	}
	return err
}

func mentions(detail string, words ...string) bool {
	for _, w := range words {
		if strings.Contains(detail, w) {
			return true
		}
	}
	return false
}
