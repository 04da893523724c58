package catalog

import (
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/ecship/ecship/internal/money"
)

// customsData is the SDR rate and currency rates that decide CN22 or CN23 (rule LBL-11).
type customsData struct {
	sdr        []sdrVersion
	currencies map[string]float64 // HKD per unit
}

type sdrVersion struct {
	from      string
	hkdPerSDR float64
	sample    bool
}

func (c *Catalog) loadCustoms(fsys fs.FS) error {
	const file = "customs.json"
	var raw struct {
		SDR []struct {
			EffectiveFrom string `json:"effective_from"`
			HKDPerSDR     string `json:"hkd_per_sdr"`
			Sample        bool   `json:"sample"`
			Source        string `json:"source"`
		} `json:"sdr"`
		Currencies       map[string]string `json:"currencies"`
		CurrenciesSource string            `json:"currencies_source"`
	}
	if err := readJSON(fsys, file, &raw); err != nil {
		return err
	}
	c.customs = customsData{currencies: map[string]float64{}}
	for i, v := range raw.SDR {
		r, err := strconv.ParseFloat(v.HKDPerSDR, 64)
		if !validDate(v.EffectiveFrom) || err != nil || r <= 0 || (i > 0 && raw.SDR[i-1].EffectiveFrom >= v.EffectiveFrom) {
			return &LoadError{File: file, Entry: fmt.Sprintf("sdr %d", i+1), Msg: "needs an effective_from date (in order) and hkd_per_sdr like 10.60"}
		}
		c.customs.sdr = append(c.customs.sdr, sdrVersion{from: v.EffectiveFrom, hkdPerSDR: r, sample: v.Sample})
	}
	if len(c.customs.sdr) == 0 {
		return &LoadError{File: file, Msg: "no SDR rate"}
	}
	for code, v := range raw.Currencies {
		r, err := strconv.ParseFloat(v, 64)
		if len(code) != 3 || strings.ToUpper(code) != code || err != nil || r <= 0 {
			return &LoadError{File: file, Entry: code, Msg: "currencies map ISO 4217 codes to HKD per unit"}
		}
		c.customs.currencies[code] = r
	}
	if c.customs.currencies["HKD"] != 1 {
		return &LoadError{File: file, Entry: "HKD", Msg: "HKD must be 1"}
	}
	return nil
}

// Currencies lists the currencies customs values may be declared in.
func (c *Catalog) Currencies() []string {
	out := make([]string, 0, len(c.customs.currencies))
	for k := range c.customs.currencies {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ToHKD converts an amount in a currency's minor units (cents) to HKD cents; ok is false for a
// currency the catalogue does not know.
func (c *Catalog) ToHKD(amount money.Cents, currency string) (money.Cents, bool) {
	r, ok := c.customs.currencies[currency]
	if !ok {
		return 0, false
	}
	return money.Cents(float64(amount)*r + 0.5), true
}

// CustomsForm says which declaration contents of a value (in HKD) need on a date: CN22 up to 300 SDR,
// CN23 above (rule LBL-11).
func (c *Catalog) CustomsForm(valueHKD money.Cents, date string) (form string, thresholdHKD money.Cents) {
	v := c.customs.sdr[0]
	for _, s := range c.customs.sdr {
		if s.from <= date {
			v = s
		}
	}
	threshold := money.Cents(300*v.hkdPerSDR*100 + 0.5)
	if valueHKD > threshold {
		return "CN23", threshold
	}
	return "CN22", threshold
}
