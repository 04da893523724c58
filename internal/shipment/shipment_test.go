package shipment

import (
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/money"
	"github.com/ecship/ecship/internal/testenv"
)

var monday = time.Date(2026, 11, 23, 10, 0, 0, 0, catalog.HongKong)

// scarf is the example: 450 g of silk scarves by e-Express+ to New York.
func scarf() *Shipment {
	return &Shipment{Service: "AEX", Reference: "ORDER-1001", WeightG: 450, Dimensions: &catalog.Dimensions{Length: 250, Width: 180, Height: 40},
		Sender:    Address{Name: "陳大文", Lines: []string{"Flat A, 12/F, 8 Nathan Road"}, City: "Kowloon", Country: "HK", Phone: "85291234567", Email: "tm@example.hk"},
		Recipient: Address{Name: "Jane Doe", Lines: []string{"350 Fifth Avenue"}, City: "New York", State: "NY", PostalCode: "10118", Country: "US", Phone: "12125551234"},
		Contents: &Contents{Category: "sale", Items: []Article{{Description: "Silk scarf", Quantity: 2, WeightG: 300, Value: money.MustParse("380.00"),
			Currency: "HKD", HSCode: "621410", Origin: "HK"}}},
		Insurance: money.MustParse("1000.00")}
}

func fieldsOf(err error) string {
	var out []string
	for _, f := range errs.As(err).Fields {
		out = append(out, f.Field+"="+f.Key)
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

// rule: LBL-5, LBL-7, LBL-11, LBL-12
func TestPrepareReadyLabel(t *testing.T) {
	s := scarf()
	if err := Prepare(testenv.Catalog(t), s, monday, false); err != nil {
		t.Fatalf("the example shipment is refused: %v", fieldsOf(err))
	}
	if s.Status != Ready || s.USExchange != ExchangeJFK || s.CustomsForm != "CN22" || s.Format != "e_express" {
		t.Errorf("status %s exchange %s form %s format %s", s.Status, s.USExchange, s.CustomsForm, s.Format)
	}
	if s.Premium != money.MustParse("11.00") || s.Total != s.Postage+s.Premium || s.Postage <= 0 || !s.Sample {
		t.Errorf("price: postage %v premium %v total %v sample %v", s.Postage, s.Premium, s.Total, s.Sample)
	}
	if want := monday.Add(90 * 24 * time.Hour); s.ExpiresAt == nil || !s.ExpiresAt.Equal(want) {
		t.Errorf("expires %v; want 90 days on", s.ExpiresAt)
	}
	if s.ExpiredAt(monday.Add(89*24*time.Hour)) || !s.ExpiredAt(monday.Add(90*24*time.Hour)) {
		t.Error("validity is not exactly 90 days")
	}
	// An item over 300 SDR needs a CN23.
	s = scarf()
	s.Contents.Items[0].Value = money.MustParse("3180.01")
	s.Insurance = 0
	if err := Prepare(testenv.Catalog(t), s, monday, false); err != nil {
		t.Fatal(err)
	}
	if s.CustomsForm != "CN23" {
		t.Errorf("HK$3,180.01 of contents: %s; want CN23", s.CustomsForm)
	}
	// A Los Angeles ZIP goes to the others.
	s = scarf()
	s.Recipient.PostalCode = "90210-1234"
	if err := Prepare(testenv.Catalog(t), s, monday, false); err != nil {
		t.Fatal(err)
	}
	if s.USExchange != ExchangeOthers {
		t.Errorf("90210: %s", s.USExchange)
	}
}

// Every check names its field and what is expected.
//
// rule: LBL-7, LBL-8, LBL-11, SVC-9, INS-1, INS-3
func TestChecksNameTheField(t *testing.T) {
	cases := []struct {
		name string
		edit func(*Shipment)
		want string
	}{
		{"sender abroad", func(s *Shipment) { s.Sender.Country = "GB" }, "sender.country=shipment.sender.hong_kong"},
		{"no ZIP for e-Express+ to the US", func(s *Shipment) { s.Recipient.PostalCode = "" }, "recipient.postal_code=shipment.zip.required"},
		{"bad ZIP", func(s *Shipment) { s.Recipient.PostalCode = "1011" }, "recipient.postal_code=shipment.zip.invalid"},
		{"reserved ZIP", func(s *Shipment) { s.Recipient.PostalCode = "00123" }, "recipient.postal_code=shipment.zip.unused"},
		{"placeholder ZIP", func(s *Shipment) { s.Recipient.PostalCode = "99999" }, "recipient.postal_code=shipment.zip.unused"},
		{"no recipient name", func(s *Shipment) { s.Recipient.Name = " " }, "recipient.name=shipment.address.name_required"},
		{"no address lines", func(s *Shipment) { s.Recipient.Lines = nil }, "recipient.address_lines=shipment.address.lines_required"},
		{"long line", func(s *Shipment) { s.Recipient.Lines = []string{"ok", strings.Repeat("x", 61)} }, "recipient.address_lines[1]=shipment.too_long"},
		{"four lines", func(s *Shipment) { s.Recipient.Lines = []string{"a", "b", "c", "d"} }, "recipient.address_lines=shipment.address.too_many_lines"},
		{"no city abroad", func(s *Shipment) { s.Recipient.City = "" }, "recipient.city=shipment.address.city_required"},
		{"country name not code", func(s *Shipment) { s.Recipient.Country = "United States" }, "recipient.country=shipment.address.country_code"},
		{"sender phone missing", func(s *Shipment) { s.Sender.Phone = "" }, "sender.phone=account.phone.required"},
		{"recipient phone letters", func(s *Shipment) { s.Recipient.Phone = "call me" }, "recipient.phone=shipment.address.phone"},
		{"no contents abroad", func(s *Shipment) { s.Contents = nil }, "contents=shipment.contents.required"},
		{"bad category", func(s *Shipment) { s.Contents.Category = "stuff" }, "contents.category=shipment.contents.category"},
		{"other without explanation", func(s *Shipment) { s.Contents.Category = "other" }, "contents.explanation=shipment.contents.explanation"},
		{"explanation too long", func(s *Shipment) { s.Contents.Category, s.Contents.Explanation = "other", strings.Repeat("x", 101) }, "contents.explanation=shipment.too_long"},
		{"HS code 4 digits", func(s *Shipment) { s.Contents.Items[0].HSCode = "6214" }, "contents.items[0].hs_code=shipment.contents.hs_format"},
		{"HS code missing for goods", func(s *Shipment) { s.Contents.Items[0].HSCode = "" }, "contents.items[0].hs_code=shipment.contents.hs_required"},
		{"zero quantity", func(s *Shipment) { s.Contents.Items[0].Quantity = 0 }, "contents.items[0].quantity=shipment.contents.quantity"},
		{"bad origin", func(s *Shipment) { s.Contents.Items[0].Origin = "ZZ" }, "contents.items[0].origin_country=shipment.contents.origin"},
		{"unknown currency", func(s *Shipment) { s.Contents.Items[0].Currency = "BTC" }, "contents.items[0].value.currency=shipment.contents.currency"},
		{"contents heavier than item", func(s *Shipment) { s.Contents.Items[0].WeightG = 451 }, "contents.items=shipment.contents.heavier"},
		{"too heavy for e-Express+", func(s *Shipment) { s.WeightG = 2500; s.Contents.Items[0].WeightG = 2000 }, "weight_g=quote.reason.too_heavy"},
		{"too long for e-Express+", func(s *Shipment) { s.Dimensions.Length = 700 }, "dimensions_mm=quote.reason.too_long"},
		{"e-Express+ does not go there", func(s *Shipment) { s.Recipient.Country, s.Recipient.PostalCode = "AR", "C1000" }, "service=quote.reason.not_to_destination"},
		{"insurance over HK$5,000", func(s *Shipment) { s.Insurance = money.MustParse("5000.01") }, "insurance=quote.insurance.over_cover"},
		{"no insurance on registered mail", func(s *Shipment) { s.Service, s.Dimensions = "ARM", nil }, "insurance=quote.insurance.not_offered"},
		{"unknown service", func(s *Shipment) { s.Service = "XYZ" }, "service=quote.service.unknown"},
	}
	for _, tc := range cases {
		s := scarf()
		tc.edit(s)
		err := Prepare(testenv.Catalog(t), s, monday, false)
		if got := fieldsOf(err); got != tc.want {
			t.Errorf("%s: %q; want %q", tc.name, got, tc.want)
		}
	}
	// The third article's HS code is named as such.
	s := scarf()
	s.Contents.Items = append(s.Contents.Items, Article{Description: "Card", Quantity: 1, WeightG: 10, Value: 1000, Currency: "HKD", HSCode: "490900", Origin: "HK"},
		Article{Description: "Fan", Quantity: 1, WeightG: 20, Value: 1000, Currency: "HKD", HSCode: "12345", Origin: "HK"})
	if got := fieldsOf(Prepare(testenv.Catalog(t), s, monday, false)); got != "contents.items[2].hs_code=shipment.contents.hs_format" {
		t.Errorf("third article: %q", got)
	}
}

// Pasted text loses its control characters: tabs and line breaks become spaces, a NUL byte goes.
func TestNormalizeDropsControlCharacters(t *testing.T) {
	s := scarf()
	s.Recipient.Name = "Jane\x00 Doe\r\n"
	s.Recipient.Lines = []string{"1 Main\tSt", "\x07"}
	s.Contents.Items[0].Description = "Silk\nscarf"
	if err := Prepare(testenv.Catalog(t), s, monday, false); err != nil {
		t.Fatal(err)
	}
	if s.Recipient.Name != "Jane Doe" || len(s.Recipient.Lines) != 1 || s.Recipient.Lines[0] != "1 Main St" || s.Contents.Items[0].Description != "Silk scarf" {
		t.Errorf("cleaned: %q %q %q", s.Recipient.Name, s.Recipient.Lines, s.Contents.Items[0].Description)
	}
}

// rule: LBL-6
func TestDraftsAreKeptIncomplete(t *testing.T) {
	s := &Shipment{Service: "ARM", Recipient: Address{Name: "Taro", Country: "JP"}}
	if err := Prepare(testenv.Catalog(t), s, monday, true); err != nil {
		t.Fatal(err)
	}
	if s.Status != Incomplete || len(s.Problems) == 0 || s.ExpiresAt != nil {
		t.Errorf("draft: %s %v", s.Status, s.Problems)
	}
	if want := monday.Add(90 * 24 * time.Hour); s.DeleteAfter == nil || !s.DeleteAfter.Equal(want) {
		t.Errorf("delete after %v; want 90 days after first saved", s.DeleteAfter)
	}
	// Saving it again later does not move the date: it counts from the first save.
	first := *s.DeleteAfter
	if err := Prepare(testenv.Catalog(t), s, monday.Add(30*24*time.Hour), true); err != nil {
		t.Fatal(err)
	}
	if !s.DeleteAfter.Equal(first) {
		t.Errorf("delete date moved to %v", s.DeleteAfter)
	}
}

// rule: LBL-4
func TestAtMostTwentyPerCountry(t *testing.T) {
	var list []*Shipment
	for range 20 {
		list = append(list, scarf())
	}
	if err := CheckBatch(list); err != nil {
		t.Errorf("20 to one country: %v", err)
	}
	list = append(list, scarf())
	if err := CheckBatch(list); errs.CodeOf(err) != errs.Invalid || errs.As(err).Message.Key != "shipment.batch.per_country" {
		t.Errorf("21 to one country: %v", err)
	}
}

// rule: LBL-5
func TestExpiredLabelsCannotBePaidOrCancelled(t *testing.T) {
	s := scarf()
	if err := Prepare(testenv.Catalog(t), s, monday, false); err != nil {
		t.Fatal(err)
	}
	later := monday.Add(91 * 24 * time.Hour)
	if err := CheckPayable(s, monday); err != nil {
		t.Errorf("fresh label not payable: %v", err)
	}
	if err := CheckPayable(s, later); errs.As(err).Message.Key != "shipment.expired" {
		t.Errorf("expired label payable: %v", err)
	}
	if err := CheckCancellable(s, later); errs.As(err).Message.Key != "shipment.expired" {
		t.Errorf("expired label cancellable: %v", err)
	}
	if err := CheckCancellable(s, monday); err != nil {
		t.Errorf("cancel: %v %s", err, s.Status)
	}
	s.Status = Cancelled
	if err := CheckCancellable(s, monday); errs.CodeOf(err) != errs.Conflict {
		t.Errorf("cancel twice: %v", err)
	}
}

func TestLocalShipmentNeedsNoCustoms(t *testing.T) {
	s := &Shipment{Service: "LPL", WeightG: 2500,
		Sender:    Address{Name: "陳大文", Lines: []string{"8 Nathan Road"}, Country: "HK", Phone: "91234567"},
		Recipient: Address{Name: "李小明", Lines: []string{"香港中環皇后大道中 1 號"}, Country: "HK"}}
	if err := Prepare(testenv.Catalog(t), s, monday, false); err != nil {
		t.Fatalf("local parcel: %v", fieldsOf(err))
	}
	if s.CustomsForm != "" || s.Total != money.MustParse("70.00") {
		t.Errorf("form %q total %v", s.CustomsForm, s.Total)
	}
}

// rule: SVC-8
func TestLatePostingForTwentyOrMore(t *testing.T) {
	many := func(service string, n int) []*Shipment {
		var out []*Shipment
		for range n {
			out = append(out, &Shipment{Service: service})
		}
		return out
	}
	at := func(h, m int) time.Time { return time.Date(2026, 11, 23, h, m, 0, 0, catalog.HongKong) }
	cases := []struct {
		list []*Shipment
		now  time.Time
		want string
	}{
		{many("AEX", 20), at(16, 0), "AEX"},
		{many("ARM", 25), at(18, 30), "ARM"},
		{append(many("ARM", 20), many("AEX", 21)...), at(18, 30), "AEX,ARM"},
		{many("AEX", 20), at(15, 59), ""},
		{many("AEX", 20), at(16, 0).UTC(), "AEX"}, // the time is Hong Kong's, whatever the clock's zone
		{many("AEX", 19), at(17, 0), ""},
		{many("EMS", 20), at(17, 0), ""}, // Speedpost's time varies by destination
		{append(many("AEX", 10), many("ARM", 10)...), at(17, 0), ""},
	}
	for i, tc := range cases {
		if got := strings.Join(LatePosting(testenv.Catalog(t), tc.list, tc.now), ","); got != tc.want {
			t.Errorf("case %d: %q; want %q", i, got, tc.want)
		}
	}
}
