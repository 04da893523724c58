package store_test

import (
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ecship/ecship/internal/store/storetest"
)

// The two databases, migrated from the one schema source, agree table by table: the same columns
// with the same (mapped) types, nullability and defaults, the same indexes and foreign keys.
func TestSchemasAgree(t *testing.T) {
	dsns := storetest.DSNs(t)
	pg, ok := dsns["postgres"]
	if !ok {
		t.Skip("PostgreSQL is not configured")
	}
	storetest.Open(t, dsns["sqlite"])
	storetest.Open(t, pg)
	lite := sqliteSchema(t, strings.TrimPrefix(dsns["sqlite"], "sqlite:"))
	post := postgresSchema(t, pg)
	if len(lite) < 20 {
		t.Fatalf("SQLite has %d tables", len(lite))
	}
	for _, name := range union(keys(lite), keys(post)) {
		if a, b := lite[name], post[name]; a != b {
			t.Errorf("table %s differs:\nsqlite:   %s\npostgres: %s", name, a, b)
		}
	}
}

// schema is each table's description as text: columns, indexes, foreign keys, sorted.
type schema map[string]string

func keys(s schema) []string {
	var out []string
	for k := range s {
		out = append(out, k)
	}
	return out
}

func union(a, b []string) []string {
	out := slices.Concat(a, b)
	slices.Sort(out)
	return slices.Compact(out)
}

// describe is one table as text.
func describe(cols, indexes, fks []string) string {
	slices.Sort(indexes)
	slices.Sort(fks)
	return fmt.Sprintf("columns %s; indexes %s; foreign keys %s", strings.Join(cols, ", "), strings.Join(indexes, ", "), strings.Join(fks, ", "))
}

// normalDefault reads a column default the same way for both: no casts, no surrounding parentheses.
func normalDefault(d sql.NullString) string {
	if !d.Valid {
		return ""
	}
	v := regexp.MustCompile(`::[a-z ]+$`).ReplaceAllString(d.String, "")
	return " default " + strings.Trim(v, "()")
}

// Tables that are not the schema's own (the migration tools', and River's job queue, which
// migrates its own tables for each database).
var ignored = map[string]bool{"goose_db_version": true, "ecship_migration_lock": true}

func ignoredTable(name string) bool { return ignored[name] || strings.HasPrefix(name, "river_") }

func strs(t *testing.T, db *sql.DB, query string, args ...any) [][]string {
	t.Helper()
	rows, err := db.Query(query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	var out [][]string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = v.String
			if !v.Valid {
				row[i] = "\x00null"
			}
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return out
}

func sqliteSchema(t *testing.T, path string) schema {
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := schema{}
	for _, tbl := range strs(t, db, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`) {
		name := tbl[0]
		if ignoredTable(name) {
			continue
		}
		var cols, indexes, fks []string
		for _, c := range strs(t, db, `SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?)`, name) {
			def := sql.NullString{String: c[3], Valid: c[3] != "\x00null"}
			notNull := c[2] == "1" || c[4] != "0" // a primary key is never null
			cols = append(cols, fmt.Sprintf("%s %s%s%s", c[0], strings.ToUpper(c[1]), map[bool]string{true: " not null"}[notNull], normalDefault(def)))
		}
		for _, ix := range strs(t, db, `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL`, name) {
			var on []string
			for _, c := range strs(t, db, `SELECT name FROM pragma_index_info(?) ORDER BY seqno`, ix[0]) {
				on = append(on, c[0])
			}
			unique := map[bool]string{true: "unique "}[strings.HasPrefix(strings.ToUpper(ix[1]), "CREATE UNIQUE")]
			_, where := partial(ix[1])
			indexes = append(indexes, unique+ix[0]+"("+strings.Join(on, ",")+")"+where)
		}
		for _, fk := range strs(t, db, `SELECT "from", "table", "to" FROM pragma_foreign_key_list(?)`, name) {
			fks = append(fks, fk[0]+"->"+fk[1]+"."+fk[2])
		}
		out[name] = describe(cols, indexes, fks)
	}
	return out
}

// partial splits an index's definition from its WHERE clause, written the same way for both
// databases (PostgreSQL adds parentheses and casts).
func partial(def string) (string, string) {
	i := strings.Index(strings.ToUpper(def), " WHERE ")
	if i < 0 {
		return def, ""
	}
	where := strings.NewReplacer("::text", "", "(", "", ")", "", " ", "").Replace(def[i+7:])
	return def[:i], " where " + where
}

// postgresTypes are PostgreSQL's type names as the SQLite schema spells them.
var postgresTypes = map[string]string{"timestamp with time zone": "TEXT", "date": "TEXT", "bigint": "INTEGER", "integer": "INTEGER", "text": "TEXT", "bytea": "BLOB"}

func postgresSchema(t *testing.T, dsn string) schema {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := schema{}
	for _, tbl := range strs(t, db, `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`) {
		name := tbl[0]
		if ignoredTable(name) {
			continue
		}
		var cols, indexes, fks []string
		for _, c := range strs(t, db, `SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`, name) {
			typ, ok := postgresTypes[c[1]]
			if !ok {
				t.Errorf("%s.%s: type %s has no SQLite counterpart in the type map", name, c[0], c[1])
			}
			def := sql.NullString{String: c[3], Valid: c[3] != "\x00null"}
			cols = append(cols, fmt.Sprintf("%s %s%s%s", c[0], typ, map[bool]string{true: " not null"}[c[2] == "NO"], normalDefault(def)))
		}
		// Indexes made by CREATE INDEX, not those behind a primary key or UNIQUE constraint (SQLite
		// makes its own, unnamed, for those).
		for _, ix := range strs(t, db, `SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() AND i.tablename = $1
			AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.connamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema()))`, name) {
			def, where := partial(ix[1])
			m := regexp.MustCompile(`\((.*)\)$`).FindStringSubmatch(def)
			on := strings.ReplaceAll(m[1], " ", "")
			unique := map[bool]string{true: "unique "}[strings.HasPrefix(ix[1], "CREATE UNIQUE")]
			indexes = append(indexes, unique+ix[0]+"("+on+")"+where)
		}
		for _, fk := range strs(t, db, `SELECT kcu.column_name, ccu.table_name, ccu.column_name FROM information_schema.table_constraints tc
			JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
			JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema
			WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema() AND tc.table_name = $1`, name) {
			fks = append(fks, fk[0]+"->"+fk[1]+"."+fk[2])
		}
		out[name] = describe(cols, indexes, fks)
	}
	return out
}
