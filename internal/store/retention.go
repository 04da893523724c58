package store

import (
	"context"
	"fmt"
	"time"

	"github.com/ecship/ecship/internal/shipment"
)

// ExpireLabels marks ready labels whose validity has ended (expires_at <= now) as expired, and returns
// how many (LBL-5). A label held by a payment waiting for its answer is left to that payment. Paid labels keep their status here: what happens to their money is the payments'
// business. One statement, so running it twice, or in two processes at once, changes each label once.
func (s *Store) ExpireLabels(ctx context.Context, now time.Time) (int, error) {
	args := []any{ts(now)}
	res, err := s.db.ExecContext(ctx, `UPDATE shipments SET status = 'expired', updated_at = $1, version = version + 1
		WHERE expires_at <= $1 AND payment_id IS NULL AND status IN (`+statesOf(&args, shipment.Expire)+`)`, args...)
	if err != nil {
		return 0, fmt.Errorf("store: expire labels: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// DeleteIncomplete deletes incomplete labels kept past their delete_after (90 days after first saved),
// and returns how many (LBL-6). One statement, safe to run twice.
//
// Nothing is deleted for HIS-1: senders see 6 months of history through the list's Since filter, and
// operations keep the rest.
func (s *Store) DeleteIncomplete(ctx context.Context, now time.Time) (int, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM shipments WHERE status = 'incomplete' AND delete_after <= $1`, ts(now))
	if err != nil {
		return 0, fmt.Errorf("store: delete incomplete labels: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}
