// Package payment is money: card payments through a gateway (authorise at payment, capture in the
// daily settlement at 20:00 Hong Kong time, void before it, refund after), deposit accounts, refund
// applications, and a double-entry ledger in integer cents that every movement goes through
// (rule PAY-1..7). Only a card's brand, last four digits and expiry are ever kept.
package payment

import (
	"strings"
	"time"

	"github.com/ecship/ecship/internal/errs"
)

// Card is a card as the payer types it. It lives only as long as the payment request.
type Card struct {
	Number   string
	ExpMonth int
	ExpYear  int
	CVC      string
	Name     string
}

// CardInfo is all ecship keeps of a card.
type CardInfo struct {
	Brand    string `json:"brand"`
	Last4    string `json:"last4"`
	ExpMonth int    `json:"exp_month"`
	ExpYear  int    `json:"exp_year"`
}

// Brands detected from the card number.
const (
	Visa       = "visa"
	Mastercard = "mastercard"
	Amex       = "amex"
	UnionPay   = "unionpay"
	JCB        = "jcb"
	Discover   = "discover"
)

// digitsOnly keeps the digits of a typed card number ("4111 1111-1111 1111").
func digitsOnly(s string) (string, bool) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-':
		default:
			return "", false
		}
	}
	return b.String(), true
}

// Luhn reports whether a number passes the Luhn check.
func Luhn(n string) bool {
	if len(n) < 2 {
		return false
	}
	sum, double := 0, false
	for i := len(n) - 1; i >= 0; i-- {
		d := int(n[i] - '0')
		if d < 0 || d > 9 {
			return false
		}
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// Brand names a card's scheme from its number, or "" when none matches.
func Brand(n string) string {
	prefix := func(p string) bool { return strings.HasPrefix(n, p) }
	between := func(digits, lo, hi int) bool {
		if len(n) < digits {
			return false
		}
		v := 0
		for _, c := range n[:digits] {
			v = v*10 + int(c-'0')
		}
		return v >= lo && v <= hi
	}
	switch {
	case prefix("4"):
		return Visa
	case between(2, 51, 55), between(4, 2221, 2720):
		return Mastercard
	case prefix("34"), prefix("37"):
		return Amex
	case prefix("62"):
		return UnionPay
	case between(4, 3528, 3589):
		return JCB
	case prefix("6011"), prefix("65"), between(3, 644, 649):
		return Discover
	}
	return ""
}

// Check validates a card as typed at a moment (its expiry month must not have passed in Hong Kong) and
// returns the number's digits and what is kept of it. Every problem names its field.
func (c Card) Check(now time.Time, hk *time.Location) (string, CardInfo, error) {
	var fe errs.Fields
	n, ok := digitsOnly(c.Number)
	brand := Brand(n)
	switch {
	case strings.TrimSpace(c.Number) == "":
		fe.Add("card.number", "payment.card.number_required", nil)
	case !ok || len(n) < 12 || len(n) > 19:
		fe.Add("card.number", "payment.card.number_format", nil)
	case !Luhn(n):
		fe.Add("card.number", "payment.card.luhn", nil)
	case brand == "":
		fe.Add("card.number", "payment.card.brand", nil)
	}
	local := now.In(hk)
	switch {
	case c.ExpMonth < 1 || c.ExpMonth > 12:
		fe.Add("card.exp_month", "payment.card.exp_month", nil)
	case c.ExpYear < 2000 || c.ExpYear > local.Year()+20:
		fe.Add("card.exp_year", "payment.card.exp_year", nil)
	case c.ExpYear < local.Year() || (c.ExpYear == local.Year() && c.ExpMonth < int(local.Month())):
		fe.Add("card.exp_year", "payment.card.expired", nil)
	}
	cvc, okCVC := digitsOnly(c.CVC)
	want := 3
	if brand == Amex {
		want = 4
	}
	if !okCVC || len(cvc) != want {
		fe.Add("card.cvc", "payment.card.cvc", errs.Args{"digits": want})
	}
	if len([]rune(c.Name)) > 60 {
		fe.Add("card.name", "shipment.too_long", errs.Args{"max": 60})
	}
	if err := fe.Err(); err != nil {
		return "", CardInfo{}, err
	}
	return n, CardInfo{Brand: brand, Last4: n[len(n)-4:], ExpMonth: c.ExpMonth, ExpYear: c.ExpYear}, nil
}
