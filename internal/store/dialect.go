package store

// Dialect names a database; migrations live in migrations/<dialect>/.
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
