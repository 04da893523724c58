package counter_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/testenv"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/counter"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/i18n"
	"github.com/ecship/ecship/internal/label"
	"github.com/ecship/ecship/internal/money"
	"github.com/ecship/ecship/internal/payment"
	"github.com/ecship/ecship/internal/shipment"
	"github.com/ecship/ecship/internal/store"
	"github.com/ecship/ecship/internal/store/storetest"
	"github.com/ecship/ecship/internal/tracking"
)

var ctx = context.Background()

type clock = testenv.Clock

type env struct {
	st      *store.Store
	cat     *catalog.Catalog
	c       *clock
	ship    *shipment.Service
	pay     *payment.Service
	refunds *payment.Refunds
	ctr     *counter.Service
	sender  shipment.Owner
	staff   *account.User
	staff2  *account.User
	admin   *account.User
}

func newEnv(t testing.TB, st *store.Store) *env {
	t.Helper()
	cat := testenv.Catalog(t)
	c := testenv.NewClock(time.Date(2026, 11, 23, 10, 0, 0, 0, catalog.HongKong))
	acc := testenv.Accounts(t, st, c.Now)
	user := func(login string, role account.Role) *account.User {
		return testenv.User(t, acc, login, login+"@example.hk", role)
	}
	e := &env{st: st, cat: cat, c: c}
	e.sender = shipment.Owner{User: user("shop", account.Sender), Mode: account.Live}
	e.staff, e.staff2, e.admin = user("clerk", account.Counter), user("clerk2", account.Counter), user("ops", account.Admin)
	e.ship = &shipment.Service{Store: st, Catalog: cat, Now: c.Now}
	gw := &payment.TestGateway{Book: st, Now: c.Now}
	e.pay = &payment.Service{Store: st, Deposits: st, Gateway: gw, Log: slog.New(slog.DiscardHandler), Now: c.Now}
	e.refunds = &payment.Refunds{Store: st, Payments: st, Deposits: st, Gateway: gw, Now: c.Now}
	e.ctr = &counter.Service{Store: st, Catalog: cat, Now: c.Now}
	return e
}

// label prepares a ready label of service with the weight on it.
func (e *env) label(t testing.TB, service string, weightG int) *shipment.Shipment {
	t.Helper()
	s := &shipment.Shipment{Service: service, Reference: "ORDER-1", WeightG: weightG,
		Sender:    shipment.Address{Name: "陳大文", Lines: []string{"8 Nathan Road"}, City: "Kowloon", Country: "HK", Phone: "85291234567"},
		Recipient: shipment.Address{Name: "李小明", Lines: []string{"1 Queen's Road Central"}, Country: "HK"}}
	if service == "EMS" {
		s.Recipient = shipment.Address{Name: "山田 太郎", Lines: []string{"1-1 Marunouchi"}, City: "Tokyo", PostalCode: "100-0005", Country: "JP"}
		s.Contents = &shipment.Contents{Category: "sale", Items: []shipment.Article{{Description: "Silk scarf", Quantity: 1, WeightG: 200,
			Value: money.MustParse("380.00"), Currency: "HKD", HSCode: "621410", Origin: "HK"}}}
	}
	if err := e.ship.Create(ctx, e.sender, []*shipment.Shipment{s}, false); err != nil {
		t.Fatal(err)
	}
	return s
}

// paid prepares a label and pays for it by card.
func (e *env) paid(t testing.TB, service string, weightG int) *shipment.Shipment {
	t.Helper()
	s := e.label(t, service, weightG)
	if _, err := e.pay.PayByCard(ctx, e.sender, []string{s.ID}, payment.Card{Number: "4111111111111111", ExpMonth: 12, ExpYear: 2028, CVC: "123"}, ""); err != nil {
		t.Fatal(err)
	}
	return s
}

// priceAt is the label's total at another weight.
func (e *env) priceAt(t testing.TB, s *shipment.Shipment, weightG int) money.Cents {
	t.Helper()
	c := *s
	c.WeightG = weightG
	if fe := shipment.Check(e.cat, &c, e.c.Now()); len(fe) > 0 {
		t.Fatal(fe.Err())
	}
	return c.Total
}

// balances is the ledger's balance of each account, failing the test when it cannot be read.
func (e *env) balances(t testing.TB) map[string]money.Cents {
	t.Helper()
	bal, err := e.st.LedgerBalances(ctx)
	if err != nil {
		t.Fatalf("ledger balances: %v", err)
	}
	return bal
}

// session is the clerk's session id as it stands, failing the test when it cannot be read.
func (e *env) session(t testing.TB, clerk *account.User, id string) *counter.Session {
	t.Helper()
	sess, err := e.ctr.Get(ctx, live(clerk), id)
	if err != nil {
		t.Fatalf("session %s: %v", id, err)
	}
	return sess
}

func (e *env) open(t testing.TB, card string) *counter.Session {
	t.Helper()
	sess, err := e.ctr.Open(ctx, counter.Clerk{User: e.staff, Mode: account.Live}, "GPO", card)
	if err != nil {
		t.Fatal(err)
	}
	return sess
}

func (e *env) stored(t testing.TB, id string) *shipment.Shipment {
	t.Helper()
	s, err := e.st.ShipmentByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func wantKey(t *testing.T, err error, key string) {
	t.Helper()
	e := errs.As(err)
	got := ""
	if e != nil {
		got = e.Message.Key
		if len(e.Fields) > 0 {
			got = e.Fields[0].Field + ": " + e.Fields[0].Key
		}
	}
	if got != key {
		t.Fatalf("error %v; want %s", err, key)
	}
}

// rule: CTR-2, CTR-3, CTR-5
func TestHeavierItemPaysTheDifferenceAtTheCounter(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		s := e.paid(t, "LPL", 2500)
		sess := e.open(t, "")
		heavier := e.priceAt(t, s, 4800)
		if heavier <= s.Total {
			t.Fatalf("4.8 kg costs %v, 2.5 kg %v: the test needs a dearer weight", heavier, s.Total)
		}
		it, err := e.ctr.Scan(ctx, live(e.staff), sess.ID, counter.ScanInput{ItemNo: s.ItemNo, WeightG: 4800})
		if err != nil {
			t.Fatal(err)
		}
		due := heavier - s.Total
		if it.Status != counter.AwaitingPayment || it.WeightG != 4800 || it.Postage != heavier || it.PaidBefore != s.Total || it.Due() != due || it.Refundable != 0 {
			t.Fatalf("item %+v; want awaiting %v at 4800 g, %v paid before", it, due, s.Total)
		}
		if got := e.stored(t, s.ID); got.Status != shipment.Paid || got.WeightG != 2500 {
			t.Fatalf("label %s %d g before the make-up payment; want still paid at 2500 g", got.Status, got.WeightG)
		}
		_, err = e.ctr.Close(ctx, live(e.staff), sess.ID)
		wantKey(t, err, "counter.close.due")
		_, err = e.ctr.Pay(ctx, live(e.staff), sess.ID, "cash", due+1, "k1")
		wantKey(t, err, "amount: counter.amount.over_due")
		_, err = e.ctr.Pay(ctx, live(e.staff), sess.ID, "cheque", due, "k1")
		wantKey(t, err, "method: counter.method.unknown")

		// Part in cash, the rest by Octopus; the cash payment sent twice counts once.
		half := due / 2
		for range 2 {
			if sess, err = e.ctr.Pay(ctx, live(e.staff), sess.ID, "cash", half, "k1"); err != nil {
				t.Fatal(err)
			}
		}
		if sess.Items[0].Status != counter.AwaitingPayment || sess.Due() != due-half {
			t.Fatalf("after part payment: item %s, due %v; want awaiting, %v", sess.Items[0].Status, sess.Due(), due-half)
		}
		if sess, err = e.ctr.Pay(ctx, live(e.staff), sess.ID, "Octopus", due-half, "k2"); err != nil {
			t.Fatal(err)
		}
		it = sess.Items[0]
		if it.Status != counter.Posted || it.PaidHere != due || it.Due() != 0 || sess.Due() != 0 {
			t.Fatalf("after paying: %+v, session due %v; want posted with %v paid here", it, sess.Due(), due)
		}
		got := e.stored(t, s.ID)
		if got.Status != shipment.Posted || got.WeightG != 4800 || got.Total != heavier || got.PostedOffice != "GPO" || got.PostedAt == nil {
			t.Fatalf("label after posting: %s %d g %v at %q; want posted at GPO at 4800 g for %v", got.Status, got.WeightG, got.Total, got.PostedOffice, heavier)
		}
		tracked, err := st.TrackedItems(ctx, []string{s.ItemNo})
		if err != nil {
			t.Fatal(err)
		}
		var events []tracking.Event
		if it := tracked[s.ItemNo]; it != nil {
			events = it.Events
		}
		if len(events) != 1 || events[0].Code != tracking.Posted || events[0].Office != "GPO" || events[0].Country != "HK" {
			t.Fatalf("events %+v; want one posting event at GPO", events)
		}
		sess, err = e.ctr.Close(ctx, live(e.staff), sess.ID)
		if err != nil {
			t.Fatal(err)
		}
		if sess.Status != counter.Closed || sess.ReceiptNo == "" {
			t.Fatalf("closed session %+v", sess)
		}
		_, err = e.ctr.Pay(ctx, live(e.staff), sess.ID, "cash", 100, "k3")
		wantKey(t, err, "counter.session.closed")
		// The receipt has the item and both payments.
		r := counter.ReceiptOf(e.cat, sess, i18n.English)
		if len(r.Items) != 1 || r.Items[0].ItemNo != s.ItemNo || r.Items[0].PaidHere != due || len(r.Payments) != 2 || r.Office != "General Post Office" {
			t.Fatalf("receipt %+v", r)
		}
		var pdf bytes.Buffer
		if err := label.RenderReceipt(&pdf, r); err != nil || pdf.Len() < 1000 {
			t.Fatalf("receipt PDF: %d bytes, %v", pdf.Len(), err)
		}
		// The books: the counter's takings are in the ledger and the postage is earned.
		bal := e.balances(t)
		if bal[payment.CounterAccount("cash")] != half || bal[payment.CounterAccount("octopus")] != due-half ||
			bal[payment.PostageRevenue] != -heavier || bal[payment.PostageUnearned] != 0 {
			t.Fatalf("ledger %v", bal)
		}
	})
}

// rule: CTR-4
func TestLighterItemMakesTheDifferenceRefundable(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		s := e.paid(t, "LPL", 4800)
		lighter := e.priceAt(t, s, 1200)
		sess := e.open(t, "")
		it, err := e.ctr.Scan(ctx, live(e.staff), sess.ID, counter.ScanInput{ItemNo: s.ItemNo, WeightG: 1200})
		if err != nil {
			t.Fatal(err)
		}
		over := s.Total - lighter
		if it.Status != counter.Posted || it.Refundable != over || it.Due() != 0 || over <= 0 {
			t.Fatalf("item %+v; want posted with %v refundable", it, over)
		}
		list, err := e.refunds.Mine(ctx, e.sender)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].Reason != payment.ReasonOverpayment || list[0].Amount != over || list[0].Status != payment.RefundSubmitted {
			t.Fatalf("refund applications %+v; want one overpayment of %v", list, over)
		}
		// Approving waits for the payment to be captured; after the 20:00 settlement it refunds.
		_, err = e.refunds.Vet(ctx, shipment.Owner{User: e.admin, Mode: account.Live}, list[0].ID, true, "")
		wantKey(t, err, "refund.await_settlement")
		e.c.Add(11 * time.Hour)
		if _, _, _, err := e.pay.Settle(ctx, e.c.Now()); err != nil {
			t.Fatal(err)
		}
		r, err := e.refunds.Vet(ctx, shipment.Owner{User: e.admin, Mode: account.Live}, list[0].ID, true, "")
		if err != nil || r.Status != payment.RefundRefunded {
			t.Fatalf("vet after settlement: %+v, %v", r, err)
		}
		bal := e.balances(t)
		if bal[payment.PostageUnearned] != 0 || bal[payment.PostageRevenue] != -lighter || bal[payment.CardReceivable] != lighter {
			t.Fatalf("ledger %v; want %v earned and held", bal, lighter)
		}
	})
}

// rule: CTR-3
func TestUnpaidLabelIsPaidInFullAndInsuranceChanged(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		s := e.label(t, "EMS", 800)
		sess := e.open(t, "SP 1234 5678")
		insured := money.MustParse("1200.00")
		it, err := e.ctr.Scan(ctx, live(e.staff), sess.ID, counter.ScanInput{ItemNo: s.ItemNo, WeightG: 800, Insurance: &insured})
		if err != nil {
			t.Fatal(err)
		}
		c := *s
		c.Insurance = insured
		shipment.Check(e.cat, &c, e.c.Now())
		if c.Premium == 0 || it.Postage != c.Total || it.PaidBefore != 0 || it.Due() != c.Total || it.Insurance != insured {
			t.Fatalf("item %+v; want %v due with %v premium", it, c.Total, c.Premium)
		}
		// rule: PAY-7
		if want := int((c.Postage + c.Fees) / 100); it.BonusPoints != want || want == 0 {
			t.Fatalf("bonus points %d; want %d (one per HK$1 of Speedpost postage)", it.BonusPoints, want)
		}
		if sess, err = e.ctr.Pay(ctx, live(e.staff), sess.ID, "fps", c.Total, ""); err != nil {
			t.Fatal(err)
		}
		got := e.stored(t, s.ID)
		if sess.Items[0].Status != counter.Posted || got.Status != shipment.Posted || got.Insurance != insured || got.Total != c.Total {
			t.Fatalf("after paying: item %s, label %s insured %v for %v", sess.Items[0].Status, got.Status, got.Insurance, got.Total)
		}
		// Without the card, no points.
		s2 := e.label(t, "EMS", 800)
		sess2 := e.open(t, "")
		it2, err := e.ctr.Scan(ctx, live(e.staff), sess2.ID, counter.ScanInput{ItemNo: s2.ItemNo, WeightG: 800})
		if err != nil || it2.BonusPoints != 0 {
			t.Fatalf("no card: %d points, %v", it2.BonusPoints, err)
		}
	})
}

// rule: CTR-6
func TestRefusedLabels(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		cancelled := e.paid(t, "LPL", 1000)
		if _, err := e.pay.Cancel(ctx, e.sender, cancelled.ID, false); err != nil {
			t.Fatal(err)
		}
		expiring := e.label(t, "LPL", 1000)
		incomplete := &shipment.Shipment{Service: "LPL", WeightG: 1000}
		if err := e.ship.Create(ctx, e.sender, []*shipment.Shipment{incomplete}, true); err != nil {
			t.Fatal(err)
		}
		sess := e.open(t, "")
		scan := func(itemNo string, g int) error {
			_, err := e.ctr.Scan(ctx, live(e.staff), sess.ID, counter.ScanInput{ItemNo: itemNo, WeightG: g})
			return err
		}
		wantKey(t, scan(cancelled.ItemNo, 1000), "counter.item.cancelled")
		wantKey(t, scan("EE123456785HK", 1000), "item_no: counter.item.unknown")
		wantKey(t, scan("EE123456784HK", 1000), "item_no: s10.check_digit")
		wantKey(t, scan("hello", 1000), "item_no: s10.format")
		wantKey(t, scan(expiring.ItemNo, 0), "weight_g: counter.weight.required")
		wantKey(t, scan(expiring.ItemNo, 40000), "weight_g: quote.reason.too_heavy")
		e.c.Add(shipment.LabelValidity)
		wantKey(t, scan(expiring.ItemNo, 1000), "counter.item.expired")

		// Test labels are for test sessions.
		sandbox := shipment.Owner{User: e.sender.User, Mode: account.Test}
		tl := &shipment.Shipment{Service: "LPL", WeightG: 1000, Sender: expiring.Sender, Recipient: expiring.Recipient}
		if err := e.ship.Create(ctx, sandbox, []*shipment.Shipment{tl}, false); err != nil {
			t.Fatal(err)
		}
		wantKey(t, scan(tl.ItemNo, 1000), "item_no: counter.item.unknown")
		tsess, err := e.ctr.Open(ctx, counter.Clerk{User: e.staff, Mode: account.Test}, "GPO", "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.ctr.Scan(ctx, counter.Clerk{User: e.staff, Mode: account.Test}, tsess.ID, counter.ScanInput{ItemNo: tl.ItemNo, WeightG: 1000}); err != nil {
			t.Fatalf("test label in a test session: %v", err)
		}
	})
}

// rule: CTR-1
func TestSessionsAndRoles(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		_, err := e.ctr.Open(ctx, counter.Clerk{User: e.sender.User, Mode: account.Live}, "GPO", "")
		wantKey(t, err, "error.forbidden")
		_, err = e.ctr.Open(ctx, counter.Clerk{User: e.staff, Mode: account.Live}, "MP1", "")
		wantKey(t, err, "office: counter.office.mobile")
		_, err = e.ctr.Open(ctx, counter.Clerk{User: e.staff, Mode: account.Live}, "XYZ", "")
		wantKey(t, err, "office: counter.office.unknown")
		_, err = e.ctr.Open(ctx, counter.Clerk{User: e.staff, Mode: account.Live}, "GPO", "card-with-dashes!")
		wantKey(t, err, "speedpost_card: counter.card.invalid")
		sess := e.open(t, "")
		if _, err := e.ctr.Get(ctx, live(e.staff2), sess.ID); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("another clerk's session: %v; want not found", err)
		}
		if _, err := e.ctr.Get(ctx, live(e.admin), sess.ID); err != nil {
			t.Fatalf("admin: %v", err)
		}
		// The same clerk in test mode does not find the live session (TRK-10's separation).
		if _, err := e.ctr.Get(ctx, counter.Clerk{User: e.staff, Mode: account.Test}, sess.ID); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("a live session from test mode: %v; want not found", err)
		}
		if _, err := e.ctr.Get(ctx, live(e.sender.User), sess.ID); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("sender: %v; want forbidden", err)
		}
		// One label, one counter: the second session cannot take it.
		s := e.paid(t, "LPL", 2500)
		heavy := 4800
		if _, err := e.ctr.Scan(ctx, live(e.staff), sess.ID, counter.ScanInput{ItemNo: s.ItemNo, WeightG: heavy}); err != nil {
			t.Fatal(err)
		}
		other, err := e.ctr.Open(ctx, counter.Clerk{User: e.staff2, Mode: account.Live}, "TST", "")
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.ctr.Scan(ctx, live(e.staff2), other.ID, counter.ScanInput{ItemNo: s.ItemNo, WeightG: heavy})
		wantKey(t, err, "counter.item.elsewhere")
		// The customer takes it back: removed, it can be scanned elsewhere and weighed again.
		if _, err := e.ctr.Remove(ctx, live(e.staff), sess.ID, s.ItemNo); err != nil {
			t.Fatal(err)
		}
		it, err := e.ctr.Scan(ctx, live(e.staff2), other.ID, counter.ScanInput{ItemNo: s.ItemNo, WeightG: 2500})
		if err != nil || it.Status != counter.Posted {
			t.Fatalf("scan elsewhere after removal: %+v, %v", it, err)
		}
		_, err = e.ctr.Scan(ctx, live(e.staff2), other.ID, counter.ScanInput{ItemNo: s.ItemNo, WeightG: 2500})
		wantKey(t, err, "counter.item.accepted")
		fresh := e.open(t, "")
		_, err = e.ctr.Scan(ctx, live(e.staff), fresh.ID, counter.ScanInput{ItemNo: s.ItemNo, WeightG: 2500})
		wantKey(t, err, "counter.item.posted")
	})
}

// Two payments racing for what is due: the books never take more than is due.
func TestRacingCounterPayments(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		s := e.label(t, "LPL", 2500)
		sess := e.open(t, "")
		it, err := e.ctr.Scan(ctx, live(e.staff), sess.ID, counter.ScanInput{ItemNo: s.ItemNo, WeightG: 2500})
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		results := make([]error, 4)
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, results[i] = e.ctr.Pay(ctx, live(e.staff), sess.ID, "cash", it.Due(), fmt.Sprint("race-", i))
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range results {
			if err == nil {
				ok++
			}
		}
		got := e.session(t, e.staff, sess.ID)
		if ok != 1 || got.Taken() != it.Due() || got.Items[0].Status != counter.Posted {
			t.Fatalf("%d payments won, %v taken for %v due: %v", ok, got.Taken(), it.Due(), results)
		}
	})
}

// Events after posting move the label along: in transit, then delivered.
func TestEventsFollowThePostedLabel(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		s := e.paid(t, "LPL", 2500)
		sess := e.open(t, "")
		if _, err := e.ctr.Scan(ctx, live(e.staff), sess.ID, counter.ScanInput{ItemNo: s.ItemNo, WeightG: 2500}); err != nil {
			t.Fatal(err)
		}
		tr := &tracking.Service{Store: st, Catalog: e.cat, Now: func() time.Time { return e.c.Now().Add(72 * time.Hour) }}
		// Forward only: a scan after delivery does not move the label back.
		for _, c := range []struct{ code, want string }{{"EDD", "in_transit"}, {"EMI", "delivered"}, {"EDE", "delivered"}} {
			ev, fe := tr.Check(tracking.Input{ItemNo: s.ItemNo, Code: c.code, Time: e.c.Now().Add(24 * time.Hour).Format(time.RFC3339), Country: "HK"}, tracking.FromAPI)
			if len(fe) > 0 {
				t.Fatal(fe.Err())
			}
			if _, err := tr.Record(ctx, []tracking.Event{ev}); err != nil {
				t.Fatal(err)
			}
			if got := e.stored(t, s.ID).Status; string(got) != c.want {
				t.Errorf("after %s the label is %s; want %s", c.code, got, c.want)
			}
			e.c.Add(time.Hour)
		}
	})
}

// Money taken that no item used goes back as change at closing, and the books still balance.
// rule: CTR-3, CTR-5
func TestLeftoverMoneyIsGivenBackAtClosing(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		s := e.label(t, "LPL", 2500)
		sess := e.open(t, "")
		it, err := e.ctr.Scan(ctx, live(e.staff), sess.ID, counter.ScanInput{ItemNo: s.ItemNo, WeightG: 4800})
		if err != nil {
			t.Fatal(err)
		}
		part := it.Due() - 100
		if _, err := e.ctr.Pay(ctx, live(e.staff), sess.ID, "cash", part, "k1"); err != nil {
			t.Fatal(err)
		}
		// Weighed again, lighter: the cheaper postage is covered by what was taken.
		light, err := e.ctr.Scan(ctx, live(e.staff), sess.ID, counter.ScanInput{ItemNo: s.ItemNo, WeightG: 500})
		if err != nil || light.Status != counter.Posted || light.PaidHere != light.Postage {
			t.Fatalf("re-weighed lighter: %+v, %v", light, err)
		}
		sess, err = e.ctr.Close(ctx, live(e.staff), sess.ID)
		if err != nil {
			t.Fatal(err)
		}
		change := part - light.Postage
		last := sess.Payments[len(sess.Payments)-1]
		if len(sess.Payments) != 2 || last.Amount != -change || last.Method != "cash" || sess.Taken() != light.Postage {
			t.Fatalf("payments %+v; want %v change given in cash", sess.Payments, change)
		}
		if r := counter.ReceiptOf(e.cat, sess, i18n.English); r.Payments[1].Method != "change:cash" || r.Payments[1].Amount != -change {
			t.Errorf("receipt payments %+v", r.Payments)
		}
		bal := e.balances(t)
		if bal[payment.CounterAccount("cash")] != light.Postage || bal[payment.PostageUnearned] != 0 || bal[payment.PostageRevenue] != -light.Postage {
			t.Fatalf("ledger %v", bal)
		}
	})
}

// A label cancelled online while it waits at the counter can be taken back, and what was paid
// towards it is given back: the session never gets stuck.
func TestCancelledWhileWaiting(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		s := e.paid(t, "LPL", 2500)
		sess := e.open(t, "")
		it, err := e.ctr.Scan(ctx, live(e.staff), sess.ID, counter.ScanInput{ItemNo: s.ItemNo, WeightG: 4800})
		if err != nil {
			t.Fatal(err)
		}
		half := it.Due() / 2
		if _, err := e.ctr.Pay(ctx, live(e.staff), sess.ID, "octopus", half, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := e.pay.Cancel(ctx, e.sender, s.ID, false); err != nil {
			t.Fatal(err)
		}
		_, err = e.ctr.Pay(ctx, live(e.staff), sess.ID, "octopus", it.Due()-half, "")
		wantKey(t, err, "counter.item.cancelled")
		if _, err := e.ctr.Remove(ctx, live(e.staff), sess.ID, s.ItemNo); err != nil {
			t.Fatal(err)
		}
		sess, err = e.ctr.Close(ctx, live(e.staff), sess.ID)
		if err != nil || sess.Taken() != 0 || len(sess.Payments) != 2 {
			t.Fatalf("closed: %+v, %v; want the %v given back", sess, err, half)
		}
	})
}

// Items keep their scanning order when one is taken back.
func TestScanningOrderAfterRemoval(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		a, b, c := e.label(t, "LPL", 2500), e.label(t, "LPL", 2500), e.label(t, "LPL", 2500)
		sess := e.open(t, "")
		for _, x := range []*shipment.Shipment{a, b} {
			if _, err := e.ctr.Scan(ctx, live(e.staff), sess.ID, counter.ScanInput{ItemNo: x.ItemNo, WeightG: 2500}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.ctr.Remove(ctx, live(e.staff), sess.ID, a.ItemNo); err != nil {
			t.Fatal(err)
		}
		if _, err := e.ctr.Scan(ctx, live(e.staff), sess.ID, counter.ScanInput{ItemNo: c.ItemNo, WeightG: 2500}); err != nil {
			t.Fatal(err)
		}
		got := e.session(t, e.staff, sess.ID)
		if len(got.Items) != 2 || got.Items[0].ItemNo != b.ItemNo || got.Items[1].ItemNo != c.ItemNo || got.Items[0].Seq == got.Items[1].Seq {
			t.Fatalf("items %s(%d) %s(%d); want %s then %s", got.Items[0].ItemNo, got.Items[0].Seq, got.Items[1].ItemNo, got.Items[1].Seq, b.ItemNo, c.ItemNo)
		}
	})
}

// live is a member of staff at a live counter.
func live(u *account.User) counter.Clerk { return counter.Clerk{User: u, Mode: account.Live} }
