package app_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/ecship/ecship/internal/account"
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
			pay := fmt.Sprintf(`{"shipment_ids":[%q],"method":"card","card":{"number":"4000000000009995","exp_month":12,"exp_year":2030,"cvc":"123"}}`, id)
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
	a, base := start(t, storetest.DSNs(t)["sqlite"], nil)
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
	pay := fmt.Sprintf(`{"shipment_ids":[%q],"method":"card","card":{"number":"4111111111111111","exp_month":12,"exp_year":2030,"cvc":"123"}}`, id)
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
