// Package s10 reads and writes UPU S10 item numbers: two letters naming the service, an eight-digit
// serial, a check digit and the ISO 3166-1 alpha-2 code of the issuing country, as in RR287043775IN.
package s10

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/ecship/ecship/internal/errs"
)

// Len is the length of a canonical item number.
const Len = 13

// MaxSerial is the largest serial an eight-digit field holds.
const MaxSerial = 99_999_999

// Number is a parsed item number.
type Number struct {
	Service string // two upper-case letters, like "RR"
	Serial  string // eight digits
	Check   byte   // the check digit's value, 0 to 9
	Country string // ISO 3166-1 alpha-2, upper case
}

// String returns the canonical 13 characters, like "RR287043775IN".
func (n Number) String() string {
	return n.Service + n.Serial + string('0'+n.Check) + n.Country
}

var weights = [8]int{8, 6, 4, 2, 3, 5, 9, 7}

// CheckDigit returns the check digit's value (0 to 9) for an eight-digit serial.
func CheckDigit(serial string) (byte, error) {
	if len(serial) != 8 || !allDigits(serial) {
		return 0, errs.New(errs.Invalid, "s10.format", errs.Args{"value": serial})
	}
	sum := 0
	for i, w := range weights {
		sum += int(serial[i]-'0') * w
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 0, nil
	case 11:
		return 5, nil
	default:
		return byte(c), nil
	}
}

// Parse reads an item number as people type it: spaces anywhere and lower case are fine
// ("rr 287 043 775 in"). The errors are invalid-input errors with the keys s10.format (not two
// letters, eight digits, a digit and two letters), s10.check_digit and s10.country (no such
// ISO 3166-1 country).
func Parse(s string) (Number, error) {
	var b strings.Builder
	b.Grow(Len)
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
		case 'a' <= r && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		default:
			b.WriteRune(r)
		}
	}
	c := b.String()
	bad := func(key string) (Number, error) {
		return Number{}, errs.New(errs.Invalid, key, errs.Args{"value": strings.TrimSpace(s)})
	}
	if len(c) != Len || !allLetters(c[0:2]) || !allDigits(c[2:11]) || !allLetters(c[11:13]) {
		return bad("s10.format")
	}
	n := Number{Service: c[0:2], Serial: c[2:10], Check: c[10] - '0', Country: c[11:13]}
	if want, _ := CheckDigit(n.Serial); want != n.Check {
		return bad("s10.check_digit")
	}
	if !IsCountry(n.Country) {
		return bad("s10.country")
	}
	return n, nil
}

// Format builds the item number for a service indicator, a serial and a country, like
// Format("RA", 1, "HK") = "RA000000015HK". The caller owns the inputs, so bad ones (not two
// upper-case letters, a serial outside 0 to MaxSerial, an unknown country) are a bug and panic.
func Format(service string, serial int, country string) string {
	if len(service) != 2 || !allLetters(service) || serial < 0 || serial > MaxSerial || !IsCountry(country) {
		panic(fmt.Sprintf("s10: Format(%q, %d, %q): bad input", service, serial, country))
	}
	digits := fmt.Sprintf("%08d", serial)
	c, _ := CheckDigit(digits)
	return Number{Service: service, Serial: digits, Check: c, Country: country}.String()
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func allLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}
