// Package storetest opens real databases for tests: SQLite in a temporary directory always, and
// PostgreSQL when ECSHIP_TEST_POSTGRES names a DSN, each test in a schema of its own that is dropped after.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/ecship/ecship/internal/store"
	"github.com/ecship/ecship/internal/testenv"
)

// EnvPostgres names the environment variable with the PostgreSQL DSN for tests.
const EnvPostgres = "ECSHIP_TEST_POSTGRES"

// DSNs returns, by name ("sqlite", "postgres"), a DSN for a fresh empty database for this test. The
// PostgreSQL one is a new schema, dropped when the test ends. When CI is set, a missing
// ECSHIP_TEST_POSTGRES fails the test rather than quietly testing SQLite alone.
func DSNs(tb testing.TB) map[string]string {
	tb.Helper()
	dsns := map[string]string{"sqlite": "sqlite:" + filepath.Join(tb.TempDir(), "ecship.db")}
	if pg := PostgresDSN(tb); pg != "" {
		dsns["postgres"] = pg
	}
	return dsns
}

// PostgresDSN returns a DSN to a new, empty schema, or "" when PostgreSQL is not configured.
func PostgresDSN(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		if testenv.InCI() {
			tb.Fatalf("%s is not set: CI must test PostgreSQL", EnvPostgres)
		}
		return ""
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "test_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		tb.Fatalf("postgres at %s: %v", EnvPostgres, err)
	}
	tb.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("%s: %v", EnvPostgres, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Open opens and migrates a store on dsn, closed when the test ends.
func Open(tb testing.TB, dsn string) *store.Store {
	tb.Helper()
	s, err := store.Open(context.Background(), dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	if err := s.Migrate(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return s
}

// Run runs test once per configured database, as subtests named "sqlite" and "postgres".
func Run(t *testing.T, test func(t *testing.T, s *store.Store)) {
	t.Helper()
	for name, dsn := range DSNs(t) {
		t.Run(name, func(t *testing.T) { test(t, Open(t, dsn)) })
	}
}
