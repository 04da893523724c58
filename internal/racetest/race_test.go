package racetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/store/storetest"
)

// Rounds of each race at ECSHIP_RACE_ROUNDS=1 (the default): about a minute on two cores.
const (
	settlementLabels = 200 // labels paid one by one, most cancelled while `ecship settle` runs
	counterRounds    = 100
	editRounds       = 100
	vettingRounds    = 50
)

// results is what the races saw: their tallies, and the ids the SQL checks look at afterwards.
type results struct {
	settlement, counter, edit, vetting, keyed tally

	cancelledBySettlement ids // labels of the settlement race whose cancellation answered 200
	counterCancelled      ids // labels of the counter race whose cancellation answered 200
	counterPosted         ids // labels of the counter race the counter accepted (200)
	edited                ids // labels of the edit race, and the labels paid with them
	vetted                decisions
}

// decision is the one admin decision on a refund application that answered 200.
type decision struct {
	Status  string // what the application must end as: refunded (approved and sent) or rejected
	AdminID string
}

type decisions struct {
	mu sync.Mutex
	m  map[string]decision // by refund id
}

func (d *decisions) set(refundID string, dec decision) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.m == nil {
		d.m = map[string]decision{}
	}
	d.m[refundID] = dec
}

func (d *decisions) all() map[string]decision {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make(map[string]decision, len(d.m))
	for k, v := range d.m {
		out[k] = v
	}
	return out
}

// TestRaceTwoProcesses races clients on two `ecship serve` processes sharing one PostgreSQL
// database (and `ecship settle` in a third), then checks the books and the invariants in SQL.
func TestRaceTwoProcesses(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	if dsn == "" {
		t.Skipf("%s is not set: the races need PostgreSQL", storetest.EnvPostgres)
	}
	if testing.Short() {
		t.Skip("builds ecship and races on two servers: not in -short mode")
	}
	multiplier, soak := raceSettings(t)
	began := time.Now()
	h := newHarness(t, dsn)
	t.Logf("ecship built, database ready and two servers up in %s: %s and %s", time.Since(began).Round(time.Millisecond), h.servers[0].base, h.servers[1].base)
	ctx := t.Context()
	r := &results{}
	if soak > 0 {
		h.soak(ctx, t, soak, r)
	} else {
		t.Run("CancelRacingSettlement", func(t *testing.T) {
			for round := range multiplier {
				if err := h.cancelRacingSettlement(ctx, t, round, settlementLabels, r); err != nil {
					t.Fatal(err)
				}
			}
			r.settlement.report(t, "cancel racing the settlement")
		})
		t.Run("CounterRacingCancel", func(t *testing.T) {
			if err := h.counterRacingCancel(ctx, 0, counterRounds*multiplier, r); err != nil {
				t.Fatal(err)
			}
			r.counter.report(t, "counter racing the cancellation")
		})
		t.Run("EditRacingPayment", func(t *testing.T) {
			if err := h.editRacingPayment(ctx, 0, editRounds*multiplier, r); err != nil {
				t.Fatal(err)
			}
			r.edit.report(t, "edit racing the payment")
		})
		t.Run("AdminsRacingOnRefund", func(t *testing.T) {
			if err := h.adminsRacingOnRefund(ctx, 0, vettingRounds*multiplier, r); err != nil {
				t.Fatal(err)
			}
			r.vetting.report(t, "two admins vetting one refund")
		})
		t.Run("KeyedRetriesOnBothServers", func(t *testing.T) {
			for round := range multiplier {
				if err := h.keyedRetriesOnBothServers(ctx, round, keyedRounds, r); err != nil {
					t.Fatal(err)
				}
			}
			r.keyed.report(t, "one key on both servers")
		})
	}
	t.Run("Invariants", func(t *testing.T) { h.checkInvariants(ctx, t, r) })
	t.Logf("the races and checks took %s in all", time.Since(began).Round(time.Millisecond))
}

// raceSettings reads ECSHIP_RACE_ROUNDS (a whole multiplier of the rounds, default 1) and
// ECSHIP_RACE_SOAK (a duration: run all races together until it ends; default off).
func raceSettings(t *testing.T) (multiplier int, soak time.Duration) {
	t.Helper()
	multiplier = 1
	if v := os.Getenv("ECSHIP_RACE_ROUNDS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("ECSHIP_RACE_ROUNDS=%q is not a whole number of at least 1", v)
		}
		multiplier = n
	}
	if v := os.Getenv("ECSHIP_RACE_SOAK"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			t.Fatalf("ECSHIP_RACE_SOAK=%q is not a duration such as 20m", v)
		}
		soak = d
	}
	return multiplier, soak
}

// soak runs the four races together, round after round, until d has passed.
func (h *harness) soak(ctx context.Context, t *testing.T, d time.Duration, r *results) {
	deadline := time.Now().Add(d)
	races := []struct {
		name  string
		tally *tally
		run   func(ctx context.Context, tb testing.TB, round int, r *results) error
	}{
		{"cancel racing the settlement", &r.settlement, func(ctx context.Context, tb testing.TB, round int, r *results) error {
			return h.cancelRacingSettlement(ctx, tb, round, settlementLabels, r)
		}},
		{"counter racing the cancellation", &r.counter, func(ctx context.Context, tb testing.TB, round int, r *results) error {
			return h.counterRacingCancel(ctx, round, counterRounds, r)
		}},
		{"edit racing the payment", &r.edit, func(ctx context.Context, tb testing.TB, round int, r *results) error {
			return h.editRacingPayment(ctx, round, editRounds, r)
		}},
		{"two admins vetting one refund", &r.vetting, func(ctx context.Context, tb testing.TB, round int, r *results) error {
			return h.adminsRacingOnRefund(ctx, round, vettingRounds, r)
		}},
		{"one key on both servers", &r.keyed, func(ctx context.Context, tb testing.TB, round int, r *results) error {
			return h.keyedRetriesOnBothServers(ctx, round, keyedRounds, r)
		}},
	}
	var wg sync.WaitGroup
	for _, rc := range races {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := 0; time.Now().Before(deadline) && ctx.Err() == nil; round++ {
				if err := rc.run(ctx, t, round, r); err != nil {
					t.Errorf("%s, round %d: %v", rc.name, round, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, rc := range races {
		rc.tally.report(t, rc.name)
	}
}

// outcome names an answer for the tallies: "200", or "409 conflict".
func outcome(r reply) string {
	if c := r.errorCode(); c != "" {
		return fmt.Sprintf("%d %s", r.Code, c)
	}
	return strconv.Itoa(r.Code)
}

// cancelRacingSettlement pays n labels with a card each, then cancels most of them, in random order
// and on both servers, spread over about as long as `ecship settle` runs in a third process
// meanwhile: some cancellations come before the settlement takes the payments, some while it
// captures them, some after. The SQL checks then prove that a label whose cancellation answered 200
// was never charged or has a refund application.
//
// rule: PAY-3
func (h *harness) cancelRacingSettlement(ctx context.Context, tb testing.TB, round, n int, r *results) error {
	labels, err := h.createLabels(ctx, fmt.Sprintf("S1-%d", round), n, lightG)
	if err != nil {
		return err
	}
	if err := h.payEach(ctx, labels); err != nil {
		return err
	}
	target := n * 85 / 100 // the rest are captured and never cancelled
	queue := make(chan shipmentOut, target)
	for _, i := range rand.Perm(n)[:target] {
		queue <- labels[i]
	}
	close(queue)
	perWorker := max(1, (target+workers-1)/workers)
	pace := max(time.Millisecond, 4*h.settleEstimate()/time.Duration(perWorker)) // pauses average pace/2: twice the settlement

	settled := make(chan error, 1)
	go func() {
		began := time.Now()
		out, err := h.settle(ctx)
		h.settleTook.Store(int64(time.Since(began)))
		if err == nil {
			tb.Logf("settlement round %d (%s): %s", round, time.Since(began).Round(time.Millisecond), out)
		}
		settled <- err
	}()
	err = forEach(workers, workers, func(w, _ int) error {
		for l := range queue {
			time.Sleep(rand.N(pace))
			rep, err := cancel(ctx, h.sender[w%2], l.ID)
			if err != nil {
				return err
			}
			r.settlement.add("cancel " + outcome(rep))
			switch rep.Code {
			case http.StatusOK:
				r.cancelledBySettlement.add(l.ID)
			case http.StatusConflict:
			default:
				r.settlement.odd(rep)
			}
		}
		return nil
	})
	if e := <-settled; e != nil {
		return e
	}
	return err
}

// counterRacingCancel pays n labels, then for each, at the same moment, the counter accepts it at
// its declared weight (counter staff, one server) and the sender cancels it (the other server).
// Never may both succeed; the SQL checks prove a posted label is fully paid.
//
// rule: CTR-3
func (h *harness) counterRacingCancel(ctx context.Context, round, n int, r *results) error {
	labels, err := h.createLabels(ctx, fmt.Sprintf("S2-%d", round), n, lightG)
	if err != nil {
		return err
	}
	if err := h.payEach(ctx, labels); err != nil {
		return err
	}
	pairs := workers / 2
	sessions := make([]string, pairs)
	for w := range sessions {
		rep, err := h.clerk[w%2].call(ctx, "POST", "/api/v1/counter/sessions", map[string]string{"office": "GPO"})
		if err != nil {
			return err
		}
		if err := rep.expect(http.StatusCreated); err != nil {
			return err
		}
		var s struct {
			ID string `json:"id"`
		}
		if err := rep.decode(&s); err != nil {
			return err
		}
		sessions[w] = s.ID
	}
	return forEach(n, pairs, func(w, i int) error {
		l, atCounter := labels[i], rand.IntN(2)
		scanIn := struct {
			ItemNo  string `json:"item_no"`
			WeightG int    `json:"weight_g"`
		}{l.ItemNo, lightG}
		var scan, cancelled reply
		var scanErr, cancelErr error
		race(func() {
			scan, scanErr = h.clerk[atCounter].call(ctx, "POST", "/api/v1/counter/sessions/"+sessions[w]+"/items", scanIn)
		}, func() {
			cancelled, cancelErr = cancel(ctx, h.sender[1-atCounter], l.ID)
		})
		if scanErr != nil {
			return scanErr
		}
		if cancelErr != nil {
			return cancelErr
		}
		var item struct {
			Status string `json:"status"`
		}
		if scan.Code == http.StatusOK {
			if err := scan.decode(&item); err != nil {
				return err
			}
		}
		r.counter.add(strings.TrimSpace("scan "+outcome(scan)+" "+item.Status) + ", cancel " + outcome(cancelled))
		switch {
		case item.Status == "posted" && cancelled.Code == http.StatusOK:
			r.counter.violate("label %s (%s): the counter posted it and the sender's cancellation answered 200 too", l.ID, l.ItemNo)
		case item.Status == "posted":
			r.counterPosted.add(l.ID)
		case scan.Code == http.StatusOK:
			// Paid in full and weighed as declared, nothing is due: a label the counter took but
			// did not post was seen half cancelled.
			r.counter.odd(scan)
		case scan.Code != http.StatusConflict:
			r.counter.odd(scan)
		}
		switch cancelled.Code {
		case http.StatusOK:
			r.counterCancelled.add(l.ID)
		case http.StatusConflict:
		default:
			r.counter.odd(cancelled)
		}
		return nil
	})
}

// editRacingPayment makes n pairs of labels; for each, at the same moment, the sender raises the
// first one's weight (and so its price) on one server and pays for both, in one payment with a card
// of any brand, on the other. The SQL checks prove every paid label was paid its total price.
//
// rule: PAY-2
func (h *harness) editRacingPayment(ctx context.Context, round, n int, r *results) error {
	prefix := fmt.Sprintf("S3-%d", round)
	raced, err := h.createLabels(ctx, prefix+"-edit", n, lightG)
	if err != nil {
		return err
	}
	partners, err := h.createLabels(ctx, prefix+"-with", n, lightG)
	if err != nil {
		return err
	}
	for i := range raced {
		r.edited.add(raced[i].ID, partners[i].ID)
	}
	return forEach(n, workers/2, func(w, i int) error {
		editAt := rand.IntN(2)
		heavier := label(fmt.Sprintf("%s-edit-%d", prefix, i), heavyG)
		var edit, paid reply
		var editErr, payErr error
		race(func() {
			edit, editErr = h.sender[editAt].call(ctx, "PUT", "/api/v1/shipments/"+raced[i].ID, heavier)
		}, func() {
			paid, payErr = payByCard(ctx, h.sender[1-editAt], card(i), raced[i].ID, partners[i].ID)
		})
		if editErr != nil {
			return editErr
		}
		if payErr != nil {
			return payErr
		}
		r.edit.add("edit " + outcome(edit) + ", pay " + outcome(paid))
		if edit.Code != http.StatusOK && edit.Code != http.StatusConflict {
			r.edit.odd(edit)
		}
		if paid.Code != http.StatusCreated && paid.Code != http.StatusConflict {
			r.edit.odd(paid)
		}
		return nil
	})
}

// adminsRacingOnRefund pays n labels in one payment, settles it, cancels every label (each opens a
// refund application), then has two admins, on different servers, approve or reject each
// application at the same moment: exactly one decision may win.
//
// rule: PAY-5
func (h *harness) adminsRacingOnRefund(ctx context.Context, round, n int, r *results) error {
	labels, err := h.createLabels(ctx, fmt.Sprintf("S4-%d", round), n, lightG)
	if err != nil {
		return err
	}
	var ids []string
	for _, l := range labels {
		ids = append(ids, l.ID)
	}
	rep, err := payByCard(ctx, h.sender[round%2], card(1), ids...)
	if err != nil {
		return err
	}
	if err := rep.expect(http.StatusCreated); err != nil {
		return err
	}
	var p paymentOut
	if err := rep.decode(&p); err != nil {
		return err
	}
	if len(p.ShipmentIDs) != n {
		return fmt.Errorf("%v: one payment for %d labels pays %d", rep, n, len(p.ShipmentIDs))
	}
	if _, err := h.settle(ctx); err != nil {
		return err
	}
	if err := h.awaitPayment(ctx, p.ID, "settled"); err != nil {
		return err
	}
	err = forEach(n, workers, func(w, i int) error {
		rep, err := cancel(ctx, h.sender[w%2], labels[i].ID)
		if err != nil {
			return err
		}
		return rep.expect(http.StatusOK) // settled: the cancellation opens a refund application
	})
	if err != nil {
		return err
	}
	refunds, err := h.refundsByShipment(ctx)
	if err != nil {
		return err
	}
	return forEach(n, workers/2, func(w, i int) error {
		ref, ok := refunds[labels[i].ID]
		if !ok || ref.Status != "submitted" {
			r.vetting.violate("label %s, cancelled after its payment was settled, has no submitted refund application (%+v)", labels[i].ID, ref)
			return nil
		}
		approve := [2]bool{rand.IntN(2) == 0, rand.IntN(2) == 0}
		first := rand.IntN(2) // which server admin 0 uses
		var answers [2]reply
		var failed [2]error
		vet := func(a int) func() {
			verb := "reject"
			if approve[a] {
				verb = "approve"
			}
			return func() {
				answers[a], failed[a] = h.admins[a][(first+a)%2].call(ctx, "POST", "/api/v1/refunds/"+ref.ID+"/"+verb,
					map[string]string{"note": fmt.Sprintf("race round %d: admin %d says %s", round, a+1, verb)})
			}
		}
		race(vet(0), vet(1))
		for _, err := range failed {
			if err != nil {
				return err
			}
		}
		var won []int
		for a, ans := range answers {
			switch ans.Code {
			case http.StatusOK:
				won = append(won, a)
			case http.StatusConflict:
			default:
				r.vetting.odd(ans)
			}
		}
		r.vetting.add(fmt.Sprintf("%s %s, %s %s", verbOf(approve[0]), outcome(answers[0]), verbOf(approve[1]), outcome(answers[1])))
		if len(won) != 1 {
			r.vetting.violate("refund %s: %d decisions won: %s; %s", ref.ID, len(won), answers[0].Error(), answers[1].Error())
			return nil
		}
		a := won[0]
		want := "rejected"
		if approve[a] {
			want = "refunded" // approved and sent to the card at once
		}
		var got refundOut
		if err := answers[a].decode(&got); err != nil {
			return err
		}
		if got.Status != want {
			r.vetting.violate("refund %s: admin %d's %s answered status %q, not %q", ref.ID, a+1, verbOf(approve[a]), got.Status, want)
		}
		r.vetted.set(ref.ID, decision{Status: want, AdminID: h.adminID[a]})
		return nil
	})
}

func verbOf(approve bool) string {
	if approve {
		return "approve"
	}
	return "reject"
}

// awaitPayment waits until a payment of the sender's has a status (another settlement run may
// still be finishing it).
func (h *harness) awaitPayment(ctx context.Context, id, status string) error {
	deadline := time.Now().Add(15 * time.Second)
	for {
		rep, err := h.sender[0].call(ctx, "GET", "/api/v1/payments/"+id, nil)
		if err != nil {
			return err
		}
		if err := rep.expect(http.StatusOK); err != nil {
			return err
		}
		var p paymentOut
		if err := rep.decode(&p); err != nil {
			return err
		}
		if p.Status == status {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("payment %s is still %s, not %s: %v", id, p.Status, status, rep)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
