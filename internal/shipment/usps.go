package shipment

import (
	"strconv"
	"strings"
)

// US offices of exchange by ZIP3 prefix (USPS International Service Centers).
// New York (JFK) takes the listed ranges; every other valid ZIP goes to one of the others (LAX, ORD, MIA;
// San Francisco merged into LAX in 2022). The label shows JFK or OTHERS so senders can segregate
// New York's items from the rest (rule LBL-7).
var jfkZIP3 = [][2]int{{5, 5}, {10, 89}, {100, 212}, {214, 268}, {270, 297}, {400, 418}, {420, 427}, {470, 477}}

// reservedZIP3 are prefixes that never name a US delivery address: 000 is a placeholder, 001, 002 and
// 004 are outside the US, 003 is unused.
var reservedZIP3 = map[int]bool{0: true, 1: true, 2: true, 3: true, 4: true}

// Offices of exchange as the label shows them.
const (
	ExchangeJFK    = "JFK"
	ExchangeOthers = "OTHERS"
)

// placeholderZIPs are written where a ZIP code is not known; none is a delivery address.
var placeholderZIPs = map[string]bool{"00000": true, "99999": true}

// ParseZIP reads a US ZIP code: 5 digits or ZIP+4 (12345-6789 or 123456789). It returns the ZIP3
// prefix, or false for a malformed ZIP or one no address has.
func ParseZIP(zip string) (zip3 int, canonical string, ok bool) {
	zip3, canonical, problem := CheckZIP(zip)
	return zip3, canonical, problem == ""
}

// CheckZIP is ParseZIP saying what is wrong, as a message key: "shipment.zip.invalid" for what is
// not written as a ZIP code, "shipment.zip.unused" for a ZIP code no US address has (a placeholder
// such as 00000 or 99999, or a prefix kept for other uses); "" when it is one.
func CheckZIP(zip string) (zip3 int, canonical, problem string) {
	z := strings.ReplaceAll(strings.TrimSpace(zip), " ", "")
	switch {
	case len(z) == 5 && digits(z):
	case len(z) == 10 && z[5] == '-' && digits(z[:5]) && digits(z[6:]):
	case len(z) == 9 && digits(z):
		z = z[:5] + "-" + z[5:]
	default:
		return 0, "", "shipment.zip.invalid"
	}
	n, _ := strconv.Atoi(z[:3])
	if reservedZIP3[n] || placeholderZIPs[z[:5]] {
		return 0, "", "shipment.zip.unused"
	}
	return n, z, ""
}

// OfficeOfExchange says where an item to a US ZIP enters the US: JFK or one of the others.
func OfficeOfExchange(zip3 int) string {
	for _, r := range jfkZIP3 {
		if zip3 >= r[0] && zip3 <= r[1] {
			return ExchangeJFK
		}
	}
	return ExchangeOthers
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
