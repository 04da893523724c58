// Package money holds amounts of money as integer cents and their decimal text form.
package money

import (
	"errors"
	"strconv"
	"strings"
)

// Cents is an amount in the currency's minor unit (cents of HKD unless said otherwise).
type Cents int64

// ErrSyntax is returned for text that is not a plain decimal amount with at most two decimals.
var ErrSyntax = errors.New("money: not an amount like 19.50")

// Parse reads "19", "19.5" or "19.50" (no sign, no thousands separators, at most two decimals).
func Parse(s string) (Cents, error) {
	s = strings.TrimSpace(s)
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || len(whole) > 13 || len(frac) > 2 || (hasDot && frac == "") {
		return 0, ErrSyntax
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, ErrSyntax
		}
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, ErrSyntax
	}
	var f int64
	if frac != "" {
		f, _ = strconv.ParseInt(frac, 10, 64)
		if len(frac) == 1 {
			f *= 10
		}
	}
	return Cents(w*100 + f), nil
}

// MustParse is Parse for constants in code and tests.
func MustParse(s string) Cents {
	c, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return c
}

// String is the decimal form with two decimals: "19.50", "-3.00".
func (c Cents) String() string {
	neg := c < 0
	if neg {
		c = -c
	}
	b := make([]byte, 0, 16)
	if neg {
		b = append(b, '-')
	}
	b = strconv.AppendInt(b, int64(c/100), 10)
	b = append(b, '.', byte('0'+c%100/10), byte('0'+c%10))
	return string(b)
}

// Display is the amount for people: thousands separated, e.g. "1,234.50".
func (c Cents) Display() string {
	s := c.String()
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	b.WriteByte('.')
	b.WriteString(frac)
	return b.String()
}
