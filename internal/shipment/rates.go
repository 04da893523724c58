package shipment

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/errs"
)

// Rates are the services that can carry a shipment as it is, cheapest first: those a quote
// finds available for its destination, weight, sides and the value to insure, and with which
// the shipment passes every check (insurance offered, customs details as the service needs
// them). Each is priced as a quote prices it, with its delivery standard and insurance. Nil
// when the shipment cannot be quoted (no destination or weight yet).
func Rates(cat *catalog.Catalog, s *Shipment, now time.Time) []catalog.Option {
	opts, err := cat.Quote(catalog.QuoteRequest{Destination: s.Recipient.Country, WeightG: s.WeightG, Dimensions: s.Dimensions,
		Insurance: s.Insurance, At: now})
	if err != nil {
		return nil
	}
	out := slices.DeleteFunc(opts, func(o catalog.Option) bool {
		if !o.Available {
			return true
		}
		with := *s
		with.Service = o.Service.Code
		if c := s.Contents; c != nil {
			cc := *c
			cc.Items = slices.Clone(c.Items)
			with.Contents = &cc
		}
		return len(Check(cat, &with, now)) > 0
	})
	slices.SortStableFunc(out, func(a, b catalog.Option) int { return cmp.Compare(a.Total, b.Total) })
	return out
}

// Choose sets the service of a shipment still editable (one created without a service, or any
// neither paid nor printed): checked again with it, the shipment must then be ready, and gets
// its item number. Its other details stay as they are.
func (s *Service) Choose(ctx context.Context, o Owner, id, service string) (*Shipment, error) {
	if service == "" {
		return nil, errs.Field("service", "shipment.service.required", nil)
	}
	cur, err := s.Get(ctx, o, id)
	if err != nil {
		return nil, err
	}
	next := *cur
	next.Service, next.Problems, next.ChooseLater = service, nil, false
	return s.Update(ctx, o, id, &next, false)
}
