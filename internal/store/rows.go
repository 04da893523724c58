package store

import (
	"context"
	"fmt"

	"github.com/ecship/ecship/internal/money"
)

// scanner is a row to read: *sql.Row or *sql.Rows.
type scanner = interface{ Scan(...any) error }

// queryAll runs a query and reads every row with scan; what names the rows in errors.
func queryAll[T any](ctx context.Context, q querier, what string, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("store: %s: %w", what, err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// sums runs a query whose rows are a key and a sum of cents, and answers them as a map.
func sums(ctx context.Context, q querier, what, query string, args ...any) (map[string]money.Cents, error) {
	type row struct {
		key string
		sum int64
	}
	list, err := queryAll(ctx, q, what, func(r scanner) (row, error) {
		var x row
		return x, r.Scan(&x.key, &x.sum)
	}, query, args...)
	if err != nil {
		return nil, err
	}
	out := make(map[string]money.Cents, len(list))
	for _, x := range list {
		out[x.key] = money.Cents(x.sum)
	}
	return out, nil
}
