package app_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/store/storetest"
)

func localParcel(ref string) string {
	return fmt.Sprintf(`{"service":"LPL","reference":%q,"weight_g":2500,
	 "sender":{"name":"陳大文","address_lines":["8 Nathan Road"],"country":"HK","phone":"91234567"},
	 "recipient":{"name":"李小明","address_lines":["1 Queen's Road Central"],"country":"HK"}}`, ref)
}

// rule: PAY-2, PAY-3
func TestPaymentsAPI(t *testing.T) {
	for name, dsn := range storetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			a, base := start(t, dsn, nil)
			key := apiKey(t, a.Accounts, "payapi", account.Live)
			b := newClient(t, base)
			h := []string{"Authorization", "Bearer " + key, "Content-Type", "application/json"}
			var ids []string
			for i := range 3 {
				_, _, body := b.doJSON("POST", "/api/v1/shipments", localParcel(fmt.Sprint("PAY-", i)), h...)
				ids = append(ids, regexp.MustCompile(`"id":"(shp_[a-z0-9]+)"`).FindStringSubmatch(body)[1])
			}
			pay := func(cardNo, idem string, which ...string) (int, string) {
				body := fmt.Sprintf(`{"shipment_ids":["%s"],"method":"card","card":{"number":%q,"exp_month":12,"exp_year":2040,"cvc":"123","name":"TAI MAN CHAN"}}`,
					strings.Join(which, `","`), cardNo)
				hdr := append([]string{}, h...)
				if idem != "" {
					hdr = append(hdr, "Idempotency-Key", idem)
				}
				code, _, out := b.doJSON("POST", "/api/v1/payments", body, hdr...)
				return code, out
			}
			if code, out := pay("4000000000009995", "", ids...); code != 402 || !strings.Contains(out, `"code":"payment_declined"`) {
				t.Errorf("declined: %d %s", code, out)
			}
			if code, out := pay("4111111111111112", "", ids...); code != 400 || !strings.Contains(out, `"field":"card.number"`) {
				t.Errorf("bad number: %d %s", code, out)
			}
			code, out := pay("4111111111111111", "order-1", ids...)
			if code != 201 || !strings.Contains(out, `"status":"authorized"`) || !strings.Contains(out, `"amount":{"amount":"210.00","currency":"HKD"}`) ||
				!strings.Contains(out, `"card":{"brand":"visa","last4":"1111"`) || strings.Contains(out, "4111111111111111") {
				t.Fatalf("pay: %d %s", code, out)
			}
			payID := regexp.MustCompile(`"id":"(pay_[a-z0-9]+)"`).FindStringSubmatch(out)[1]
			if code, again := pay("4111111111111111", "order-1", ids...); code != 201 || !strings.Contains(again, payID) {
				t.Errorf("retried with the same key: %d %s", code, again)
			}
			// Cancel one paid label before the 20:00 settlement: never charged for it.
			if code, _, out := b.doJSON("POST", "/api/v1/shipments/"+ids[0]+"/cancel", "", h...); code != 200 || !strings.Contains(out, `"status":"cancelled"`) {
				t.Errorf("cancel a paid label: %d %s", code, out)
			}
			a.Now = func() time.Time { return time.Now().Add(48 * time.Hour) }
			captured, _, total, err := a.Payments.Settle(context.Background(), time.Now().Add(48*time.Hour))
			if err != nil || captured != 1 || total.String() != "140.00" {
				t.Errorf("settle: %d %v %v", captured, total, err)
			}
			if code, _, out := b.doJSON("GET", "/api/v1/payments/"+payID, "", h...); code != 200 || !strings.Contains(out, `"captured":{"amount":"140.00"`) {
				t.Errorf("payment after settlement: %d %s", code, out)
			}
			// rule: PAY-1 — a deposit account: a short balance is a 402 that takes nothing; then paid.
			u := userByLogin(t, a, "payapi")
			dep, err := a.Payments.OpenDeposit(context.Background(), u, account.Live, "Permit 7")
			if err != nil {
				t.Fatal(err)
			}
			_, _, body := b.doJSON("POST", "/api/v1/shipments", localParcel("DEP-1"), h...)
			depLabel := regexp.MustCompile(`"id":"(shp_[a-z0-9]+)"`).FindStringSubmatch(body)[1]
			depPay := fmt.Sprintf(`{"shipment_ids":[%q],"method":"deposit","account":%q}`, depLabel, dep.ID)
			if code, _, out := b.doJSON("POST", "/api/v1/payments", depPay, h...); code != 402 {
				t.Errorf("empty deposit account: %d %s", code, out)
			}
			if _, err := a.Payments.TopUp(context.Background(), dep.ID, 10000, "BANK-7"); err != nil {
				t.Fatal(err)
			}
			if code, _, out := b.doJSON("POST", "/api/v1/payments", depPay, h...); code != 201 || !strings.Contains(out, `"status":"settled"`) || !strings.Contains(out, `"account":"`+dep.ID+`"`) {
				t.Errorf("pay from the deposit account: %d %s", code, out)
			}
			if code, _, out := b.doJSON("GET", "/api/v1/deposits/"+dep.ID, "", h...); code != 200 || !strings.Contains(out, `"balance":{"amount":"30.00"`) || strings.Count(out, `"kind":`) != 2 {
				t.Errorf("statement: %d %s", code, out)
			}
			if code, _, out := b.doJSON("GET", "/api/v1/deposits", "", h...); code != 200 || !strings.HasPrefix(out, `{"data":[{"id":"`+dep.ID+`"`) || !strings.Contains(out, `"next_cursor":""`) {
				t.Errorf("the caller's deposit accounts: %d %s", code, out)
			}
			report, err := a.LedgerCheck(context.Background())
			if err != nil || len(report.Problems) > 0 {
				t.Errorf("ledger check: %v %v", err, report.Problems)
			}
			_ = catalog.HongKong
		})
	}
}
