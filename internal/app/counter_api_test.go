package app_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/payment"
	"github.com/ecship/ecship/internal/shipment"
	"github.com/ecship/ecship/internal/store/storetest"
	"github.com/ecship/ecship/internal/testenv"
)

// counterKey makes a counter staff member with a live API key.
func counterKey(t *testing.T, svc *account.Service, login string) string {
	t.Helper()
	return userKey(t, svc, login, account.Counter, "counter", account.Live)
}

// pdfText extracts a PDF's text with pdftotext (more options in opts, such as -raw); without the
// tool it skips the check (CI installs it).
func pdfText(t *testing.T, pdf []byte, opts ...string) (string, bool) {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if testenv.InCI() {
			t.Fatal("pdftotext missing: scripts/test.sh installs poppler-utils")
		}
		return "", false
	}
	path := filepath.Join(t.TempDir(), "r.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", append(append([]string{"-enc", "UTF-8"}, opts...), path, "-")...).Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out), true
}

// rule: CTR-2, CTR-3, CTR-4, CTR-5, LBL-9
func TestCounterAPI(t *testing.T) {
	for name, dsn := range storetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			a, base := start(t, dsn, nil)
			sender := apiKey(t, a.Accounts, "shopper", account.Live)
			staff := counterKey(t, a.Accounts, "clerk")
			other := counterKey(t, a.Accounts, "clerk2")
			b := newClient(t, base)
			hs := []string{"Authorization", "Bearer " + sender, "Content-Type", "application/json"}
			hc := []string{"Authorization", "Bearer " + staff, "Content-Type", "application/json"}
			idRe := regexp.MustCompile(`"id":"(shp_[a-z0-9]+)"`)
			itemRe := regexp.MustCompile(`"item_no":"([A-Z0-9]+)"`)
			label := func(ref string, grams int) (id, itemNo string) {
				in := strings.Replace(localParcel(ref), `"weight_g":2500`, fmt.Sprintf(`"weight_g":%d`, grams), 1)
				_, _, body := b.doJSON("POST", "/api/v1/shipments", in, hs...)
				return idRe.FindStringSubmatch(body)[1], itemRe.FindStringSubmatch(body)[1]
			}
			heavyID, heavyNo := label("HEAVY", 2500)
			lightID, lightNo := label("LIGHT", 4800)
			body := fmt.Sprintf(`{"shipment_ids":[%q,%q],"method":"card","card":{"number":"4111111111111111","exp_month":12,"exp_year":2040,"cvc":"123"}}`, heavyID, lightID)
			if code, _, out := b.doJSON("POST", "/api/v1/payments", body, hs...); code != 201 {
				t.Fatalf("pay: %d %s", code, out)
			}

			// Counter roles only for counter staff.
			if code, _, out := b.doJSON("POST", "/api/v1/counter/sessions", `{"office":"GPO"}`, hs...); code != 403 {
				t.Errorf("a sender opening a session: %d %s", code, out)
			}
			if code, _, out := b.doJSON("POST", "/api/v1/counter/sessions", `{"office":"MP1"}`, hc...); code != 400 || !strings.Contains(out, `"field":"office"`) {
				t.Errorf("a mobile office: %d %s", code, out)
			}
			code, _, out := b.doJSON("POST", "/api/v1/counter/sessions", `{"office":"GPO"}`, hc...)
			if code != 201 {
				t.Fatalf("open: %d %s", code, out)
			}
			sess := regexp.MustCompile(`"id":"(cts_[a-z0-9]+)"`).FindStringSubmatch(out)[1]
			path := "/api/v1/counter/sessions/" + sess
			if code, _, _ := b.doJSON("GET", path, "", "Authorization", "Bearer "+other); code != 404 {
				t.Errorf("another clerk's session: %d; want 404", code)
			}
			// The same clerk's test key never reaches a live session (TRK-10's separation).
			testKey := newAPIKey(t, a.Accounts, userByLogin(t, a, "clerk"), "practice", account.Test)
			for _, c := range []struct{ method, path, body string }{
				{"GET", "", ""},
				{"POST", "/items", `{"item_no":"EE123456785HK","weight_g":100}`},
				{"POST", "/payments", `{"method":"cash","amount":{"amount":"1.00","currency":"HKD"}}`},
				{"POST", "/close", ""},
				{"GET", "/receipt", ""},
			} {
				if code, _, out := b.doJSON(c.method, path+c.path, c.body, "Authorization", "Bearer "+testKey, "Content-Type", "application/json"); code != 404 {
					t.Errorf("a test key on a live session %s: %d %s; want 404", c.path, code, out)
				}
			}

			// Heavier at the scale: HK$ due, paid in cash (the retry counts once).
			code, _, out = b.doJSON("POST", path+"/items", fmt.Sprintf(`{"item_no":%q,"weight_g":4800}`, strings.ToLower(heavyNo)), hc...)
			if code != 200 || !strings.Contains(out, `"status":"awaiting_payment"`) || !strings.Contains(out, `"weight_g":4800`) ||
				!strings.Contains(out, `"paid_before":{"amount":"70.00","currency":"HKD"}`) || !strings.Contains(out, `"refundable":{"amount":"0.00"`) {
				t.Fatalf("scan heavier: %d %s", code, out)
			}
			due := regexp.MustCompile(`"due":\{"amount":"([0-9.]+)"`).FindStringSubmatch(out)[1]
			if due == "0.00" {
				t.Fatalf("nothing due at 4.8 kg: %s", out)
			}
			if code, _, out := b.doJSON("POST", path+"/payments", `{"method":"cash","amount":{"amount":"999.00","currency":"HKD"}}`, hc...); code != 400 || !strings.Contains(out, `"field":"amount"`) {
				t.Errorf("paying more than due: %d %s", code, out)
			}
			if code, _, out := b.doJSON("POST", path+"/close", "", hc...); code != 409 {
				t.Errorf("closing with money due: %d %s", code, out)
			}
			pay := fmt.Sprintf(`{"method":"cash","amount":{"amount":%q,"currency":"HKD"}}`, due)
			for range 2 {
				code, _, out = b.doJSON("POST", path+"/payments", pay, append(hc, "Idempotency-Key", "till-1")...)
				if code != 200 || strings.Count(out, `"method":"cash"`) != 1 || !strings.Contains(out, `"status":"posted"`) {
					t.Fatalf("cash payment: %d %s", code, out)
				}
			}
			// Lighter: posted at once, the difference refundable through the portal.
			code, _, out = b.doJSON("POST", path+"/items", fmt.Sprintf(`{"item_no":%q,"weight_g":900}`, lightNo), hc...)
			if code != 200 || !strings.Contains(out, `"status":"posted"`) || strings.Contains(out, `"refundable":{"amount":"0.00"`) {
				t.Fatalf("scan lighter: %d %s", code, out)
			}
			if code, _, out := b.doJSON("GET", "/api/v1/refunds", "", hs...); code != 200 || !strings.Contains(out, `"reason":"overpayment"`) || !strings.Contains(out, lightID) {
				t.Errorf("the sender's refunds: %d %s", code, out)
			}
			// Posted: the sender can no longer change or cancel it (LBL-9).
			if code, _, out := b.doJSON("POST", "/api/v1/shipments/"+heavyID+"/cancel", "", hs...); code != 409 {
				t.Errorf("cancelling a posted label: %d %s", code, out)
			}
			code, _, out = b.doJSON("POST", path+"/close", "", hc...)
			if code != 200 || !strings.Contains(out, `"receipt_url":"`+path+`/receipt"`) {
				t.Fatalf("close: %d %s", code, out)
			}
			receiptNo := regexp.MustCompile(`"receipt_no":"([A-Z0-9-]+)"`).FindStringSubmatch(out)[1]
			code, _, pdf := b.doJSON("GET", path+"/receipt", "", "Authorization", "Bearer "+staff)
			if code != 200 || !strings.HasPrefix(pdf, "%PDF") {
				t.Fatalf("receipt: %d %.200s", code, pdf)
			}
			if text, ok := pdfText(t, []byte(pdf)); ok {
				for _, want := range []string{receiptNo, heavyNo, lightNo, "General Post Office", "郵政總局", "Cash", due} {
					if !strings.Contains(text, want) {
						t.Errorf("receipt text lacks %q:\n%s", want, text)
					}
				}
			}
			if got := scanBarcode(t, []byte(pdf)); got != "" && got != receiptNo {
				t.Errorf("receipt barcode reads %q; want %q", got, receiptNo)
			}
			report, err := a.LedgerCheck(context.Background())
			if err != nil || len(report.Problems) > 0 {
				t.Fatalf("ledger: %v %v", report.Problems, err)
			}
			// Operations refuse the overpayment refund: the money is kept, earned, and the books
			// still prove every cent owed or earned.
			ctx := context.Background()
			ops := testenv.User(t, a.Accounts, "ops", "ops@example.hk", account.Admin)
			owner := userByLogin(t, a, "shopper")
			refunds, err := a.Refunds.Mine(ctx, shipment.Owner{User: owner, Mode: account.Live})
			if err != nil || len(refunds) != 1 {
				t.Fatalf("refunds %+v %v", refunds, err)
			}
			if _, err := a.Refunds.Vet(ctx, shipment.Owner{User: ops, Mode: account.Live}, refunds[0].ID, false, "The item was weighed with its packing removed."); err != nil {
				t.Fatal(err)
			}
			if report, err := a.LedgerCheck(ctx); err != nil || len(report.Problems) > 0 {
				t.Fatalf("ledger after a refused refund: %v %v", report.Problems, err)
			}
			// A movement that owes nobody is caught: postage earned from what a sender is owed.
			if err := a.Store.Book(ctx, payment.Move("rogue", "rogue", "test", payment.PostageUnearned, payment.PostageRevenue, 100, a.Now())); err != nil {
				t.Fatal(err)
			}
			if report, err := a.LedgerCheck(ctx); err != nil || len(report.Problems) != 2 {
				t.Errorf("a rogue movement: problems %v (%v); want revenue and unearned both flagged", report.Problems, err)
			}
		})
	}
}
