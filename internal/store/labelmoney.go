package store

import (
	"context"
	"fmt"
)

// labelMoneyChecks are queries that must find nothing: each answers the labels (by item number or
// id) whose state and money disagree. They are what `ecship ledger check` proves per label, beside
// the ledger's own sums.
var labelMoneyChecks = []struct{ what, query string }{
	{"paid labels whose payment does not hold exactly their price",
		`SELECT sh.id FROM shipments sh WHERE sh.status = 'paid' AND NOT EXISTS (
			SELECT 1 FROM payment_items pi JOIN payments p ON p.id = pi.payment_id
			WHERE pi.shipment_id = sh.id AND p.id = sh.payment_id AND pi.cancelled = 0
			AND p.status IN ('authorized', 'settling', 'settled') AND pi.amount_cents = sh.total_cents)`},
	{"posted labels not accepted at a counter for their price, fully paid",
		`SELECT sh.id FROM shipments sh WHERE sh.status IN ('posted', 'in_transit', 'delivered', 'returned') AND NOT EXISTS (
			SELECT 1 FROM counter_items ci WHERE ci.shipment_id = sh.id AND ci.status = 'posted' AND ci.postage_cents = sh.total_cents
			AND ci.paid_before_cents + ci.paid_here_cents - ci.refundable_cents = ci.postage_cents)`},
	{"posted labels whose online payment was not what the counter counted",
		`SELECT ci.shipment_id FROM counter_items ci WHERE ci.status = 'posted' AND ci.paid_before_cents <> COALESCE((
			SELECT SUM(pi.amount_cents) FROM payment_items pi JOIN payments p ON p.id = pi.payment_id
			WHERE pi.shipment_id = ci.shipment_id AND p.id = ci.payment_id AND pi.cancelled = 0 AND p.status IN ('authorized', 'settling', 'settled')), 0)`},
	{"cancelled labels charged without a refund application",
		`SELECT pi.shipment_id FROM payment_items pi JOIN payments p ON p.id = pi.payment_id JOIN shipments sh ON sh.id = pi.shipment_id
			WHERE sh.status = 'cancelled' AND pi.cancelled = 0 AND p.status IN ('authorized', 'settling', 'settled')
			AND NOT EXISTS (SELECT 1 FROM refunds r WHERE r.shipment_id = pi.shipment_id AND r.payment_id = p.id)`},
	{"settled payments that captured other than their labels' prices",
		`SELECT p.id FROM payments p WHERE p.status = 'settled' AND p.captured_cents <> (
			SELECT COALESCE(SUM(pi.amount_cents), 0) FROM payment_items pi WHERE pi.payment_id = p.id AND pi.cancelled = 0)`},
	{"unpaid labels held by a payment that took the money",
		`SELECT sh.id FROM shipments sh JOIN payments p ON p.id = sh.payment_id
			WHERE sh.status IN ('incomplete', 'ready', 'expired') AND p.status IN ('authorized', 'settling', 'settled')`},
	{"labels held by a payment that does not list them",
		`SELECT sh.id FROM shipments sh WHERE sh.payment_id IS NOT NULL AND NOT EXISTS (
			SELECT 1 FROM payment_items pi WHERE pi.payment_id = sh.payment_id AND pi.shipment_id = sh.id)`},
}

// LabelMoneyProblems proves, label by label, that state and money agree: every paid label is held by
// exactly its price; every posted label was accepted at a counter for its price and fully paid
// (online and at the counter, less what was made refundable); no cancelled label was charged
// without a refund application; every settlement captured exactly the labels left in it. It answers
// one line per kind of disagreement found, naming up to five labels or payments.
func (s *Store) LabelMoneyProblems(ctx context.Context) ([]string, error) {
	var out []string
	for _, c := range labelMoneyChecks {
		ids, err := queryAll(ctx, s.db, "label money", func(row scanner) (string, error) {
			var id string
			return id, row.Scan(&id)
		}, c.query)
		if err != nil {
			return nil, fmt.Errorf("store: %s: %w", c.what, err)
		}
		if len(ids) > 0 {
			shown := ids[:min(5, len(ids))]
			out = append(out, fmt.Sprintf("%d %s: %v", len(ids), c.what, shown))
		}
	}
	return out, nil
}
