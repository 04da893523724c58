package catalog

import (
	"slices"
	"time"

	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/money"
)

// Input bounds: anything outside them is a typing mistake, not an item.
const (
	MaxInputWeightG = 100_000     // 100 kg
	MaxInputSideMM  = 5_000       // 5 m
	MaxInputValue   = 100_000_000 // HK$1,000,000.00 in cents
)

// Dimensions are an item's sides in millimetres, in any order.
type Dimensions struct {
	Length, Width, Height int
}

// sorted returns the sides longest first.
func (d Dimensions) sorted() [3]int {
	s := [3]int{d.Length, d.Width, d.Height}
	if s[0] < s[1] {
		s[0], s[1] = s[1], s[0]
	}
	if s[1] < s[2] {
		s[1], s[2] = s[2], s[1]
	}
	if s[0] < s[1] {
		s[0], s[1] = s[1], s[0]
	}
	return s
}

// QuoteRequest asks for the postage of one item.
type QuoteRequest struct {
	Destination string      // ISO code, Hongkong Post code or name
	WeightG     int         // grams
	Dimensions  *Dimensions // optional
	Format      string      // optional: price this format only (small_letter, packet, ...)
	Service     string      // optional: price this service only
	Insurance   money.Cents // declared value to insure; 0 for none
	At          time.Time   // when the item is posted; selects the rates in force (rule SVC-6)
}

// Option is one service's answer: its price and delivery, or why it cannot take the item.
type Option struct {
	Service   *Service
	Format    *Format // the format the item is priced as (nil when unavailable before one was chosen)
	Available bool
	Reason    *errs.Message // why not, when not Available

	Postage     money.Cents
	Fees        []FeeCharge
	Insurance   *InsuranceQuote // nil when the service offers none and none was asked for
	Total       money.Cents     // postage + fees + insurance premium when a value was given
	PriceSample bool            // some part of the price comes from sample data
	RatesFrom   string          // effective date of the rate table used

	Delivery *DeliveryEstimate
	Latest   *LatestPosting
}

// FeeCharge is a fee added to postage.
type FeeCharge struct {
	Fee    *Fee
	Amount money.Cents
}

// InsuranceQuote is the insurance a service offers for the item.
type InsuranceQuote struct {
	Available bool
	Reason    *errs.Message
	Value     money.Cents // the declared value asked for (0: none asked)
	Premium   money.Cents // for Value, or the least premium when none was asked
	MaxCover  money.Cents
	Flat      bool
	TotalLoss bool // indemnity for total loss only (e-Express+, rule INS-4)
	Sample    bool
}

// DeliveryEstimate is the delivery standard and the dates it gives from the posting day.
type DeliveryEstimate struct {
	MinDays, MaxDays int       // working days
	PostingDay       time.Time // the first working day on or after the quote date
	Earliest, Latest time.Time // dates in Hong Kong
	Sample           bool
}

func msg(key string, args errs.Args) *errs.Message {
	return &errs.Message{Key: key, Args: args}
}

// Check validates a request's fields on their own and returns the destination it names.
func (c *Catalog) Check(r *QuoteRequest) (*Destination, error) {
	var fe errs.Fields
	dest, ok := c.Destination(r.Destination)
	switch {
	case r.Destination == "":
		fe.Add("destination", "quote.destination.required", nil)
	case !ok:
		fe.Add("destination", "quote.destination.unknown", errs.Args{"value": r.Destination})
	}
	switch {
	case r.WeightG <= 0:
		fe.Add("weight_g", "quote.weight.positive", nil)
	case r.WeightG > MaxInputWeightG:
		fe.Add("weight_g", "quote.weight.too_large", errs.Args{"max": MaxInputWeightG})
	}
	if d := r.Dimensions; d != nil {
		for _, side := range []struct {
			name string
			v    int
		}{{"length", d.Length}, {"width", d.Width}, {"height", d.Height}} {
			if side.v <= 0 || side.v > MaxInputSideMM {
				fe.Add("dimensions_mm."+side.name, "quote.size.range", errs.Args{"max": MaxInputSideMM})
			}
		}
	}
	if r.Format != "" {
		if _, ok := c.formats[r.Format]; !ok {
			fe.Add("format", "quote.format.unknown", errs.Args{"value": r.Format})
		}
	}
	if r.Service != "" {
		s, ok := c.Service(r.Service)
		switch {
		case !ok:
			fe.Add("service", "quote.service.unknown", errs.Args{"value": r.Service})
		case !s.Quotable():
			fe.Add("service", "quote.service.bulk", errs.Args{"value": s.Code})
		}
	}
	if y := r.At.In(HongKong).Year(); !r.At.IsZero() && (y < 2000 || y > 2099) {
		fe.Add("date", "quote.date.range", nil)
	}
	if r.Insurance < 0 || r.Insurance > MaxInputValue {
		fe.Add("insurance_value", "quote.insurance.range", errs.Args{"max": money.Cents(MaxInputValue).Display()})
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	return dest, nil
}

// Quote compares every service for an item (rule SVC-2): each option has a price, format, delivery
// standard and insurance, or the reason the service cannot take it. Services of the other side of the
// border (local for abroad, abroad for Hong Kong) and bulk services are left out. The result depends
// only on the request, the catalogue data and its calendar.
func (c *Catalog) Quote(r QuoteRequest) ([]Option, error) {
	dest, err := c.Check(&r)
	if err != nil {
		return nil, err
	}
	date := r.At.In(HongKong).Format(time.DateOnly)
	cal := c.Calendar()
	var posting time.Time
	var only *Service
	if r.Service != "" {
		only, _ = c.Service(r.Service)
	}
	opts := make([]Option, 0, 8)
	for _, s := range c.services {
		// Asked for one service, the answer is that service, with the reason when it does not go there.
		if !s.Quotable() || (only == nil && s.Group == Local != dest.Local()) || (only != nil && s != only) {
			continue
		}
		o := Option{Service: s, Latest: s.Latest}
		c.price(&o, dest, &r, date)
		if o.Available {
			if posting.IsZero() {
				posting = cal.PostingDay(r.At)
			}
			if lo, hi, ok := s.Delivery.For(dest.Zone); ok {
				o.Delivery = &DeliveryEstimate{MinDays: lo, MaxDays: hi, PostingDay: posting,
					Earliest: cal.AddWorkingDays(posting, lo), Latest: cal.AddWorkingDays(posting, hi), Sample: s.Delivery.Sample}
			}
		}
		opts = append(opts, o)
	}
	// Available options first, cheapest first; then the ones that cannot take the item.
	slices.SortStableFunc(opts, func(a, b Option) int {
		switch {
		case a.Available != b.Available:
			if a.Available {
				return -1
			}
			return 1
		case a.Available:
			return int(a.Total - b.Total)
		}
		return 0
	})
	return opts, nil
}

// Refuses says why the service takes nothing at all to dest, whatever its weight and size (the
// destination has no postal service, the service does not go there, or goes by air where there
// is no airmail), or nil when it may.
func (s *Service) Refuses(dest *Destination) *errs.Message {
	args := errs.Args{"service": s.Names, "destination": dest.Names}
	switch {
	case !dest.Served:
		return msg("quote.reason.no_postal_service", args)
	case !s.Reaches(dest):
		return msg("quote.reason.not_to_destination", args)
	case s.Air && !dest.Airmail:
		return msg("quote.reason.no_airmail", args)
	}
	return nil
}

// price fills in the option's format, postage, fees and insurance, or its Reason.
func (c *Catalog) price(o *Option, dest *Destination, r *QuoteRequest, date string) {
	s := o.Service
	if o.Reason = s.Refuses(dest); o.Reason != nil {
		return
	}
	maxW := 0
	if s.MaxWeightByZone != nil {
		maxW = s.MaxWeightByZone[dest.Zone]
	}
	var reason *errs.Message
	for _, f := range s.Formats {
		if r.Format != "" && f.Code != r.Format {
			continue
		}
		lim := f.LimitsFor(dest.Code)
		if maxW > 0 && maxW < lim.MaxWeightG {
			lim.MaxWeightG = maxW
		}
		if reason = lim.check(r.WeightG, r.Dimensions); reason == nil {
			o.Format = f
			break
		}
	}
	if o.Format == nil {
		if reason == nil { // the asked format is not one of the service's
			f := c.formats[r.Format]
			reason = msg("quote.reason.format_not_offered", errs.Args{"format": f.Names, "service": s.Names})
		}
		o.Reason = reason
		return
	}
	v := c.tables[s.Postage].version(date)
	if v == nil {
		o.Reason = msg("quote.reason.no_rates", errs.Args{"date": date})
		return
	}
	p, sample, ok := v.price(dest.Zone, o.Format.Code, r.WeightG)
	if !ok {
		o.Reason = msg("quote.reason.no_rates", errs.Args{"date": date})
		return
	}
	o.Postage, o.PriceSample, o.RatesFrom = p, sample || o.Format.Sample || s.MaxWeightSample, v.EffectiveFrom
	o.Total = p
	for _, id := range s.Fees {
		fee := c.fees[id]
		fv, ok := fee.On(date)
		if !ok {
			o.Reason = msg("quote.reason.no_rates", errs.Args{"date": date})
			return
		}
		o.Fees = append(o.Fees, FeeCharge{Fee: fee, Amount: fv.Price})
		o.Total += fv.Price
		o.PriceSample = o.PriceSample || fv.Sample
	}
	o.Insurance = insure(s, dest, r.Insurance)
	if o.Insurance != nil && o.Insurance.Available && r.Insurance > 0 {
		o.Total += o.Insurance.Premium
		o.PriceSample = o.PriceSample || o.Insurance.Sample
	}
	o.Available = true
}

// insure answers what insurance the service offers for a declared value (rule INS-1..3).
func insure(s *Service, dest *Destination, value money.Cents) *InsuranceQuote {
	rule := s.Insurance
	if rule == nil {
		if value == 0 {
			return nil
		}
		return &InsuranceQuote{Value: value, Reason: msg("quote.insurance.not_offered", errs.Args{"service": s.Names})}
	}
	q := &InsuranceQuote{Value: value, MaxCover: rule.MaxCover, Flat: rule.Kind == "flat", TotalLoss: rule.TotalLossOnly, Sample: rule.Sample}
	switch {
	case rule.NotTo[dest.Code]:
		q.Reason = msg("quote.insurance.not_to_destination", errs.Args{"service": s.Names, "destination": dest.Names})
	case value > rule.MaxCover:
		q.Reason = msg("quote.insurance.over_cover", errs.Args{"max": rule.MaxCover.Display()})
	default:
		q.Available = true
		if value > 0 {
			q.Premium = rule.PremiumFor(value)
		} else {
			q.Premium = rule.PremiumFor(0)
		}
	}
	return q
}

// check returns why an item does not fit the limits, or nil.
func (l Limits) check(weightG int, d *Dimensions) *errs.Message {
	if l.MaxWeightG > 0 && weightG > l.MaxWeightG {
		return msg("quote.reason.too_heavy", errs.Args{"max": FormatWeight(l.MaxWeightG)})
	}
	if d == nil {
		return nil
	}
	s := d.sorted()
	for i := range 3 {
		if l.MaxMM[i] > 0 && s[i] > l.MaxMM[i] {
			return msg("quote.reason.too_big_sides", errs.Args{"max": sidesText(l.MaxMM)})
		}
		if s[i] < l.MinMM[i] {
			return msg("quote.reason.too_small_sides", errs.Args{"min": sidesText(l.MinMM)})
		}
	}
	switch {
	case l.MaxLengthMM > 0 && s[0] > l.MaxLengthMM:
		return msg("quote.reason.too_long", errs.Args{"max": l.MaxLengthMM})
	case l.MaxSumMM > 0 && s[0]+s[1]+s[2] > l.MaxSumMM:
		return msg("quote.reason.too_big_sum", errs.Args{"max": l.MaxSumMM})
	case l.MaxLengthGirthMM > 0 && s[0]+2*(s[1]+s[2]) > l.MaxLengthGirthMM:
		return msg("quote.reason.too_big_girth", errs.Args{"max": l.MaxLengthGirthMM})
	}
	return nil
}
