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
	"github.com/ecship/ecship/internal/shipment"
)

const paymentColumns = `id, owner_id, mode, method, status, amount_cents, captured_cents, card_brand, card_last4, card_exp_month, card_exp_year,
	auth_id, decline, COALESCE(idempotency_key, ''), created_at, settled_at, deposit_id`

func (s *Store) scanPayment(ctx context.Context, q querier, row scanner) (*payment.Payment, error) {
	p, err := scanPaymentRow(row)
	if err != nil {
		return nil, err
	}
	return p, s.paymentItems(ctx, q, p)
}

// scanPaymentRow reads the payment's own columns (paymentColumns), without its items.
func scanPaymentRow(row scanner) (*payment.Payment, error) {
	var p payment.Payment
	var mode, status string
	var amount, captured int64
	var created ts
	var settled nullTS
	if err := row.Scan(&p.ID, &p.OwnerID, &mode, &p.Method, &status, &amount, &captured, &p.Card.Brand, &p.Card.Last4, &p.Card.ExpMonth, &p.Card.ExpYear,
		&p.AuthID, &p.Decline, &p.IdempotencyKey, &created, &settled, &p.DepositID); err != nil {
		return nil, err
	}
	p.Mode, p.Status, p.Amount, p.Captured, p.CreatedAt, p.SettledAt = account.Mode(mode), payment.Status(status), money.Cents(amount), money.Cents(captured), time.Time(created), settled.ptr()
	return &p, nil
}

// paymentItems reads the payment's labels and their amounts.
func (s *Store) paymentItems(ctx context.Context, q querier, p *payment.Payment) error {
	rows, err := q.QueryContext(ctx, `SELECT shipment_id, amount_cents, cancelled FROM payment_items WHERE payment_id = $1 ORDER BY shipment_id`, p.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	p.Items = nil
	for rows.Next() {
		var it payment.Item
		var a int64
		var c int
		if err := rows.Scan(&it.ShipmentID, &a, &c); err != nil {
			return err
		}
		it.Amount, it.Cancelled = money.Cents(a), c == 1
		p.Items = append(p.Items, it)
	}
	return rows.Err()
}

func (s *Store) onePayment(ctx context.Context, where string, args ...any) (*payment.Payment, error) {
	p, err := s.scanPayment(ctx, s.db, s.db.QueryRowContext(ctx, `SELECT `+paymentColumns+` FROM payments WHERE `+where, args...))
	return p, notFound(err)
}

// Payment returns one of the owner's payments.
func (s *Store) Payment(ctx context.Context, owner string, mode account.Mode, id string) (*payment.Payment, error) {
	return s.onePayment(ctx, `id = $1 AND owner_id = $2 AND mode = $3`, id, owner, string(mode))
}

// PaymentByID returns any payment (for operations and jobs).
func (s *Store) PaymentByID(ctx context.Context, id string) (*payment.Payment, error) {
	return s.onePayment(ctx, `id = $1`, id)
}

// PaymentByKey returns the owner's payment made with an idempotency key.
func (s *Store) PaymentByKey(ctx context.Context, owner string, mode account.Mode, key string) (*payment.Payment, error) {
	return s.onePayment(ctx, `owner_id = $1 AND mode = $2 AND idempotency_key = $3`, owner, string(mode), key)
}

// payments lists payments with their items: two queries, whatever the count.
func (s *Store) payments(ctx context.Context, where string, args ...any) ([]*payment.Payment, error) {
	list, err := queryAll(ctx, s.db, "payments", scanPaymentRow, `SELECT `+paymentColumns+` FROM payments WHERE `+where+` ORDER BY created_at, id`, args...)
	if err != nil || len(list) == 0 {
		return list, err
	}
	byID := make(map[string]*payment.Payment, len(list))
	for _, p := range list {
		byID[p.ID] = p
	}
	rows, err := s.db.QueryContext(ctx, `SELECT payment_id, shipment_id, amount_cents, cancelled FROM payment_items
		WHERE payment_id IN (SELECT id FROM payments WHERE `+where+`) ORDER BY payment_id, shipment_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: payment items: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var pid string
		var it payment.Item
		var a int64
		var c int
		if err := rows.Scan(&pid, &it.ShipmentID, &a, &c); err != nil {
			return nil, fmt.Errorf("store: payment items: %w", err)
		}
		it.Amount, it.Cancelled = money.Cents(a), c == 1
		if p := byID[pid]; p != nil {
			p.Items = append(p.Items, it)
		}
	}
	return list, rows.Err()
}

// BeginPayment stores a pending payment and claims its labels, all or nothing: a label claimed by
// another payment, or no longer ready, is a conflict.
func (s *Store) BeginPayment(ctx context.Context, p *payment.Payment) error {
	return s.Transact(ctx, func(tx *sql.Tx) error {
		var key any
		if p.IdempotencyKey != "" {
			key = p.IdempotencyKey
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO payments (id, owner_id, mode, method, status, amount_cents, idempotency_key, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, p.ID, p.OwnerID, string(p.Mode), string(p.Method), string(p.Status), int64(p.Amount), key, ts(p.CreatedAt))
		if _, dup := uniqueViolation(err); dup {
			return errs.New(errs.Conflict, "payment.idempotency_race", nil)
		}
		if err != nil {
			return fmt.Errorf("store: begin payment: %w", err)
		}
		for _, it := range p.Items {
			// The Claim transition: the label still ready, held by no payment, at the version (and so
			// the price) the payment was worked out from.
			args := []any{p.ID, it.ShipmentID, p.OwnerID, string(p.Mode), it.Version, int64(it.Amount)}
			res, err := tx.ExecContext(ctx, `UPDATE shipments SET payment_id = $1, version = version + 1 WHERE id = $2 AND owner_id = $3 AND mode = $4
				AND version = $5 AND total_cents = $6 AND payment_id IS NULL AND status IN (`+statesOf(&args, shipment.Claim)+`)`, args...)
			if err != nil {
				return err
			}
			if err := one(res); err != nil {
				return errs.New(errs.Conflict, "payment.label_taken", errs.Args{"id": it.ShipmentID})
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO payment_items (payment_id, shipment_id, amount_cents) VALUES ($1, $2, $3)`,
				p.ID, it.ShipmentID, int64(it.Amount)); err != nil {
				return err
			}
		}
		return nil
	})
}

// CompletePayment records an approval: payment authorised, labels paid, authorisation booked.
func (s *Store) CompletePayment(ctx context.Context, p *payment.Payment, txn payment.Txn) error {
	return s.Transact(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE payments SET status = $7, auth_id = $2, card_brand = $3, card_last4 = $4, card_exp_month = $5, card_exp_year = $6
			WHERE id = $1 AND status = $8`, p.ID, p.AuthID, p.Card.Brand, p.Card.Last4, p.Card.ExpMonth, p.Card.ExpYear, string(payment.Authorized), string(payment.Pending))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			// A reconciliation and the request raced: completed already is done; failed
			// meanwhile (labels released) is a conflict, and the authorisation must go.
			var status string
			if err := tx.QueryRowContext(ctx, `SELECT status FROM payments WHERE id = $1`, p.ID).Scan(&status); err != nil {
				return notFound(err)
			}
			if status == string(payment.Failed) {
				return errs.New(errs.Conflict, "payment.changed", nil)
			}
			return nil
		}
		if err := s.payClaimed(ctx, tx, p, txn.At); err != nil {
			return err
		}
		p.Status = payment.Authorized
		return book(ctx, tx, txn)
	})
}

// payClaimed is the Pay transition of every label a payment claimed: each must still be held by it,
// or the payment is not recorded at all. Each label paid is told (shipment.paid).
func (s *Store) payClaimed(ctx context.Context, tx *sql.Tx, p *payment.Payment, now time.Time) error {
	args := []any{p.ID, string(shipment.Paid)}
	paid, err := queryAll(ctx, tx, "pay labels", scanShipment, `UPDATE shipments SET status = $2, version = version + 1
		WHERE payment_id = $1 AND status IN (`+statesOf(&args, shipment.Pay)+`) RETURNING `+shipmentColumns, args...)
	if err != nil {
		return err
	}
	if len(paid) != len(p.Items) {
		return fmt.Errorf("store: payment %s holds %d labels, %d still claimed", p.ID, len(p.Items), len(paid))
	}
	return s.shipmentEvents(ctx, tx, events.ShipmentPaid, paid, now)
}

// FailPayment records a decline (or a payment that never reached the gateway) and releases its
// labels, if the payment is still pending: one completed meanwhile keeps them.
func (s *Store) FailPayment(ctx context.Context, p *payment.Payment) error {
	return s.Transact(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE payments SET status = $7, decline = $2, card_brand = $3, card_last4 = $4, card_exp_month = $5, card_exp_year = $6
			WHERE id = $1 AND status = $8`, p.ID, p.Decline, p.Card.Brand, p.Card.Last4, p.Card.ExpMonth, p.Card.ExpYear, string(payment.Failed), string(payment.Pending))
		if err != nil {
			return err
		}
		if err := one(res); err != nil {
			return errs.New(errs.Conflict, "payment.changed", nil)
		}
		args := []any{p.ID}
		if _, err := tx.ExecContext(ctx, `UPDATE shipments SET payment_id = NULL, version = version + 1 WHERE payment_id = $1 AND status IN (`+
			statesOf(&args, shipment.Release)+`)`, args...); err != nil {
			return err
		}
		p.Status = payment.Failed
		return nil
	})
}

// CancelShipment is the Cancel transition, in one transaction: the label's payment is read and
// held first (FOR UPDATE on PostgreSQL: a settlement batch marking it settling waits for this
// transaction, or this one waits for it and sees it settling), then the label; decide works out
// what the cancellation does to the money from both as they stand; the label is cancelled at the
// version read, the payment's line voided or the refund application opened, the ledger booked.
func (s *Store) CancelShipment(ctx context.Context, owner string, mode account.Mode, id string,
	decide func(sh *shipment.Shipment, p *payment.Payment) (payment.Cancellation, error)) (*shipment.Shipment, error) {
	var out *shipment.Shipment
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		var pid sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT payment_id FROM shipments WHERE id = $1 AND owner_id = $2 AND mode = $3`, id, owner, string(mode)).Scan(&pid); err != nil {
			return notFound(err)
		}
		var p *payment.Payment
		if pid.Valid {
			var err error
			if p, err = s.scanPayment(ctx, tx, tx.QueryRowContext(ctx, `SELECT `+paymentColumns+` FROM payments WHERE id = $1`+s.forUpdate(), pid.String)); err != nil {
				return err
			}
		}
		sh, err := scanShipment(tx.QueryRowContext(ctx, `SELECT `+shipmentColumns+` FROM shipments WHERE id = $1`+s.forUpdate(), id))
		if err != nil {
			return err
		}
		c, err := decide(sh, p)
		if err != nil {
			return err
		}
		args := []any{id, ts(c.At), sh.Version, pid.String, string(shipment.Cancelled)}
		res, err := tx.ExecContext(ctx, `UPDATE shipments SET status = $5, updated_at = $2, version = version + 1
			WHERE id = $1 AND version = $3 AND COALESCE(payment_id, '') = $4 AND status IN (`+statesOf(&args, shipment.Cancel)+`)`, args...)
		if err != nil {
			return fmt.Errorf("store: cancel shipment: %w", err)
		}
		if err := one(res); err != nil {
			return conflictOn(ctx, tx, id)
		}
		if c.Void != nil {
			res, err := tx.ExecContext(ctx, `UPDATE payment_items SET cancelled = 1 WHERE payment_id = $1 AND shipment_id = $2 AND cancelled = 0`, p.ID, id)
			if err != nil {
				return err
			}
			if err := one(res); err != nil {
				return errs.New(errs.Conflict, "shipment.not_cancellable", errs.Args{"status": string(shipment.Cancelled)})
			}
			if err := book(ctx, tx, *c.Void); err != nil {
				return err
			}
		}
		if r := c.Refund; r != nil {
			if err := insertRefund(ctx, tx, r); err != nil {
				return err
			}
		}
		sh.Status, sh.Version, sh.UpdatedAt = shipment.Cancelled, sh.Version+1, c.At
		out = sh
		return s.shipmentEvent(ctx, tx, events.ShipmentCancelled, sh, c.At)
	})
	return out, err
}

// BeginSettleBatch marks up to limit card payments authorised before the cut-off (or left
// mid-settlement by an interrupted run) as being settled, so no label of them is cancelled
// meanwhile, and returns them as they now stand: one transaction for the lot.
func (s *Store) BeginSettleBatch(ctx context.Context, cutoff time.Time, limit int) ([]*payment.Payment, error) {
	var out []*payment.Payment
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		out = out[:0]
		// Any order: no sort of the whole day per batch. On PostgreSQL the rows are held as they are
		// read, and rows another settlement run holds are passed over: two runs (the job and
		// `ecship settle`) take disjoint batches and never wait on, or deadlock with, each other.
		rows, err := tx.QueryContext(ctx, `SELECT `+paymentColumns+` FROM payments
			WHERE method = 'card' AND status IN ('authorized', 'settling') AND created_at < $1 LIMIT $2`+s.forUpdateSkipLocked(), ts(cutoff), limit)
		if err != nil {
			return err
		}
		for rows.Next() {
			p, err := scanPaymentRow(rows)
			if err != nil {
				rows.Close()
				return err
			}
			out = append(out, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		// Each payment is marked settling first, then its items are read: on PostgreSQL the mark
		// waits for a cancellation holding the payment, and the items read after it see that
		// cancellation; a cancellation coming after the mark sees the payment settling.
		taken := out[:0]
		for _, p := range out {
			res, err := tx.ExecContext(ctx, `UPDATE payments SET status = 'settling' WHERE id = $1 AND status IN ('authorized', 'settling')`, p.ID)
			if err != nil {
				return err
			}
			if one(res) != nil {
				continue // finished by another run meanwhile
			}
			p.Status = payment.Settling
			if err := s.paymentItems(ctx, tx, p); err != nil {
				return err
			}
			taken = append(taken, p)
		}
		out = taken
		return nil
	})
	return out, err
}

// SettlePayments records settled (captured) or voided payments and books their captures (txns[i]
// for list[i]; nil for a void), all in one transaction. A payment no longer being settled (another
// run finished it) is left as it is.
func (s *Store) SettlePayments(ctx context.Context, list []*payment.Payment, txns []*payment.Txn, now time.Time) error {
	return s.Transact(ctx, func(tx *sql.Tx) error {
		var settled []events.Event
		for i, p := range list {
			res, err := tx.ExecContext(ctx, `UPDATE payments SET status = $2, captured_cents = $3, settled_at = $4 WHERE id = $1 AND status = 'settling'`,
				p.ID, string(p.Status), int64(p.Captured), ts(now))
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue
			}
			p.SettledAt = &now
			if txns[i] != nil {
				if err := book(ctx, tx, *txns[i]); err != nil {
					return err
				}
			}
			e, err := events.New(p.OwnerID, p.Mode, events.PaymentSettled, p.ID, events.PaymentData(p), now)
			if err != nil {
				return err
			}
			settled = append(settled, e)
		}
		return s.emitAll(ctx, tx, settled)
	})
}

// PendingPayments lists payments still waiting for the gateway's answer since before a time.
func (s *Store) PendingPayments(ctx context.Context, before time.Time) ([]*payment.Payment, error) {
	return s.payments(ctx, `status = 'pending' AND created_at < $1`, ts(before))
}

// book records a ledger transaction, once per key: the same movement booked again changes nothing.
func book(ctx context.Context, tx *sql.Tx, t payment.Txn) error {
	if err := t.Check(); err != nil {
		return err
	}
	id := account.NewID("txn")
	res, err := tx.ExecContext(ctx, `INSERT INTO ledger_txns (id, txn_key, kind, ref, at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (txn_key) DO NOTHING`,
		id, t.Key, t.Kind, t.Ref, ts(t.At))
	if err != nil {
		return fmt.Errorf("store: ledger: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	for i, e := range t.Entries {
		if _, err := tx.ExecContext(ctx, `INSERT INTO ledger_entries (txn_id, line, account, amount_cents) VALUES ($1, $2, $3, $4)`,
			id, i+1, e.Account, int64(e.Amount)); err != nil {
			return fmt.Errorf("store: ledger: %w", err)
		}
	}
	return nil
}

// Book records a ledger transaction on its own (deposit top-ups, counter takings).
func (s *Store) Book(ctx context.Context, t payment.Txn) error {
	return s.Transact(ctx, func(tx *sql.Tx) error { return book(ctx, tx, t) })
}

// LedgerBalances sums every account's entries.
func (s *Store) LedgerBalances(ctx context.Context) (map[string]money.Cents, error) {
	return sums(ctx, s.db, "ledger balances", `SELECT account, SUM(amount_cents) FROM ledger_entries GROUP BY account`)
}

// UnbalancedTxns lists ledger transactions whose lines do not sum to zero (there must be none).
func (s *Store) UnbalancedTxns(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT t.txn_key FROM ledger_txns t JOIN ledger_entries e ON e.txn_id = t.id GROUP BY t.txn_key HAVING SUM(e.amount_cents) <> 0`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		rows.Scan(&k)
		out = append(out, k)
	}
	return out, rows.Err()
}

// AllPayments lists every payment with its items (for reconciliation).
func (s *Store) AllPayments(ctx context.Context) ([]*payment.Payment, error) {
	return s.payments(ctx, `1 = 1`)
}

const gatewayColumns = `auth_id, reference, status, authorized_cents, captured_cents, refunded_cents, card_brand, card_last4, card_exp_month, card_exp_year, at`

func scanGateway(row scanner) (payment.GatewayRecord, error) {
	var r payment.GatewayRecord
	var a, c, f int64
	var at ts
	err := row.Scan(&r.AuthID, &r.Reference, &r.Status, &a, &c, &f, &r.Card.Brand, &r.Card.Last4, &r.Card.ExpMonth, &r.Card.ExpYear, &at)
	r.Authorized, r.Captured, r.Refunded, r.At = money.Cents(a), money.Cents(c), money.Cents(f), time.Time(at)
	return r, err
}

// GatewayRecord returns the test gateway's record of a payment reference.
func (s *Store) GatewayRecord(ctx context.Context, reference string) (payment.GatewayRecord, bool, error) {
	r, err := scanGateway(s.db.QueryRowContext(ctx, `SELECT `+gatewayColumns+` FROM gateway_records WHERE reference = $1`, reference))
	if err == sql.ErrNoRows {
		return r, false, nil
	}
	return r, err == nil, err
}

// GatewayRecordByAuth returns the test gateway's record of an authorisation.
func (s *Store) GatewayRecordByAuth(ctx context.Context, authID string) (payment.GatewayRecord, bool, error) {
	r, err := scanGateway(s.db.QueryRowContext(ctx, `SELECT `+gatewayColumns+` FROM gateway_records WHERE auth_id = $1`, authID))
	if err == sql.ErrNoRows {
		return r, false, nil
	}
	return r, err == nil, err
}

// RefundGatewayRecord adds a refund to a captured authorisation of the test gateway, once per
// reference, never beyond what was captured: one transaction, one conditional write, so refunds of
// one payment sent at the same moment add up and a refund sent again is taken once.
func (s *Store) RefundGatewayRecord(ctx context.Context, authID string, amount money.Cents, reference string, now time.Time) error {
	return s.Transact(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO gateway_refunds (reference, auth_id, amount_cents, at) VALUES ($1, $2, $3, $4) ON CONFLICT (reference) DO NOTHING`,
			reference, authID, int64(amount), ts(now))
		if err != nil {
			return fmt.Errorf("store: gateway refund: %w", err)
		}
		if one(res) != nil {
			return nil // this refund was taken before
		}
		res, err = tx.ExecContext(ctx, `UPDATE gateway_records SET refunded_cents = refunded_cents + $2
			WHERE auth_id = $1 AND status = 'captured' AND refunded_cents + $2 <= captured_cents`, authID, int64(amount))
		if err != nil {
			return fmt.Errorf("store: gateway refund: %w", err)
		}
		if one(res) != nil {
			return errs.New(errs.Conflict, "payment.refund.over_captured", nil)
		}
		return nil
	})
}

// SettleGatewayRecords captures (amount > 0) or voids (amount 0) authorisations in one
// transaction, as an acquirer takes a settlement file. Each answer is nil, or a conflict when the
// authorisation was not there to capture or void (already done by an interrupted run, say).
func (s *Store) SettleGatewayRecords(ctx context.Context, items []payment.Settlement) ([]error, error) {
	out := make([]error, len(items))
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		for i, it := range items {
			var res sql.Result
			var err error
			if it.Amount > 0 {
				res, err = tx.ExecContext(ctx, `UPDATE gateway_records SET status = 'captured', captured_cents = $2
					WHERE auth_id = $1 AND status = 'authorized' AND authorized_cents >= $2`, it.AuthID, int64(it.Amount))
			} else {
				res, err = tx.ExecContext(ctx, `UPDATE gateway_records SET status = 'voided' WHERE auth_id = $1 AND status IN ('authorized', 'voided')`, it.AuthID)
			}
			if err != nil {
				return err
			}
			out[i] = nil
			if n, _ := res.RowsAffected(); n == 0 {
				out[i] = errs.New(errs.Conflict, "payment.gateway.not_capturable", errs.Args{"auth": it.AuthID})
			}
		}
		return nil
	})
	return out, err
}

// AddGatewayRecord records a new authorisation unless its reference has one already.
func (s *Store) AddGatewayRecord(ctx context.Context, r payment.GatewayRecord) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO gateway_records (`+gatewayColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (reference) DO NOTHING`,
		r.AuthID, r.Reference, r.Status, int64(r.Authorized), int64(r.Captured), int64(r.Refunded), r.Card.Brand, r.Card.Last4, r.Card.ExpMonth, r.Card.ExpYear, ts(r.At))
	return err
}

// GatewayRecords lists the test gateway's book.
func (s *Store) GatewayRecords(ctx context.Context) ([]payment.GatewayRecord, error) {
	return queryAll(ctx, s.db, "rows", scanGateway, `SELECT `+gatewayColumns+` FROM gateway_records ORDER BY at, auth_id`)
}

// PaymentOfShipment returns the live payment (not failed) of one of the owner's labels.
func (s *Store) PaymentOfShipment(ctx context.Context, owner string, mode account.Mode, shipmentID string) (*payment.Payment, error) {
	return s.onePayment(ctx, `owner_id = $1 AND mode = $2 AND status <> 'failed' AND id = (SELECT payment_id FROM shipments WHERE id = $3 AND owner_id = $1)`,
		owner, string(mode), shipmentID)
}
