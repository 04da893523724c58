package catalog

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/ecship/ecship/internal/i18n"
	"github.com/ecship/ecship/internal/money"
)

//go:embed data
var embedded embed.FS

// Data is the catalogue data shipped inside the binary.
func Data() fs.FS {
	sub, err := fs.Sub(embedded, "data")
	if err != nil {
		panic(err)
	}
	return sub
}

// Default loads the embedded catalogue.
func Default() (*Catalog, error) { return Load(Data()) }

// LoadError names the file and entry of the catalogue data that is wrong.
type LoadError struct {
	File  string
	Entry string
	Msg   string
}

func (e *LoadError) Error() string {
	if e.Entry == "" {
		return fmt.Sprintf("catalog: %s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("catalog: %s: %s: %s", e.File, e.Entry, e.Msg)
}

// The JSON shapes of the data files.
type (
	formatJSON struct {
		Names            Names                 `json:"names"`
		MaxWeightG       int                   `json:"max_weight_g"`
		MaxMM            []int                 `json:"max_mm"`
		MinMM            []int                 `json:"min_mm"`
		MaxLengthMM      int                   `json:"max_length_mm"`
		MaxSumMM         int                   `json:"max_sum_mm"`
		MaxLengthGirthMM int                   `json:"max_length_girth_mm"`
		ByDestination    map[string]formatJSON `json:"by_destination"`
		Sample           bool                  `json:"sample"`
		Source           string                `json:"source"`
	}
	destJSON struct {
		Code     string   `json:"code"`
		Zone     Zone     `json:"zone"`
		Airmail  *bool    `json:"airmail"`
		Served   *bool    `json:"served"`
		HKPCodes []string `json:"hkp_codes"`
		Names    *Names   `json:"names"`
		Aliases  []string `json:"aliases"`
	}
	serviceJSON struct {
		Code            string          `json:"code"`
		Aliases         []string        `json:"aliases"`
		Group           Group           `json:"group"`
		Names           Names           `json:"names"`
		Air             bool            `json:"air"`
		S10Prefix       string          `json:"s10_prefix"`
		Destinations    json.RawMessage `json:"destinations"`
		Formats         []string        `json:"formats"`
		Postage         string          `json:"postage"`
		Fees            []string        `json:"fees"`
		MaxWeightByZone map[string]any  `json:"max_weight_g_by_zone"`
		Insurance       *struct {
			Kind         string   `json:"kind"`
			Premium      string   `json:"premium"`
			FirstCover   string   `json:"first_cover"`
			FirstPremium string   `json:"first_premium"`
			EachCover    string   `json:"each_cover"`
			EachPremium  string   `json:"each_premium"`
			MaxCover     string   `json:"max_cover"`
			NotTo        []string `json:"not_to"`
			TotalLoss    bool     `json:"total_loss_only"`
			Sample       bool     `json:"sample"`
		} `json:"insurance"`
		Delivery *struct {
			Days   map[Zone][]int `json:"days"`
			Sample bool           `json:"sample"`
		} `json:"delivery"`
		LatestPosting *struct {
			MinItems int    `json:"min_items"`
			Time     string `json:"time"`
			Varies   bool   `json:"varies"`
		} `json:"latest_posting"`
	}
	rateFileJSON struct {
		ID       string `json:"id"`
		Versions []struct {
			EffectiveFrom string `json:"effective_from"`
			Source        string `json:"source"`
			Sample        bool   `json:"sample"`
			Zones         []Zone `json:"zones"`
			Schedules     map[string][]struct {
				UpToG  int      `json:"up_to_g"`
				EachG  int      `json:"each_g"`
				Prices []string `json:"prices"`
				Sample bool     `json:"sample"`
				Note   string   `json:"note"`
			} `json:"schedules"`
		} `json:"versions"`
	}
	feeJSON struct {
		Names    Names `json:"names"`
		Versions []struct {
			EffectiveFrom string `json:"effective_from"`
			Price         string `json:"price"`
			Sample        bool   `json:"sample"`
			Source        string `json:"source"`
		} `json:"versions"`
	}
	holidaysJSON struct {
		Source   string `json:"source"`
		Holidays []struct {
			Date   string `json:"date"`
			En     string `json:"en"`
			ZhHant string `json:"zh-Hant"`
			ZhHans string `json:"zh-Hans"`
		} `json:"holidays"`
	}
)

var (
	codeRe    = regexp.MustCompile(`^[A-Z0-9]{3}$`)
	isoRe     = regexp.MustCompile(`^[A-Z]{2}$`)
	zones     = map[Zone]bool{"MT": true, "1": true, "2": true, "3": true, LocalZone: true}
	hhmmRe    = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)
	enRegions = display.English.Regions()
	ztRegions = display.TraditionalChinese.Regions()
	zsRegions = display.SimplifiedChinese.Regions()
)

// readJSON decodes one file strictly: unknown fields are errors, so a typo in the data cannot pass.
func readJSON(fsys fs.FS, name string, v any) error {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return &LoadError{File: name, Msg: err.Error()}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &LoadError{File: name, Msg: err.Error()}
	}
	return nil
}

func validDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

func (n Names) complete() bool { return n.En != "" && n.ZhHant != "" && n.ZhHans != "" }

// Load reads and checks the catalogue data in fsys (the layout of data/). The first problem found is
// returned as a *LoadError naming its file and entry.
func Load(fsys fs.FS) (*Catalog, error) {
	c := &Catalog{
		serviceByKey: map[string]*Service{},
		destByKey:    map[string]*Destination{},
		sortedDests:  map[i18n.Lang][]*Destination{},
		formats:      map[string]*Format{},
		tables:       map[string]*RateTable{},
		fees:         map[string]*Fee{},
		holidays:     map[string]Names{},
	}
	for _, step := range []func(fs.FS) error{c.loadFormats, c.loadDestinations, c.loadRates, c.loadFees, c.loadHolidays, c.loadServices, c.loadCustoms, c.loadOffices, c.loadPostcodes, c.loadDistricts} {
		if err := step(fsys); err != nil {
			return nil, err
		}
	}
	c.SetWeatherDays(nil)
	return c, nil
}

func (c *Catalog) loadFormats(fsys fs.FS) error {
	const file = "formats.json"
	var raw map[string]formatJSON
	if err := readJSON(fsys, file, &raw); err != nil {
		return err
	}
	toLimits := func(code string, f formatJSON) (Limits, error) {
		l := Limits{MaxWeightG: f.MaxWeightG, MaxLengthMM: f.MaxLengthMM, MaxSumMM: f.MaxSumMM, MaxLengthGirthMM: f.MaxLengthGirthMM}
		for name, src := range map[string][]int{"max_mm": f.MaxMM, "min_mm": f.MinMM} {
			if src == nil {
				continue
			}
			if len(src) != 3 || !sort.IsSorted(sort.Reverse(sort.IntSlice(src))) {
				return l, &LoadError{File: file, Entry: code, Msg: name + " must list three sides, longest first"}
			}
			if name == "max_mm" {
				copy(l.MaxMM[:], src)
			} else {
				copy(l.MinMM[:], src)
			}
		}
		if l.MaxWeightG < 0 || l.MaxLengthMM < 0 || l.MaxSumMM < 0 || l.MaxLengthGirthMM < 0 {
			return l, &LoadError{File: file, Entry: code, Msg: "limits cannot be negative"}
		}
		return l, nil
	}
	for code, f := range raw {
		if !f.Names.complete() {
			return &LoadError{File: file, Entry: code, Msg: "names need en, zh-Hant and zh-Hans"}
		}
		if f.MaxWeightG <= 0 {
			return &LoadError{File: file, Entry: code, Msg: "max_weight_g must be more than 0"}
		}
		l, err := toLimits(code, f)
		if err != nil {
			return err
		}
		fm := &Format{Code: code, Names: f.Names, Limits: l, Sample: f.Sample}
		for dest, o := range f.ByDestination {
			if !isoRe.MatchString(dest) {
				return &LoadError{File: file, Entry: code, Msg: fmt.Sprintf("by_destination %q is not an ISO code", dest)}
			}
			ol, err := toLimits(code, o)
			if err != nil {
				return err
			}
			if fm.ByDestination == nil {
				fm.ByDestination = map[string]Limits{}
			}
			fm.ByDestination[dest] = ol
		}
		c.formats[code] = fm
	}
	return nil
}

func (c *Catalog) loadDestinations(fsys fs.FS) error {
	const file = "destinations.json"
	var raw []destJSON
	if err := readJSON(fsys, file, &raw); err != nil {
		return err
	}
	for i, d := range raw {
		entry := fmt.Sprintf("entry %d (%s)", i+1, d.Code)
		if !isoRe.MatchString(d.Code) {
			return &LoadError{File: file, Entry: entry, Msg: "code must be an ISO 3166-1 alpha-2 code"}
		}
		if !zones[d.Zone] {
			return &LoadError{File: file, Entry: entry, Msg: fmt.Sprintf("zone %q is not one of MT, 1, 2, 3, local", d.Zone)}
		}
		if _, dup := c.destByKey[d.Code]; dup {
			return &LoadError{File: file, Entry: entry, Msg: "listed twice"}
		}
		dest := &Destination{Code: d.Code, Zone: d.Zone, Airmail: true, Served: true, HKPCodes: d.HKPCodes}
		if d.Airmail != nil {
			dest.Airmail = *d.Airmail
		}
		if d.Served != nil {
			dest.Served = *d.Served
		}
		if len(dest.HKPCodes) == 0 {
			dest.HKPCodes = []string{d.Code + "A"}
		}
		var standard Names // the CLDR names, still accepted when the data names the place otherwise
		if r, err := language.ParseRegion(d.Code); err == nil {
			standard = Names{En: enRegions.Name(r), ZhHant: ztRegions.Name(r), ZhHans: zsRegions.Name(r)}
			dest.Names = standard
		}
		if d.Names != nil {
			if d.Names.En != "" {
				dest.Names.En = d.Names.En
			}
			if d.Names.ZhHant != "" {
				dest.Names.ZhHant = d.Names.ZhHant
			}
			if d.Names.ZhHans != "" {
				dest.Names.ZhHans = d.Names.ZhHans
			}
		}
		if !dest.Names.complete() {
			return &LoadError{File: file, Entry: entry, Msg: "no name in every language: give names"}
		}
		keys := append([]string{d.Code}, dest.HKPCodes...)
		keys = append(keys, dest.Names.En, dest.Names.ZhHant, dest.Names.ZhHans)
		keys = append(keys, d.Aliases...)
		for _, k := range keys {
			k = strings.ToUpper(k)
			if other, dup := c.destByKey[k]; dup && other != dest {
				return &LoadError{File: file, Entry: entry, Msg: fmt.Sprintf("%q already names %s", k, other.Code)}
			}
			c.destByKey[k] = dest
		}
		for _, k := range []string{standard.En, standard.ZhHant, standard.ZhHans} {
			if _, taken := c.destByKey[strings.ToUpper(k)]; k != "" && !taken {
				c.destByKey[strings.ToUpper(k)] = dest
			}
		}
		c.dests = append(c.dests, dest)
	}
	for _, l := range i18n.Langs {
		sorted := append([]*Destination(nil), c.dests...)
		sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Names.In(l) < sorted[j].Names.In(l) })
		c.sortedDests[l] = sorted
	}
	return nil
}

func (c *Catalog) loadRates(fsys fs.FS) error {
	files, err := fs.Glob(fsys, "rates/*.json")
	if err != nil || len(files) == 0 {
		return &LoadError{File: "rates/", Msg: "no rate tables"}
	}
	for _, file := range files {
		var raw rateFileJSON
		if err := readJSON(fsys, file, &raw); err != nil {
			return err
		}
		if raw.ID != strings.TrimSuffix(path.Base(file), ".json") {
			return &LoadError{File: file, Msg: fmt.Sprintf("id %q must match the file name", raw.ID)}
		}
		t := &RateTable{ID: raw.ID}
		for vi, v := range raw.Versions {
			entry := fmt.Sprintf("version %d", vi+1)
			if !validDate(v.EffectiveFrom) {
				return &LoadError{File: file, Entry: entry, Msg: fmt.Sprintf("effective_from %q is not a date like 2026-01-31", v.EffectiveFrom)}
			}
			rv := &RateVersion{EffectiveFrom: v.EffectiveFrom, Source: v.Source, Sample: v.Sample, zones: map[Zone]int{}, schedules: map[string][]rateStep{}}
			for i, z := range v.Zones {
				if !zones[z] {
					return &LoadError{File: file, Entry: entry, Msg: fmt.Sprintf("zone %q is not one of MT, 1, 2, 3, local", z)}
				}
				rv.zones[z] = i
			}
			for format, steps := range v.Schedules {
				if _, ok := c.formats[format]; !ok && format != "*" {
					return &LoadError{File: file, Entry: entry, Msg: fmt.Sprintf("schedule %q is not a format in formats.json", format)}
				}
				last := 0
				for si, s := range steps {
					stepEntry := fmt.Sprintf("%s, schedule %s, step %d", entry, format, si+1)
					if s.UpToG <= last {
						return &LoadError{File: file, Entry: stepEntry, Msg: "up_to_g must grow from step to step"}
					}
					if s.EachG < 0 || (s.EachG > 0 && si == 0) {
						return &LoadError{File: file, Entry: stepEntry, Msg: "each_g steps follow a flat first step"}
					}
					if len(s.Prices) != len(v.Zones) {
						return &LoadError{File: file, Entry: stepEntry, Msg: fmt.Sprintf("%d prices for %d zones", len(s.Prices), len(v.Zones))}
					}
					st := rateStep{upToG: s.UpToG, eachG: s.EachG, sample: s.Sample}
					for _, p := range s.Prices {
						cents, err := money.Parse(p)
						if err != nil {
							return &LoadError{File: file, Entry: stepEntry, Msg: fmt.Sprintf("price %q is not an amount like 19.50", p)}
						}
						st.prices = append(st.prices, cents)
					}
					rv.schedules[format] = append(rv.schedules[format], st)
					last = s.UpToG
				}
			}
			if n := len(t.Versions); n > 0 && t.Versions[n-1].EffectiveFrom >= rv.EffectiveFrom {
				return &LoadError{File: file, Entry: entry, Msg: "versions must be in order of effective_from"}
			}
			t.Versions = append(t.Versions, rv)
		}
		if len(t.Versions) == 0 {
			return &LoadError{File: file, Msg: "no versions"}
		}
		c.tables[t.ID] = t
	}
	return nil
}

func (c *Catalog) loadFees(fsys fs.FS) error {
	const file = "fees.json"
	var raw map[string]feeJSON
	if err := readJSON(fsys, file, &raw); err != nil {
		return err
	}
	for id, f := range raw {
		if !f.Names.complete() {
			return &LoadError{File: file, Entry: id, Msg: "names need en, zh-Hant and zh-Hans"}
		}
		fee := &Fee{ID: id, Names: f.Names}
		for i, v := range f.Versions {
			p, err := money.Parse(v.Price)
			if !validDate(v.EffectiveFrom) || err != nil || (i > 0 && fee.Versions[i-1].EffectiveFrom >= v.EffectiveFrom) {
				return &LoadError{File: file, Entry: fmt.Sprintf("%s version %d", id, i+1), Msg: "needs an effective_from date (in order) and a price like 15.50"}
			}
			fee.Versions = append(fee.Versions, FeeVersion{EffectiveFrom: v.EffectiveFrom, Price: p, Sample: v.Sample, Source: v.Source})
		}
		c.fees[id] = fee
	}
	return nil
}

func (c *Catalog) loadHolidays(fsys fs.FS) error {
	const file = "holidays.json"
	var raw holidaysJSON
	if err := readJSON(fsys, file, &raw); err != nil {
		return err
	}
	for _, h := range raw.Holidays {
		n := Names{En: h.En, ZhHant: h.ZhHant, ZhHans: h.ZhHans}
		if !validDate(h.Date) || !n.complete() {
			return &LoadError{File: file, Entry: h.Date, Msg: "needs a date like 2026-01-01 and names in three languages"}
		}
		c.holidays[h.Date] = n
	}
	return nil
}

func (c *Catalog) loadServices(fsys fs.FS) error {
	const file = "services.json"
	var raw []serviceJSON
	if err := readJSON(fsys, file, &raw); err != nil {
		return err
	}
	for _, s := range raw {
		fail := func(format string, a ...any) error {
			return &LoadError{File: file, Entry: s.Code, Msg: fmt.Sprintf(format, a...)}
		}
		if err := c.addService(s, fail); err != nil {
			return err
		}
	}
	return nil
}

// failFunc makes a load error about the entry being read.
type failFunc func(format string, a ...any) error

// addService checks one service entry and adds it: its codes, group and item number prefix, then
// (for a service labels are prepared for) its destinations, formats and prices, weight limits,
// insurance and delivery standard.
func (c *Catalog) addService(s serviceJSON, fail failFunc) error {
	if !codeRe.MatchString(s.Code) {
		return fail("code must be three capital letters or digits")
	}
	if !s.Names.complete() {
		return fail("names need en, zh-Hant and zh-Hans")
	}
	svc := &Service{Code: s.Code, Aliases: s.Aliases, Group: s.Group, Names: s.Names, Air: s.Air, S10Prefix: s.S10Prefix, Postage: s.Postage, Fees: s.Fees}
	for _, k := range append([]string{s.Code}, s.Aliases...) {
		if _, dup := c.serviceByKey[k]; dup {
			return fail("code or alias %q is used twice", k)
		}
		c.serviceByKey[k] = svc
	}
	c.services = append(c.services, svc)
	switch s.Group {
	case Bulk:
		return nil // listed, not quotable yet: no more data needed
	case Local, NonLocal:
	default:
		return fail("group %q is not local, nonlocal or bulk", s.Group)
	}
	if len(s.S10Prefix) != 1 || s.S10Prefix[0] < 'A' || s.S10Prefix[0] > 'Z' {
		return fail("s10_prefix must be one capital letter")
	}
	for _, step := range []func(serviceJSON, *Service, failFunc) error{c.serviceDestinations, c.servicePrices, serviceMaxWeights, c.serviceInsurance, serviceDelivery} {
		if err := step(s, svc, fail); err != nil {
			return err
		}
	}
	return nil
}

// serviceDestinations reads where the service goes: its whole group, or a list of destinations.
func (c *Catalog) serviceDestinations(s serviceJSON, svc *Service, fail failFunc) error {
	var all string
	if err := json.Unmarshal(s.Destinations, &all); err == nil {
		if Group(all) != s.Group {
			return fail("destinations %q must be the service's group %q or a list", all, s.Group)
		}
		svc.allDestinations = s.Group
		return nil
	}
	var list []string
	if err := json.Unmarshal(s.Destinations, &list); err != nil || len(list) == 0 {
		return fail("destinations must be \"local\", \"nonlocal\" or a list of ISO codes")
	}
	svc.destinations = map[string]bool{}
	for _, code := range list {
		d, ok := c.destByKey[code]
		if !ok || d.Code != code {
			return fail("destination %q is not in destinations.json", code)
		}
		if d.Local() != (s.Group == Local) {
			return fail("destination %q is not %s", code, s.Group)
		}
		if svc.destinations[code] {
			return fail("destination %q is listed twice", code)
		}
		svc.destinations[code] = true
	}
	return nil
}

// servicePrices reads the service's formats, its postage table (a schedule for every format in
// every version) and its fees.
func (c *Catalog) servicePrices(s serviceJSON, svc *Service, fail failFunc) error {
	if len(s.Formats) == 0 {
		return fail("needs at least one format")
	}
	for _, code := range s.Formats {
		f, ok := c.formats[code]
		if !ok {
			return fail("format %q is not in formats.json", code)
		}
		svc.Formats = append(svc.Formats, f)
	}
	table, ok := c.tables[s.Postage]
	if !ok {
		return fail("postage table %q is not in rates/", s.Postage)
	}
	for _, f := range svc.Formats {
		for _, v := range table.Versions {
			if _, ok := v.schedules[f.Code]; !ok {
				if _, ok := v.schedules["*"]; !ok {
					return fail("rate table %s (from %s) has no schedule for format %s", table.ID, v.EffectiveFrom, f.Code)
				}
			}
		}
	}
	for _, fee := range s.Fees {
		if _, ok := c.fees[fee]; !ok {
			return fail("fee %q is not in fees.json", fee)
		}
	}
	return nil
}

// serviceMaxWeights reads the service's weight limits by zone, if it has any.
func serviceMaxWeights(s serviceJSON, svc *Service, fail failFunc) error {
	if s.MaxWeightByZone == nil {
		return nil
	}
	svc.MaxWeightByZone = map[Zone]int{}
	for k, v := range s.MaxWeightByZone {
		if k == "sample" {
			b, ok := v.(bool)
			if !ok {
				return fail("max_weight_g_by_zone sample must be true or false")
			}
			svc.MaxWeightSample = b
			continue
		}
		n, ok := v.(float64)
		if !zones[Zone(k)] || !ok || n <= 0 || n != float64(int(n)) {
			return fail("max_weight_g_by_zone %q must be a zone with a whole number of grams", k)
		}
		svc.MaxWeightByZone[Zone(k)] = int(n)
	}
	return nil
}

// serviceInsurance reads the service's insurance rule, if it offers insurance.
func (c *Catalog) serviceInsurance(s serviceJSON, svc *Service, fail failFunc) error {
	in := s.Insurance
	if in == nil {
		return nil
	}
	r := &InsuranceRule{Kind: in.Kind, Sample: in.Sample, TotalLossOnly: in.TotalLoss, NotTo: map[string]bool{}}
	var err error
	parse := func(s string) money.Cents {
		if s == "" || err != nil {
			return 0
		}
		var c money.Cents
		c, err = money.Parse(s)
		return c
	}
	r.Premium, r.FirstCover, r.FirstPremium = parse(in.Premium), parse(in.FirstCover), parse(in.FirstPremium)
	r.EachCover, r.EachPremium, r.MaxCover = parse(in.EachCover), parse(in.EachPremium), parse(in.MaxCover)
	if err != nil {
		return fail("insurance amounts must be like 11.00")
	}
	switch {
	case r.MaxCover <= 0:
		return fail("insurance needs max_cover")
	case r.Kind == "flat" && r.Premium <= 0:
		return fail("flat insurance needs a premium")
	case r.Kind == "stepped" && (r.FirstCover <= 0 || r.EachCover <= 0 || r.FirstPremium <= 0):
		return fail("stepped insurance needs first_cover, first_premium, each_cover and each_premium")
	case r.Kind != "flat" && r.Kind != "stepped":
		return fail("insurance kind %q is not flat or stepped", r.Kind)
	}
	for _, code := range in.NotTo {
		if _, ok := c.destByKey[code]; !ok {
			return fail("insurance not_to %q is not a destination", code)
		}
		r.NotTo[code] = true
	}
	svc.Insurance = r
	return nil
}

// serviceDelivery reads the service's delivery standard and latest posting time.
func serviceDelivery(s serviceJSON, svc *Service, fail failFunc) error {
	if s.Delivery == nil || len(s.Delivery.Days) == 0 {
		return fail("needs a delivery standard")
	}
	svc.Delivery = &Delivery{Days: map[Zone][2]int{}, Sample: s.Delivery.Sample}
	for z, days := range s.Delivery.Days {
		if (!zones[z] && z != "*") || len(days) != 2 || days[0] < 0 || days[0] > days[1] {
			return fail("delivery days for %q must be [min, max] working days", z)
		}
		svc.Delivery.Days[z] = [2]int{days[0], days[1]}
	}
	if lp := s.LatestPosting; lp != nil {
		if !lp.Varies && (!hhmmRe.MatchString(lp.Time) || lp.MinItems < 1) {
			return fail("latest_posting needs min_items and a time like 16:00")
		}
		svc.Latest = &LatestPosting{MinItems: lp.MinItems, Time: lp.Time, Varies: lp.Varies}
	}
	return nil
}
