// Package addresscheck looks at an address before a label is prepared with it, as a counter clerk
// would: the label's own checks (a name, lines, a country, a city abroad), then what the
// destination asks. A Hong Kong address names a district, and so a region, and has no postcode;
// a US address has a ZIP or ZIP+4 code and a state; elsewhere the postcode is written as the
// destination writes it (the catalogue's formats). It says what is wrong or doubtful, by field,
// and suggests the address corrected where it can.
package addresscheck

import (
	"slices"
	"strings"
	"unicode"

	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/shipment"
)

// Severity says whether a finding stops a label (an error) or is only doubtful (a warning).
type Severity string

// Severities.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Finding is one thing the check found, on a field of the address.
type Finding struct {
	Field    string
	Key      string // message key
	Args     errs.Args
	Severity Severity
}

// Result is what the check found.
type Result struct {
	Findings []Finding
	// Suggested is the address as the check would write it (a postcode written the usual way, a
	// misspelt district put right, a postcode Hong Kong does not use left out); nil when it would
	// change nothing.
	Suggested *shipment.Address
	// District and Region are where a Hong Kong address lies, when it names a district or an area.
	District *catalog.District
}

// Valid says whether nothing stops the address (warnings may remain).
func (r Result) Valid() bool {
	return !slices.ContainsFunc(r.Findings, func(f Finding) bool { return f.Severity == Error })
}

// Check checks a as a sender's (Hong Kong only, LBL-8) or a recipient's address.
func Check(cat *catalog.Catalog, a shipment.Address, sender bool) Result {
	var r Result
	a.Country = strings.ToUpper(strings.TrimSpace(a.Country))
	for _, f := range shipment.CheckAddress(cat, &a, sender) {
		r.Findings = append(r.Findings, Finding{Field: f.Field, Key: f.Key, Args: f.Args, Severity: Error})
	}
	fixed := a
	switch format, none := cat.Postcode(a.Country); {
	case a.Country == "HK":
		r.District = checkHongKong(cat, &r, &fixed)
	case a.Country == "US":
		checkUS(&r, format, &fixed)
	case none && a.PostalCode != "":
		r.warn("postal_code", "address.postcode.none", errs.Args{"country": countryName(cat, a.Country)})
		fixed.PostalCode = ""
	case format != nil:
		checkPostcode(cat, &r, format, &fixed)
	}
	if !sameAddress(fixed, a) {
		r.Suggested = &fixed
	}
	return r
}

func (r *Result) warn(field, key string, args errs.Args) {
	r.Findings = append(r.Findings, Finding{Field: field, Key: key, Args: args, Severity: Warning})
}

func (r *Result) fail(field, key string, args errs.Args) {
	r.Findings = append(r.Findings, Finding{Field: field, Key: key, Args: args, Severity: Error})
}

// checkPostcode checks a postcode against its destination's format: missing is doubtful (a
// parcel without one is slow to sort), malformed is wrong.
func checkPostcode(cat *catalog.Catalog, r *Result, format *catalog.PostcodeFormat, a *shipment.Address) {
	if strings.TrimSpace(a.PostalCode) == "" {
		r.warn("postal_code", "address.postcode.missing", errs.Args{"country": countryName(cat, a.Country), "example": format.Example})
		return
	}
	norm, ok := format.Normalize(a.PostalCode)
	if !ok {
		r.fail("postal_code", "address.postcode.format", errs.Args{"country": countryName(cat, a.Country), "example": format.Example})
		return
	}
	a.PostalCode = norm
}

// usStates are the two-letter codes of the US states, the District of Columbia, the territories
// and the military post offices that US mail reaches.
var usStates = strings.Fields(`AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC
	ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY AS GU MP PR VI UM FM MH PW AA AE AP`)

// checkUS: a ZIP or ZIP+4 code and a state's two-letter code.
func checkUS(r *Result, format *catalog.PostcodeFormat, a *shipment.Address) {
	switch {
	case strings.TrimSpace(a.PostalCode) == "":
		r.fail("postal_code", "shipment.zip.required", nil)
	default:
		if _, canonical, problem := shipment.CheckZIP(a.PostalCode); problem != "" {
			r.fail("postal_code", problem, errs.Args{"zip": a.PostalCode})
		} else if format != nil {
			a.PostalCode, _ = format.Normalize(canonical)
		} else {
			a.PostalCode = canonical
		}
	}
	state := strings.ToUpper(strings.TrimSpace(a.State))
	switch {
	case state == "":
		r.fail("state", "address.us_state.required", nil)
	case !slices.Contains(usStates, state):
		r.fail("state", "address.us_state.unknown", errs.Args{"value": a.State})
	default:
		a.State = state
	}
}

// checkHongKong finds the district an address names (a district or a well-known area, in any of
// the three languages, in the city, state or lines); an address naming none is doubtful, and one
// with a near miss gets the district or area it most likely means. A postcode is left out: Hong
// Kong has none.
func checkHongKong(cat *catalog.Catalog, r *Result, a *shipment.Address) *catalog.District {
	if a.PostalCode != "" {
		r.warn("postal_code", "address.postcode.none", errs.Args{"country": countryName(cat, "HK")})
		a.PostalCode = ""
	}
	text := strings.ToLower(strings.Join(append([]string{a.City, a.State}, a.Lines...), " \n "))
	if d := findDistrict(cat, text); d != nil {
		return d
	}
	// A near miss in the city: "Kowlon", "Mongkok", "Shatin".
	switch name, d := nearestPlace(cat, a.City); {
	case d != nil:
		a.City = name
		r.warn("city", "address.hk.district_suggested", errs.Args{"value": name, "district": d.Names})
		return d
	case name != "": // a region, misspelt
		a.City = name
		r.warn("city", "address.hk.region_suggested", errs.Args{"value": name})
		return nil
	}
	r.warn("city", "address.hk.district", nil)
	return nil
}

// findDistrict is the district whose name, an area of it, or a region's name the text holds;
// the longest name found wins ("Kowloon City" over "Kowloon").
func findDistrict(cat *catalog.Catalog, text string) *catalog.District {
	var best *catalog.District
	bestLen := 0
	for _, d := range cat.Districts() {
		for _, name := range placeNames(d) {
			n := strings.ToLower(name)
			if len(n) > bestLen && containsWord(text, n) {
				best, bestLen = d, len(n)
			}
		}
	}
	return best
}

// placeNames are a district's names and its areas' (not the region's: "Kowloon" names no
// district).
func placeNames(d *catalog.District) []string {
	return append([]string{d.Names.En, d.Names.ZhHant, d.Names.ZhHans}, d.Areas...)
}

// containsWord says whether text holds name as whole words (Latin names) or at all (Chinese).
func containsWord(text, name string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], name)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(name)
		if !isLatin(name) || (start == 0 || !isLetter(text[start-1])) && (end == len(text) || !isLetter(text[end])) {
			return true
		}
		i = start + 1
	}
}

func isLatin(s string) bool {
	for _, r := range s {
		if r > unicode.MaxLatin1 {
			return false
		}
	}
	return true
}

func isLetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' }

// nearestPlace is the district or area name closest to city, when it is close enough to be a
// misspelling (at most two letters off, ignoring case and spaces, for names of five or more).
func nearestPlace(cat *catalog.Catalog, city string) (string, *catalog.District) {
	key := squash(city)
	if len([]rune(key)) < 5 {
		return "", nil
	}
	bestName, bestDist := "", 3
	var best *catalog.District
	for _, d := range cat.Districts() {
		for _, name := range append(placeNames(d), d.Region.Names.En) {
			if !isLatin(name) {
				continue
			}
			if dist := editDistance(key, squash(name)); dist < bestDist {
				bestName, bestDist, best = name, dist, d
			}
		}
	}
	if best != nil && bestName == best.Region.Names.En {
		return bestName, nil // a region: right enough, but no district
	}
	return bestName, best
}

func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '-' {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur := make([]int, len(rb)+1)
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(rb)]
}

func countryName(cat *catalog.Catalog, code string) catalog.Names {
	if d, ok := cat.Destination(code); ok {
		return d.Names
	}
	return catalog.Names{En: code, ZhHant: code, ZhHans: code}
}

func sameAddress(a, b shipment.Address) bool {
	return a.Name == b.Name && a.Company == b.Company && slices.Equal(a.Lines, b.Lines) && a.City == b.City && a.State == b.State &&
		a.PostalCode == b.PostalCode && a.Country == b.Country && a.Phone == b.Phone && a.Email == b.Email
}
