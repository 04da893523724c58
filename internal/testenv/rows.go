package testenv

import (
	"database/sql"
	"testing"
)

// Rows reads every row of rows as the driver gives its values, then closes rows; an error on the
// way fails the test. The tests that search whole tables (for a secret stored in clear, say) use it.
func Rows(tb testing.TB, rows *sql.Rows) (cols []string, values [][]any) {
	tb.Helper()
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		tb.Fatalf("columns: %v", err)
	}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			tb.Fatalf("scan: %v", err)
		}
		values = append(values, vals)
	}
	if err := rows.Err(); err != nil {
		tb.Fatalf("rows: %v", err)
	}
	return cols, values
}
