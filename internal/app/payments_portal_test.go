package app_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/store/storetest"
	"github.com/ecship/ecship/internal/testenv"
)

// rule: PAY-2, PAY-3
func TestPortalPayCancelAndRefund(t *testing.T) {
	a, base := start(t, storetest.DSNs(t)["sqlite"], nil)
	b := signedIn(t, base, a.Accounts, "payweb")
	var ids []string
	for range 2 {
		v := labelFormValues("10118")
		code, loc, _ := b.do("POST", "/labels", v)
		if code != 303 {
			t.Fatalf("label: %d", code)
		}
		ids = append(ids, strings.TrimPrefix(strings.Split(loc, "?")[0], "/labels/"))
	}
	code, _, page := b.do("POST", "/pay?lang=en", url.Values{"id": ids})
	if code != 200 || !strings.Contains(page, "Pay HK$222.00") {
		t.Fatalf("pay form: %d", code)
	}
	key := regexp.MustCompile(`name="key" value="(form-[0-9a-f]+)"`).FindStringSubmatch(page)[1]
	form := url.Values{"id": ids, "key": {key}, "number": {"4000 0000 0000 0002"}, "exp_month": {"12"}, "exp_year": {"30"}, "cvc": {"123"}}
	code, _, page = b.do("POST", "/payments?lang=en", form)
	if code != 402 || !strings.Contains(page, "declined by its bank") || strings.Contains(page, `value="4000`) || strings.Contains(page, `value="123"`) {
		t.Errorf("declined: %d; the message must show and neither the number nor the code be echoed", code)
	}
	// The refused form comes back with a new key: the retry is a new payment, not the old refusal.
	newKey := regexp.MustCompile(`name="key" value="(form-[0-9a-f]+)"`).FindStringSubmatch(page)
	if newKey == nil || newKey[1] == key {
		t.Fatal("a declined form kept its idempotency key")
	}
	form.Set("number", "4111111111111111")
	form.Set("key", newKey[1])
	code, loc, _ := b.do("POST", "/payments", form)
	if code != 303 || !strings.HasPrefix(loc, "/payments/pay_") {
		t.Fatalf("pay: %d %s", code, loc)
	}
	if code2, loc2, _ := b.do("POST", "/payments", form); code2 != 303 || loc2 != loc {
		t.Errorf("the same form sent twice: %s then %s; want one payment", loc, loc2)
	}
	_, _, page = b.do("GET", strings.Split(loc, "?")[0]+"?lang=en", nil)
	if !strings.Contains(page, "visa •••• 1111") || !strings.Contains(page, "Paid (charged at 8 p.m.)") {
		t.Error("payment page lacks the card or status")
	}
	// Cancel one before 8 p.m.: never charged. Settle. Cancel the other: a refund application.
	if code, loc, _ = b.do("POST", "/labels/"+ids[0]+"/cancel", url.Values{}); code != 303 || !strings.Contains(loc, "notice=label_cancelled") {
		t.Errorf("cancel before settlement: %d %s", code, loc)
	}
	later := time.Now().Add(48 * time.Hour)
	if _, _, _, err := a.Payments.Settle(context.Background(), later); err != nil {
		t.Fatal(err)
	}
	if code, loc, _ = b.do("POST", "/labels/"+ids[1]+"/cancel", url.Values{}); code != 303 || !strings.Contains(loc, "notice=refund_applied") {
		t.Errorf("cancel after settlement: %d %s", code, loc)
	}
	if _, _, page = b.do("GET", "/refunds?lang=en", nil); !strings.Contains(page, "Submitted") || !strings.Contains(page, "HK$111.00") {
		t.Error("refunds page lacks the application")
	}
	testenv.User(t, a.Accounts, "vetter", "vetter@example.hk", account.Admin)
	ab := newClient(t, base)
	ab.do("POST", "/login", url.Values{"login": {"vetter"}, "password": {"harbour-view-8"}})
	_, _, page = ab.do("GET", "/admin/refunds?lang=en", nil)
	id := regexp.MustCompile(`data-refund="(ref_[a-z0-9]+)"`).FindStringSubmatch(page)
	if id == nil {
		t.Fatal("admin refund list empty")
	}
	if code, _, _ := ab.do("POST", "/admin/refunds/"+id[1], url.Values{"decision": {"approve"}}); code != 303 {
		t.Errorf("approve: %d", code)
	}
	if _, _, page = b.do("GET", "/refunds?lang=en", nil); !strings.Contains(page, "Refunded to where it was paid from") {
		t.Error("the sender does not see the refund")
	}
	// rule: PAY-1 — a deposit account shows on the pay page; short, it says so; topped up, it pays.
	u := userByLogin(t, a, "payweb")
	dep, err := a.Payments.OpenDeposit(context.Background(), u, account.Live, "Permit 55")
	if err != nil {
		t.Fatal(err)
	}
	code, loc, _ = b.do("POST", "/labels", labelFormValues("10118"))
	if code != 303 {
		t.Fatalf("label: %d", code)
	}
	third := strings.TrimPrefix(strings.Split(loc, "?")[0], "/labels/")
	_, _, page = b.do("POST", "/pay?lang=en", url.Values{"id": {third}})
	dkey := regexp.MustCompile(`name="deposit_key" value="(form-[0-9a-f]+)"`).FindStringSubmatch(page)
	if dkey == nil || !strings.Contains(page, "Permit 55 · HK$0.00") || !strings.Contains(page, "Pay HK$111.00 from the account") {
		t.Fatal("the pay page does not offer the deposit account")
	}
	depForm := url.Values{"id": {third}, "method": {"deposit"}, "account": {dep.ID}, "deposit_key": {dkey[1]}}
	if code, _, page = b.do("POST", "/payments?lang=en", depForm); code != 402 || !strings.Contains(page, "not enough for these labels") {
		t.Errorf("short deposit: %d", code)
	}
	if _, err := a.Payments.TopUp(context.Background(), dep.ID, 20000, "BANK-55"); err != nil {
		t.Fatal(err)
	}
	depForm.Set("deposit_key", regexp.MustCompile(`name="deposit_key" value="(form-[0-9a-f]+)"`).FindStringSubmatch(page)[1])
	if code, loc, _ = b.do("POST", "/payments", depForm); code != 303 || !strings.HasPrefix(loc, "/payments/pay_") {
		t.Fatalf("pay from the deposit account: %d %s", code, loc)
	}
	if _, _, page = b.do("GET", strings.Split(loc, "?")[0]+"?lang=en", nil); !strings.Contains(page, dep.ID) || !strings.Contains(page, "Charged") {
		t.Error("the payment page lacks the deposit account or status")
	}
	// The sender reads the statement; another sender cannot.
	if _, _, page = b.do("GET", "/deposits/"+dep.ID+"?lang=en", nil); !strings.Contains(page, "Payment for labels") || !strings.Contains(page, "Top-up") || !strings.Contains(page, "BANK-55") {
		t.Error("the statement lacks its movements")
	}
	other := signedIn(t, base, a.Accounts, "payweb2")
	if code, _, _ := other.do("GET", "/deposits/"+dep.ID, nil); code != 404 {
		t.Errorf("another sender's statement: %d", code)
	}
	// Operations open an account and top it up in the portal; a bad amount names the field.
	code, _, _ = ab.do("POST", "/admin/deposits", url.Values{"holder": {"payweb2@example.hk"}, "name": {"Permit 66"}})
	if code != 303 {
		t.Fatalf("open from the portal: %d", code)
	}
	_, _, page = ab.do("GET", "/admin/deposits?lang=en", nil)
	newDep := regexp.MustCompile(`data-deposit="(dep_[a-z0-9]+)"><td>Permit 66`).FindStringSubmatch(page)
	if newDep == nil {
		t.Fatal("the admin list lacks the new account")
	}
	if code, _, page := ab.do("POST", "/admin/deposits/"+newDep[1]+"/topup?lang=en", url.Values{"amount": {"lots"}, "reference": {"R"}}); code != 400 || !strings.Contains(page, "more than zero") {
		t.Errorf("bad top-up: %d", code)
	}
	if code, _, _ := ab.do("POST", "/admin/deposits/"+newDep[1]+"/topup", url.Values{"amount": {"500.00"}, "reference": {"BANK-66"}}); code != 303 {
		t.Errorf("top-up: %d", code)
	}
	if _, _, page = other.do("GET", "/deposits?lang=en", nil); !strings.Contains(page, "Permit 66") || !strings.Contains(page, "HK$500.00") {
		t.Error("the holder does not see the topped-up account")
	}
	if report, err := a.LedgerCheck(context.Background()); err != nil || len(report.Problems) > 0 {
		t.Errorf("ledger: %v %v", err, report.Problems)
	}
}
