package catalog_test

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/money"
)

// dataCopy returns the embedded catalogue data as a map the test may change.
func dataCopy(t *testing.T) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(catalog.Data(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(catalog.Data(), path)
		m[path] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func edit(t *testing.T, m fstest.MapFS, file, old, new string) {
	t.Helper()
	s := string(m[file].Data)
	if !strings.Contains(s, old) {
		t.Fatalf("%s does not contain %q", file, old)
	}
	m[file] = &fstest.MapFile{Data: []byte(strings.Replace(s, old, new, 1))}
}

func TestBrokenDataNamesFileAndEntry(t *testing.T) {
	cases := []struct {
		file, old, new string
		want           []string
	}{
		{"services.json", `"postage": "air-mail"`, `"postage": "air-mial"`, []string{"services.json", "ARM", `"air-mial"`}},
		{"services.json", `"formats": ["parcel"], "postage": "air-parcel"`, `"formats": ["parcle"], "postage": "air-parcel"`, []string{"services.json", "APL", "parcle"}},
		{"services.json", `"destinations": ["CN", "IN"`, `"destinations": ["CN", "XQ"`, []string{"services.json", "AEX", "XQ"}},
		{"services.json", `"code": "SRM"`, `"code": "ARM"`, []string{"services.json", "ARM", "twice"}},
		{"services.json", `"premium": "11.00"`, `"premium": "eleven"`, []string{"services.json", "AEX", "insurance"}},
		{"services.json", `"days": {"*": [7, 14]}`, `"days": {"*": [14, 7]}`, []string{"services.json", "AEX", "delivery"}},
		{"services.json", `"latest_posting": {"min_items": 20, "time": "16:00"}}`, `"latest_posting": {"min_items": 20, "time": "4pm"}}`, []string{"services.json", "AEX", "latest_posting"}},
		{"services.json", `"air": true, "s10_prefix": "R"`, `"air": true, "s10_prefix": "R", "colour": "red"`, []string{"services.json", "colour"}},
		{"destinations.json", `{"code": "JP", "zone": "2"}`, `{"code": "JP", "zone": "4"}`, []string{"destinations.json", "JP", `"4"`}},
		{"destinations.json", `{"code": "JP", "zone": "2"}`, `{"code": "JP", "zone": "2"}, {"code": "JP", "zone": "2"}`, []string{"destinations.json", "JP", "twice"}},
		{"destinations.json", `{"code": "JP", "zone": "2"}`, `{"code": "J1", "zone": "2"}`, []string{"destinations.json", "J1"}},
		{"rates/air-mail.json", `{"up_to_g": 30, "prices": ["6.30"`, `{"up_to_g": 10, "prices": ["6.30"`, []string{"rates/air-mail.json", "small_letter", "step 2", "grow"}},
		{"rates/air-mail.json", `"prices": ["3.70", "4.00", "5.40", "5.50"]`, `"prices": ["3.70", "4.00", "5.40"]`, []string{"rates/air-mail.json", "step 1", "3 prices for 4 zones"}},
		{"rates/air-mail.json", `"prices": ["3.70", "4.00"`, `"prices": ["3.7O", "4.00"`, []string{"rates/air-mail.json", "3.7O"}},
		{"rates/air-mail.json", `"effective_from": "2023-01-01"`, `"effective_from": "2023-13-01"`, []string{"rates/air-mail.json", "version 1", "2023-13-01"}},
		{"rates/air-mail.json", `"id": "air-mail"`, `"id": "airmail"`, []string{"rates/air-mail.json", "file name"}},
		{"fees.json", `"price": "15.50"`, `"price": "15,50"`, []string{"fees.json", "registration"}},
		{"formats.json", `"max_mm": [245, 165, 5]`, `"max_mm": [5, 165, 245]`, []string{"formats.json", "small_letter", "longest first"}},
		{"holidays.json", `"date": "2026-01-01"`, `"date": "2026-01-32"`, []string{"holidays.json", "2026-01-32"}},
		{"services.json", `[`, `{`, []string{"services.json"}},
		{"offices.json", `"code": "TST", "kind": "post_office"`, `"code": "GPO", "kind": "post_office"`, []string{"offices.json", "GPO", "twice"}},
		{"offices.json", `"code": "MP1", "kind": "mobile"`, `"code": "MP1", "kind": "van"`, []string{"offices.json", "MP1", "van"}},
		{"offices.json", `"zh-Hant": "空郵中心", `, ``, []string{"offices.json", "AMC", "zh-Hant"}},
	}
	for _, tc := range cases {
		m := dataCopy(t)
		edit(t, m, tc.file, tc.old, tc.new)
		_, err := catalog.Load(m)
		if err == nil {
			t.Errorf("%s %q -> %q: loaded; want an error", tc.file, tc.old, tc.new)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s %q -> %q: error %q does not say %q", tc.file, tc.old, tc.new, err, w)
			}
		}
	}
	m := dataCopy(t)
	delete(m, "fees.json")
	if _, err := catalog.Load(m); err == nil || !strings.Contains(err.Error(), "fees.json") {
		t.Errorf("missing fees.json: %v", err)
	}
}

// rule: SVC-6
func TestQuoteUsesTheTableInForceOnItsDate(t *testing.T) {
	m := dataCopy(t)
	// A new air-mail table from 2027-07-01 with every price HK$1 higher for 20 g small letters.
	edit(t, m, "rates/air-mail.json", `}]}`, `}, {
  "effective_from": "2027-07-01", "source": "test", "zones": ["MT", "1", "2", "3"],
  "schedules": {"small_letter": [{"up_to_g": 50, "prices": ["4.70", "5.00", "6.40", "6.50"]}],
    "large_letter": [{"up_to_g": 500, "prices": ["90.00", "90.00", "90.00", "90.00"]}],
    "packet": [{"up_to_g": 2000, "prices": ["99.00", "99.00", "99.00", "99.00"]}]}
}]}`)
	c, err := catalog.Load(m)
	if err != nil {
		t.Fatal(err)
	}
	small := &catalog.Dimensions{Length: 200, Width: 100, Height: 3}
	for _, tc := range []struct {
		at    time.Time
		price string
		from  string
	}{
		{time.Date(2027, 6, 30, 23, 59, 0, 0, catalog.HongKong), "5.40", "2023-01-01"},
		{time.Date(2027, 7, 1, 0, 0, 0, 0, catalog.HongKong), "6.40", "2027-07-01"},
		{time.Date(2027, 6, 30, 16, 30, 0, 0, time.UTC), "6.40", "2027-07-01"}, // already 1 July in Hong Kong
	} {
		o := quote(t, c, catalog.QuoteRequest{Destination: "JP", WeightG: 20, Dimensions: small, Service: "ARM", At: tc.at})["ARM"]
		if o.Postage != money.MustParse(tc.price) || o.RatesFrom != tc.from {
			t.Errorf("at %v: postage %v from %s; want %s from %s", tc.at, o.Postage, o.RatesFrom, tc.price, tc.from)
		}
	}
	if o := quote(t, c, catalog.QuoteRequest{Destination: "JP", WeightG: 20, Service: "ARM", At: time.Date(2020, 1, 1, 0, 0, 0, 0, catalog.HongKong)})["ARM"]; o.Available || o.Reason.Key != "quote.reason.no_rates" {
		t.Errorf("before any table: %+v", o)
	}
}
