package catalog_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/i18n"
	"github.com/ecship/ecship/internal/money"
	"github.com/ecship/ecship/internal/testenv"
)

// monday is a working day in Hong Kong, mid-morning.
var monday = time.Date(2026, 11, 23, 10, 0, 0, 0, catalog.HongKong)

func quote(t *testing.T, c *catalog.Catalog, r catalog.QuoteRequest) map[string]catalog.Option {
	t.Helper()
	if r.At.IsZero() {
		r.At = monday
	}
	opts, err := c.Quote(r)
	if err != nil {
		t.Fatalf("Quote(%+v): %v", r, err)
	}
	m := map[string]catalog.Option{}
	for _, o := range opts {
		m[o.Service.Code] = o
	}
	return m
}

// rule: SVC-1
func TestServicesOfRuleSVC1(t *testing.T) {
	c := testenv.Catalog(t)
	want := map[catalog.Group][]string{
		catalog.Local:    {"LCP", "LRM", "LPL", "LEG"},
		catalog.NonLocal: {"AEX", "EMS", "ARM", "SRM", "APL", "SPL"},
		catalog.Bulk:     {"LBM", "BAM", "LAM", "LSM", "LPR", "PER", "GBM"},
	}
	for group, codes := range want {
		for _, code := range codes {
			s, ok := c.Service(code)
			if !ok || s.Group != group {
				t.Errorf("service %s: found %v in group %v; want group %s", code, ok, s, group)
			}
		}
	}
	for _, alias := range []string{"AEP", "AEC", "AEG", "AER", "AE1", "AE2", "aex"} {
		if s, ok := c.Service(alias); !ok || s.Code != "AEX" {
			t.Errorf("alias %s does not name e-Express+", alias)
		}
	}
	for _, s := range c.Services() {
		for _, l := range i18n.Langs {
			if s.Names.In(l) == "" {
				t.Errorf("%s has no name in %s", s.Code, l)
			}
		}
	}
}

func TestEveryDestinationInEveryLanguage(t *testing.T) {
	c := testenv.Catalog(t)
	dests := c.Destinations(i18n.English)
	if len(dests) != 249 {
		t.Fatalf("%d destinations; ISO 3166-1 has 249", len(dests))
	}
	for _, d := range dests {
		for _, l := range i18n.Langs {
			name := d.Names.In(l)
			got, ok := c.Destination(name)
			if !ok || got != d {
				t.Errorf("%s: name %q in %s does not find it back", d.Code, name, l)
			}
			if got, ok := c.Destination(name + " (" + d.Code + ")"); !ok || got != d {
				t.Errorf("%s: type-ahead form of %q does not find it", d.Code, name)
			}
		}
		if !d.Served {
			continue
		}
		opts, err := c.Quote(catalog.QuoteRequest{Destination: d.Code, WeightG: 100, At: monday})
		if err != nil {
			t.Fatalf("%s: %v", d.Code, err)
		}
		n := 0
		for _, o := range opts {
			if o.Available {
				n++
			}
		}
		if n == 0 {
			t.Errorf("%s: no service takes a 100 g item", d.Code)
		}
	}
	for name, code := range map[string]string{"China": "CN", "中國": "CN", "中国": "CN", "UK": "GB", "Macau": "MO", "South Korea": "KR",
		"Vietnam": "VN", "Czechia": "CZ", "usa": "US", "Japan (JP)": "JP", "日本": "JP"} {
		if d, ok := c.Destination(name); !ok || d.Code != code {
			t.Errorf("%q does not find %s", name, code)
		}
	}
	if d, ok := c.Destination("usc"); !ok || d.Code != "US" {
		t.Errorf("Hongkong Post code USC does not find the US")
	}
}

// rule: SVC-2
func TestQuoteListsEveryServiceWithPriceOrReason(t *testing.T) {
	c := testenv.Catalog(t)
	for _, dest := range []string{"JP", "HK", "MO", "AQ"} {
		opts, err := c.Quote(catalog.QuoteRequest{Destination: dest, WeightG: 1500, At: monday, Insurance: money.MustParse("100")})
		if err != nil {
			t.Fatal(err)
		}
		wantN := 6
		if dest == "HK" {
			wantN = 4
		}
		if len(opts) != wantN {
			t.Errorf("%s: %d options; want %d", dest, len(opts), wantN)
		}
		seenUnavailable := false
		for i, o := range opts {
			switch {
			case o.Available && seenUnavailable:
				t.Errorf("%s: available %s listed after an unavailable one", dest, o.Service.Code)
			case o.Available && (o.Total <= 0 || o.Format == nil || o.Delivery == nil):
				t.Errorf("%s %s: available without price, format or delivery: %+v", dest, o.Service.Code, o)
			case o.Available && i > 0 && opts[i-1].Available && opts[i-1].Total > o.Total:
				t.Errorf("%s: not cheapest first at %s", dest, o.Service.Code)
			case !o.Available && o.Reason == nil:
				t.Errorf("%s %s: unavailable without a reason", dest, o.Service.Code)
			case !o.Available:
				seenUnavailable = true
				for _, l := range i18n.Langs {
					if txt := i18n.T(l, o.Reason.Key, o.Reason.Args); txt == o.Reason.Key || strings.Contains(txt, "{") {
						t.Errorf("%s %s: reason %q untranslated in %s: %q", dest, o.Service.Code, o.Reason.Key, l, txt)
					}
				}
			}
		}
	}
}

// rule: SVC-3
func TestEExpressDestinationsAreTheFAQList(t *testing.T) {
	c := testenv.Catalog(t)
	// The FAQ's list, name by name (Hongkong Post's EC-Ship FAQ, "What are the destination countries/service areas").
	faq := "CN IN ID JP KR MO MY PH SG TH AE VN AT BE DK FI FR DE HU LU NL NO PL PT RS ES SE CH TR GB " +
		"AU NZ CA BR KH IE LV SI ZA IS MX IT SA CL GR PK HR RO MA EG MT LK LT EE LB US"
	want := map[string]bool{}
	for _, code := range strings.Fields(faq) {
		want[code] = true
	}
	aex, ok := c.Service("AEX")
	if !ok {
		t.Fatal("no AEX in the catalogue")
	}
	for _, d := range c.Destinations(i18n.English) {
		o := quote(t, c, catalog.QuoteRequest{Destination: d.Code, WeightG: 200, Service: "AEX"})["AEX"]
		if d.Local() {
			continue
		}
		if o.Available != want[d.Code] || aex.Reaches(d) != want[d.Code] {
			t.Errorf("e-Express+ to %s: available %v; the FAQ lists it: %v", d.Code, o.Available, want[d.Code])
		}
	}
	if got := len(aex.DestinationCodes()); got != len(want) {
		t.Errorf("e-Express+ reaches %d destinations; the FAQ names %d", got, len(want))
	}
}

// rule: SVC-4
func TestRegisteredSpeedpostParcelReachNormalDestinations(t *testing.T) {
	c := testenv.Catalog(t)
	for _, d := range c.Destinations(i18n.English) {
		if d.Local() || !d.Served {
			continue
		}
		opts := quote(t, c, catalog.QuoteRequest{Destination: d.Code, WeightG: 300})
		for _, code := range []string{"EMS", "ARM", "SRM", "APL", "SPL"} {
			o := opts[code]
			wantAvail := d.Airmail || (code != "ARM" && code != "APL")
			if o.Available != wantAvail {
				t.Errorf("%s to %s: available %v; want %v (%v)", code, d.Code, o.Available, wantAvail, o.Reason)
			}
		}
	}
}

func TestOneServiceAskedIsAnsweredEvenAcrossTheBorder(t *testing.T) {
	c := testenv.Catalog(t)
	o := quote(t, c, catalog.QuoteRequest{Destination: "JP", WeightG: 100, Service: "LPL"})["LPL"]
	if o.Available || o.Reason == nil || o.Reason.Key != "quote.reason.not_to_destination" {
		t.Errorf("Local Parcel to Japan: %+v", o)
	}
}

// rule: SVC-5
func TestNoMinimumWeight(t *testing.T) {
	c := testenv.Catalog(t)
	for _, dest := range []string{"JP", "HK", "US"} {
		for code, o := range quote(t, c, catalog.QuoteRequest{Destination: dest, WeightG: 1}) {
			if !o.Available {
				t.Errorf("%s to %s refuses a 1 g item: %v", code, dest, o.Reason)
			}
		}
	}
}

// Every rate Hongkong Post publishes, quoted exactly: postage + the HK$15.50
// registration fee for registered mail, by zone, format and weight step.
func TestPublishedLetterAndPacketRates(t *testing.T) {
	c := testenv.Catalog(t)
	zoneDest := map[string]string{"MT": "CN", "1": "SG", "2": "JP", "3": "BR"}
	zones := []string{"MT", "1", "2", "3"}
	small := &catalog.Dimensions{Length: 200, Width: 100, Height: 3}
	large := &catalog.Dimensions{Length: 300, Width: 200, Height: 15}
	packet := &catalog.Dimensions{Length: 300, Width: 200, Height: 50}
	cases := []struct {
		service string
		dims    *catalog.Dimensions
		format  string
		weight  int
		prices  []string // MT, 1, 2, 3
	}{
		{"ARM", small, "small_letter", 20, []string{"3.70", "4.00", "5.40", "5.50"}},
		{"ARM", small, "small_letter", 30, []string{"6.30", "6.40", "8.10", "8.30"}},
		{"ARM", small, "small_letter", 40, []string{"8.10", "8.80", "10.30", "10.40"}},
		{"ARM", small, "small_letter", 50, []string{"9.80", "10.80", "12.30", "12.40"}},
		{"ARM", large, "large_letter", 30, []string{"6.40", "6.60", "8.20", "8.40"}},
		{"ARM", large, "large_letter", 50, []string{"9.90", "12.00", "13.60", "14.30"}},
		{"ARM", large, "large_letter", 60, []string{"11.60", "14.00", "15.70", "16.50"}},
		{"ARM", large, "large_letter", 500, []string{"86.40", "102.00", "108.10", "113.30"}},
		{"ARM", packet, "packet", 30, []string{"6.70", "6.80", "8.40", "8.60"}},
		{"ARM", packet, "packet", 31, []string{"8.40", "8.80", "10.50", "10.80"}},
		{"SRM", small, "small_letter", 20, []string{"2.80", "3.50", "5.00", "5.30"}},
		{"SRM", small, "small_letter", 50, []string{"4.50", "6.20", "7.90", "8.20"}},
		{"SRM", large, "large_letter", 50, []string{"4.60", "6.30", "8.00", "8.30"}},
		{"SRM", large, "large_letter", 100, []string{"8.40", "10.50", "12.00", "12.30"}},
		{"SRM", large, "large_letter", 250, []string{"16.60", "20.60", "23.40", "23.70"}},
		{"SRM", large, "large_letter", 500, []string{"31.80", "39.80", "43.90", "44.10"}},
		{"SRM", packet, "packet", 100, []string{"8.60", "10.80", "12.30", "12.60"}},
		{"SRM", packet, "packet", 250, []string{"16.90", "21.00", "23.70", "23.90"}},
		{"SRM", packet, "packet", 500, []string{"32.20", "40.20", "44.10", "44.40"}},
		{"SRM", packet, "packet", 1000, []string{"55.50", "69.90", "75.60", "75.90"}},
		{"SRM", packet, "packet", 2000, []string{"85.30", "116.00", "119.90", "120.20"}},
	}
	registration := money.MustParse("15.50")
	for _, tc := range cases {
		for i, z := range zones {
			dest := zoneDest[z]
			if tc.service == "SRM" && z == "MT" {
				dest = "MO" // the surface column is "Mainland, Macao and Taiwan"
			}
			o := quote(t, c, catalog.QuoteRequest{Destination: dest, WeightG: tc.weight, Dimensions: tc.dims, Service: tc.service})[tc.service]
			want := money.MustParse(tc.prices[i])
			if !o.Available || o.Format.Code != tc.format || o.Postage != want || o.Total != want+registration || o.PriceSample {
				t.Errorf("%s %s %d g to %s (zone %s): available %v format %v postage %v total %v sample %v; want %s postage %v total %v",
					tc.service, tc.format, tc.weight, dest, z, o.Available, o.Format, o.Postage, o.Total, o.PriceSample, tc.format, want, want+registration)
			}
		}
	}
}

func TestPublishedLocalParcelRates(t *testing.T) {
	c := testenv.Catalog(t)
	cases := map[int]string{1: "70.00", 1000: "70.00", 3000: "70.00", 3001: "85.00", 4000: "85.00", 5000: "100.00",
		6000: "120.00", 7000: "140.00", 8000: "155.00", 9000: "165.00", 10000: "175.00", 12000: "180.00",
		14000: "210.00", 17000: "230.00"}
	for w, price := range cases {
		o := quote(t, c, catalog.QuoteRequest{Destination: "HK", WeightG: w, Service: "LPL"})["LPL"]
		if !o.Available || o.Total != money.MustParse(price) || o.PriceSample {
			t.Errorf("local parcel %d g: %v %v sample %v; want %s", w, o.Available, o.Total, o.PriceSample, price)
		}
	}
	// 17 to 20 kg is past the published table: priced, but marked sample.
	if o := quote(t, c, catalog.QuoteRequest{Destination: "HK", WeightG: 19000, Service: "LPL"})["LPL"]; !o.Available || !o.PriceSample {
		t.Errorf("local parcel 19 kg: available %v sample %v; want a sample price", o.Available, o.PriceSample)
	}
	o := quote(t, c, catalog.QuoteRequest{Destination: "HK", WeightG: 30, Service: "LRM"})["LRM"]
	if o.Postage != money.MustParse("2.00") || o.Total != money.MustParse("17.50") || o.PriceSample {
		t.Errorf("local registered 30 g: postage %v total %v sample %v; want 2.00 + 15.50", o.Postage, o.Total, o.PriceSample)
	}
}

func TestSampleRatesAreMarked(t *testing.T) {
	c := testenv.Catalog(t)
	for code, o := range quote(t, c, catalog.QuoteRequest{Destination: "JP", WeightG: 400}) {
		wantSample := code != "ARM" && code != "SRM"
		if o.PriceSample != wantSample {
			t.Errorf("%s: sample %v; want %v", code, o.PriceSample, wantSample)
		}
	}
}

// rule: SVC-9
func TestWeightAndSizeLimits(t *testing.T) {
	c := testenv.Catalog(t)
	cases := []struct {
		name    string
		req     catalog.QuoteRequest
		service string
		reason  string // "" = available
		format  string
	}{
		{"small letter fits", catalog.QuoteRequest{Destination: "JP", WeightG: 20, Dimensions: &catalog.Dimensions{Length: 220, Width: 110, Height: 5}}, "ARM", "", "small_letter"},
		{"thick letter is a large letter", catalog.QuoteRequest{Destination: "JP", WeightG: 20, Dimensions: &catalog.Dimensions{Length: 220, Width: 110, Height: 6}}, "ARM", "", "large_letter"},
		{"too small for a small letter: large", catalog.QuoteRequest{Destination: "JP", WeightG: 20, Dimensions: &catalog.Dimensions{Length: 100, Width: 80, Height: 2}}, "ARM", "", "large_letter"},
		{"over 500 g is a packet", catalog.QuoteRequest{Destination: "JP", WeightG: 501, Dimensions: &catalog.Dimensions{Length: 300, Width: 200, Height: 10}}, "ARM", "", "packet"},
		{"packet over 2 kg", catalog.QuoteRequest{Destination: "JP", WeightG: 2001}, "ARM", "quote.reason.too_heavy", ""},
		{"packet longest side", catalog.QuoteRequest{Destination: "JP", WeightG: 900, Dimensions: &catalog.Dimensions{Length: 601, Width: 100, Height: 100}}, "ARM", "quote.reason.too_long", ""},
		{"packet sum of sides", catalog.QuoteRequest{Destination: "JP", WeightG: 900, Dimensions: &catalog.Dimensions{Length: 500, Width: 300, Height: 101}}, "ARM", "quote.reason.too_big_sum", ""},
		{"e-Express+ over 2 kg", catalog.QuoteRequest{Destination: "JP", WeightG: 2500}, "AEX", "quote.reason.too_heavy", ""},
		{"parcel length + girth", catalog.QuoteRequest{Destination: "JP", WeightG: 5000, Dimensions: &catalog.Dimensions{Length: 1000, Width: 300, Height: 300}}, "APL", "quote.reason.too_big_girth", ""},
		{"US allows 2.75 m length + girth", catalog.QuoteRequest{Destination: "US", WeightG: 5000, Dimensions: &catalog.Dimensions{Length: 1000, Width: 300, Height: 300}}, "APL", "", "parcel"},
		{"parcel zone 3 is 20 kg", catalog.QuoteRequest{Destination: "BR", WeightG: 25000}, "APL", "quote.reason.too_heavy", ""},
		{"parcel zone 2 is 30 kg", catalog.QuoteRequest{Destination: "JP", WeightG: 25000}, "APL", "", "parcel"},
		{"local parcel 20 kg", catalog.QuoteRequest{Destination: "HK", WeightG: 20001}, "LPL", "quote.reason.too_heavy", ""},
		{"local parcel 1.5 m", catalog.QuoteRequest{Destination: "HK", WeightG: 2000, Dimensions: &catalog.Dimensions{Length: 1501, Width: 100, Height: 100}}, "LPL", "quote.reason.too_long", ""},
		{"asked format not offered", catalog.QuoteRequest{Destination: "JP", WeightG: 200, Format: "parcel"}, "ARM", "quote.reason.format_not_offered", ""},
		{"asked format fits", catalog.QuoteRequest{Destination: "JP", WeightG: 20, Format: "packet"}, "ARM", "", "packet"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.req.Service = tc.service
			o := quote(t, c, tc.req)[tc.service]
			switch {
			case tc.reason == "" && (!o.Available || o.Format.Code != tc.format):
				t.Errorf("available %v format %v reason %v; want %s", o.Available, o.Format, o.Reason, tc.format)
			case tc.reason != "" && (o.Available || o.Reason.Key != tc.reason):
				t.Errorf("available %v reason %v; want %s", o.Available, o.Reason, tc.reason)
			}
		})
	}
}

// rule: INS-1, INS-2, INS-3, INS-4
func TestInsurance(t *testing.T) {
	c := testenv.Catalog(t)
	hk := func(s string) money.Cents { return money.MustParse(s) }
	o := quote(t, c, catalog.QuoteRequest{Destination: "JP", WeightG: 300, Insurance: hk("5000")})["AEX"]
	if !o.Insurance.TotalLoss {
		t.Error("e-Express+ insurance does not say indemnity is for total loss only")
	}
	if p := quote(t, c, catalog.QuoteRequest{Destination: "JP", WeightG: 300, Insurance: hk("500")})["APL"]; p.Insurance.TotalLoss {
		t.Error("parcel insurance marked total loss only")
	}
	if !o.Insurance.Available || o.Insurance.Premium != hk("11") || o.Total != o.Postage+hk("11") {
		t.Errorf("e-Express+ HK$5,000 to JP: %+v total %v", o.Insurance, o.Total)
	}
	o = quote(t, c, catalog.QuoteRequest{Destination: "JP", WeightG: 300, Insurance: hk("5000.01")})["AEX"]
	if o.Insurance.Available || o.Insurance.Reason.Key != "quote.insurance.over_cover" || o.Total != o.Postage {
		t.Errorf("e-Express+ over HK$5,000: %+v", o.Insurance)
	}
	for _, dest := range []string{"BR", "LB", "ZA", "TR", "VN"} {
		o := quote(t, c, catalog.QuoteRequest{Destination: dest, WeightG: 300, Insurance: hk("100")})["AEX"]
		if !o.Available || o.Insurance.Available || o.Insurance.Reason.Key != "quote.insurance.not_to_destination" {
			t.Errorf("e-Express+ insurance to %s: %+v", dest, o.Insurance)
		}
	}
	// Israel and Russia are on the no-insurance list but not e-Express+ destinations at all.
	if o := quote(t, c, catalog.QuoteRequest{Destination: "RU", WeightG: 300})["AEX"]; o.Available {
		t.Errorf("e-Express+ to RU available")
	}
	for _, code := range []string{"EMS", "APL", "SPL"} {
		o := quote(t, c, catalog.QuoteRequest{Destination: "JP", WeightG: 300, Insurance: hk("1000")})[code]
		if !o.Insurance.Available || o.Insurance.Premium <= 0 || !o.Insurance.Sample || o.Total != o.Postage+o.Insurance.Premium {
			t.Errorf("%s insurance: %+v", code, o.Insurance)
		}
	}
	for _, code := range []string{"ARM", "SRM"} {
		o := quote(t, c, catalog.QuoteRequest{Destination: "JP", WeightG: 300, Insurance: hk("1000")})[code]
		if o.Insurance.Available || o.Insurance.Reason.Key != "quote.insurance.not_offered" {
			t.Errorf("%s insurance: %+v", code, o.Insurance)
		}
		if o := quote(t, c, catalog.QuoteRequest{Destination: "JP", WeightG: 300})[code]; o.Insurance != nil {
			t.Errorf("%s shows insurance when none asked: %+v", code, o.Insurance)
		}
	}
}

// rule: SVC-7
func TestDeliveryWindowCountsWorkingDays(t *testing.T) {
	c := testenv.Catalog(t)
	// Posted Saturday 2026-12-19: e-Express+ takes 7 to 14 working days; Sundays, Christmas Day (Fri 25)
	// and the first weekday after it (Sat 26) do not count.
	at := time.Date(2026, 12, 19, 9, 0, 0, 0, catalog.HongKong)
	o := quote(t, c, catalog.QuoteRequest{Destination: "JP", WeightG: 300, Service: "AEX", At: at})["AEX"]
	d := o.Delivery
	if d.MinDays != 7 || d.MaxDays != 14 || d.Sample {
		t.Fatalf("standard %d-%d sample %v; want 7-14 from the FAQ", d.MinDays, d.MaxDays, d.Sample)
	}
	if got := d.Earliest.Format(time.DateOnly); got != "2026-12-30" {
		t.Errorf("earliest %s; want 2026-12-30", got)
	}
	if got := d.Latest.Format(time.DateOnly); got != "2027-01-08" {
		t.Errorf("latest %s; want 2027-01-08 (New Year's Day and a Sunday skipped)", got)
	}
	// A Sunday posting counts from Monday.
	sun := time.Date(2026, 11, 22, 15, 0, 0, 0, catalog.HongKong)
	if pd := c.Calendar().PostingDay(sun); pd.Format(time.DateOnly) != "2026-11-23" {
		t.Errorf("posting day of a Sunday: %s", pd.Format(time.DateOnly))
	}
	// A Typhoon Signal No. 8 day recorded by operations stops counting too.
	c.SetWeatherDays([]catalog.WeatherDay{{Date: "2026-12-21", Signal: "T8"}})
	o = quote(t, c, catalog.QuoteRequest{Destination: "JP", WeightG: 300, Service: "AEX", At: at})["AEX"]
	if got := o.Delivery.Earliest.Format(time.DateOnly); got != "2026-12-31" {
		t.Errorf("earliest with a T8 day: %s; want 2026-12-31", got)
	}
}

// rule: SVC-8
func TestLatestPostingTime(t *testing.T) {
	c := testenv.Catalog(t)
	opts := quote(t, c, catalog.QuoteRequest{Destination: "JP", WeightG: 300})
	for _, code := range []string{"AEX", "ARM"} {
		lp := opts[code].Latest
		if lp == nil || lp.MinItems != 20 || lp.Time != "16:00" {
			t.Errorf("%s latest posting %+v; want 16:00 for 20 or more", code, lp)
		}
	}
	if lp := opts["EMS"].Latest; lp == nil || !lp.Varies {
		t.Errorf("Speedpost latest posting %+v; want varies by destination", lp)
	}
}

func TestBadInputNamesTheField(t *testing.T) {
	c := testenv.Catalog(t)
	cases := []struct {
		req   catalog.QuoteRequest
		field string
	}{
		{catalog.QuoteRequest{WeightG: 10}, "destination"},
		{catalog.QuoteRequest{Destination: "XX", WeightG: 10}, "destination"},
		{catalog.QuoteRequest{Destination: "JP", WeightG: 0}, "weight_g"},
		{catalog.QuoteRequest{Destination: "JP", WeightG: -5}, "weight_g"},
		{catalog.QuoteRequest{Destination: "JP", WeightG: 100_001}, "weight_g"},
		{catalog.QuoteRequest{Destination: "JP", WeightG: 10, Dimensions: &catalog.Dimensions{Length: 10, Width: 0, Height: 1}}, "dimensions_mm.width"},
		{catalog.QuoteRequest{Destination: "JP", WeightG: 10, Dimensions: &catalog.Dimensions{Length: 9000, Width: 1, Height: 1}}, "dimensions_mm.length"},
		{catalog.QuoteRequest{Destination: "JP", WeightG: 10, Service: "XYZ"}, "service"},
		{catalog.QuoteRequest{Destination: "JP", WeightG: 10, Service: "BAM"}, "service"},
		{catalog.QuoteRequest{Destination: "JP", WeightG: 10, Format: "envelope"}, "format"},
		{catalog.QuoteRequest{Destination: "JP", WeightG: 10, Insurance: -1}, "insurance_value"},
		{catalog.QuoteRequest{Destination: "JP", WeightG: 10, At: time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)}, "date"},
		{catalog.QuoteRequest{Destination: "JP", WeightG: 10, At: time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC)}, "date"},
	}
	for _, tc := range cases {
		_, err := c.Quote(tc.req)
		e := errs.As(err)
		if err == nil || e.Code != errs.Invalid || len(e.Fields) != 1 || e.Fields[0].Field != tc.field {
			t.Errorf("Quote(%+v) = %v; want one invalid field %s", tc.req, err, tc.field)
			continue
		}
		for _, l := range i18n.Langs {
			if !i18n.Has(l, e.Fields[0].Key) {
				t.Errorf("message %s has no %s text", e.Fields[0].Key, l)
			}
		}
	}
	// Several mistakes at once are all reported.
	_, err := c.Quote(catalog.QuoteRequest{Destination: "", WeightG: 0})
	if e := errs.As(err); len(e.Fields) != 2 {
		t.Errorf("two mistakes gave %v", err)
	}
}

func BenchmarkQuote(b *testing.B) {
	c := testenv.Catalog(b)
	req := catalog.QuoteRequest{Destination: "US", WeightG: 450, Dimensions: &catalog.Dimensions{Length: 250, Width: 180, Height: 40},
		Insurance: money.MustParse("1000"), At: monday}
	b.ReportAllocs()
	for b.Loop() {
		opts, err := c.Quote(req)
		if err != nil || len(opts) != 6 {
			b.Fatal(err)
		}
	}
}

// rule: LBL-11
func TestCN22UpTo300SDR(t *testing.T) {
	c := testenv.Catalog(t)
	form, threshold := c.CustomsForm(0, "2026-11-23")
	if form != "CN22" || threshold != money.MustParse("3180.00") {
		t.Fatalf("threshold %v (%s); want 300 SDR x 10.60 = HK$3,180.00", threshold, form)
	}
	if f, _ := c.CustomsForm(threshold, "2026-11-23"); f != "CN22" {
		t.Errorf("exactly 300 SDR: %s", f)
	}
	if f, _ := c.CustomsForm(threshold+1, "2026-11-23"); f != "CN23" {
		t.Errorf("above 300 SDR: %s", f)
	}
	if v, ok := c.ToHKD(money.MustParse("100"), "USD"); !ok || v != money.MustParse("780") {
		t.Errorf("US$100 = %v HKD", v)
	}
	if _, ok := c.ToHKD(1, "XYZ"); ok {
		t.Error("unknown currency converted")
	}
}

// rule: CTR-1
func TestOfficesAcceptingECShip(t *testing.T) {
	cat := testenv.Catalog(t)
	gpo, ok := cat.Office("GPO")
	if !ok || !gpo.AcceptsECShip() || gpo.AcceptsBulk() || gpo.Names.ZhHant != "郵政總局" {
		t.Fatalf("GPO = %+v, %v; want a post office accepting EC-Ship items but not bulk", gpo, ok)
	}
	mobile, amc := 0, 0
	for _, o := range cat.Offices() {
		if o.Kind == catalog.Mobile {
			mobile++
			if o.AcceptsECShip() {
				t.Errorf("mobile office %s accepts EC-Ship items", o.Code)
			}
		}
		if o.AcceptsBulk() {
			amc++
		}
	}
	if mobile == 0 || amc == 0 {
		t.Errorf("%d mobile offices and %d bulk centres; the data should have both", mobile, amc)
	}
	if _, ok := cat.Office("XXX"); ok {
		t.Error("an unknown code found an office")
	}
	if !cat.OfficesSample() {
		t.Error("the office list is a sample and should say so")
	}
}
