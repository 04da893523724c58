package store

import (
	"fmt"
	"io/fs"
	"regexp"
	"strconv"
	"strings"
	"testing/fstest"
)

// The schema has one source: migrations/*.sql, written for PostgreSQL. SQLite's migrations are
// derived from them by sqliteSQL, a type map and one directive, so the two can never drift apart
// (TestSchemasAgree compares the migrated databases table by table).

// sqliteTypes maps PostgreSQL column types to SQLite's: times are RFC 3339 text (see time.go), whole
// numbers are 64-bit INTEGER either way, bytes are BLOB.
var sqliteTypes = map[string]string{
	"TIMESTAMPTZ": "TEXT",
	"DATE":        "TEXT",
	"BIGINT":      "INTEGER",
	"BYTEA":       "BLOB",
}

var (
	typeWord = regexp.MustCompile(`\b(TIMESTAMPTZ|DATE|BIGINT|BYTEA)\b`)
	// A comment "/* sqlite: ... */" holds what only SQLite takes (WITHOUT ROWID): PostgreSQL reads
	// it as a comment, SQLite as the text inside.
	sqliteOnly = regexp.MustCompile(`/\* sqlite: ([^*]*) \*/`)
)

// sqliteSQL is a PostgreSQL migration as SQLite takes it. Type names are replaced outside comments
// only, so a comment may say "DATE" freely.
func sqliteSQL(pg string) string {
	lines := strings.Split(pg, "\n")
	for i, l := range lines {
		code, comment, _ := strings.Cut(l, "--")
		code = typeWord.ReplaceAllStringFunc(code, func(t string) string { return sqliteTypes[t] })
		code = sqliteOnly.ReplaceAllString(code, "$1")
		if strings.Contains(l, "--") {
			code += "--" + comment
		}
		lines[i] = code
	}
	return strings.Join(lines, "\n")
}

// migrationsFor answers the migrations of a dialect as goose reads them: the files as written for
// PostgreSQL, translated for SQLite. (fstest.MapFS is the standard library's in-memory file system.)
func migrationsFor(d Dialect) (fs.FS, error) {
	src, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	if d == Postgres {
		return src, nil
	}
	entries, err := fs.ReadDir(src, ".")
	if err != nil {
		return nil, err
	}
	out := fstest.MapFS{}
	for _, e := range entries {
		b, err := fs.ReadFile(src, e.Name())
		if err != nil {
			return nil, err
		}
		out[e.Name()] = &fstest.MapFile{Data: []byte(sqliteSQL(string(b))), Mode: 0o444}
	}
	return out, nil
}

// LatestMigration is the version of the newest migration this binary carries.
func LatestMigration() (int64, error) {
	entries, err := fs.ReadDir(migrations, "migrations")
	if err != nil {
		return 0, err
	}
	var latest int64
	for _, e := range entries {
		num, _, _ := strings.Cut(e.Name(), "_")
		v, err := strconv.ParseInt(num, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("store: migration %s: %w", e.Name(), err)
		}
		latest = max(latest, v)
	}
	return latest, nil
}
