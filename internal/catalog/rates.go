package catalog

import (
	"sort"

	"github.com/ecship/ecship/internal/money"
)

// RateTable is one rate table (e.g. "air-mail") with its dated versions (rule SVC-6).
type RateTable struct {
	ID       string
	Versions []*RateVersion // sorted by EffectiveFrom
}

// RateVersion is a rate table in force from a date (Hong Kong time) until the next version.
type RateVersion struct {
	EffectiveFrom string // "2006-01-02"
	Source        string
	Sample        bool
	zones         map[Zone]int          // zone -> column
	schedules     map[string][]rateStep // format code or "*" -> steps by weight
}

type rateStep struct {
	upToG  int
	eachG  int           // 0: a flat price up to upToG; >0: add prices[col] per started eachG above the last step
	prices []money.Cents // by zone column
	sample bool
}

// version returns the version in force on a date ("2006-01-02"), or nil before the first.
func (t *RateTable) version(date string) *RateVersion {
	i := sort.Search(len(t.Versions), func(i int) bool { return t.Versions[i].EffectiveFrom > date })
	if i == 0 {
		return nil
	}
	return t.Versions[i-1]
}

// price returns the postage for a weight in a zone and format; ok is false when the table has no
// price for them (over its last step, or no such zone or format).
func (v *RateVersion) price(zone Zone, format string, weightG int) (p money.Cents, sample, ok bool) {
	col, found := v.zones[zone]
	if !found {
		return 0, false, false
	}
	steps, found := v.schedules[format]
	if !found {
		if steps, found = v.schedules["*"]; !found {
			return 0, false, false
		}
	}
	sample = v.Sample
	last := 0
	for _, s := range steps {
		if s.eachG == 0 {
			p = s.prices[col]
		} else {
			top := min(weightG, s.upToG)
			if top > last {
				p += money.Cents((top-last+s.eachG-1)/s.eachG) * s.prices[col]
			}
		}
		sample = sample || s.sample
		if weightG <= s.upToG {
			return p, sample, true
		}
		last = s.upToG
	}
	return 0, false, false
}

// Fee is a fixed charge on top of postage (the registration fee), with dated versions.
type Fee struct {
	ID       string
	Names    Names
	Versions []FeeVersion
}

// FeeVersion is a fee amount in force from a date.
type FeeVersion struct {
	EffectiveFrom string
	Price         money.Cents
	Sample        bool
	Source        string
}

// On returns the fee in force on a date.
func (f *Fee) On(date string) (FeeVersion, bool) {
	i := sort.Search(len(f.Versions), func(i int) bool { return f.Versions[i].EffectiveFrom > date })
	if i == 0 {
		return FeeVersion{}, false
	}
	return f.Versions[i-1], true
}
