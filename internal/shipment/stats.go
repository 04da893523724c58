package shipment

import (
	"context"
	"time"

	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/money"
)

// Stats are a sender's labels at a glance: what waits for them, and what they bought since a
// time, by service and by destination.
type Stats struct {
	ToPay   int // ready: prepared, not paid
	ToPrint int // paid, never printed
	ToPost  int // paid, waiting to be posted at a counter
	Since   time.Time
	Spent   money.Cents // paid for since Since (labels paid, posted, on their way or delivered)
	Items   int
	// By service and by destination (ISO code), most spent first.
	ByService, ByDestination []Tally
}

// Tally is what was bought of one kind.
type Tally struct {
	Key   string
	Items int
	Spent money.Cents
}

// Bought are the states of a label whose money was taken.
var Bought = []Status{Paid, Posted, InTransit, Delivered}

// Stats are the owner's labels at a glance, bought since the start of this month in Hong Kong.
func (s *Service) Stats(ctx context.Context, o Owner) (*Stats, error) {
	now := s.Now().In(catalog.HongKong)
	since := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, catalog.HongKong)
	return s.Store.ShipmentStats(ctx, o.User.ID, o.Mode, since)
}
