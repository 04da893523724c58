package payment_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/money"
	"github.com/ecship/ecship/internal/payment"
	"github.com/ecship/ecship/internal/shipment"
	"github.com/ecship/ecship/internal/store"
	"github.com/ecship/ecship/internal/store/storetest"
)

// rule: PAY-3, PAY-4, PAY-5
func TestCancelAfterSettlementIsRefundedAfterVetting(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		rf := &payment.Refunds{Store: st, Payments: st, Gateway: e.pay.Gateway, Now: e.c.Now}
		e.c.Set(hkt(23, 10, 0))
		ids := e.labels(t, e.a, 2)
		p := e.payCard(t, e.a, ids)
		e.c.Set(hkt(23, 21, 0))
		if _, _, _, err := e.pay.Settle(ctx, hkt(23, 21, 0)); err != nil {
			t.Fatal(err)
		}
		if _, err := applyRefund(e, e.b, ids[0]); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("another sender applies for it: %v", err)
		}
		r, err := applyRefund(e, e.a, ids[0])
		if err != nil || r.Status != payment.RefundSubmitted || r.Amount != money.MustParse("70.00") || e.status(t, e.a, ids[0]) != shipment.Cancelled {
			t.Fatalf("apply: %v %+v", err, r)
		}
		if _, err := applyRefund(e, e.a, ids[0]); err == nil {
			t.Error("a second application for the same label")
		}
		// Only an admin vets; a rejection needs a reason.
		if _, err := rf.Vet(ctx, e.a, r.ID, true, ""); errs.CodeOf(err) != errs.Forbidden {
			t.Errorf("a sender approved a refund: %v", err)
		}
		admin := &account.User{ID: "usr_admin", Role: account.Admin}
		if _, err := rf.Vet(ctx, live(admin), r.ID, false, " "); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("rejection without a reason: %v", err)
		}
		done, err := rf.Vet(ctx, live(admin), r.ID, true, "")
		if err != nil || done.Status != payment.RefundRefunded || done.RefundedAt == nil {
			t.Fatalf("approve: %v %+v", err, done)
		}
		if _, err := rf.Vet(ctx, live(admin), r.ID, true, ""); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("vetting twice: %v", err)
		}
		if rec := e.record(t, p.ID); rec.Refunded != money.MustParse("70.00") {
			t.Errorf("gateway refunded %v", rec.Refunded)
		}
		mine, err := rf.Mine(ctx, e.a)
		if err != nil || len(mine) != 1 || mine[0].Status != payment.RefundRefunded {
			t.Errorf("sender's list: %+v %v", mine, err)
		}
		if others, err := rf.Mine(ctx, e.b); err != nil || len(others) != 0 {
			t.Errorf("another sender sees the refund: %+v %v", others, err)
		}
		bal := e.checkBooks(t)
		if bal[payment.CardReceivable] != money.MustParse("70.00") {
			t.Errorf("receivable %v after refunding one of two labels", bal[payment.CardReceivable])
		}
		// A rejected application refunds nothing.
		r2, err := applyRefund(e, e.a, ids[1])
		if err != nil {
			t.Fatalf("apply for the second label: %v", err)
		}
		if got, err := rf.Vet(ctx, live(admin), r2.ID, false, "Posted already"); err != nil || got.Status != payment.RefundRejected || got.Note != "Posted already" {
			t.Errorf("reject: %v %+v", err, got)
		}
		if rec := e.record(t, p.ID); rec.Refunded != money.MustParse("70.00") {
			t.Errorf("a rejection refunded money: %v", rec.Refunded)
		}
	})
}

// downGateway refuses refunds: the acquirer is unreachable.
type downGateway struct{ *payment.TestGateway }

func (downGateway) Refund(context.Context, string, money.Cents, string) error {
	return errors.New("acquirer unreachable")
}

// rule: PAY-5
// An approval whose refund cannot be sent at once stands: the application waits approved, and the
// reconciliation job sends it once the gateway answers, once (found by review: it stayed approved
// for good, and approving again was refused).
func TestApprovedRefundIsSentWhenTheGatewayIsBack(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		base := e.pay.Gateway.(*payment.TestGateway)
		rf := &payment.Refunds{Store: st, Payments: st, Gateway: downGateway{base}, Now: e.c.Now}
		e.c.Set(hkt(23, 10, 0))
		ids := e.labels(t, e.a, 1)
		p := e.payCard(t, e.a, ids)
		e.c.Set(hkt(23, 21, 0))
		if _, _, _, err := e.pay.Settle(ctx, hkt(23, 21, 0)); err != nil {
			t.Fatal(err)
		}
		r, err := applyRefund(e, e.a, ids[0])
		if err != nil {
			t.Fatal(err)
		}
		admin := &account.User{ID: "usr_admin", Role: account.Admin}
		got, err := rf.Vet(ctx, live(admin), r.ID, true, "")
		if err != nil || got.Status != payment.RefundApproved {
			t.Fatalf("approval with the gateway down: %v %+v", err, got)
		}
		if n, err := rf.SendApproved(ctx); err != nil || n != 0 {
			t.Errorf("within the approval's own minute: %d %v; want nothing sent", n, err)
		}
		e.c.Set(hkt(23, 21, 5)) // past SendGrace
		if n, err := rf.SendApproved(ctx); err == nil || n != 0 {
			t.Errorf("sending while the gateway is down: %d %v", n, err)
		}
		rf.Gateway = base
		for range 2 { // the job runs again: sent once
			if _, err := rf.SendApproved(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if got, err := st.RefundByID(ctx, account.Live, r.ID); err != nil {
			t.Errorf("after the gateway came back: %v", err)
		} else if got.Status != payment.RefundRefunded {
			t.Errorf("after the gateway came back: %s", got.Status)
		}
		if rec := e.record(t, p.ID); rec.Refunded != r.Amount {
			t.Errorf("refunded at the gateway %v; want %v once", rec.Refunded, r.Amount)
		}
		e.checkBooks(t)
	})
}

// A sender's refund applications come in pages, newest first, each page's cursor leading on, and
// an application made meanwhile does not shift the next page; they filter by status and time; a
// cursor or status that is not one is a field error.
func TestRefundPages(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		rf := &payment.Refunds{Store: st, Payments: st, Gateway: e.pay.Gateway, Now: e.c.Now}
		e.c.Set(hkt(23, 10, 0))
		ids := e.labels(t, e.a, 4)
		e.payCard(t, e.a, ids)
		e.c.Set(hkt(23, 21, 0))
		if _, _, _, err := e.pay.Settle(ctx, hkt(23, 21, 0)); err != nil {
			t.Fatal(err)
		}
		var applied []string
		for _, id := range ids[:3] {
			e.c.Add(time.Second) // created one after another: the newest comes first
			r, err := applyRefund(e, e.a, id)
			if err != nil {
				t.Fatal(err)
			}
			applied = append(applied, r.ID)
		}
		first, next, err := rf.Page(ctx, e.a, payment.RefundFilter{Limit: 2})
		if err != nil || len(first) != 2 || first[0].ID != applied[2] || first[1].ID != applied[1] || next == "" {
			t.Fatalf("first page: %v, %d, next %q", err, len(first), next)
		}
		e.c.Add(time.Second)
		if _, err := applyRefund(e, e.a, ids[3]); err != nil { // newer than every page
			t.Fatal(err)
		}
		rest, last, err := rf.Page(ctx, e.a, payment.RefundFilter{Limit: 2, Before: next})
		if err != nil || len(rest) != 1 || rest[0].ID != applied[0] || last != "" {
			t.Fatalf("last page: %v, %d, next %q", err, len(rest), last)
		}
		// Another sender's list is theirs whatever the cursor.
		if other, _, err := rf.Page(ctx, e.b, payment.RefundFilter{Limit: 2, Before: next}); err != nil || len(other) != 0 {
			t.Errorf("another sender with this cursor: %v %d", err, len(other))
		}
		if got, _, err := rf.Page(ctx, e.a, payment.RefundFilter{Statuses: []payment.RefundStatus{payment.RefundSubmitted}, Limit: 10,
			From: hkt(23, 21, 0).Add(2 * time.Second), To: hkt(23, 21, 0).Add(4 * time.Second)}); err != nil || len(got) != 2 || got[0].ID != applied[2] || got[1].ID != applied[1] {
			t.Errorf("submitted between 21:00:02 and 21:00:04: %v %d", err, len(got))
		}
		if got, _, err := rf.Page(ctx, e.a, payment.RefundFilter{Statuses: []payment.RefundStatus{payment.RefundRefunded}, Limit: 10}); err != nil || len(got) != 0 {
			t.Errorf("refunded: %v %d", err, len(got))
		}
		for _, f := range []payment.RefundFilter{{Before: applied[1], Limit: 2}, {Before: "bm90IGEgY3Vyc29y", Limit: 2}, {Statuses: []payment.RefundStatus{"paid"}}} {
			if _, _, err := rf.Page(ctx, e.a, f); errs.CodeOf(err) != errs.Invalid {
				t.Errorf("%+v: %v", f, err)
			}
		}
	})
}
