package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/events"
	"github.com/ecship/ecship/internal/money"
	"github.com/ecship/ecship/internal/payment"
)

const refundColumns = `id, owner_id, mode, shipment_id, payment_id, reason, amount_cents, status, note, vetted_by, created_at, vetted_at, refunded_at`

func scanRefund(row scanner) (*payment.Refund, error) {
	var r payment.Refund
	var mode, status string
	var amount int64
	var created ts
	var vetted, refunded nullTS
	if err := row.Scan(&r.ID, &r.OwnerID, &mode, &r.ShipmentID, &r.PaymentID, &r.Reason, &amount, &status, &r.Note, &r.VettedBy, &created, &vetted, &refunded); err != nil {
		return nil, err
	}
	r.Mode, r.Status, r.Amount, r.CreatedAt, r.VettedAt, r.RefundedAt = account.Mode(mode), payment.RefundStatus(status), money.Cents(amount), time.Time(created), vetted.ptr(), refunded.ptr()
	return &r, nil
}

func (s *Store) refunds(ctx context.Context, where string, args ...any) ([]*payment.Refund, error) {
	return queryAll(ctx, s.db, "refunds", scanRefund, `SELECT `+refundColumns+` FROM refunds WHERE `+where+` ORDER BY created_at DESC, id DESC`, args...)
}

// insertRefund opens a refund application, in the transaction that made it due; a label with an
// application already is a conflict.
func insertRefund(ctx context.Context, tx *sql.Tx, r *payment.Refund) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO refunds (id, owner_id, mode, shipment_id, payment_id, reason, amount_cents, status, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, r.ID, r.OwnerID, string(r.Mode), r.ShipmentID, r.PaymentID, r.Reason, int64(r.Amount), string(r.Status), ts(r.CreatedAt))
	if _, dup := uniqueViolation(err); dup {
		return errs.New(errs.Conflict, "refund.exists", nil)
	}
	if err != nil {
		return fmt.Errorf("store: refund application: %w", err)
	}
	return nil
}

// Refunds lists the owner's applications.
func (s *Store) Refunds(ctx context.Context, owner string, mode account.Mode) ([]*payment.Refund, error) {
	return s.refunds(ctx, `owner_id = $1 AND mode = $2`, owner, string(mode))
}

// RefundsPage lists up to f.Limit of the owner's applications that pass the filter, newest first,
// after the cursor f.Before ("" starts at the newest), and the cursor of the next page ("" when
// there is none).
func (s *Store) RefundsPage(ctx context.Context, owner string, mode account.Mode, f payment.RefundFilter) ([]*payment.Refund, string, error) {
	where, args := []string{`owner_id = $1`, `mode = $2`}, []any{owner, string(mode)}
	if len(f.Statuses) > 0 {
		where = append(where, "status IN ("+bind(&args, f.Statuses)+")")
	}
	if !f.From.IsZero() {
		args = append(args, ts(f.From))
		where = append(where, fmt.Sprintf("created_at >= $%d", len(args)))
	}
	if !f.To.IsZero() {
		args = append(args, ts(f.To))
		where = append(where, fmt.Sprintf("created_at < $%d", len(args)))
	}
	return pageNewestFirst(ctx, s, "refunds", refundColumns, "refunds", where, args, f.Before, f.Limit, scanRefund,
		func(r *payment.Refund) (time.Time, string) { return r.CreatedAt, r.ID })
}

// RefundsToVet lists a mode's applications in a status, for operations.
func (s *Store) RefundsToVet(ctx context.Context, mode account.Mode, status payment.RefundStatus) ([]*payment.Refund, error) {
	return s.refunds(ctx, `mode = $1 AND status = $2`, string(mode), string(status))
}

// RefundsToSend lists the applications of both modes approved before a time and not sent.
func (s *Store) RefundsToSend(ctx context.Context, approvedBefore time.Time) ([]*payment.Refund, error) {
	return s.refunds(ctx, `status = 'approved' AND vetted_at < $1`, ts(approvedBefore))
}

// RefundByID returns an application of a mode (operations); one of the other mode is not found.
func (s *Store) RefundByID(ctx context.Context, mode account.Mode, id string) (*payment.Refund, error) {
	r, err := scanRefund(s.db.QueryRowContext(ctx, `SELECT `+refundColumns+` FROM refunds WHERE id = $1 AND mode = $2`, id, string(mode)))
	return r, notFound(err)
}

// VetRefund records the decision on a submitted application, once, with its booking if any.
func (s *Store) VetRefund(ctx context.Context, r *payment.Refund, txn *payment.Txn, now time.Time) error {
	return s.Transact(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE refunds SET status = $2, note = $3, vetted_by = $4, vetted_at = $5 WHERE id = $1 AND mode = $6 AND status = $7`,
			r.ID, string(r.Status), r.Note, r.VettedBy, ts(now), string(r.Mode), string(payment.RefundSubmitted))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.New(errs.Conflict, "refund.vetted", errs.Args{"status": "vetted"})
		}
		r.VettedAt = &now
		t := events.RefundRejected
		if r.Status == payment.RefundApproved {
			t = events.RefundApproved
		}
		if err := s.refundEvent(ctx, tx, t, r, now); err != nil {
			return err
		}
		if txn == nil {
			return nil
		}
		return book(ctx, tx, *txn)
	})
}

// UnearnedDue is what postage:unearned must hold: what was paid for labels not yet posted, refund
// applications not yet refunded or rejected, and money taken at counters not yet used by an item.
func (s *Store) UnearnedDue(ctx context.Context) (money.Cents, error) {
	var paid, refunds, counter int64
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE(SUM(pi.amount_cents), 0) FROM payment_items pi
		JOIN payments p ON p.id = pi.payment_id JOIN shipments sh ON sh.id = pi.shipment_id
		WHERE p.status IN ('authorized', 'settling', 'settled') AND pi.cancelled = 0 AND sh.status IN ('paid', 'expired')`).Scan(&paid)
	if err == nil {
		err = s.db.QueryRowContext(ctx, `SELECT COALESCE(SUM(amount_cents), 0) FROM refunds WHERE status IN ('submitted', 'approved')`).Scan(&refunds)
	}
	if err == nil {
		err = s.db.QueryRowContext(ctx, `SELECT (SELECT COALESCE(SUM(amount_cents), 0) FROM counter_payments) -
			(SELECT COALESCE(SUM(paid_here_cents), 0) FROM counter_items WHERE status = 'posted')`).Scan(&counter)
	}
	if err != nil {
		return 0, fmt.Errorf("store: unearned due: %w", err)
	}
	return money.Cents(paid + refunds + counter), nil
}

// KeptSum is what refused refund applications left with the post (earned).
func (s *Store) KeptSum(ctx context.Context) (money.Cents, error) {
	var v int64
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE(SUM(amount_cents), 0) FROM refunds WHERE status = 'rejected'`).Scan(&v)
	return money.Cents(v), err
}

// RefundedTotal is what was refunded so far for one label of a payment.
func (s *Store) RefundedTotal(ctx context.Context, paymentID, shipmentID, except string) (money.Cents, error) {
	var v int64
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE(SUM(amount_cents), 0) FROM refunds WHERE payment_id = $1 AND shipment_id = $2 AND status = 'refunded' AND id <> $3`,
		paymentID, shipmentID, except).Scan(&v)
	return money.Cents(v), err
}

// MarkRefunded records the refund sent to the card and books it.
func (s *Store) MarkRefunded(ctx context.Context, r *payment.Refund, txn payment.Txn, now time.Time) error {
	return s.Transact(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE refunds SET status = 'refunded', refunded_at = $2 WHERE id = $1 AND status = 'approved'`, r.ID, ts(now))
		if err != nil {
			return err
		}
		if err := one(res); err != nil {
			return errs.New(errs.Conflict, "refund.vetted", errs.Args{"status": string(payment.RefundRefunded)})
		}
		r.Status, r.RefundedAt = payment.RefundRefunded, &now
		if err := s.refundEvent(ctx, tx, events.RefundRefunded, r, now); err != nil {
			return err
		}
		return book(ctx, tx, txn)
	})
}

// RefundedSum is every refund sent to a card (for the ledger check).
func (s *Store) RefundedSum(ctx context.Context) (money.Cents, error) {
	var v int64
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE(SUM(r.amount_cents), 0) FROM refunds r JOIN payments p ON p.id = r.payment_id
		WHERE r.status = 'refunded' AND p.method = 'card'`).Scan(&v)
	return money.Cents(v), err
}

// RefundedByPayment is what was refunded for each payment, by its id (for the ledger check).
func (s *Store) RefundedByPayment(ctx context.Context) (map[string]money.Cents, error) {
	return sums(ctx, s.db, "refunded by payment", `SELECT payment_id, SUM(amount_cents) FROM refunds WHERE status = 'refunded' GROUP BY payment_id`)
}
