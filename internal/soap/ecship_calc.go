package soap

import (
	"math"
	"strconv"
	"strings"

	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/money"
)

// mailTypes are the EC-Ship mail types: D1 delivery to the address, CC collection at a post office
// counter, PL collection at an iPostal station, E international, SP iPostal station without MCN.
var mailTypes = map[string]bool{"D1": true, "CC": true, "PL": true, "E": true, "SP": true}

// kilograms reads a weight in kilograms ("0.5", "1.250") as grams, rounded up to the gram.
func kilograms(s string) (int, bool) {
	s = strings.TrimSpace(s)
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f <= 0 || f > float64(catalog.MaxInputWeightG)/1000 {
		return 0, false
	}
	return int(math.Ceil(f*1000 - 1e-6)), true
}

// decimalKG writes grams as kilograms, a plain decimal.
func decimalKG(g int) string { return strconv.FormatFloat(float64(g)/1000, 'f', -1, 64) }

// amount reads an amount of Hong Kong dollars ("12.3", "100"); empty is zero.
func amount(s string) (money.Cents, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, true
	}
	c, err := money.Parse(s)
	return c, err == nil && c >= 0
}

// getTotalPostage prices one item as the portal's quote does: totalPostage is everything the
// sender pays (postage, fees and the insurance premium), additionalCharge the fees (registration
// and the like) and insurancePremiumFee the premium for insuranceAmount.
func (e *ECShip) getTotalPostage(c *ecCall) ecReply {
	var fe errs.Fields
	q := catalog.QuoteRequest{Destination: c.get("countryCode"), Service: c.get("shipCode"), At: c.now}
	if q.Destination == "" {
		fe.Add("countryCode", "quote.destination.required", nil)
	} else if _, ok := e.Catalog.Destination(q.Destination); !ok {
		fe.Add("countryCode", "quote.destination.unknown", errs.Args{"value": q.Destination})
	}
	if q.Service == "" {
		fe.Add("shipCode", "soap.ecship.required", nil)
	} else if _, ok := e.Catalog.Service(q.Service); !ok {
		fe.Add("shipCode", "quote.service.unknown", errs.Args{"value": q.Service})
	}
	if mt := strings.ToUpper(c.get("mailType")); mt != "" && !mailTypes[mt] {
		fe.Add("mailType", "soap.ecship.mail_type", errs.Args{"value": mt})
	}
	if g, ok := kilograms(c.get("weight")); ok {
		q.WeightG = g
	} else {
		fe.Add("weight", "soap.ecship.weight", errs.Args{"max": catalog.MaxInputWeightG / 1000})
	}
	if v, ok := amount(c.get("insuranceAmount")); ok {
		q.Insurance = v
	} else {
		fe.Add("insuranceAmount", "quote.insurance.syntax", nil)
	}
	if err := fe.Err(); err != nil {
		return replyErr(err, calcField)
	}
	opts, err := e.Catalog.Quote(q)
	if err != nil {
		return replyErr(err, calcField)
	}
	svc, _ := e.Catalog.Service(q.Service)
	var opt *catalog.Option
	for i := range opts {
		if opts[i].Service == svc {
			opt = &opts[i]
		}
	}
	if opt == nil {
		return replyErr(errs.Field("shipCode", "quote.service.unknown", errs.Args{"value": q.Service}), calcField)
	}
	if !opt.Available {
		rep := ecReply{status: ecInvalid, msg: "shipCode: " + opt.Service.Code}
		if opt.Reason != nil {
			rep.msg = "shipCode: " + translate(*opt.Reason)
		}
		return rep
	}
	rep := okReply("Success")
	var fees money.Cents
	for _, f := range opt.Fees {
		fees += f.Amount
	}
	rep.values["totalPostage"] = opt.Total.String()
	rep.values["additionalCharge"] = fees.String()
	premium := money.Cents(0)
	if opt.Insurance != nil && opt.Insurance.Value > 0 {
		premium = opt.Insurance.Premium
	}
	rep.values["insurancePremiumFee"] = premium.String()
	return rep
}

// calcField names getTotalPostage's fields as the quote's errors name them.
func calcField(f string) string {
	switch {
	case f == "destination":
		return "countryCode"
	case f == "weight_g":
		return "weight"
	case f == "service":
		return "shipCode"
	case strings.HasPrefix(f, "insurance"):
		return "insuranceAmount"
	}
	return f
}
