package app_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/app"
	"github.com/ecship/ecship/internal/counter"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/payment"
	"github.com/ecship/ecship/internal/shipment"
	"github.com/ecship/ecship/internal/store/storetest"
)

// The races of a label's life, each run for real on SQLite and PostgreSQL by many goroutines at
// once; each ends with the invariant asserted and the books proved (ledger check: every paid
// label held exactly its price, no cancelled label charged without a refund application, every
// posted label fully paid). ECSHIP_RACE_ROUNDS multiplies the rounds (default 1). The same races
// between two `ecship serve` processes on one PostgreSQL are in internal/racetest.

func raceRounds(n int) int {
	if m, err := strconv.Atoi(os.Getenv("ECSHIP_RACE_ROUNDS")); err == nil && m > 0 {
		return n * m
	}
	return n
}

// raceEnv is a running ecship with a sender, counter staff and an admin, acting live.
type raceEnv struct {
	a      *app.App
	sender shipment.Owner
	clerk  counter.Clerk
	admin  shipment.Owner
}

func newRaceEnv(t *testing.T, dsn string) *raceEnv {
	t.Helper()
	a, _ := start(t, dsn, nil)
	ctx := context.Background()
	user := func(login string, role account.Role) *account.User {
		u, err := a.Accounts.CreateUser(ctx, login, login+"@example.hk", "harbour-view-8", role)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	return &raceEnv{a: a, sender: shipment.Owner{User: user("racer", account.Sender), Mode: account.Live},
		clerk: counter.Clerk{User: user("raceclerk", account.Counter), Mode: account.Live},
		admin: shipment.Owner{User: user("raceadmin", account.Admin), Mode: account.Live}}
}

// label prepares a ready local parcel of weightG.
func (e *raceEnv) label(t *testing.T, weightG int) *shipment.Shipment {
	t.Helper()
	s := &shipment.Shipment{Service: "LPL", Reference: "RACE", WeightG: weightG,
		Sender:    shipment.Address{Name: "陳大文", Lines: []string{"8 Nathan Road"}, City: "Kowloon", Country: "HK", Phone: "85291234567"},
		Recipient: shipment.Address{Name: "李小明", Lines: []string{"1 Queen's Road Central"}, City: "Central", Country: "HK"}}
	if err := e.a.Shipments.Create(context.Background(), e.sender, []*shipment.Shipment{s}, false); err != nil {
		t.Fatal(err)
	}
	return s
}

func raceCard() payment.Card {
	return payment.Card{Number: payment.TestCardApprove, ExpMonth: 12, ExpYear: time.Now().Year() + 2, CVC: "123"}
}

// paidLabel is a ready label paid by card in a payment of its own.
func (e *raceEnv) paidLabel(t *testing.T, weightG int) *shipment.Shipment {
	t.Helper()
	s := e.label(t, weightG)
	if _, err := e.a.Payments.PayByCard(context.Background(), e.sender, []string{s.ID}, raceCard(), ""); err != nil {
		t.Fatal(err)
	}
	return s
}

func (e *raceEnv) get(t *testing.T, id string) *shipment.Shipment {
	t.Helper()
	s, err := e.a.Shipments.Get(context.Background(), e.sender, id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// jitter waits up to 1.5 ms, so that racing callers meet at every point of each other's work.
func jitter() { time.Sleep(time.Duration(rand.IntN(1500)) * time.Microsecond) }

// booksBalance fails the test unless `ecship ledger check` would pass.
func booksBalance(t *testing.T, a *app.App) {
	t.Helper()
	r, err := a.LedgerCheck(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range r.Problems {
		t.Errorf("ledger check: %s", p)
	}
}

// conflictOnly fails the test on an error other than a lost race (a conflict or refusal that names why).
func conflictOnly(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil && errs.CodeOf(err) != errs.Conflict {
		t.Errorf("%s: %v (want success or a conflict)", what, err)
	}
}

// rule: PAY-3
// Finding 1: the 20:00 settlement runs in batches while every label is cancelled twice at once. A
// cancellation either wins before the capture (never charged) or after (a refund application);
// exactly one of the two cancellations of a label wins.
func TestRaceCancelAgainstSettlement(t *testing.T) {
	for name, dsn := range storetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			e := newRaceEnv(t, dsn)
			ctx := context.Background()
			n := raceRounds(120)
			ids := make([]string, n)
			for i := range ids {
				ids[i] = e.paidLabel(t, 500).ID
			}
			e.a.Payments.SettleBatch = 7 // many small batches, so cancellations land between them
			jobs := make(chan string, 2*n)
			for _, i := range rand.Perm(2 * n) {
				jobs <- ids[i%n]
			}
			close(jobs)
			var voids, refunds, lost atomic.Int64
			wins := make([]atomic.Int32, n)
			index := map[string]int{}
			for i, id := range ids {
				index[id] = i
			}
			var wg sync.WaitGroup
			wg.Go(func() {
				if _, _, _, err := e.a.Payments.Settle(ctx, time.Now().Add(48*time.Hour)); err != nil {
					t.Errorf("settle: %v", err)
				}
			})
			for range 8 {
				wg.Go(func() {
					for id := range jobs {
						c, err := e.a.Payments.Cancel(ctx, e.sender, id, false)
						conflictOnly(t, "cancel", err)
						switch {
						case err != nil:
							lost.Add(1)
						case c.Refund != nil:
							refunds.Add(1)
							wins[index[id]].Add(1)
						default:
							voids.Add(1)
							wins[index[id]].Add(1)
						}
					}
				})
			}
			wg.Wait()
			for i := range wins {
				if w := wins[i].Load(); w != 1 {
					t.Errorf("label %s: %d cancellations won; want exactly 1", ids[i], w)
				}
			}
			if _, _, _, err := e.a.Payments.Settle(ctx, time.Now().Add(48*time.Hour)); err != nil {
				t.Fatal(err)
			}
			t.Logf("%d labels: %d cancelled before the capture, %d with a refund application, %d lost races", n, voids.Load(), refunds.Load(), lost.Load())
			booksBalance(t, e.a)
		})
	}
}

// rule: CTR-3
// Finding 2: a paid label is scanned at a counter and cancelled by its sender at the same moment.
// Never both: a posted label is fully paid, a cancelled one is not in the mail.
func TestRaceCounterAgainstCancel(t *testing.T) {
	for name, dsn := range storetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			e := newRaceEnv(t, dsn)
			ctx := context.Background()
			var posted, cancelled int
			for range raceRounds(40) {
				s := e.paidLabel(t, 1000)
				sess, err := e.a.Counter.Open(ctx, e.clerk, "GPO", "")
				if err != nil {
					t.Fatal(err)
				}
				var scanErr, cancelErr error
				var wg sync.WaitGroup
				wg.Go(func() {
					_, scanErr = e.a.Counter.Scan(ctx, e.clerk, sess.ID, counter.ScanInput{ItemNo: s.ItemNo, WeightG: 1000})
				})
				wg.Go(func() {
					jitter() // the scan reads more before it writes: give it a head start, sometimes
					_, cancelErr = e.a.Payments.Cancel(ctx, e.sender, s.ID, false)
				})
				wg.Wait()
				conflictOnly(t, "scan", scanErr)
				conflictOnly(t, "cancel", cancelErr)
				got := e.get(t, s.ID).Status
				switch {
				case scanErr == nil && cancelErr == nil:
					t.Errorf("label %s both posted and cancelled (now %s)", s.ItemNo, got)
				case scanErr == nil && got != shipment.Posted, cancelErr == nil && got != shipment.Cancelled:
					t.Errorf("label %s is %s after scan %v, cancel %v", s.ItemNo, got, scanErr, cancelErr)
				case scanErr == nil:
					posted++
				case cancelErr == nil:
					cancelled++
				default:
					t.Errorf("label %s: neither the counter nor the sender won (%v; %v)", s.ItemNo, scanErr, cancelErr)
				}
			}
			t.Logf("%d posted, %d cancelled", posted, cancelled)
			booksBalance(t, e.a)
		})
	}
}

// rule: PAY-2
// Finding 3: the sender raises a label's weight while paying for it. The payment holds exactly the
// label's price: the edit loses (the label is held by the payment), or the payment does (the label
// changed since it was priced), or they follow one another.
func TestRaceEditAgainstPayment(t *testing.T) {
	for name, dsn := range storetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			e := newRaceEnv(t, dsn)
			ctx := context.Background()
			outcomes := map[string]int{}
			for range raceRounds(60) {
				s := e.label(t, 500)
				heavier := *s
				heavier.WeightG = 1900
				var editErr, payErr error
				var p *payment.Payment
				var wg sync.WaitGroup
				wg.Go(func() {
					jitter()
					_, editErr = e.a.Shipments.Update(ctx, e.sender, s.ID, &heavier, false)
				})
				wg.Go(func() { p, payErr = e.a.Payments.PayByCard(ctx, e.sender, []string{s.ID}, raceCard(), "") })
				wg.Wait()
				conflictOnly(t, "edit", editErr)
				conflictOnly(t, "pay", payErr)
				got := e.get(t, s.ID)
				if payErr == nil && (got.Status != shipment.Paid || p.Amount != got.Total) {
					t.Errorf("label %s is %s at %v; its payment holds %v", s.ID, got.Status, got.Total, p.Amount)
				}
				outcomes[fmt.Sprintf("edit:%v pay:%v", editErr == nil, payErr == nil)]++
			}
			t.Logf("outcomes: %v", outcomes)
			booksBalance(t, e.a)
		})
	}
}

// rule: PAY-5
// Two admins decide one refund application at once, one approving, one rejecting: exactly one
// decision stands and the money moves once.
func TestRaceRefundDecisions(t *testing.T) {
	for name, dsn := range storetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			e := newRaceEnv(t, dsn)
			ctx := context.Background()
			n := raceRounds(20)
			ids := make([]string, n)
			for i := range ids {
				ids[i] = e.paidLabel(t, 500).ID
			}
			if _, _, _, err := e.a.Payments.Settle(ctx, time.Now().Add(48*time.Hour)); err != nil {
				t.Fatal(err)
			}
			approved := 0
			for _, id := range ids {
				c, err := e.a.Payments.Cancel(ctx, e.sender, id, true)
				if err != nil {
					t.Fatal(err)
				}
				var yes, no error
				var wg sync.WaitGroup
				wg.Go(func() { _, yes = e.a.Refunds.Vet(ctx, e.admin, c.Refund.ID, true, "") })
				wg.Go(func() { _, no = e.a.Refunds.Vet(ctx, e.admin, c.Refund.ID, false, "Posted already") })
				wg.Wait()
				conflictOnly(t, "approve", yes)
				conflictOnly(t, "reject", no)
				if (yes == nil) == (no == nil) {
					t.Errorf("refund %s: approve %v, reject %v; want exactly one", c.Refund.ID, yes, no)
				}
				if yes == nil {
					approved++
				}
			}
			t.Logf("%d refunds: %d approved, %d rejected", n, approved, n-approved)
			booksBalance(t, e.a)
		})
	}
}
