// Package catalog is what Hongkong Post offers: services, destinations and their zones, mail formats with
// their limits, dated rate tables, insurance and delivery standards, and the working-day calendar. The
// data lives in embedded JSON files under data/; Load checks every entry, and Quote is pure and fast.
package catalog

import (
	"sort"
	"strings"
	"sync/atomic"

	"github.com/ecship/ecship/internal/i18n"
	"github.com/ecship/ecship/internal/money"
)

// Names is a text in ecship's three languages.
type Names struct {
	En     string `json:"en"`
	ZhHant string `json:"zh-Hant"`
	ZhHans string `json:"zh-Hans"`
}

// In returns the text in l.
func (n Names) In(l i18n.Lang) string {
	switch l {
	case i18n.TraditionalChinese:
		return n.ZhHant
	case i18n.SimplifiedChinese:
		return n.ZhHans
	}
	return n.En
}

// Group says where a service goes.
type Group string

// Service groups (rule SVC-1).
const (
	Local    Group = "local"
	NonLocal Group = "nonlocal"
	Bulk     Group = "bulk"
)

// Zone is a Hongkong Post postage zone: "MT" (Mainland, Macao and Taiwan), "1", "2", "3", or "local".
type Zone string

// LocalZone is Hong Kong itself.
const LocalZone Zone = "local"

// Destination is a country or territory (ISO 3166-1 alpha-2).
type Destination struct {
	Code     string
	Names    Names
	Zone     Zone
	Airmail  bool     // false for Macao: no air mail goes there
	Served   bool     // false for places with no postal service at all
	HKPCodes []string // Hongkong Post's 3-letter codes used by the EC-Ship SOAP API

	postcode   *PostcodeFormat // how its postcodes are written; nil when the catalogue does not say
	noPostcode bool            // it has no postcodes (Hong Kong, Macao)
}

// Local reports whether the destination is Hong Kong.
func (d *Destination) Local() bool { return d.Zone == LocalZone }

// Format is a kind of item with its limits (letter formats, parcel sizes).
type Format struct {
	Code   string
	Names  Names
	Limits Limits
	// ByDestination overrides limits for some destinations (USA length + girth).
	ByDestination map[string]Limits
	Sample        bool
}

// LimitsFor returns the format's limits for a destination.
func (f *Format) LimitsFor(dest string) Limits {
	if o, ok := f.ByDestination[dest]; ok {
		l := f.Limits
		if o.MaxLengthGirthMM > 0 {
			l.MaxLengthGirthMM = o.MaxLengthGirthMM
		}
		if o.MaxWeightG > 0 {
			l.MaxWeightG = o.MaxWeightG
		}
		return l
	}
	return f.Limits
}

// Limits bound an item's weight and size. Zero means no limit of that kind. Sizes are sorted sides:
// length is the longest.
type Limits struct {
	MaxWeightG       int
	MaxMM            [3]int // longest, middle, shortest side
	MinMM            [3]int
	MaxLengthMM      int
	MaxSumMM         int // length + width + height
	MaxLengthGirthMM int // length + 2 x (width + height)
}

// InsuranceRule is a service's optional insurance (rule INS-1..3).
type InsuranceRule struct {
	Kind         string // "flat" or "stepped"
	Premium      money.Cents
	FirstCover   money.Cents
	FirstPremium money.Cents
	EachCover    money.Cents
	EachPremium  money.Cents
	MaxCover     money.Cents
	NotTo        map[string]bool
	// TotalLossOnly: indemnity is paid only when the item is lost entirely (rule INS-4).
	TotalLossOnly bool
	Sample        bool
}

// PremiumFor returns the premium for insuring value (value must be within MaxCover).
func (r *InsuranceRule) PremiumFor(value money.Cents) money.Cents {
	if r.Kind == "flat" {
		return r.Premium
	}
	p := r.FirstPremium
	if value > r.FirstCover {
		steps := (value - r.FirstCover + r.EachCover - 1) / r.EachCover
		p += steps * r.EachPremium
	}
	return p
}

// Delivery is a delivery standard in working days, by zone ("*" for every zone).
type Delivery struct {
	Days   map[Zone][2]int
	Sample bool
}

// For returns the minimum and maximum working days to a zone.
func (d *Delivery) For(z Zone) (lo, hi int, ok bool) {
	if r, found := d.Days[z]; found {
		return r[0], r[1], true
	}
	if r, found := d.Days["*"]; found {
		return r[0], r[1], true
	}
	return 0, 0, false
}

// LatestPosting is a service's latest posting time (rule SVC-8).
type LatestPosting struct {
	MinItems int    // the time applies when posting at least this many items
	Time     string // "16:00", Hong Kong time
	Varies   bool   // varies by destination (Speedpost: Pos 15A/1)
}

// Service is a postal service that EC-Ship prepares labels for.
type Service struct {
	Code            string
	Aliases         []string
	Group           Group
	Names           Names
	Air             bool
	S10Prefix       string
	Formats         []*Format
	Postage         string // rate table id
	Fees            []string
	Insurance       *InsuranceRule
	Delivery        *Delivery
	Latest          *LatestPosting
	MaxWeightByZone map[Zone]int
	MaxWeightSample bool

	allDestinations Group // Local or NonLocal when the service reaches every such destination
	destinations    map[string]bool
}

// Quotable reports whether Quote prices this service (bulk services need a posting statement).
func (s *Service) Quotable() bool { return s.Group != Bulk }

// Reaches reports whether the service goes to a destination (before weight and size).
func (s *Service) Reaches(d *Destination) bool {
	if s.allDestinations != "" {
		return (s.allDestinations == Local) == d.Local()
	}
	return s.destinations[d.Code]
}

// DestinationCodes lists the destinations a service names explicitly (nil when it reaches all).
func (s *Service) DestinationCodes() []string {
	if s.destinations == nil {
		return nil
	}
	out := make([]string, 0, len(s.destinations))
	for c := range s.destinations {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// Catalog is the loaded, checked catalogue. It is safe for concurrent use; only the weather days of its
// calendar change after loading.
type Catalog struct {
	services      []*Service
	serviceByKey  map[string]*Service // code and aliases
	dests         []*Destination
	destByKey     map[string]*Destination // ISO code, HKP codes, names in three languages (upper case)
	sortedDests   map[i18n.Lang][]*Destination
	formats       map[string]*Format
	tables        map[string]*RateTable
	fees          map[string]*Fee
	holidays      map[string]Names // "2026-01-01" -> names
	customs       customsData
	offices       []*Office
	officeByCode  map[string]*Office
	officesSample bool
	districts     []*District // Hong Kong's
	cal           atomic.Pointer[Calendar]
}

// Services returns every service in catalogue order.
func (c *Catalog) Services() []*Service { return c.services }

// Service finds a service by code or alias, in any case.
func (c *Catalog) Service(code string) (*Service, bool) {
	s, ok := c.serviceByKey[strings.ToUpper(strings.TrimSpace(code))]
	return s, ok
}

// Destinations returns every destination sorted by its name in l.
func (c *Catalog) Destinations(l i18n.Lang) []*Destination { return c.sortedDests[l] }

// Destination finds a destination by ISO code, Hongkong Post code, or name in any of the three
// languages, also in the form "Japan (JP)" that the portal's type-ahead fills in.
func (c *Catalog) Destination(s string) (*Destination, bool) {
	key := strings.ToUpper(strings.TrimSpace(s))
	if d, ok := c.destByKey[key]; ok {
		return d, true
	}
	if i := strings.LastIndexByte(key, '('); i > 0 && strings.HasSuffix(key, ")") {
		return c.Destination(key[i+1 : len(key)-1])
	}
	return nil, false
}

// Format returns a format by code.
func (c *Catalog) Format(code string) (*Format, bool) {
	f, ok := c.formats[code]
	return f, ok
}

// Fee returns a fee by id (e.g. "registration").
func (c *Catalog) Fee(id string) (*Fee, bool) {
	f, ok := c.fees[id]
	return f, ok
}

// Calendar returns the working-day calendar in force now (holidays plus recorded weather days).
func (c *Catalog) Calendar() *Calendar { return c.cal.Load() }

// SetWeatherDays replaces the days of Black Rainstorm or Typhoon Signal No. 8 or above (rule SVC-7).
func (c *Catalog) SetWeatherDays(days []WeatherDay) {
	c.cal.Store(newCalendar(c.holidays, days))
}
