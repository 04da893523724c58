package payment

import (
	"strings"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/errs"
)

var hk = time.FixedZone("HKT", 8*3600)

// rule: PAY-1
func TestCardChecks(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, hk)
	good := Card{Number: "4111 1111 1111 1111", ExpMonth: 11, ExpYear: 2026, CVC: "123", Name: "TAI MAN CHAN"}
	_, info, err := good.Check(now, hk)
	if err != nil || info != (CardInfo{Brand: Visa, Last4: "1111", ExpMonth: 11, ExpYear: 2026}) {
		t.Fatalf("good card: %v %+v", err, info)
	}
	brands := map[string]string{"4111111111111111": Visa, "5555555555554444": Mastercard, "2223003122003222": Mastercard,
		"378282246310005": Amex, "6011111111111117": Discover, "3530111333300000": JCB, "6200000000000005": UnionPay}
	for n, want := range brands {
		if got := Brand(n); got != want {
			t.Errorf("Brand(%s) = %q; want %s", n, got, want)
		}
	}
	cases := []struct {
		edit  func(*Card)
		field string
		key   string
	}{
		{func(c *Card) { c.Number = "4111111111111112" }, "card.number", "payment.card.luhn"},
		{func(c *Card) { c.Number = "4111-1111-1111-111x" }, "card.number", "payment.card.number_format"},
		{func(c *Card) { c.Number = "" }, "card.number", "payment.card.number_required"},
		{func(c *Card) { c.ExpMonth = 10 }, "card.exp_year", "payment.card.expired"},
		{func(c *Card) { c.ExpMonth = 13 }, "card.exp_month", "payment.card.exp_month"},
		{func(c *Card) { c.CVC = "12" }, "card.cvc", "payment.card.cvc"},
		{func(c *Card) { c.Number, c.CVC = "378282246310005", "123" }, "card.cvc", "payment.card.cvc"},
	}
	for _, tc := range cases {
		c := good
		tc.edit(&c)
		_, _, err := c.Check(now, hk)
		fs := errs.As(err).Fields
		if err == nil || len(fs) != 1 || fs[0].Field != tc.field || fs[0].Key != tc.key {
			t.Errorf("%+v: %v; want %s %s", c, err, tc.field, tc.key)
		}
	}
	if !Luhn(TestCardInsufficient) || !Luhn(TestCardDoNotHonour) || !Luhn(TestCardTimeout) || strings.Contains(TestCardApprove, " ") {
		t.Error("test numbers must pass Luhn")
	}
}

func TestCutoff(t *testing.T) {
	cases := map[string]string{"2026-11-23 19:59": "2026-11-22 20:00", "2026-11-23 20:00": "2026-11-23 20:00", "2026-11-24 08:00": "2026-11-23 20:00"}
	for at, want := range cases {
		ti, err := time.ParseInLocation("2006-01-02 15:04", at, hk)
		if err != nil {
			t.Fatal(err)
		}
		if got := Cutoff(ti, hk).Format("2006-01-02 15:04"); got != want {
			t.Errorf("Cutoff(%s) = %s; want %s", at, got, want)
		}
	}
}

func TestLedgerTxnsBalance(t *testing.T) {
	if err := Move("k", "capture", "p", CardReceivable, CardAuthorized, 1950, time.Now()).Check(); err != nil {
		t.Error(err)
	}
	bad := Txn{Key: "k", Entries: []Entry{{CardReceivable, 100}, {CardAuthorized, -99}}}
	if bad.Check() == nil {
		t.Error("an unbalanced transaction passed")
	}
}
