package soap

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/money"
	"github.com/ecship/ecship/internal/shipment"
)

// An EC-Ship order (createOrder's api02Req) read onto a shipment. The request's field names map to
// the shipment's as orderField says, so the domain's checks (the same as REST's and the portal's)
// name the request's fields in errMessage.

// product is one item of products, as sent.
type product struct {
	desc, currency, country, qty, tariff, value, weight string
}

// products reads the request's products: the fields of each item element inside products.
func (c *ecCall) products() []product {
	var out []product
	group := -1
	for _, l := range c.leaves {
		if l.parent != "item" || l.grand != "products" { // anything else nested is not a product
			continue
		}
		if l.group != group {
			group = l.group
			out = append(out, product{})
		}
		p := &out[len(out)-1]
		v := strings.TrimSpace(l.value)
		switch l.name {
		case "contentDesc":
			p.desc = v
		case "currencyCode":
			p.currency = v
		case "productCountry":
			p.country = v
		case "productQty":
			p.qty = v
		case "productTariffCode":
			p.tariff = v
		case "productValue":
			p.value = v
		case "productWeight":
			p.weight = v
		}
	}
	return out
}

// itemCategories maps EC-Ship's itemCategory codes (and the categories' own names) to the customs
// categories of CN22/CN23.
var itemCategories = map[string]string{
	"G": "gift", "D": "documents", "S": "sample", "R": "returned", "M": "sale", "O": "other",
	"GIFT": "gift", "DOCUMENTS": "documents", "DOCUMENT": "documents", "SAMPLE": "sample", "COMMERCIAL SAMPLE": "sample",
	"RETURNED": "returned", "RETURNED GOODS": "returned", "SALE": "sale", "SALE OF GOODS": "sale", "MERCHANDISE": "sale",
	"OTHER": "other", "OTHERS": "other",
}

// maxAddressField bounds the address text split into lines (the splitting is quadratic in a
// line's length without spaces); three lines of 60 characters fit many times over.
const maxAddressField = 1000

var lineBreaks = regexp.MustCompile(`[\r\n]+`)

// addressLines splits an address sent in one field into the label's lines of at most
// shipment.MaxLineLength: at its line breaks, and a longer line at commas (packing parts while
// they fit) or, for a part still too long, at spaces. More lines than a label takes join the last,
// which the checks then find too long.
func addressLines(s string) []string {
	if len(s) > maxAddressField { // no address is this long: one line, which the checks find too long
		return []string{s}
	}
	var lines []string
	for _, line := range lineBreaks.Split(s, -1) {
		var cur string
		for _, part := range strings.Split(line, ",") {
			part = strings.Join(strings.Fields(part), " ")
			if part == "" {
				continue
			}
			switch {
			case cur == "":
				cur = part
			case len([]rune(cur+", "+part)) <= shipment.MaxLineLength:
				cur += ", " + part
			default:
				lines = append(lines, cur)
				cur = part
			}
			for len([]rune(cur)) > shipment.MaxLineLength {
				r := []rune(cur)
				cut := strings.LastIndex(string(r[:shipment.MaxLineLength]), " ")
				if cut <= 0 {
					cut = len(string(r[:shipment.MaxLineLength]))
				}
				lines = append(lines, strings.TrimSpace(cur[:cut]))
				cur = strings.TrimSpace(cur[cut:])
			}
		}
		if cur != "" {
			lines = append(lines, cur)
		}
	}
	if len(lines) > shipment.MaxAddressLines {
		lines = append(lines[:shipment.MaxAddressLines-1], strings.Join(lines[shipment.MaxAddressLines-1:], ", "))
	}
	return lines
}

// phone joins an area code and a number.
func phone(area, number string) string {
	area, number = strings.TrimSpace(area), strings.TrimSpace(number)
	if area == "" {
		return number
	}
	if number == "" {
		return ""
	}
	if !strings.HasPrefix(area, "+") {
		area = "+" + area
	}
	return area + " " + number
}

// order reads createOrder's fields onto a shipment. Wrong values of the wire (a weight that is not
// a number, an unknown country code) are field errors; the rest is the domain's to check.
func (e *ECShip) order(c *ecCall) (*shipment.Shipment, errs.Fields) {
	var fe errs.Fields
	sh := &shipment.Shipment{Reference: c.get("refNo"), Service: e.serviceField(c, "shipCode", &fe)}
	country := e.countryField(c, "countryCode", &fe)
	sh.Recipient = shipment.Address{Name: c.get("recipientName"), Lines: addressLines(c.get("recipientAddress")), City: c.get("recipientCity"),
		PostalCode: c.get("recipientPostalNo"), Country: country, Email: c.get("recipientEmail"),
		Phone: phone(c.get("recipientContactNoAreaCode"), c.get("recipientContactNo"))}
	senderCountry := "HK"
	if sc := c.get("senderCountry"); sc != "" {
		if d, ok := e.Catalog.Destination(sc); ok {
			senderCountry = d.Code
		} else {
			fe.Add("senderCountry", "quote.destination.unknown", errs.Args{"value": sc})
		}
	}
	sh.Sender = shipment.Address{Name: c.get("senderName"), Lines: addressLines(c.get("senderAddress")), Country: senderCountry,
		Email: c.get("senderEmail"), Phone: phone(c.get("senderContactNoAreaCode"), c.get("senderContactNo"))}

	if v, ok := amount(c.get("insurAmount")); ok {
		sh.Insurance = v
	} else {
		fe.Add("insurAmount", "quote.insurance.syntax", nil)
	}
	e.readCollection(c, sh, &fe)
	if m := c.get("noticeMethod"); m != "" {
		sh.Notice = &shipment.Notice{Method: m, SMSLang: c.get("smsLang")}
	}

	// The products are the customs lines and, together, the item's weight.
	prods := c.products()
	if len(prods) == 0 && c.op.name != "createTemporaryOrder" { // a temporary order is kept with what it lacks
		fe.Add("products", "soap.ecship.products_required", nil)
	}
	cat := c.get("itemCategory")
	contents := &shipment.Contents{Explanation: c.get("itemCategoryDesc")}
	if cat != "" {
		if k, ok := itemCategories[strings.ToUpper(cat)]; ok {
			contents.Category = k
		} else {
			fe.Add("itemCategory", "shipment.contents.category", errs.Args{"value": cat})
		}
	} else if len(prods) > 0 {
		contents.Category = "sale" // a shop's order, unless it says otherwise
	}
	for i, p := range prods {
		path := fmt.Sprintf("products.item[%d].", i)
		a := e.article(articleIn{desc: p.desc, qty: p.qty, weight: p.weight, value: p.value, hs: p.tariff, origin: p.country, currency: p.currency,
			qtyField: path + "productQty", weightField: path + "productWeight", valueField: path + "productValue"}, &fe)
		sh.WeightG += a.WeightG
		contents.Items = append(contents.Items, a)
	}
	if len(prods) > 0 || cat != "" {
		sh.Contents = contents
	}
	return sh, fe
}

// serviceField reads a service's code (EC-Ship's ship codes are the catalogue's codes and aliases).
func (e *ECShip) serviceField(c *ecCall, name string, fe *errs.Fields) string {
	code := c.get(name)
	if code == "" {
		fe.Add(name, "soap.ecship.required", nil)
		return ""
	}
	svc, ok := e.Catalog.Service(code)
	if !ok {
		fe.Add(name, "quote.service.unknown", errs.Args{"value": code})
		return ""
	}
	return svc.Code
}

// countryField reads a destination by Hongkong Post's code or ISO code, answered as the ISO code;
// empty stays empty, for the domain's checks to name.
func (e *ECShip) countryField(c *ecCall, name string, fe *errs.Fields) string {
	code := c.get(name)
	if code == "" {
		return ""
	}
	d, ok := e.Catalog.Destination(code)
	if !ok {
		fe.Add(name, "quote.destination.unknown", errs.Args{"value": code})
		return code
	}
	return d.Code
}

// articleIn is one customs line as a request sends it, and the request's names of its quantity,
// weight and value fields.
type articleIn struct {
	desc, qty, weight, value, hs, origin, currency string
	qtyField, weightField, valueField              string
}

// article reads one customs line: quantity, weight (kg) and value are the wire's to check, the
// rest the domain's. An origin is a Hongkong Post or ISO code.
func (e *ECShip) article(in articleIn, fe *errs.Fields) shipment.Article {
	a := shipment.Article{Description: in.desc, HSCode: in.hs, Currency: strings.ToUpper(in.currency)}
	if a.Currency == "" {
		a.Currency = "HKD"
	}
	if in.origin != "" {
		a.Origin = in.origin // the domain names a wrong one
		if d, ok := e.Catalog.Destination(in.origin); ok {
			a.Origin = d.Code
		}
	}
	if n, err := strconv.Atoi(in.qty); err == nil {
		a.Quantity = n
	} else {
		fe.Add(in.qtyField, "shipment.contents.quantity", nil)
	}
	if g, ok := kilograms(in.weight); ok {
		a.WeightG = g
	} else {
		fe.Add(in.weightField, "soap.ecship.weight", errs.Args{"max": catalog.MaxInputWeightG / 1000})
	}
	if v, err := money.Parse(in.value); err == nil && v >= 0 {
		a.Value = v
	} else {
		fe.Add(in.valueField, "shipment.contents.value", nil)
	}
	return a
}

// readCollection reads mailType and the place of collection: a post office counter (CC, with
// pickupOffice) or an iPostal station (PL or SP, with iPostalStation).
func (e *ECShip) readCollection(c *ecCall, sh *shipment.Shipment, fe *errs.Fields) {
	mt := strings.ToUpper(c.get("mailType"))
	switch {
	case mt == "":
	case !mailTypes[mt]:
		fe.Add("mailType", "soap.ecship.mail_type", errs.Args{"value": mt})
	case mt == "CC":
		office := strings.ToUpper(c.get("pickupOffice"))
		if _, ok := e.Catalog.Office(office); !ok {
			fe.Add("pickupOffice", "soap.ecship.pickup_office", errs.Args{"value": office})
			return
		}
		sh.Collect = &shipment.Collection{Kind: shipment.CollectCounter, Office: office}
	case mt == "PL" || mt == "SP":
		station := c.get("iPostalStation")
		if station == "" {
			station = c.get("ipostalStation")
		}
		if station == "" {
			fe.Add("iPostalStation", "soap.ecship.required", nil)
			return
		}
		sh.Collect = &shipment.Collection{Kind: shipment.CollectIPostal, Office: strings.ToUpper(station)}
	}
}

var itemPath = regexp.MustCompile(`^contents\.items\[(\d+)\]\.(.+)$`)

// orderField names a shipment field by createOrder's request field.
func orderField(f string) string {
	if m := itemPath.FindStringSubmatch(f); m != nil {
		name := map[string]string{"description": "contentDesc", "quantity": "productQty", "weight_g": "productWeight",
			"value": "productValue", "value.currency": "currencyCode", "hs_code": "productTariffCode", "origin_country": "productCountry"}[m[2]]
		if name == "" {
			name = m[2]
		}
		return "products.item[" + m[1] + "]." + name
	}
	who, rest, _ := strings.Cut(f, ".")
	if who == "sender" || who == "recipient" {
		if i := strings.IndexByte(rest, '['); i > 0 {
			rest = rest[:i]
		}
		name := map[string]string{"name": "Name", "address_lines": "Address", "city": "City", "postal_code": "PostalNo",
			"phone": "ContactNo", "email": "Email", "company": "Name", "state": "City"}[rest]
		if who == "recipient" && rest == "country" {
			return "countryCode"
		}
		if who == "sender" && rest == "country" {
			return "senderCountry"
		}
		if name != "" {
			return who + name
		}
	}
	switch f {
	case "service":
		return "shipCode"
	case "weight_g":
		return "products.productWeight"
	case "reference":
		return "refNo"
	case "insurance":
		return "insurAmount"
	case "contents", "contents.items":
		return "products"
	case "contents.category":
		return "itemCategory"
	case "contents.explanation":
		return "itemCategoryDesc"
	case "dimensions_mm":
		return "mailSize"
	}
	return f
}
