package racetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// checkInvariants looks at the database the races left: `ecship ledger check`, then each rule's
// invariant in SQL. Every check logs how many rows break it.
func (h *harness) checkInvariants(ctx context.Context, t *testing.T, r *results) {
	t.Run("LedgerCheck", func(t *testing.T) {
		out, err := h.ecship(ctx, "ledger", "check", "--db", h.dsn)
		if err != nil {
			t.Errorf("ecship ledger check found %d problems: %v", strings.Count(err.Error(), "PROBLEM:"), err)
			return
		}
		t.Logf("ecship ledger check: %s", out)
	})
	t.Run("PAY-3", func(t *testing.T) { h.checkCancelledBeforeOrRefunded(ctx, t, r.cancelledBySettlement.all()) })
	t.Run("CTR-3", func(t *testing.T) { h.checkPostedFullyPaid(ctx, t, r) })
	t.Run("PAY-2", func(t *testing.T) { h.checkPaidInFull(ctx, t, r.edited.all()) })
	t.Run("PAY-5", func(t *testing.T) { h.checkOneDecision(ctx, t, r.vetted.all()) })
}

// checkCancelledBeforeOrRefunded: a label whose cancellation answered 200 is cancelled, and was
// either never charged (its item left out of the capture, or its payment voided) or has a refund
// application; never both. A settlement captures exactly what was not cancelled, and a voided
// payment pays for nothing.
//
// rule: PAY-3
func (h *harness) checkCancelledBeforeOrRefunded(ctx context.Context, t *testing.T, labels []string) {
	rows, err := h.db.QueryContext(ctx, `SELECT s.id, s.status, p.id, p.status, pi.cancelled, p.captured_cents,
			(SELECT COALESCE(SUM(x.amount_cents), 0) FROM payment_items x WHERE x.payment_id = p.id AND x.cancelled = 0),
			(SELECT COUNT(*) FROM refunds r WHERE r.shipment_id = s.id AND r.reason = 'cancelled')
		FROM shipments s
		JOIN payment_items pi ON pi.shipment_id = s.id
		JOIN payments p ON p.id = pi.payment_id AND p.status <> 'failed'
		WHERE s.id = ANY($1)`, labels)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var bad []string
	seen := map[string]bool{}
	var voided, refunded int
	for rows.Next() {
		var id, labelStatus, payID, payStatus string
		var cancelled, captured, active, refunds int64
		if err := rows.Scan(&id, &labelStatus, &payID, &payStatus, &cancelled, &captured, &active, &refunds); err != nil {
			t.Fatal(err)
		}
		seen[id] = true
		// Charged for the label: its payment was captured with the label's item in it.
		charged := (payStatus == "settled" || payStatus == "settling") && (cancelled == 0 || captured > active)
		describe := fmt.Sprintf("label %s (%s), payment %s (%s, item cancelled=%d, captured %d of %d left)", id, labelStatus, payID, payStatus, cancelled, captured, active)
		switch {
		case labelStatus != "cancelled":
			bad = append(bad, describe+": the cancellation answered 200 but the label is not cancelled")
		case charged && refunds == 0:
			bad = append(bad, describe+": charged for a cancelled label with no refund application")
		case !charged && refunds > 0:
			bad = append(bad, describe+": a refund application for a label never charged")
		case !charged && cancelled == 0:
			bad = append(bad, describe+": the label is cancelled but its payment still holds its money")
		case charged:
			refunded++
		default:
			voided++
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for _, id := range labels {
		if !seen[id] {
			bad = append(bad, "label "+id+": the cancellation answered 200 but no payment of it is found")
		}
	}
	t.Logf("%d labels cancelled (200) while the settlement ran: %d never charged, %d with a refund application, %d violations",
		len(labels), voided, refunded, len(bad))
	if len(bad) > 0 {
		t.Errorf("%d cancelled labels break PAY-3, for example:\n  %s", len(bad), strings.Join(examples(bad), "\n  "))
	}
	h.expectNone(ctx, t, "settled card payments whose capture is not the sum of their items not cancelled", `
		SELECT p.id, p.captured_cents, COALESCE(SUM(pi.amount_cents) FILTER (WHERE pi.cancelled = 0), 0) AS not_cancelled
		FROM payments p JOIN payment_items pi ON pi.payment_id = p.id
		WHERE p.method = 'card' AND p.status = 'settled'
		GROUP BY p.id, p.captured_cents
		HAVING p.captured_cents <> COALESCE(SUM(pi.amount_cents) FILTER (WHERE pi.cancelled = 0), 0)`)
	h.expectNone(ctx, t, "voided payments still paying for a label", `
		SELECT p.id, pi.shipment_id FROM payments p JOIN payment_items pi ON pi.payment_id = p.id
		WHERE p.status = 'voided' AND pi.cancelled = 0`)
	h.expectNone(ctx, t, "payments left pending or mid-settlement", `
		SELECT id, status FROM payments WHERE status IN ('pending', 'settling')`)
}

// checkPostedFullyPaid: a posted label is paid in full, by a payment that still holds its money
// (not voided, its item not cancelled) and what the counter took; no label of the counter race was
// both accepted and cancelled.
//
// rule: CTR-3
func (h *harness) checkPostedFullyPaid(ctx context.Context, t *testing.T, r *results) {
	h.expectNone(ctx, t, "posted labels not fully paid", `
		SELECT s.id, ci.postage_cents, ci.paid_before_cents, ci.paid_here_cents, ci.payment_id, p.status AS payment_status, pi.cancelled, pi.amount_cents
		FROM shipments s
		JOIN counter_items ci ON ci.shipment_id = s.id AND ci.status = 'posted'
		LEFT JOIN payments p ON p.id = ci.payment_id
		LEFT JOIN payment_items pi ON pi.payment_id = ci.payment_id AND pi.shipment_id = s.id
		WHERE s.status = 'posted' AND (
			ci.paid_before_cents + ci.paid_here_cents < ci.postage_cents
			OR (ci.payment_id <> '' AND (p.id IS NULL OR p.status NOT IN ('authorized', 'settling', 'settled')
				OR pi.cancelled IS NULL OR pi.cancelled <> 0 OR pi.amount_cents < ci.paid_before_cents)))`)
	h.expectNone(ctx, t, "posted labels the counter never accepted", `
		SELECT s.id FROM shipments s
		WHERE s.status = 'posted' AND NOT EXISTS (SELECT 1 FROM counter_items ci WHERE ci.shipment_id = s.id AND ci.status = 'posted')`)
	h.expectNone(ctx, t, "labels of the counter race whose cancellation answered 200 but are not cancelled", `
		SELECT id, status FROM shipments WHERE id = ANY($1) AND status <> 'cancelled'`, r.counterCancelled.all())
	h.expectNone(ctx, t, "labels the counter accepted (200) that are not posted", `
		SELECT id, status FROM shipments WHERE id = ANY($1) AND status <> 'posted'`, r.counterPosted.all())
}

// checkPaidInFull: each label a payment holds is paid its total price, and a payment's amount is
// the sum of its labels'; a paid label has a payment that holds its money.
//
// rule: PAY-2
func (h *harness) checkPaidInFull(ctx context.Context, t *testing.T, labels []string) {
	h.expectNone(ctx, t, "labels of the edit race paid other than their total price", `
		SELECT s.id, s.status, s.total_cents, pi.amount_cents AS paid_cents, p.id AS payment, p.status AS payment_status
		FROM shipments s
		JOIN payment_items pi ON pi.shipment_id = s.id
		JOIN payments p ON p.id = pi.payment_id
		WHERE s.id = ANY($1) AND p.status NOT IN ('failed', 'voided') AND pi.cancelled = 0 AND pi.amount_cents <> s.total_cents`, labels)
	h.expectNone(ctx, t, "payments whose amount is not the sum of their labels'", `
		SELECT p.id, p.amount_cents, SUM(pi.amount_cents) AS items
		FROM payments p JOIN payment_items pi ON pi.payment_id = p.id
		GROUP BY p.id, p.amount_cents HAVING p.amount_cents <> SUM(pi.amount_cents)`)
	h.expectNone(ctx, t, "paid labels without a payment holding their money", `
		SELECT s.id, s.payment_id, p.status AS payment_status, pi.cancelled
		FROM shipments s
		LEFT JOIN payments p ON p.id = s.payment_id
		LEFT JOIN payment_items pi ON pi.payment_id = s.payment_id AND pi.shipment_id = s.id
		WHERE s.status = 'paid' AND (p.id IS NULL OR p.status NOT IN ('authorized', 'settling', 'settled') OR pi.cancelled IS NULL OR pi.cancelled <> 0)`)
}

// checkOneDecision: each refund application two admins raced on ended as the one decision that
// answered 200 made it, by that admin; the gateway refunded each payment what its refunded
// applications say.
//
// rule: PAY-5
func (h *harness) checkOneDecision(ctx context.Context, t *testing.T, decided map[string]decision) {
	var refundIDs []string
	for id := range decided {
		refundIDs = append(refundIDs, id)
	}
	rows, err := h.db.QueryContext(ctx, `SELECT id, status, vetted_by FROM refunds WHERE id = ANY($1)`, refundIDs)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var bad []string
	for rows.Next() {
		var id, status, by string
		if err := rows.Scan(&id, &status, &by); err != nil {
			t.Fatal(err)
		}
		if want := decided[id]; status != want.Status || by != want.AdminID {
			bad = append(bad, fmt.Sprintf("refund %s is %s by %q; the decision that won made it %s by %s", id, status, by, want.Status, want.AdminID))
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d refund applications decided once: %d violations", len(decided), len(bad))
	if len(bad) > 0 {
		t.Errorf("%d refund applications break PAY-5, for example:\n  %s", len(bad), strings.Join(examples(bad), "\n  "))
	}
	h.expectNone(ctx, t, "card payments the gateway refunded other than their refunded applications", `
		SELECT p.id, g.refunded_cents,
			(SELECT COALESCE(SUM(r.amount_cents), 0) FROM refunds r WHERE r.payment_id = p.id AND r.status = 'refunded') AS applications
		FROM payments p JOIN gateway_records g ON g.reference = p.id
		WHERE p.method = 'card'
			AND g.refunded_cents <> (SELECT COALESCE(SUM(r.amount_cents), 0) FROM refunds r WHERE r.payment_id = p.id AND r.status = 'refunded')`)
}

// expectNone runs a query whose every row breaks an invariant: it logs how many rows it found and
// fails the test with a few of them.
func (h *harness) expectNone(ctx context.Context, t *testing.T, what, query string, args ...any) {
	t.Helper()
	bad, err := h.rowsOf(ctx, query, args...)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	t.Logf("%s: %d", what, len(bad))
	if len(bad) > 0 {
		t.Errorf("%d %s, for example:\n  %s", len(bad), what, strings.Join(examples(bad), "\n  "))
	}
}

// rowsOf answers each row of a query as "column=value ...".
func (h *harness) rowsOf(ctx context.Context, query string, args ...any) ([]string, error) {
	rows, err := h.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		parts := make([]string, len(cols))
		for i, c := range cols {
			parts[i] = fmt.Sprintf("%s=%v", c, vals[i])
		}
		out = append(out, strings.Join(parts, " "))
	}
	return out, rows.Err()
}
