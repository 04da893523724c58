package store

import "context"

// ExecForTest runs a statement directly, for tests and benchmarks that must reset a table.
func (s *Store) ExecForTest(ctx context.Context, query string, args ...any) error {
	_, err := s.db.ExecContext(ctx, query, args...)
	return err
}
