package s10_test

import (
	"strings"
	"testing"

	"golang.org/x/text/language"

	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/s10"
)

// rule: LBL-10
func TestCheckDigit(t *testing.T) {
	for _, tc := range []struct {
		serial string
		want   byte
	}{
		{"47312482", 9},
		{"00000000", 5}, // 11 - 0 = 11 -> 5
		{"00000008", 0}, // 11 - 64 mod 11 = 10 -> 0
		{"28704377", 5},
		{"12345678", 5},
	} {
		got, err := s10.CheckDigit(tc.serial)
		if err != nil || got != tc.want {
			t.Errorf("CheckDigit(%q) = %d, %v; want %d", tc.serial, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "1234567", "123456789", "1234567a", "１２３４５６７８"} {
		if _, err := s10.CheckDigit(bad); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("CheckDigit(%q) = %v; want an invalid-input error", bad, err)
		}
	}
}

// rule: LBL-10
func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want s10.Number
	}{
		{"RR287043775IN", s10.Number{Service: "RR", Serial: "28704377", Check: 5, Country: "IN"}},
		{"RB123456785GB", s10.Number{Service: "RB", Serial: "12345678", Check: 5, Country: "GB"}},
		{"RB123456785US", s10.Number{Service: "RB", Serial: "12345678", Check: 5, Country: "US"}},
		{"RA123456785GB", s10.Number{Service: "RA", Serial: "12345678", Check: 5, Country: "GB"}},
		{"rr 287 043 775 in", s10.Number{Service: "RR", Serial: "28704377", Check: 5, Country: "IN"}},
		{"  Ee123456785hK\n", s10.Number{Service: "EE", Serial: "12345678", Check: 5, Country: "HK"}},
		{"CD 1234 5678 5 HK", s10.Number{Service: "CD", Serial: "12345678", Check: 5, Country: "HK"}},
	} {
		got, err := s10.Parse(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
			continue
		}
		if s := got.String(); s != strings.ToUpper(strings.Join(strings.Fields(tc.in), "")) {
			t.Errorf("Parse(%q).String() = %q", tc.in, s)
		}
	}
}

// rule: LBL-10
func TestParseRefuses(t *testing.T) {
	for _, tc := range []struct{ in, key string }{
		{"RB123456786US", "s10.check_digit"},
		{"RA123456784GB", "s10.check_digit"},
		{"RB123456785XX", "s10.country"},
		{"RB123456785UK", "s10.country"}, // GB is the code; UK is only reserved
		{"RB123456785ZZ", "s10.country"},
		{"", "s10.format"},
		{"RB12345678GB", "s10.format"},
		{"RB1234567855GB", "s10.format"},
		{"R1123456785GB", "s10.format"},
		{"RB12345678XGB", "s10.format"},
		{"RB123456785G1", "s10.format"},
		{"RB-123456785-GB", "s10.format"},
		{"ＲＢ123456785GB", "s10.format"},
		{"RÉ123456785GB", "s10.format"},
	} {
		_, err := s10.Parse(tc.in)
		e := errs.As(err)
		if err == nil || e.Code != errs.Invalid || e.Message.Key != tc.key {
			t.Errorf("Parse(%q) = %v; want invalid %s", tc.in, err, tc.key)
		}
	}
}

// rule: LBL-10
func TestFormat(t *testing.T) {
	for _, tc := range []struct {
		service string
		serial  int
		country string
		want    string
	}{
		{"RA", 0, "HK", "RA000000005HK"},
		{"RA", 8, "HK", "RA000000080HK"},
		{"EE", 12345678, "HK", "EE123456785HK"},
		{"RR", 28704377, "IN", "RR287043775IN"},
		{"LZ", s10.MaxSerial, "HK", "LZ999999995HK"},
	} {
		got := s10.Format(tc.service, tc.serial, tc.country)
		if got != tc.want {
			t.Errorf("Format(%q, %d, %q) = %q; want %q", tc.service, tc.serial, tc.country, got, tc.want)
		}
		if _, err := s10.Parse(got); err != nil {
			t.Errorf("Parse(Format(...)) = %v", err)
		}
	}
}

func TestFormatPanicsOnBadInput(t *testing.T) {
	for _, tc := range []struct {
		service string
		serial  int
		country string
	}{
		{"R", 1, "HK"}, {"ra", 1, "HK"}, {"RA", -1, "HK"}, {"RA", s10.MaxSerial + 1, "HK"}, {"RA", 1, "XX"},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Format(%q, %d, %q) did not panic", tc.service, tc.serial, tc.country)
				}
			}()
			s10.Format(tc.service, tc.serial, tc.country)
		}()
	}
}

// The embedded list is checked against CLDR's region data: 249 codes, each a country there with an
// ISO 3166-1 alpha-3 code of its own.
func TestCountriesAgreeWithCLDR(t *testing.T) {
	n := 0
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			if !s10.IsCountry(code) {
				continue
			}
			n++
			r, err := language.ParseRegion(code)
			if err != nil || !r.IsCountry() || r.ISO3() == "ZZZ" || r.Canonicalize() != r {
				t.Errorf("%s is in the list but not an ISO 3166-1 country in CLDR", code)
			}
		}
	}
	if n != 249 {
		t.Errorf("%d countries; ISO 3166-1 has 249", n)
	}
}

// rule: LBL-10
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"RR287043775IN", "rr 287 043 775 in", "RB123456786US", "RB123456785XX", "RA123456784GB",
		"", "EE123456785HK", "\u00a0RA000000005HK", "ＲＢ123456785GB",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := s10.Parse(s)
		if err != nil {
			if errs.CodeOf(err) != errs.Invalid {
				t.Fatalf("Parse(%q) = %v; want an invalid-input error", s, err)
			}
			return
		}
		c := n.String()
		if len(c) != s10.Len {
			t.Fatalf("Parse(%q).String() = %q; want %d characters", s, c, s10.Len)
		}
		again, err := s10.Parse(c)
		if err != nil || again != n {
			t.Fatalf("Parse(%q) = %+v, but Parse(%q) = %+v, %v", s, n, c, again, err)
		}
	})
}
