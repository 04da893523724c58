package shipment

import (
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/money"
)

// Normalize trims what people paste around their input and upper-cases codes. Tabs and line
// breaks become spaces and other control characters go: a label prints one line per field, and
// a NUL byte is not text any database keeps.
func (s *Shipment) Normalize() {
	s.Service = strings.ToUpper(clean(s.Service))
	s.Reference = clean(s.Reference)
	for _, a := range []*Address{&s.Sender, &s.Recipient} {
		a.Name, a.Company, a.City, a.State = clean(a.Name), clean(a.Company), clean(a.City), clean(a.State)
		a.PostalCode, a.Country = clean(a.PostalCode), strings.ToUpper(clean(a.Country))
		a.Phone, a.Email = normalizePhone(clean(a.Phone)), clean(a.Email)
		var lines []string
		for _, l := range a.Lines {
			if l = clean(l); l != "" {
				lines = append(lines, l)
			}
		}
		a.Lines = lines
	}
	if c := s.Contents; c != nil {
		c.Category, c.Explanation = strings.ToLower(clean(c.Category)), clean(c.Explanation)
		for i := range c.Items {
			it := &c.Items[i]
			it.Description, it.HSCode = clean(it.Description), strings.ReplaceAll(clean(it.HSCode), ".", "")
			it.Currency, it.Origin = strings.ToUpper(clean(it.Currency)), strings.ToUpper(clean(it.Origin))
		}
	}
}

// clean trims s, turns tabs and line breaks into spaces and drops other control characters.
func clean(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return ' '
		case unicode.IsControl(r) || r == utf8.RuneError:
			return -1
		}
		return r
	}, s))
}

// normalizePhone keeps digits: people type "+852 9123-4567".
func normalizePhone(p string) string {
	var b strings.Builder
	for _, r := range p {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else if !strings.ContainsRune(" +-().", r) {
			return strings.TrimSpace(p) // something else: keep it so the check can refuse it
		}
	}
	return b.String()
}

// Check makes a postal clerk's checks and returns every problem, each naming its field and what is
// expected. It also fills in what the checks work out: format, price, customs form, US office of
// exchange. A shipment with no problems is ready to number and print.
func Check(cat *catalog.Catalog, s *Shipment, now time.Time) errs.Fields {
	var fe errs.Fields
	s.Format, s.Postage, s.Fees, s.Premium, s.Total, s.Sample, s.CustomsForm, s.USExchange = "", 0, 0, 0, 0, false, "", ""
	svc, svcOK := checkService(&fe, cat, s)
	checkItem(&fe, s)
	checkAddress(&fe, cat, "sender", &s.Sender, true)
	if s.Sender.Country != "" && s.Sender.Country != "HK" {
		fe.Add("sender.country", "shipment.sender.hong_kong", nil) // LBL-8
	}
	checkAddress(&fe, cat, "recipient", &s.Recipient, false)
	dest, destOK := cat.Destination(s.Recipient.Country)
	if destOK && dest.Code == "US" {
		checkZIP(&fe, s)
	}
	date := now.In(catalog.HongKong).Format(time.DateOnly)
	// Until its destination is given, an item is checked as one going abroad (with a city and a
	// customs declaration): choosing the destination then only takes problems away, never brings
	// new ones, so a sender fixing a form does not meet its errors in waves.
	if destOK && !dest.Local() || s.Recipient.Country == "" {
		checkContents(&fe, cat, s, date)
	} else if s.Contents != nil && len(s.Contents.Items) > 0 {
		checkContents(&fe, cat, s, date) // optional for local items, but checked when given
		s.CustomsForm = ""
	}
	if s.Insurance < 0 || s.Insurance > catalog.MaxInputValue {
		fe.Add("insurance", "quote.insurance.range", errs.Args{"max": "1,000,000.00"})
	}
	// Price it, when the service, destination and weight are known. A service that goes nowhere
	// near the destination is said at once, with the weight or without.
	switch {
	case !svcOK || !svc.Quotable() || !destOK:
	case s.WeightG > 0 && s.WeightG <= catalog.MaxInputWeightG && !hasField(fe, "dimensions_mm"):
		price(&fe, cat, s, svc, dest, now)
	default:
		if why := svc.Refuses(dest); why != nil {
			fe.Add(reasonField(why.Key), why.Key, why.Args)
		}
	}
	return fe
}

// checkService finds the shipment's service: named, known, and one a label can be prepared for.
// An alias (AEP, AE1...) becomes the service's code.
func checkService(fe *errs.Fields, cat *catalog.Catalog, s *Shipment) (*catalog.Service, bool) {
	svc, ok := cat.Service(s.Service)
	switch {
	case s.Service == "":
		fe.Add("service", "shipment.service.required", nil)
	case !ok:
		fe.Add("service", "quote.service.unknown", errs.Args{"value": s.Service})
	case !svc.Quotable():
		fe.Add("service", "quote.service.bulk", errs.Args{"value": svc.Code})
	default:
		s.Service = svc.Code
	}
	return svc, ok
}

// checkItem checks the reference, the weight and the sides as typed.
func checkItem(fe *errs.Fields, s *Shipment) {
	if len([]rune(s.Reference)) > MaxReference {
		fe.Add("reference", "shipment.too_long", errs.Args{"max": MaxReference})
	}
	switch {
	case s.WeightG <= 0:
		fe.Add("weight_g", "quote.weight.positive", nil)
	case s.WeightG > catalog.MaxInputWeightG:
		fe.Add("weight_g", "quote.weight.too_large", errs.Args{"max": catalog.MaxInputWeightG})
	}
	if d := s.Dimensions; d != nil {
		for _, side := range []struct {
			name string
			v    int
		}{{"length", d.Length}, {"width", d.Width}, {"height", d.Height}} {
			if side.v <= 0 || side.v > catalog.MaxInputSideMM {
				fe.Add("dimensions_mm."+side.name, "quote.size.range", errs.Args{"max": catalog.MaxInputSideMM})
			}
		}
	}
}

// checkZIP: e-Express+ to the US needs a valid ZIP, which decides the office of exchange (LBL-7);
// any other service to the US takes a ZIP written canonically when one is given.
func checkZIP(fe *errs.Fields, s *Shipment) {
	zip3, canonical, problem := CheckZIP(s.Recipient.PostalCode)
	ok := problem == ""
	switch {
	case s.Recipient.PostalCode == "" && s.Service == "AEX":
		fe.Add("recipient.postal_code", "shipment.zip.required", nil)
	case s.Recipient.PostalCode != "" && !ok:
		fe.Add("recipient.postal_code", problem, errs.Args{"zip": s.Recipient.PostalCode})
	case ok:
		s.Recipient.PostalCode = canonical
		if s.Service == "AEX" {
			s.USExchange = OfficeOfExchange(zip3)
		}
	}
}

// price quotes the shipment with its service: the postage, fees, premium and total, or the
// service's own reason it cannot take the item, on the field the sender must change.
func price(fe *errs.Fields, cat *catalog.Catalog, s *Shipment, svc *catalog.Service, dest *catalog.Destination, now time.Time) {
	opts, err := cat.Quote(catalog.QuoteRequest{Destination: dest.Code, WeightG: s.WeightG, Dimensions: s.Dimensions, Service: svc.Code,
		Insurance: s.Insurance, At: now})
	if err != nil || len(opts) != 1 {
		return
	}
	o := opts[0]
	if !o.Available {
		fe.Add(reasonField(o.Reason.Key), o.Reason.Key, o.Reason.Args)
		return
	}
	s.Format, s.Postage, s.Total, s.Sample = o.Format.Code, o.Postage, o.Total, o.PriceSample
	for _, f := range o.Fees {
		s.Fees += f.Amount
	}
	if s.Insurance == 0 {
		return
	}
	switch in := o.Insurance; {
	case in == nil || !in.Available:
		key, args := "quote.insurance.not_offered", errs.Args{"service": svc.Names}
		if in != nil && in.Reason != nil {
			key, args = in.Reason.Key, in.Reason.Args
		}
		fe.Add("insurance", key, args)
	default:
		s.Premium = in.Premium
	}
}

// reasonField says which field a quote's reason points at.
func reasonField(key string) string {
	switch key {
	case "quote.reason.too_heavy":
		return "weight_g"
	case "quote.reason.too_big_sides", "quote.reason.too_small_sides", "quote.reason.too_long", "quote.reason.too_big_sum", "quote.reason.too_big_girth":
		return "dimensions_mm"
	case "quote.reason.no_postal_service", "quote.reason.no_airmail":
		return "recipient.country"
	}
	return "service"
}

func hasField(fe errs.Fields, prefix string) bool {
	for _, f := range fe {
		if strings.HasPrefix(f.Field, prefix) {
			return true
		}
	}
	return false
}

// CheckAddress makes the label's checks of one address (a sender's is in Hong Kong, LBL-8), its
// fields named as in an address ("name", "address_lines", "city"...).
func CheckAddress(cat *catalog.Catalog, a *Address, sender bool) errs.Fields {
	var fe errs.Fields
	checkAddress(&fe, cat, "a", a, sender)
	if sender && a.Country != "" && a.Country != "HK" {
		fe.Add("a.country", "shipment.sender.hong_kong", nil)
	}
	for i := range fe {
		fe[i].Field = strings.TrimPrefix(fe[i].Field, "a.")
	}
	return fe
}

func checkAddress(fe *errs.Fields, cat *catalog.Catalog, who string, a *Address, sender bool) {
	if a.Name == "" {
		fe.Add(who+".name", "shipment.address.name_required", nil)
	} else if len([]rune(a.Name)) > MaxLineLength {
		fe.Add(who+".name", "shipment.too_long", errs.Args{"max": MaxLineLength})
	}
	if len([]rune(a.Company)) > MaxLineLength {
		fe.Add(who+".company", "shipment.too_long", errs.Args{"max": MaxLineLength})
	}
	switch {
	case len(a.Lines) == 0:
		fe.Add(who+".address_lines", "shipment.address.lines_required", nil)
	case len(a.Lines) > MaxAddressLines:
		fe.Add(who+".address_lines", "shipment.address.too_many_lines", errs.Args{"max": MaxAddressLines})
	}
	for i, l := range a.Lines {
		if len([]rune(l)) > MaxLineLength {
			fe.Add(fmt.Sprintf("%s.address_lines[%d]", who, i), "shipment.too_long", errs.Args{"max": MaxLineLength})
		}
	}
	switch d, ok := cat.Destination(a.Country); {
	case a.Country == "":
		fe.Add(who+".country", "shipment.address.country_required", nil)
		if a.City == "" && !sender { // taken to go abroad until told (see Check)
			fe.Add(who+".city", "shipment.address.city_required", nil)
		}
	case !ok || d.Code != a.Country:
		fe.Add(who+".country", "shipment.address.country_code", errs.Args{"value": a.Country})
	case !d.Local() && a.City == "":
		fe.Add(who+".city", "shipment.address.city_required", nil)
	}
	if len([]rune(a.City)) > MaxLineLength || len([]rune(a.State)) > MaxLineLength {
		fe.Add(who+".city", "shipment.too_long", errs.Args{"max": MaxLineLength})
	}
	if len(a.PostalCode) > 12 {
		fe.Add(who+".postal_code", "shipment.too_long", errs.Args{"max": 12})
	}
	switch {
	case sender && a.Phone == "":
		fe.Add(who+".phone", "account.phone.required", nil)
	case a.Phone != "" && !digits(a.Phone):
		fe.Add(who+".phone", "shipment.address.phone", nil)
	case len(a.Phone) > 25:
		fe.Add(who+".phone", "account.phone.too_long", errs.Args{"max": 25})
	}
	if a.Email != "" {
		if m, err := mail.ParseAddress(a.Email); err != nil || m.Address != a.Email || len(a.Email) > 100 {
			fe.Add(who+".email", "account.email.syntax", nil)
		}
	}
}

// Commercial reports whether a customs category is of commercial items: sale of goods or a
// commercial sample.
func Commercial(category string) bool { return category == "sale" || category == "sample" }

// checkContents applies LBL-11: a category, one to ten articles each with description, quantity, net
// weight, value and currency, a 6-digit HS code and origin; the contents no heavier than the item; and
// the declaration form that the total value calls for.
func checkContents(fe *errs.Fields, cat *catalog.Catalog, s *Shipment, date string) {
	c := s.Contents
	if c == nil || (c.Category == "" && len(c.Items) == 0) {
		fe.Add("contents", "shipment.contents.required", nil)
		return
	}
	known := false
	for _, k := range Categories {
		known = known || c.Category == k
	}
	switch {
	case c.Category == "":
		fe.Add("contents.category", "shipment.contents.category_required", nil)
	case !known:
		fe.Add("contents.category", "shipment.contents.category", errs.Args{"value": c.Category})
	case c.Category == "other" && strings.TrimSpace(c.Explanation) == "":
		fe.Add("contents.explanation", "shipment.contents.explanation", nil)
	}
	if utf8.RuneCountInString(c.Explanation) > MaxExplanation {
		fe.Add("contents.explanation", "shipment.too_long", errs.Args{"max": MaxExplanation})
	}
	switch {
	case len(c.Items) == 0:
		fe.Add("contents.items", "shipment.contents.items_required", nil)
		return
	case len(c.Items) > MaxArticles:
		fe.Add("contents.items", "shipment.contents.too_many", errs.Args{"max": MaxArticles})
	}
	var totalWeight int
	var totalHKD money.Cents
	currency := c.Items[0].Currency
	// The HS tariff number and the country of origin are required for commercial items only (UPU
	// CN22/CN23); another item's origin is, when not given, the sender's country.
	commercial := Commercial(c.Category)
	for i, it := range c.Items {
		p := fmt.Sprintf("contents.items[%d].", i)
		switch n := len([]rune(it.Description)); {
		case n == 0:
			fe.Add(p+"description", "shipment.contents.description", nil)
		case n > MaxDescription:
			fe.Add(p+"description", "shipment.too_long", errs.Args{"max": MaxDescription})
		}
		if it.Quantity < 1 || it.Quantity > 9999 {
			fe.Add(p+"quantity", "shipment.contents.quantity", nil)
		}
		if it.WeightG < 1 {
			fe.Add(p+"weight_g", "shipment.contents.weight", nil)
		}
		totalWeight += it.WeightG
		if it.Value < 0 {
			fe.Add(p+"value", "shipment.contents.value", nil)
		}
		hkd, ok := cat.ToHKD(it.Value, it.Currency)
		switch {
		case it.Currency == "":
			fe.Add(p+"value.currency", "shipment.contents.currency_required", nil)
		case !ok:
			fe.Add(p+"value.currency", "shipment.contents.currency", errs.Args{"value": it.Currency, "list": strings.Join(cat.Currencies(), ", ")})
		case it.Currency != currency:
			fe.Add(p+"value.currency", "shipment.contents.one_currency", errs.Args{"value": currency})
		}
		totalHKD += hkd
		switch {
		case it.HSCode == "" && commercial:
			fe.Add(p+"hs_code", "shipment.contents.hs_required", nil)
		case it.HSCode != "" && (len(it.HSCode) != 6 || !digits(it.HSCode)):
			fe.Add(p+"hs_code", "shipment.contents.hs_format", nil)
		}
		if it.Origin == "" && !commercial {
			c.Items[i].Origin = s.Sender.Country
			it.Origin = s.Sender.Country
		}
		switch d, ok := cat.Destination(it.Origin); {
		case it.Origin == "":
			fe.Add(p+"origin_country", "shipment.contents.origin_required", nil)
		case !ok || d.Code != it.Origin:
			fe.Add(p+"origin_country", "shipment.contents.origin", nil)
		}
	}
	if s.WeightG > 0 && totalWeight > s.WeightG {
		fe.Add("contents.items", "shipment.contents.heavier", errs.Args{"contents": totalWeight, "item": s.WeightG})
	}
	s.CustomsForm, _ = cat.CustomsForm(totalHKD, date)
}
