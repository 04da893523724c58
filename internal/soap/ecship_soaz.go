package soap

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/shipment"
)

// SoazPosting: the same orders as createOrder, in the flat field names of that service (addressee*,
// send*, item*1..4), and their address packs.

// soazOrder reads createSoazOrder's fields onto a shipment.
func (e *ECShip) soazOrder(c *ecCall) (*shipment.Shipment, errs.Fields) {
	var fe errs.Fields
	sh := &shipment.Shipment{Reference: c.get("custOrdRef"), Service: e.serviceField(c, "service", &fe)}
	country := e.countryField(c, "addresseeCountry", &fe)
	lines := func(prefix string) []string {
		var parts []string
		for i := 1; i <= 4; i++ {
			if v := c.get(prefix + strconv.Itoa(i)); v != "" {
				parts = append(parts, v)
			}
		}
		return addressLines(strings.Join(parts, "\n"))
	}
	sh.Recipient = shipment.Address{Name: c.get("addresseeName"), Company: c.get("addresseeCompanyName"), Lines: lines("addresseeAddr"),
		City: c.get("addresseeCity"), PostalCode: c.get("addresseePostalCode"), Country: country, Phone: c.get("addresseeTelNo"),
		Email: c.get("addresseeEmail")}
	sh.Sender = shipment.Address{Name: c.get("sendContactName"), Lines: lines("sendAddress"), Country: "HK", Phone: c.get("sendTelNo"),
		Email: c.get("sendEmail")}
	if strings.EqualFold(c.get("insurFlag"), "Y") {
		if v, ok := amount(c.get("insurAmt")); ok {
			sh.Insurance = v
		} else {
			fe.Add("insurAmt", "quote.insurance.syntax", nil)
		}
	}
	contents := &shipment.Contents{Category: "sale", Explanation: c.get("cn23ItemTypeDesc")}
	if t := c.get("cn23ItemTypeCode"); t != "" {
		if k, ok := itemCategories[strings.ToUpper(t)]; ok {
			contents.Category = k
		} else {
			fe.Add("cn23ItemTypeCode", "shipment.contents.category", errs.Args{"value": t})
		}
	}
	currency := strings.ToUpper(c.get("itemCurrCode1"))
	if currency == "" {
		currency = "HKD"
	}
	for i := 1; i <= 4; i++ {
		n := strconv.Itoa(i)
		desc := c.get("itemDesc" + n)
		if desc == "" && c.get("itemWgt"+n) == "" && c.get("itemValue"+n) == "" {
			continue
		}
		a := e.article(articleIn{desc: desc, qty: c.get("itemQty" + n), weight: c.get("itemWgt" + n), value: c.get("itemValue" + n),
			hs: c.get("itemHSCode" + n), origin: c.get("itemCtyCode" + n), currency: currency,
			qtyField: "itemQty" + n, weightField: "itemWgt" + n, valueField: "itemValue" + n}, &fe)
		sh.WeightG += a.WeightG
		contents.Items = append(contents.Items, a)
	}
	if len(contents.Items) == 0 {
		fe.Add("itemDesc1", "soap.ecship.products_required", nil)
	}
	sh.Contents = contents
	return sh, fe
}

var soazItemPath = regexp.MustCompile(`^products\.item\[(\d+)\]\.(.+)$`)

// soazField names a shipment field by createSoazOrder's request field.
func soazField(f string) string {
	f = orderField(f)
	if m := soazItemPath.FindStringSubmatch(f); m != nil {
		i, _ := strconv.Atoi(m[1]) // digits, by the pattern
		name := map[string]string{"contentDesc": "itemDesc", "productQty": "itemQty", "productWeight": "itemWgt", "productValue": "itemValue",
			"currencyCode": "itemCurrCode", "productTariffCode": "itemHSCode", "productCountry": "itemCtyCode"}[m[2]]
		if name == "itemCurrCode" {
			return "itemCurrCode1"
		}
		return fmt.Sprintf("%s%d", name, i+1)
	}
	if name, ok := soazNames[f]; ok {
		return name
	}
	return f
}

// soazNames are createSoazOrder's names of createOrder's fields.
var soazNames = map[string]string{
	"recipientName": "addresseeName", "recipientAddress": "addresseeAddr1", "recipientCity": "addresseeCity",
	"recipientPostalNo": "addresseePostalCode", "recipientContactNo": "addresseeTelNo", "recipientEmail": "addresseeEmail",
	"countryCode": "addresseeCountry", "senderName": "sendContactName", "senderAddress": "sendAddress1", "senderContactNo": "sendTelNo",
	"senderEmail": "sendEmail", "shipCode": "service", "refNo": "custOrdRef", "insurAmount": "insurAmt", "products": "itemDesc1",
	"products.productWeight": "itemWgt1", "itemCategory": "cn23ItemTypeCode", "itemCategoryDesc": "cn23ItemTypeDesc",
}

// createSoazOrder creates one label from SoazPosting's fields, as createOrder does.
func (e *ECShip) createSoazOrder(ctx context.Context, c *ecCall) ecReply {
	sh, fe := e.soazOrder(c)
	return e.create(ctx, c, sh, fe, false, soazField)
}

// getSoazAddressPack prints one item's label: the PDF comes back as COP.
func (e *ECShip) getSoazAddressPack(ctx context.Context, c *ecCall) ecReply {
	var nos []string
	if no := c.get("itemNo"); no != "" {
		nos = append(nos, no)
	}
	rep := e.addressPack(ctx, c, nos)
	if rep.status == ecOK {
		rep.values["COP"] = rep.values["pdf"]
	}
	return rep
}
