package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/counter"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/events"
	"github.com/ecship/ecship/internal/money"
	"github.com/ecship/ecship/internal/shipment"
)

const counterSessionColumns = `c.id, c.mode, c.office, c.staff_id, u.login_name, c.status, c.speedpost_card, COALESCE(c.receipt_no, ''), c.version, c.opened_at, c.closed_at`

func scanCounterSession(row scanner) (*counter.Session, error) {
	var c counter.Session
	var mode string
	var opened ts
	var closed nullTS
	if err := row.Scan(&c.ID, &mode, &c.Office, &c.StaffID, &c.StaffLogin, &c.Status, &c.SpeedpostCard, &c.ReceiptNo, &c.Version, &opened, &closed); err != nil {
		return nil, err
	}
	c.Mode, c.OpenedAt, c.ClosedAt = account.Mode(mode), time.Time(opened), closed.ptr()
	return &c, nil
}

// CreateCounterSession stores a new session.
func (s *Store) CreateCounterSession(ctx context.Context, c *counter.Session) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO counter_sessions (id, mode, office, staff_id, status, speedpost_card, opened_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		c.ID, string(c.Mode), c.Office, c.StaffID, c.Status, c.SpeedpostCard, ts(c.OpenedAt))
	if err != nil {
		return fmt.Errorf("store: open counter session: %w", err)
	}
	return nil
}

// CounterSession returns a session with its items (in scanning order) and payments.
func (s *Store) CounterSession(ctx context.Context, id string) (*counter.Session, error) {
	c, err := scanCounterSession(s.db.QueryRowContext(ctx, `SELECT `+counterSessionColumns+` FROM counter_sessions c JOIN users u ON u.id = c.staff_id WHERE c.id = $1`, id))
	if err != nil {
		if e := notFound(err); errs.CodeOf(e) == errs.NotFound {
			return nil, errs.New(errs.NotFound, "counter.session.not_found", nil)
		}
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT i.shipment_id, i.seq, i.item_no, i.owner_id, i.service, sh.recipient_country, i.status, i.declared_g, i.weight_g,
		i.insurance_cents, i.postage_cents, i.paid_before_cents, i.paid_here_cents, i.refundable_cents, i.bonus_points, i.payment_id, i.scanned_at, i.posted_at
		FROM counter_items i JOIN shipments sh ON sh.id = i.shipment_id WHERE i.session_id = $1 ORDER BY i.seq`, id)
	if err != nil {
		return nil, fmt.Errorf("store: counter items: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		it := &counter.Item{SessionID: id}
		var insurance, postage, before, here, refundable int64
		var scanned ts
		var posted nullTS
		if err := rows.Scan(&it.ShipmentID, &it.Seq, &it.ItemNo, &it.OwnerID, &it.Service, &it.Destination, &it.Status, &it.DeclaredG, &it.WeightG,
			&insurance, &postage, &before, &here, &refundable, &it.BonusPoints, &it.PaymentID, &scanned, &posted); err != nil {
			return nil, err
		}
		it.Insurance, it.Postage, it.PaidBefore, it.PaidHere, it.Refundable = money.Cents(insurance), money.Cents(postage), money.Cents(before), money.Cents(here), money.Cents(refundable)
		it.ScannedAt, it.PostedAt = time.Time(scanned), posted.ptr()
		c.Items = append(c.Items, it)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	prows, err := s.db.QueryContext(ctx, `SELECT id, method, amount_cents, payment_key, at FROM counter_payments WHERE session_id = $1 ORDER BY at, id`, id)
	if err != nil {
		return nil, fmt.Errorf("store: counter payments: %w", err)
	}
	defer prows.Close()
	for prows.Next() {
		p := &counter.Payment{SessionID: id}
		var amount int64
		var at ts
		if err := prows.Scan(&p.ID, &p.Method, &amount, &p.Key, &at); err != nil {
			return nil, err
		}
		p.Amount, p.At = money.Cents(amount), time.Time(at)
		c.Payments = append(c.Payments, p)
	}
	return c, prows.Err()
}

// CounterSessions lists a member of staff's sessions in a mode, newest first, without their items.
func (s *Store) CounterSessions(ctx context.Context, staffID string, mode account.Mode, limit int) ([]*counter.Session, error) {
	return s.counterSessions(ctx, `c.staff_id = $1 AND c.mode = $2 ORDER BY c.opened_at DESC, c.id DESC LIMIT $3`, staffID, string(mode), limit)
}

// OpenCounterSessions lists every open session in a mode, oldest first, without their items.
func (s *Store) OpenCounterSessions(ctx context.Context, mode account.Mode) ([]*counter.Session, error) {
	return s.counterSessions(ctx, `c.status = 'open' AND c.mode = $1 ORDER BY c.opened_at, c.id`, string(mode))
}

func (s *Store) counterSessions(ctx context.Context, where string, args ...any) ([]*counter.Session, error) {
	return queryAll(ctx, s.db, "counter sessions", scanCounterSession, `SELECT `+counterSessionColumns+` FROM counter_sessions c JOIN users u ON u.id = c.staff_id WHERE `+where, args...)
}

// ApplyCounterChange writes one step of a session in one transaction, if the session is still
// open at the version the step was worked out from.
func (s *Store) ApplyCounterChange(ctx context.Context, ch *counter.Change) error {
	return s.Transact(ctx, func(tx *sql.Tx) error {
		c := ch.Session
		q, args := `UPDATE counter_sessions SET version = version + 1 WHERE id = $1 AND version = $2 AND status = 'open'`, []any{c.ID, c.Version}
		if ch.Close {
			q, args = `UPDATE counter_sessions SET version = version + 1, status = 'closed', closed_at = $3, receipt_no = $4 WHERE id = $1 AND version = $2 AND status = 'open'`,
				append(args, tsOrNil(c.ClosedAt), c.ReceiptNo)
		}
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("store: counter session: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.New(errs.Conflict, "counter.session.changed", nil)
		}
		for _, it := range []*counter.Item{ch.AddItem, ch.UpdateItem} {
			if it == nil {
				continue
			}
			// The label as it was weighed and priced: a cancellation, payment or edit since then
			// makes the scan a conflict rather than an item waiting for the wrong amount.
			var v int
			err := tx.QueryRowContext(ctx, `SELECT version FROM shipments WHERE id = $1`+s.forUpdate(), it.ShipmentID).Scan(&v)
			if err != nil {
				return notFound(err)
			}
			if v != it.LabelVersion {
				return errs.New(errs.Conflict, "counter.item.changed", errs.Args{"item": it.ItemNo})
			}
		}
		if it := ch.AddItem; it != nil {
			_, err := tx.ExecContext(ctx, `INSERT INTO counter_items (session_id, shipment_id, seq, item_no, owner_id, service, status, declared_g, weight_g,
				insurance_cents, postage_cents, paid_before_cents, paid_here_cents, refundable_cents, bonus_points, payment_id, scanned_at)
				VALUES ($1, $2, $3, $4, $5, $6, 'awaiting_payment', $7, $8, $9, $10, $11, 0, $12, $13, $14, $15)`,
				c.ID, it.ShipmentID, it.Seq, it.ItemNo, it.OwnerID, it.Service, it.DeclaredG, it.WeightG, int64(it.Insurance), int64(it.Postage),
				int64(it.PaidBefore), int64(it.Refundable), it.BonusPoints, it.PaymentID, ts(it.ScannedAt))
			if _, dup := uniqueViolation(err); dup {
				return errs.New(errs.Conflict, "counter.item.elsewhere", errs.Args{"item": it.ItemNo})
			}
			if err != nil {
				return fmt.Errorf("store: counter item: %w", err)
			}
		}
		if it := ch.UpdateItem; it != nil {
			if _, err := tx.ExecContext(ctx, `UPDATE counter_items SET weight_g = $3, insurance_cents = $4, postage_cents = $5, paid_before_cents = $6,
				refundable_cents = $7, bonus_points = $8, payment_id = $9 WHERE session_id = $1 AND shipment_id = $2 AND status = 'awaiting_payment'`,
				c.ID, it.ShipmentID, it.WeightG, int64(it.Insurance), int64(it.Postage), int64(it.PaidBefore), int64(it.Refundable), it.BonusPoints, it.PaymentID); err != nil {
				return fmt.Errorf("store: counter item: %w", err)
			}
		}
		if ch.RemoveItem != "" {
			if _, err := tx.ExecContext(ctx, `DELETE FROM counter_items WHERE session_id = $1 AND shipment_id = $2 AND status = 'awaiting_payment'`, c.ID, ch.RemoveItem); err != nil {
				return fmt.Errorf("store: counter item: %w", err)
			}
		}
		if p := ch.Payment; p != nil {
			if _, err := tx.ExecContext(ctx, `INSERT INTO counter_payments (id, session_id, method, amount_cents, payment_key, at) VALUES ($1, $2, $3, $4, $5, $6)`,
				p.ID, c.ID, p.Method, int64(p.Amount), p.Key, ts(p.At)); err != nil {
				return fmt.Errorf("store: counter payment: %w", err)
			}
		}
		for _, p := range ch.Posts {
			if err := s.postItem(ctx, tx, c.ID, p); err != nil {
				return err
			}
		}
		for _, t := range ch.Txns {
			if err := book(ctx, tx, t); err != nil {
				return err
			}
		}
		return nil
	})
}

// postItem puts an item in the mail: the counter's item, its label (if still in the state it was
// scanned in), the refund application, the tracking event and the postage earned.
func (s *Store) postItem(ctx context.Context, tx *sql.Tx, sessionID string, p counter.Posting) error {
	it, sh := p.Item, p.Shipment
	res, err := tx.ExecContext(ctx, `UPDATE counter_items SET status = 'posted', paid_here_cents = $3, posted_at = $4 WHERE session_id = $1 AND shipment_id = $2
		AND status = 'awaiting_payment'`, sessionID, it.ShipmentID, int64(it.PaidHere), tsOrNil(it.PostedAt))
	if err != nil {
		return fmt.Errorf("store: post item: %w", err)
	}
	if err := one(res); err != nil {
		return errs.New(errs.Conflict, "counter.item.accepted", errs.Args{"item": it.ItemNo})
	}
	data, err := dataOf(sh)
	if err != nil {
		return err
	}
	// The Post transition: the label still in the state, held by the payment and at the version it
	// was priced from, so a cancellation or an edit racing the counter cannot both win.
	if !shipment.Post.Allows(p.ExpectStatus) {
		return errs.New(errs.Conflict, "counter.item.changed", errs.Args{"item": it.ItemNo})
	}
	res, err = tx.ExecContext(ctx, `UPDATE shipments SET status = 'posted', total_cents = $3, data = $4, updated_at = $5, posted_at = $6, posted_office = $7,
		version = version + 1 WHERE id = $1 AND status = $2 AND COALESCE(payment_id, '') = $8 AND version = $9`,
		sh.ID, string(p.ExpectStatus), int64(sh.Total), data, ts(sh.UpdatedAt), tsOrNil(sh.PostedAt), sh.PostedOffice, p.ExpectPayment, sh.Version)
	if err != nil {
		return fmt.Errorf("store: post item: %w", err)
	}
	if err := one(res); err != nil {
		return errs.New(errs.Conflict, "counter.item.changed", errs.Args{"item": it.ItemNo})
	}
	posted := *sh
	posted.Status = shipment.Posted
	if err := s.shipmentEvent(ctx, tx, events.ShipmentPosted, &posted, sh.UpdatedAt); err != nil {
		return err
	}
	if r := p.Refund; r != nil {
		if err := insertRefund(ctx, tx, r); err != nil {
			return err
		}
	}
	if err := s.addEvent(ctx, tx, p.Event); err != nil {
		return err
	}
	return book(ctx, tx, p.Txn)
}

// CounterTakings sums the counter's make-up payments by method (for the ledger check).
func (s *Store) CounterTakings(ctx context.Context) (map[string]money.Cents, error) {
	return sums(ctx, s.db, "counter takings", `SELECT method, SUM(amount_cents) FROM counter_payments GROUP BY method`)
}

// PostedPostage sums the postage of the items accepted at counters (earned revenue).
func (s *Store) PostedPostage(ctx context.Context) (money.Cents, error) {
	var sum int64
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE(SUM(postage_cents), 0) FROM counter_items WHERE status = 'posted'`).Scan(&sum)
	return money.Cents(sum), err
}
