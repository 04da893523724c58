package payment_test

import (
	"sync"
	"testing"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/money"
	"github.com/ecship/ecship/internal/payment"
	"github.com/ecship/ecship/internal/shipment"
	"github.com/ecship/ecship/internal/store"
	"github.com/ecship/ecship/internal/store/storetest"
)

// A deposit account is opened and topped up by operations (once per reference), pays labels at
// once, never goes below zero (a short balance changes nothing), takes refunds back, and keeps a
// statement; the ledger balances after all of it. Another sender cannot use it.
//
// rule: PAY-1
func TestDepositAccount(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		e.c.Set(hkt(23, 10, 0))
		d, err := e.pay.OpenDeposit(ctx, e.a.User, account.Live, "Permit 1234")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.pay.TopUp(ctx, d.ID, 0, "BANK-1"); errs.As(err).Fields == nil {
			t.Errorf("a zero top-up: %v", err)
		}
		for range 2 { // entered twice: counted once
			if m, err := e.pay.TopUp(ctx, d.ID, money.MustParse("150.00"), "BANK-1"); err != nil || m.Balance != money.MustParse("150.00") {
				t.Fatalf("top-up: %v %+v", err, m)
			}
		}
		e.c.Set(hkt(23, 11, 0))
		ids := e.labels(t, e.a, 2) // HK$70.00 each
		p, err := e.pay.PayByDeposit(ctx, e.a, ids, d.ID, "")
		if err != nil || p.Status != payment.Settled || p.Captured != money.MustParse("140.00") || e.status(t, e.a, ids[0]) != shipment.Paid {
			t.Fatalf("pay: %v %+v", err, p)
		}
		// HK$10.00 left: a HK$70.00 label is declined and nothing changes.
		more := e.labels(t, e.a, 1)
		if _, err := e.pay.PayByDeposit(ctx, e.a, more, d.ID, ""); errs.CodeOf(err) != errs.Declined {
			t.Errorf("short balance: %v", err)
		}
		if e.status(t, e.a, more[0]) != shipment.Ready {
			t.Error("a declined label is no longer ready")
		}
		// Another sender's account is unknown to them.
		theirs := e.labels(t, e.b, 1)
		if _, err := e.pay.PayByDeposit(ctx, e.b, theirs, d.ID, ""); errs.As(err).Fields == nil || errs.As(err).Fields[0].Field != "account" {
			t.Errorf("another sender's account: %v", err)
		}
		// A cancelled label's refund goes back to the account after vetting.
		rf := &payment.Refunds{Store: st, Payments: st, Deposits: st, Gateway: e.pay.Gateway, Now: e.c.Now}
		e.c.Set(hkt(23, 12, 0))
		r, err := applyRefund(e, e.a, ids[0])
		if err != nil {
			t.Fatal(err)
		}
		admin := &account.User{ID: "usr_admin", Role: account.Admin}
		if _, err := rf.Vet(ctx, live(admin), r.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		got, moves, err := e.pay.Statement(ctx, e.a, d.ID)
		if err != nil || got.Balance != money.MustParse("80.00") || len(moves) != 3 {
			t.Fatalf("statement: %v balance %v, %d movements", err, got.Balance, len(moves))
		}
		if moves[0].Kind != payment.MoveRefund || moves[0].Balance != money.MustParse("80.00") || moves[1].Kind != payment.MovePayment ||
			moves[1].Amount != -money.MustParse("140.00") || moves[2].Kind != payment.MoveTopUp {
			t.Errorf("movements: %+v", moves)
		}
		if _, _, err := e.pay.Statement(ctx, e.b, d.ID); err == nil {
			t.Error("another sender read the statement")
		}
		bal := e.checkBooks(t)
		if bal[payment.DepositAccount(d.ID)] != -got.Balance || bal[payment.BankReceived] != money.MustParse("150.00") {
			t.Errorf("ledger: deposit %v (balance %v), bank %v", bal[payment.DepositAccount(d.ID)], got.Balance, bal[payment.BankReceived])
		}
	})
}

// Payments racing for one balance: it never goes below zero and exactly what fits is paid.
//
// rule: PAY-1
func TestDepositNeverBelowZero(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		d, err := e.pay.OpenDeposit(ctx, e.a.User, account.Live, "Permit 99")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.pay.TopUp(ctx, d.ID, money.MustParse("210.00"), "BANK-9"); err != nil { // three labels' worth
			t.Fatal(err)
		}
		ids := e.labels(t, e.a, 8)
		var wg sync.WaitGroup
		var mu sync.Mutex
		paid := 0
		for _, id := range ids {
			wg.Go(func() {
				if _, err := e.pay.PayByDeposit(ctx, e.a, []string{id}, d.ID, ""); err == nil {
					mu.Lock()
					paid++
					mu.Unlock()
				} else if errs.CodeOf(err) != errs.Declined {
					t.Errorf("racing payment: %v", err)
				}
			})
		}
		wg.Wait()
		got, _, err := e.pay.Statement(ctx, e.a, d.ID) // the movements: the balance says it
		if err != nil {
			t.Fatal(err)
		}
		if paid != 3 || got.Balance != 0 {
			t.Errorf("%d paid, balance %v; want 3 and 0", paid, got.Balance)
		}
		e.checkBooks(t)
	})
}
