package app_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/counter"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/payment"
	"github.com/ecship/ecship/internal/shipment"
	"github.com/ecship/ecship/internal/store/storetest"
)

// Finding 5 of issue 11: a label whose card payment was declined is the sender's to delete (it was a
// 500: the declined payment's line kept a foreign key to it); a voided one can be cancelled only once.
func TestDeclinedLabelCanBeDeleted(t *testing.T) {
	for name, dsn := range storetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			a, base := start(t, dsn, nil)
			key := apiKey(t, a.Accounts, "declined", account.Live)
			b := newClient(t, base)
			h := []string{"Authorization", "Bearer " + key, "Content-Type", "application/json"}
			_, _, body := b.doJSON("POST", "/api/v1/shipments", localParcel("DECLINED"), h...)
			id := regexp.MustCompile(`"id":"(shp_[a-z0-9]+)"`).FindStringSubmatch(body)[1]
			pay := fmt.Sprintf(`{"shipment_ids":[%q],"method":"card","card":{"number":"4000000000009995","exp_month":12,"exp_year":2040,"cvc":"123"}}`, id)
			if code, _, out := b.doJSON("POST", "/api/v1/payments", pay, h...); code != 402 {
				t.Fatalf("declined card: %d %s", code, out)
			}
			if code, _, out := b.doJSON("DELETE", "/api/v1/shipments/"+id, "", h...); code != 204 {
				t.Fatalf("delete after a decline: %d %s", code, out)
			}
			if code, _, _ := b.doJSON("GET", "/api/v1/shipments/"+id, "", h...); code != 404 {
				t.Errorf("deleted label still there: %d", code)
			}
			// Paid, then cancelled before settlement (its payment's line voided): cancelled once.
			_, _, body = b.doJSON("POST", "/api/v1/shipments", localParcel("VOIDED"), h...)
			id = regexp.MustCompile(`"id":"(shp_[a-z0-9]+)"`).FindStringSubmatch(body)[1]
			pay = strings.Replace(pay, "4000000000009995", "4111111111111111", 1)
			pay = regexp.MustCompile(`shp_[a-z0-9]+`).ReplaceAllString(pay, id)
			if code, _, out := b.doJSON("POST", "/api/v1/payments", pay, h...); code != 201 {
				t.Fatalf("pay: %d %s", code, out)
			}
			if code, _, out := b.doJSON("POST", "/api/v1/shipments/"+id+"/cancel", "", h...); code != 200 {
				t.Fatalf("cancel: %d %s", code, out)
			}
			if code, _, out := b.doJSON("POST", "/api/v1/shipments/"+id+"/cancel", "", h...); code != 409 || !strings.Contains(out, "cancelled") {
				t.Errorf("cancel twice: %d %s; want 409 naming the state", code, out)
			}
			if code, _, out := b.doJSON("DELETE", "/api/v1/shipments/"+id, "", h...); code != 409 {
				t.Errorf("delete a cancelled label: %d %s; want 409", code, out)
			}
			booksBalance(t, a)
		})
	}
}

// rule: LBL-9
// Finding 6 of issue 11: looking at a label changes nothing. GET of a label never printed is a
// preview marked PREVIEW, and an unpaid one shows the postage due at the counter, never "Postage
// paid"; printing is a POST, after which the sender can no longer edit the label, and GET gives the
// printed label again.
func TestPrintingIsAnActionOfItsOwn(t *testing.T) {
	for name, dsn := range storetest.DSNs(t) {
		t.Run(name, func(t *testing.T) { printing(t, dsn) })
	}
}

func printing(t *testing.T, dsn string) {
	a, base := start(t, dsn, nil)
	key := apiKey(t, a.Accounts, "printer", account.Live)
	b := newClient(t, base)
	h := []string{"Authorization", "Bearer " + key, "Content-Type", "application/json"}
	_, _, body := b.doJSON("POST", "/api/v1/shipments", localParcel("PRINT"), h...)
	id := regexp.MustCompile(`"id":"(shp_[a-z0-9]+)"`).FindStringSubmatch(body)[1]

	code, _, pdf := b.doJSON("GET", "/api/v1/shipments/"+id+"/label", "", h...)
	if code != 200 {
		t.Fatalf("label: %d", code)
	}
	if text, ok := pdfText(t, []byte(pdf), "-raw"); ok {
		if !strings.Contains(text, "PREVIEW") || !strings.Contains(text, "Postage due HK$") || !strings.Contains(text, "TO BE PAID AT THE COUNTER") || strings.Contains(text, "Postage paid") {
			t.Errorf("an unprinted, unpaid label's GET:\n%s", text)
		}
	}
	edit := strings.Replace(localParcel("PRINT"), `"weight_g":2500`, `"weight_g":3000`, 1)
	if code, _, out := b.doJSON("PUT", "/api/v1/shipments/"+id, edit, h...); code != 200 {
		t.Fatalf("a label looked at is still the sender's to edit: %d %s", code, out)
	}
	code, _, pdf = b.doJSON("POST", "/api/v1/shipments/"+id+"/print", "", h...)
	if code != 200 {
		t.Fatalf("print: %d %s", code, pdf)
	}
	if text, ok := pdfText(t, []byte(pdf), "-raw"); ok && strings.Contains(text, "PREVIEW") {
		t.Errorf("a printed label marked PREVIEW:\n%s", text)
	}
	if code, _, out := b.doJSON("PUT", "/api/v1/shipments/"+id, edit, h...); code != 409 {
		t.Errorf("editing a printed label: %d %s; want 409", code, out)
	}
	if _, _, pdf := b.doJSON("GET", "/api/v1/shipments/"+id+"/label", "", h...); true {
		if text, ok := pdfText(t, []byte(pdf), "-raw"); ok && strings.Contains(text, "PREVIEW") {
			t.Errorf("a printed label's GET marked PREVIEW")
		}
	}
	// Paid: the label says so.
	pay := fmt.Sprintf(`{"shipment_ids":[%q],"method":"card","card":{"number":"4111111111111111","exp_month":12,"exp_year":2040,"cvc":"123"}}`, id)
	if code, _, out := b.doJSON("POST", "/api/v1/payments", pay, h...); code != 201 {
		t.Fatalf("pay: %d %s", code, out)
	}
	if _, _, pdf := b.doJSON("GET", "/api/v1/shipments/"+id+"/label", "", h...); true {
		if text, ok := pdfText(t, []byte(pdf), "-raw"); ok && (!strings.Contains(text, "Postage paid HK$") || strings.Contains(text, "due")) {
			t.Errorf("a paid label:\n%s", text)
		}
	}
	// The portal's GET of a label PDF (a link anyone could embed cross-site) locks nothing either.
	_, _, body = b.doJSON("POST", "/api/v1/shipments", localParcel("PORTAL"), h...)
	other := regexp.MustCompile(`"id":"(shp_[a-z0-9]+)"`).FindStringSubmatch(body)[1]
	s := newClient(t, base)
	if code, _, _ := s.do("POST", "/login", url.Values{"login": {"printer"}, "password": {"harbour-view-8"}}); code != 303 {
		t.Fatalf("sign in: %d", code)
	}
	if code, _, _ := s.do("GET", "/labels/"+other+"/label.pdf", nil); code != 200 {
		t.Fatalf("portal label: %d", code)
	}
	if code, _, out := b.doJSON("PUT", "/api/v1/shipments/"+other, localParcel("PORTAL"), h...); code != 200 {
		t.Errorf("a label looked at in the portal is locked: %d %s", code, out)
	}
}

// Finding 7 of issue 11: a payment left pending by a process that stopped (after the gateway
// authorised it, or before it reached the gateway) holds its label until reconciliation: a started
// ecship reconciles it within a minute, so the label is paid, or free to pay again.
func TestPendingPaymentsReconciledSoonAfterStart(t *testing.T) {
	for name, dsn := range storetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			a, _ := start(t, dsn, nil)
			began := time.Now()
			ctx := context.Background()
			u, err := a.Accounts.CreateUser(ctx, "crashed", "crashed@example.hk", "harbour-view-8", account.Sender)
			if err != nil {
				t.Fatal(err)
			}
			e := &raceEnv{a: a, sender: shipment.Owner{User: u, Mode: account.Live}}
			pending := func(s *shipment.Shipment) *payment.Payment {
				p := &payment.Payment{ID: account.NewID("pay"), OwnerID: u.ID, Mode: account.Live, Method: payment.ByCard, Status: payment.Pending,
					Amount: s.Total, Items: []payment.Item{{ShipmentID: s.ID, Amount: s.Total, Version: s.Version}}, CreatedAt: time.Now().Add(-40 * time.Second)}
				if err := a.Store.BeginPayment(ctx, p); err != nil {
					t.Fatal(err)
				}
				return p
			}
			authorised, never := e.label(t, 1000), e.label(t, 1000)
			p1, p2 := pending(authorised), pending(never)
			gw := &payment.TestGateway{Book: a.Store, Now: time.Now}
			if _, err := gw.Authorize(ctx, payment.AuthRequest{Reference: p1.ID, Amount: p1.Amount, Number: payment.TestCardApprove, Card: payment.CardInfo{Brand: payment.Visa, Last4: "1111"}}); err != nil {
				t.Fatal(err)
			}
			if _, err := a.Payments.PayByCard(ctx, e.sender, []string{never.ID}, raceCard(), ""); errs.CodeOf(err) != errs.Conflict {
				t.Fatalf("a label held by a pending payment: %v; want a conflict", err)
			}
			for {
				got1, got2 := paymentByID(t, a, p1.ID), paymentByID(t, a, p2.ID)
				if got1.Status != payment.Pending && got2.Status != payment.Pending {
					if got1.Status != payment.Authorized || got2.Status != payment.Failed {
						t.Fatalf("reconciled: %s and %s; want authorized and failed", got1.Status, got2.Status)
					}
					break
				}
				if time.Since(began) > time.Minute {
					t.Fatal("pending payments not reconciled within a minute of the start")
				}
				time.Sleep(100 * time.Millisecond)
			}
			t.Logf("reconciled %s after the start", time.Since(began).Round(100*time.Millisecond))
			if got := e.get(t, authorised.ID); got.Status != shipment.Paid {
				t.Errorf("authorised at the gateway, label %s", got.Status)
			}
			if _, err := a.Payments.PayByCard(ctx, e.sender, []string{never.ID}, raceCard(), ""); err != nil {
				t.Errorf("the released label cannot be paid: %v", err)
			}
			booksBalance(t, a)
		})
	}
}

// A label waiting at a counter for its postage is not the sender's to delete: 409, not a 500 from
// the database (found by review).
func TestLabelWaitingAtTheCounterIsNotDeleted(t *testing.T) {
	for name, dsn := range storetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			e := newRaceEnv(t, dsn)
			ctx := context.Background()
			s := e.label(t, 1000)
			sess, err := e.a.Counter.Open(ctx, e.clerk, "GPO", "")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.a.Counter.Scan(ctx, e.clerk, sess.ID, counter.ScanInput{ItemNo: s.ItemNo, WeightG: 1000}); err != nil {
				t.Fatal(err)
			}
			if err := e.a.Shipments.Delete(ctx, e.sender, s.ID); errs.CodeOf(err) != errs.Conflict {
				t.Errorf("deleting a label waiting at a counter: %v; want a conflict", err)
			}
		})
	}
}
