package addresscheck_test

import (
	"testing"

	"github.com/ecship/ecship/internal/addresscheck"
	"github.com/ecship/ecship/internal/shipment"
	"github.com/ecship/ecship/internal/testenv"
)

// An address checked as a clerk would: each destination's own findings, and the suggestion.
//
// rule: LBL-7, LBL-8
func TestCheck(t *testing.T) {
	cat := testenv.Catalog(t)
	base := func(country, city, state, postcode string, lines ...string) shipment.Address {
		if len(lines) == 0 {
			lines = []string{"1 Main Street"}
		}
		return shipment.Address{Name: "Jane Doe", Lines: lines, City: city, State: state, PostalCode: postcode, Country: country}
	}
	for _, c := range []struct {
		name     string
		addr     shipment.Address
		sender   bool
		valid    bool
		findings map[string]string // field -> message key
		district string            // Hong Kong: the district's code
		suggest  func(a *shipment.Address)
	}{
		{name: "Hong Kong, a district", addr: base("HK", "Sha Tin", "", ""), valid: true, district: "ST"},
		{name: "Hong Kong, an area in the lines", addr: base("HK", "", "", "", "Flat A, 12/F", "8 Nathan Road, Tsim Sha Tsui"), valid: true, district: "YTM"},
		{name: "Hong Kong, in Chinese", addr: base("HK", "", "", "", "九龍彌敦道 188 號", "旺角"), valid: true, district: "YTM"},
		{name: "Hong Kong, the longest name wins", addr: base("HK", "Kowloon City", "", ""), valid: true, district: "KC"},
		{name: "Hong Kong, a word inside another is not a place", addr: base("HK", "Xcentralia", "", ""), valid: true,
			findings: map[string]string{"city": "address.hk.district"}},
		{name: "Hong Kong, a near miss", addr: base("HK", "Mongkok", "", ""), valid: true, district: "YTM",
			findings: map[string]string{"city": "address.hk.district_suggested"}, suggest: func(a *shipment.Address) { a.City = "Mong Kok" }},
		{name: "Hong Kong, a region only", addr: base("HK", "Kowlon", "", ""), valid: true,
			findings: map[string]string{"city": "address.hk.region_suggested"}, suggest: func(a *shipment.Address) { a.City = "Kowloon" }},
		{name: "Hong Kong, a postcode", addr: base("HK", "Central", "", "999077"), valid: true, district: "CW",
			findings: map[string]string{"postal_code": "address.postcode.none"}, suggest: func(a *shipment.Address) { a.PostalCode = "" }},
		{name: "a sender abroad", addr: base("JP", "Tokyo", "", "100-0005"), sender: true, valid: false,
			findings: map[string]string{"country": "shipment.sender.hong_kong", "phone": "account.phone.required"}},
		{name: "US, ZIP+4 written loosely", addr: base("US", "New York", "ny", "10118 0110"), valid: true,
			suggest: func(a *shipment.Address) { a.PostalCode, a.State = "10118-0110", "NY" }},
		{name: "US, no ZIP, no state", addr: base("US", "New York", "", ""), valid: false,
			findings: map[string]string{"postal_code": "shipment.zip.required", "state": "address.us_state.required"}},
		{name: "US, a bad ZIP and state", addr: base("US", "New York", "Nowhere", "1011"), valid: false,
			findings: map[string]string{"postal_code": "shipment.zip.invalid", "state": "address.us_state.unknown"}},
		{name: "UK, a postcode without its space", addr: base("GB", "London", "", "sw1a1aa"), valid: true,
			suggest: func(a *shipment.Address) { a.PostalCode = "SW1A 1AA" }},
		{name: "Canada, wrong", addr: base("CA", "Ottawa", "ON", "12345"), valid: false,
			findings: map[string]string{"postal_code": "address.postcode.format"}},
		{name: "Japan, no postcode", addr: base("JP", "Tokyo", "", ""), valid: true,
			findings: map[string]string{"postal_code": "address.postcode.missing"}},
		{name: "Japan, without its hyphen", addr: base("JP", "Tokyo", "", "1000005"), valid: true,
			suggest: func(a *shipment.Address) { a.PostalCode = "100-0005" }},
		{name: "Macao has none", addr: base("MO", "Macau", "", "999078"), valid: true,
			findings: map[string]string{"postal_code": "address.postcode.none"}, suggest: func(a *shipment.Address) { a.PostalCode = "" }},
		{name: "a country the catalogue has no format for", addr: base("FJ", "Suva", "", ""), valid: true},
		{name: "the label's own checks", addr: shipment.Address{Country: "XX"}, valid: false,
			findings: map[string]string{"name": "shipment.address.name_required", "address_lines": "shipment.address.lines_required", "country": "shipment.address.country_code"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := addresscheck.Check(cat, c.addr, c.sender)
			if r.Valid() != c.valid {
				t.Errorf("valid %v, want %v: %+v", r.Valid(), c.valid, r.Findings)
			}
			got := map[string]string{}
			for _, f := range r.Findings {
				got[f.Field] = f.Key
			}
			if len(got) != len(c.findings) {
				t.Errorf("findings %v, want %v", got, c.findings)
			}
			for field, key := range c.findings {
				if got[field] != key {
					t.Errorf("%s: %q, want %q", field, got[field], key)
				}
			}
			switch {
			case c.district == "" && r.District != nil:
				t.Errorf("district %s, want none", r.District.Code)
			case c.district != "" && (r.District == nil || r.District.Code != c.district):
				t.Errorf("district %v, want %s", r.District, c.district)
			}
			if c.suggest == nil {
				if r.Suggested != nil {
					t.Errorf("suggested %+v, want nothing", *r.Suggested)
				}
				return
			}
			want := c.addr
			c.suggest(&want)
			if r.Suggested == nil || r.Suggested.PostalCode != want.PostalCode || r.Suggested.City != want.City || r.Suggested.State != want.State {
				t.Errorf("suggested %+v, want %+v", r.Suggested, want)
			}
		})
	}
}

func FuzzCheck(f *testing.F) {
	cat := testenv.Catalog(f)
	f.Add("HK", "Mongkok", "", "", "8 Nathan Road")
	f.Add("US", "New York", "NY", "10118-0110", "350 Fifth Avenue")
	f.Add("GB", "London", "", "sw1a 1aa", "10 Downing St")
	f.Fuzz(func(t *testing.T, country, city, state, postcode, line string) {
		r := addresscheck.Check(cat, shipment.Address{Name: "N", Lines: []string{line}, City: city, State: state, PostalCode: postcode, Country: country}, false)
		if s := r.Suggested; s != nil {
			// A suggestion is stable: checked again it suggests nothing more for the postcode.
			again := addresscheck.Check(cat, *s, false)
			if again.Suggested != nil && again.Suggested.PostalCode != s.PostalCode {
				t.Errorf("suggested %q, then %q", s.PostalCode, again.Suggested.PostalCode)
			}
		}
	})
}
