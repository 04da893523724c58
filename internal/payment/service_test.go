package payment_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/testenv"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/money"
	"github.com/ecship/ecship/internal/payment"
	"github.com/ecship/ecship/internal/shipment"
	"github.com/ecship/ecship/internal/store"
	"github.com/ecship/ecship/internal/store/storetest"
)

var ctx = context.Background()

type clock = testenv.Clock

func hkt(day, h, m int) time.Time { return time.Date(2026, 11, day, h, m, 0, 0, catalog.HongKong) }
func card(number string) payment.Card {
	return payment.Card{Number: number, ExpMonth: 12, ExpYear: 2028, CVC: "123"}
}

type env struct {
	st   *store.Store
	pay  *payment.Service
	ship *shipment.Service
	a, b shipment.Owner
	c    *clock
}

func newEnv(t testing.TB, st *store.Store) *env {
	t.Helper()
	cat := testenv.Catalog(t)
	c := testenv.NewClock(hkt(23, 10, 0))
	acc := testenv.Accounts(t, st, c.Now)
	ua := testenv.User(t, acc, "payer", "payer@example.hk", account.Sender)
	ub := testenv.User(t, acc, "other", "other@example.hk", account.Sender)
	e := &env{st: st, c: c, a: shipment.Owner{User: ua, Mode: account.Live}, b: shipment.Owner{User: ub, Mode: account.Live}}
	e.ship = &shipment.Service{Store: st, Catalog: cat, Now: c.Now}
	e.pay = &payment.Service{Store: st, Deposits: st, Gateway: &payment.TestGateway{Book: st, Now: c.Now}, Log: slog.New(slog.DiscardHandler), Now: c.Now}
	return e
}

func (e *env) labels(t testing.TB, o shipment.Owner, n int) []string {
	t.Helper()
	var list []*shipment.Shipment
	for i := range n {
		list = append(list, &shipment.Shipment{Service: "LPL", Reference: fmt.Sprintf("P-%d", i), WeightG: 2500,
			Sender:    shipment.Address{Name: "陳大文", Lines: []string{"8 Nathan Road"}, Country: "HK", Phone: "91234567"},
			Recipient: shipment.Address{Name: "李小明", Lines: []string{"1 Queen's Road Central"}, Country: "HK"}})
	}
	if err := e.ship.Create(ctx, o, list, false); err != nil {
		t.Fatal(err)
	}
	ids := make([]string, n)
	for i, s := range list {
		ids[i] = s.ID
	}
	return ids
}

// payCard pays for o's labels ids with the test card that is always approved.
func (e *env) payCard(t testing.TB, o shipment.Owner, ids []string) *payment.Payment {
	t.Helper()
	p, err := e.pay.PayByCard(ctx, o, ids, card(payment.TestCardApprove), "")
	if err != nil {
		t.Fatalf("pay for %v by card: %v", ids, err)
	}
	return p
}

// payment is the stored payment id, failing the test when it cannot be read.
func (e *env) payment(t testing.TB, id string) *payment.Payment {
	t.Helper()
	p, err := e.st.PaymentByID(ctx, id)
	if err != nil {
		t.Fatalf("payment %s: %v", id, err)
	}
	return p
}

// record is the gateway's record of the payment id, failing the test when there is none.
func (e *env) record(t testing.TB, id string) payment.GatewayRecord {
	t.Helper()
	rec, found, err := e.st.GatewayRecord(ctx, id)
	if err != nil || !found {
		t.Fatalf("gateway record of %s: found %v, %v", id, found, err)
	}
	return rec
}

func (e *env) status(t testing.TB, o shipment.Owner, id string) shipment.Status {
	s, err := e.ship.Get(ctx, o, id)
	if err != nil {
		t.Fatal(err)
	}
	return s.Status
}

// checkBooks asserts the ledger balances and agrees with the gateway's book.
func (e *env) checkBooks(t *testing.T) map[string]money.Cents {
	t.Helper()
	if bad, err := e.st.UnbalancedTxns(ctx); err != nil || len(bad) > 0 {
		t.Errorf("unbalanced ledger transactions: %v %v", bad, err)
	}
	bal, err := e.st.LedgerBalances(ctx)
	if err != nil {
		t.Fatalf("ledger balances: %v", err)
	}
	var sum money.Cents
	for _, v := range bal {
		sum += v
	}
	if sum != 0 {
		t.Errorf("the ledger does not balance: %v", bal)
	}
	recs, err := e.st.GatewayRecords(ctx)
	if err != nil {
		t.Fatalf("gateway records: %v", err)
	}
	var captured money.Cents
	for _, r := range recs {
		captured += r.Captured - r.Refunded
	}
	if bal[payment.CardReceivable] != captured {
		t.Errorf("card receivable %v; the gateway captured %v", bal[payment.CardReceivable], captured)
	}
	return bal
}

// rule: PAY-1, PAY-2
func TestPayByCard(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		ids := e.labels(t, e.a, 3)
		p, err := e.pay.PayByCard(ctx, e.a, ids, card(payment.TestCardApprove), "")
		if err != nil || p.Status != payment.Authorized || p.Amount != money.MustParse("210.00") || p.Card.Last4 != "1111" || p.Card.Brand != payment.Visa {
			t.Fatalf("pay: %v %+v", err, p)
		}
		for _, id := range ids {
			if st := e.status(t, e.a, id); st != shipment.Paid {
				t.Errorf("label %s after payment", st)
			}
		}
		bal := e.checkBooks(t)
		if bal[payment.CardAuthorized] != p.Amount || bal[payment.PostageUnearned] != -p.Amount {
			t.Errorf("authorisation not booked: %v", bal)
		}
		// Another card for the next payment (PAY-2).
		more := e.labels(t, e.a, 1)
		if p2, err := e.pay.PayByCard(ctx, e.a, more, card("5555555555554444"), ""); err != nil || p2.Card.Brand != payment.Mastercard {
			t.Errorf("second card: %v", err)
		}
		// The full number and CVC are nowhere in the database.
		for _, table := range []string{"payments", "gateway_records", "ledger_txns", "ledger_entries"} {
			if leaked := e.scan(t, table, "4111111111111111"); leaked {
				t.Errorf("the full card number is stored in %s", table)
			}
		}
	})
}

func (e *env) scan(t *testing.T, table, needle string) bool {
	t.Helper()
	var found bool
	err := e.st.Transact(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT * FROM "+table)
		if err != nil {
			t.Fatal(err)
		}
		_, all := testenv.Rows(t, rows)
		for _, vals := range all {
			if strings.Contains(fmt.Sprint(vals...), needle) {
				found = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("%s: %v", table, err)
	}
	return found
}

func TestDeclinedAndInvalidCardsChangeNothing(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		ids := e.labels(t, e.a, 2)
		for number, key := range map[string]string{payment.TestCardInsufficient: "payment.declined.insufficient_funds", payment.TestCardDoNotHonour: "payment.declined.do_not_honour"} {
			_, err := e.pay.PayByCard(ctx, e.a, ids, card(number), "")
			if errs.CodeOf(err) != errs.Declined || errs.As(err).Message.Key != key {
				t.Errorf("%s: %v; want %s", number, err, key)
			}
		}
		_, err := e.pay.PayByCard(ctx, e.a, ids, card("4111111111111112"), "")
		if f := errs.As(err).Fields; len(f) != 1 || f[0].Field != "card.number" {
			t.Errorf("bad Luhn: %v", err)
		}
		for _, id := range ids {
			if st := e.status(t, e.a, id); st != shipment.Ready {
				t.Errorf("label %s after declines", st)
			}
		}
		if bal := e.checkBooks(t); len(bal) != 0 {
			t.Errorf("declines booked money: %v", bal)
		}
		// The labels are free to pay after the declines.
		if _, err := e.pay.PayByCard(ctx, e.a, ids, card(payment.TestCardApprove), ""); err != nil {
			t.Errorf("pay after declines: %v", err)
		}
	})
}

func TestRefusedLabels(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		mine := e.labels(t, e.a, 1)
		theirs := e.labels(t, e.b, 1)
		if _, err := e.pay.PayByCard(ctx, e.a, theirs, card(payment.TestCardApprove), ""); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("paying another sender's label: %v", err)
		}
		if _, err := e.pay.Cancel(ctx, e.a, mine[0], false); err != nil {
			t.Fatal(err)
		}
		if _, err := e.pay.PayByCard(ctx, e.a, mine, card(payment.TestCardApprove), ""); errs.As(err).Message.Key != "shipment.not_payable" {
			t.Errorf("paying a cancelled label: %v", err)
		}
		old := e.labels(t, e.a, 1)
		e.c.Set(hkt(23, 10, 0).Add(91 * 24 * time.Hour))
		if _, err := e.pay.PayByCard(ctx, e.a, old, card(payment.TestCardApprove), ""); errs.As(err).Message.Key != "shipment.expired" {
			t.Errorf("paying an expired label: %v", err)
		}
	})
}

// The same Idempotency-Key twice: one payment, one charge; and two payments racing for one label:
// exactly one wins.
func TestIdempotentAndRacingPayments(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		ids := e.labels(t, e.a, 2)
		var wg sync.WaitGroup
		results := make([]*payment.Payment, 6)
		errors := make([]error, 6)
		for i := range results {
			wg.Go(func() {
				results[i], errors[i] = e.pay.PayByCard(ctx, e.a, ids, card(payment.TestCardApprove), "order-77")
			})
		}
		wg.Wait()
		for i := range results {
			if errors[i] != nil || results[i].ID != results[0].ID || results[i].Status != payment.Authorized {
				t.Fatalf("retry %d: %v %+v", i, errors[i], results[i])
			}
		}
		if recs, err := st.GatewayRecords(ctx); err != nil || len(recs) != 1 {
			t.Errorf("%d gateway authorisations for one idempotency key (%v)", len(recs), err)
		}
		declinedIDs := e.labels(t, e.a, 1)
		for range 2 {
			if _, err := e.pay.PayByCard(ctx, e.a, declinedIDs, card(payment.TestCardDoNotHonour), "order-78"); errs.CodeOf(err) != errs.Declined {
				t.Errorf("a declined payment retried with its key: %v; want the same decline", err)
			}
		}
		if _, err := e.pay.PayByCard(ctx, e.a, ids[:1], card(payment.TestCardApprove), "order-77"); errs.As(err).Message.Key != "payment.idempotency_mismatch" {
			t.Errorf("same key, other labels: %v", err)
		}
		race := e.labels(t, e.a, 1)
		won := make(chan bool, 8)
		for range 8 {
			wg.Go(func() {
				_, err := e.pay.PayByCard(ctx, e.a, race, card(payment.TestCardApprove), "")
				won <- err == nil
			})
		}
		wg.Wait()
		close(won)
		n := 0
		for ok := range won {
			if ok {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d payments won one label; want exactly 1", n)
		}
		e.checkBooks(t)
	})
}

// A lost gateway answer, and a crash between the gateway and the database, are repaired by
// reconciliation: never a charge without a paid label, nor the reverse.
func TestReconciliation(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		ids := e.labels(t, e.a, 1)
		p, err := e.pay.PayByCard(ctx, e.a, ids, card(payment.TestCardTimeout), "")
		if err != nil || p.Status != payment.Authorized || e.status(t, e.a, ids[0]) != shipment.Paid {
			t.Errorf("timeout: %v %+v", err, p)
		}
		// Crash 1: the gateway authorised, the process died before recording it.
		crashed := e.labels(t, e.a, 1)
		p1 := &payment.Payment{ID: "pay_crash1", OwnerID: e.a.User.ID, Mode: e.a.Mode, Method: "card", Status: payment.Pending, Amount: money.MustParse("70.00"),
			Items: []payment.Item{{ShipmentID: crashed[0], Amount: money.MustParse("70.00")}}, CreatedAt: e.c.Now()}
		if err := st.BeginPayment(ctx, p1); err != nil {
			t.Fatal(err)
		}
		gw := &payment.TestGateway{Book: st, Now: e.c.Now}
		if _, err := gw.Authorize(ctx, payment.AuthRequest{Reference: p1.ID, Amount: p1.Amount, Number: payment.TestCardApprove, Card: payment.CardInfo{Brand: payment.Visa, Last4: "1111"}}); err != nil {
			t.Fatal(err)
		}
		// Crash 2: the process died before reaching the gateway.
		never := e.labels(t, e.a, 1)
		p2 := &payment.Payment{ID: "pay_crash2", OwnerID: e.a.User.ID, Mode: e.a.Mode, Method: "card", Status: payment.Pending, Amount: money.MustParse("70.00"),
			Items: []payment.Item{{ShipmentID: never[0], Amount: money.MustParse("70.00")}}, CreatedAt: e.c.Now()}
		if err := st.BeginPayment(ctx, p2); err != nil {
			t.Fatal(err)
		}
		e.c.Set(e.c.Now().Add(2 * time.Minute))
		if n, err := e.pay.Reconcile(ctx); err != nil || n != 2 {
			t.Fatalf("reconcile: %d %v", n, err)
		}
		if got := e.payment(t, p1.ID); got.Status != payment.Authorized || e.status(t, e.a, crashed[0]) != shipment.Paid {
			t.Errorf("authorised at the gateway: payment %s", got.Status)
		}
		if got := e.payment(t, p2.ID); got.Status != payment.Failed || e.status(t, e.a, never[0]) != shipment.Ready {
			t.Errorf("never reached the gateway: payment %s", got.Status)
		}
		if _, err := e.pay.PayByCard(ctx, e.a, never, card(payment.TestCardApprove), ""); err != nil {
			t.Errorf("the released label cannot be paid: %v", err)
		}
		e.checkBooks(t)
	})
}

// rule: PAY-3
func TestCancelBeforeSettlementIsNeverCharged(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		e.c.Set(hkt(23, 19, 30))
		ids := e.labels(t, e.a, 3)
		p, err := e.pay.PayByCard(ctx, e.a, ids, card(payment.TestCardApprove), "")
		if err != nil {
			t.Fatal(err)
		}
		if c, err := e.pay.Cancel(ctx, e.a, ids[1], false); err != nil || c.Refund != nil {
			t.Fatalf("cancel before settlement: %v %+v", err, c)
		}
		if e.status(t, e.a, ids[1]) != shipment.Cancelled {
			t.Error("cancelled label not cancelled")
		}
		all := e.labels(t, e.a, 1)
		pAll := e.payCard(t, e.a, all)
		if _, err := e.pay.Cancel(ctx, e.a, all[0], false); err != nil {
			t.Fatal(err)
		}
		late := e.labels(t, e.a, 1)
		e.c.Set(hkt(23, 20, 1))
		pLate := e.payCard(t, e.a, late)
		captured, voided, total, err := e.pay.Settle(ctx, hkt(23, 20, 0))
		if err != nil || captured != 1 || voided != 1 || total != money.MustParse("140.00") {
			t.Fatalf("settlement: %d captured, %d voided, %v, %v", captured, voided, total, err)
		}
		got, rec := e.payment(t, p.ID), e.record(t, p.ID)
		if got.Status != payment.Settled || got.Captured != money.MustParse("140.00") || rec.Captured != money.MustParse("140.00") {
			t.Errorf("captured %v at the gateway %v; want 140.00 (two of three labels)", got.Captured, rec.Captured)
		}
		if got := e.payment(t, pAll.ID); got.Status != payment.Voided {
			t.Errorf("fully cancelled payment: %s", got.Status)
		}
		if got := e.payment(t, pLate.ID); got.Status != payment.Authorized {
			t.Errorf("paid after 20:00: %s; want left for tomorrow's settlement", got.Status)
		}
		// Settling again changes nothing; cancelling a settled payment's label opens a refund application.
		if c, v, _, err := e.pay.Settle(ctx, hkt(23, 20, 0)); err != nil || c != 0 || v != 0 { // the total: nothing to add when c and v are 0
			t.Errorf("second settlement run: %d %d, %v", c, v, err)
		}
		if c, err := e.pay.Cancel(ctx, e.a, ids[0], false); err != nil || c.Refund == nil || c.Refund.Amount != money.MustParse("70.00") {
			t.Errorf("cancel after settlement: %v %+v", err, c)
		}
		bal := e.checkBooks(t)
		if bal[payment.CardAuthorized] != pLate.Amount {
			t.Errorf("still authorised %v; want only the late payment's %v", bal[payment.CardAuthorized], pLate.Amount)
		}
	})
}

func BenchmarkPay20(b *testing.B) {
	st := storetest.Open(b, storetest.DSNs(b)["sqlite"])
	e := newEnv(b, st)
	for b.Loop() {
		b.StopTimer()
		ids := e.labels(b, e.a, 20)
		b.StartTimer()
		if _, err := e.pay.PayByCard(ctx, e.a, ids, card(payment.TestCardApprove), ""); err != nil {
			b.Fatal(err)
		}
	}
}

// The settlement goes through the day in batches, and a run interrupted after the gateway took
// its batch but before the books were written is finished by the next: captured once, booked once.
//
// rule: PAY-3
func TestSettlementInBatchesSurvivesAnInterruptedRun(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		e.pay.SettleBatch = 2
		e.c.Set(hkt(23, 10, 0))
		var payments []*payment.Payment
		for _, id := range e.labels(t, e.a, 5) {
			p, err := e.pay.PayByCard(ctx, e.a, []string{id}, card(payment.TestCardApprove), "")
			if err != nil {
				t.Fatal(err)
			}
			payments = append(payments, p)
		}
		// An earlier run began the first two and the gateway captured them; then the process stopped.
		begun, err := st.BeginSettleBatch(ctx, payment.Cutoff(hkt(23, 20, 0), catalog.HongKong), 2)
		if err != nil || len(begun) != 2 {
			t.Fatal(len(begun), err)
		}
		if answers, err := e.pay.Gateway.(payment.BatchSettler).SettleBatch(ctx, []payment.Settlement{{AuthID: begun[0].AuthID, Amount: begun[0].Amount}, {AuthID: begun[1].AuthID, Amount: begun[1].Amount}}); err != nil || answers[0] != nil || answers[1] != nil {
			t.Fatal(answers, err)
		}
		captured, voided, total, err := e.pay.Settle(ctx, hkt(23, 20, 0))
		if err != nil || captured != 5 || voided != 0 || total != payments[0].Amount*5 {
			t.Fatalf("settlement: %d captured, %d voided, %v, %v", captured, voided, total, err)
		}
		for _, p := range payments {
			got, rec := e.payment(t, p.ID), e.record(t, p.ID)
			if got.Status != payment.Settled || got.Captured != p.Amount || rec.Captured != p.Amount {
				t.Errorf("%s: %s captured %v, gateway %v", p.ID, got.Status, got.Captured, rec.Captured)
			}
		}
		bal := e.checkBooks(t)
		if bal[payment.CardAuthorized] != 0 || bal[payment.CardReceivable] != payments[0].Amount*5 {
			t.Errorf("books after settlement: %v", bal)
		}
	})
}

// BenchmarkSettle settles ECSHIP_BENCH_SETTLE payments (default 2,000) of one label each in one
// run of the 20:00 batch; the figure per payment times 100,000 is the budget's (under 30 s).
func BenchmarkSettle(b *testing.B) {
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("ECSHIP_BENCH_SETTLE")); err == nil && v > 0 {
		n = v
	}
	for b.Loop() {
		b.StopTimer()
		st := storetest.Open(b, storetest.DSNs(b)["sqlite"])
		e := newEnv(b, st)
		for done := 0; done < n; done += 20 {
			ids := e.labels(b, e.a, 20)
			for _, id := range ids {
				if _, err := e.pay.PayByCard(ctx, e.a, []string{id}, card(payment.TestCardApprove), ""); err != nil {
					b.Fatal(err)
				}
			}
		}
		e.c.Add(24 * time.Hour)
		b.StartTimer()
		captured, _, _, err := e.pay.Settle(ctx, e.c.Now())
		if err != nil || captured < n {
			b.Fatalf("settled %d of %d: %v", captured, n, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/payment")
}

// applyRefund cancels a label whose payment was settled and answers its refund application.
func applyRefund(e *env, o shipment.Owner, id string) (*payment.Refund, error) {
	c, err := e.pay.Cancel(ctx, o, id, true)
	if err != nil {
		return nil, err
	}
	return c.Refund, nil
}

// live is an admin acting on live data.
func live(u *account.User) shipment.Owner { return shipment.Owner{User: u, Mode: account.Live} }

// slowGateway holds every authorisation until released, as a gateway that answers late.
type slowGateway struct {
	*payment.TestGateway
	started, release chan struct{}
}

func (g *slowGateway) Authorize(ctx context.Context, req payment.AuthRequest) (payment.Authorization, error) {
	close(g.started)
	<-g.release
	return g.TestGateway.Authorize(ctx, req)
}

// An approval that comes after reconciliation gave up on its payment (and released the label) is
// voided at once: never a hold on a card for a label not paid.
func TestLateApprovalAfterReconciliationIsVoided(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		gw := &slowGateway{TestGateway: e.pay.Gateway.(*payment.TestGateway), started: make(chan struct{}), release: make(chan struct{})}
		e.pay.Gateway = gw
		ids := e.labels(t, e.a, 1)
		done := make(chan error, 1)
		var p *payment.Payment
		go func() {
			var err error
			p, err = e.pay.PayByCard(ctx, e.a, ids, card(payment.TestCardApprove), "")
			done <- err
		}()
		<-gw.started
		e.c.Set(e.c.Now().Add(payment.PendingGrace + time.Second))
		if n, err := e.pay.Reconcile(ctx); err != nil || n != 1 {
			t.Fatalf("reconcile: %d %v", n, err)
		}
		close(gw.release)
		if err := <-done; errs.CodeOf(err) != errs.Conflict {
			t.Fatalf("the late approval: %v; want a conflict", err)
		}
		rec, found, err := st.GatewayRecord(ctx, p.ID)
		if err != nil || !found || rec.Status != payment.GatewayVoided {
			t.Errorf("the late authorisation at the gateway: %s (found %v, %v)", rec.Status, found, err)
		}
		if e.status(t, e.a, ids[0]) != shipment.Ready {
			t.Errorf("label %s", e.status(t, e.a, ids[0]))
		}
		e.pay.Gateway = gw.TestGateway
		if _, err := e.pay.PayByCard(ctx, e.a, ids, card(payment.TestCardApprove), ""); err != nil {
			t.Errorf("paying again: %v", err)
		}
		e.checkBooks(t)
	})
}

// flakyGateway authorises, then loses the answer to an error that is not a timeout (a connection
// reset): the card may be held.
type flakyGateway struct{ *payment.TestGateway }

func (g flakyGateway) Authorize(ctx context.Context, req payment.AuthRequest) (payment.Authorization, error) {
	g.TestGateway.Authorize(ctx, req) // its answer is the one lost
	return payment.Authorization{}, errors.New("connection reset by peer")
}

// An unclear answer from the gateway is asked about at once: the card authorised there means the
// labels are paid here (it was a failed payment holding the card).
func TestUnclearGatewayAnswerIsReconciled(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		e.pay.Gateway = flakyGateway{e.pay.Gateway.(*payment.TestGateway)}
		ids := e.labels(t, e.a, 1)
		p, err := e.pay.PayByCard(ctx, e.a, ids, card(payment.TestCardApprove), "")
		if err != nil || p.Status != payment.Authorized || e.status(t, e.a, ids[0]) != shipment.Paid {
			t.Fatalf("after a connection reset: %v %+v", err, p)
		}
		e.checkBooks(t)
	})
}

// refusingGateway refuses to settle one authorisation (an error that is not a conflict).
type refusingGateway struct {
	*payment.TestGateway
	refuse string
}

func (g refusingGateway) SettleBatch(ctx context.Context, items []payment.Settlement) ([]error, error) {
	var keep []payment.Settlement
	for _, it := range items {
		if it.AuthID != g.refuse {
			keep = append(keep, it)
		}
	}
	answers, err := g.TestGateway.SettleBatch(ctx, keep)
	if err != nil {
		return nil, err
	}
	out := make([]error, len(items))
	j := 0
	for i, it := range items {
		if it.AuthID == g.refuse {
			out[i] = errors.New("acquirer: line rejected")
			continue
		}
		out[i], j = answers[j], j+1
	}
	return out, nil
}

// One settlement line the gateway refuses does not hold up the others: they are captured and
// booked; the refused payment stays settling, and the next run settles it (found by review: the
// whole batch stopped before booking, run after run).
func TestOneRefusedSettlementLineHoldsUpNothingElse(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		e.c.Set(hkt(23, 10, 0))
		var pays []*payment.Payment
		for range 5 {
			p, err := e.pay.PayByCard(ctx, e.a, e.labels(t, e.a, 1), card(payment.TestCardApprove), "")
			if err != nil {
				t.Fatal(err)
			}
			pays = append(pays, p)
		}
		base := e.pay.Gateway.(*payment.TestGateway)
		e.pay.Gateway = refusingGateway{TestGateway: base, refuse: pays[2].AuthID}
		captured, _, _, err := e.pay.Settle(ctx, hkt(23, 21, 0))
		if err == nil || captured != 4 {
			t.Fatalf("settlement with one refused line: %d captured, %v; want 4 and an error", captured, err)
		}
		for i, p := range pays {
			got := e.payment(t, p.ID)
			want := payment.Settled
			if i == 2 {
				want = payment.Settling
			}
			if got.Status != want {
				t.Errorf("payment %d: %s; want %s", i, got.Status, want)
			}
		}
		e.checkBooks(t)
		e.pay.Gateway = base
		if captured, _, _, err := e.pay.Settle(ctx, hkt(23, 21, 0)); err != nil || captured != 1 {
			t.Errorf("the next run: %d captured, %v", captured, err)
		}
		e.checkBooks(t)
	})
}
