package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Dialect names a database. Migrations are written once, for PostgreSQL (schema.go derives SQLite's).
type Dialect string

// The two databases ecship runs on.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// dateText is an expression giving a DATE column as text "2006-01-02".
func (s *Store) dateText(col string) string {
	if s.dialect == Postgres {
		return "to_char(" + col + ", 'YYYY-MM-DD')"
	}
	return col
}

// lockKey serializes transactions that count and add rows under one key: PostgreSQL's read
// committed would let two of them each count without the other's insert. SQLite runs one
// writing transaction at a time already.
func (s *Store) lockKey(ctx context.Context, tx *sql.Tx, key string) error {
	if s.dialect != Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext($1))`, key)
	return err
}

// forUpdate is the clause that holds the rows a transaction reads until it ends, on PostgreSQL.
// SQLite needs none: its transactions take the write lock when they begin (_txlock=immediate), so
// one writing transaction runs at a time.
func (s *Store) forUpdate() string {
	if s.dialect == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// forUpdateSkipLocked is forUpdate that passes over rows another transaction holds (PostgreSQL).
func (s *Store) forUpdateSkipLocked() string {
	if s.dialect == Postgres {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}

// containsAny is a condition that one of the text columns contains the next argument, a LIKE
// pattern escaped with '\', ignoring case: SQLite's LIKE ignores the case of ASCII letters by
// itself (the text has no other cased letters worth a per-row LOWER), PostgreSQL's ILIKE ignores
// all. A NULL column contains nothing.
func (s *Store) containsAny(cols ...string) string {
	op := "LIKE"
	if s.dialect == Postgres {
		op = "ILIKE"
	}
	var b strings.Builder
	b.WriteString("(")
	for i, c := range cols {
		if i > 0 {
			b.WriteString(" OR ")
		}
		fmt.Fprintf(&b, `%s %s ? ESCAPE '\'`, c, op)
	}
	b.WriteString(")")
	return b.String()
}
