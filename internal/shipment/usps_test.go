package shipment

import "testing"

// rule: LBL-7
func TestZIPsBothSidesOfTheJFKSplit(t *testing.T) {
	cases := []struct {
		zip, want string
	}{
		{"00501", ExchangeJFK}, // 005 Holtsville NY
		{"01001", ExchangeJFK}, // 010 first of 010-089
		{"08901", ExchangeJFK}, // 089 last
		{"09001", ExchangeOthers},
		{"10118", ExchangeJFK}, // Empire State Building
		{"21201", ExchangeJFK}, // 212 last of 100-212
		{"21301", ExchangeOthers},
		{"21401", ExchangeJFK},
		{"26801", ExchangeJFK},
		{"26901", ExchangeOthers},
		{"27001", ExchangeJFK},
		{"29701", ExchangeJFK},
		{"29801", ExchangeOthers},
		{"40001", ExchangeJFK},
		{"41801", ExchangeJFK},
		{"41901", ExchangeOthers},
		{"42001", ExchangeJFK},
		{"42701", ExchangeJFK},
		{"42801", ExchangeOthers},
		{"47001", ExchangeJFK},
		{"47701", ExchangeJFK},
		{"47801", ExchangeOthers},
		{"90210", ExchangeOthers}, // Beverly Hills: LAX
		{"60601", ExchangeOthers}, // Chicago: ORD
		{"33101-1234", ExchangeOthers},
		{"101180001", ExchangeJFK},
	}
	for _, tc := range cases {
		z3, _, ok := ParseZIP(tc.zip)
		if !ok {
			t.Errorf("%s: not a valid ZIP", tc.zip)
			continue
		}
		if got := OfficeOfExchange(z3); got != tc.want {
			t.Errorf("%s: %s; want %s", tc.zip, got, tc.want)
		}
	}
	for _, bad := range []string{"", "1234", "123456", "ABCDE", "10118-12", "00012", "00123", "00234", "00345", "00456", "10118-ABCD", "00000", "99999", "99999-1234"} {
		if _, _, ok := ParseZIP(bad); ok {
			t.Errorf("%q accepted as a ZIP", bad)
		}
	}
}
