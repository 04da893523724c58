package payment

import (
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/money"
)

// Status is where a payment is.
type Status string

// Payment states.
const (
	Pending    Status = "pending"    // sent to the gateway; the answer is not in yet
	Authorized Status = "authorized" // held on the card; labels paid
	Settling   Status = "settling"   // being captured: labels can no longer be cancelled without a refund
	Settled    Status = "settled"    // captured in the daily settlement
	Voided     Status = "voided"     // every label cancelled before settlement: never charged
	Failed     Status = "failed"     // declined, or never reached the gateway
)

// Method is how a payment pays.
type Method string

// Payment methods online (the counter's own methods are counter.Methods).
const (
	ByCard    Method = "card"
	ByDeposit Method = "deposit" // from a permit mailing deposit account (PAY-1)
)

// Payment pays for one or several labels at once (rule PAY-1, PAY-2).
type Payment struct {
	ID             string
	OwnerID        string
	Mode           account.Mode
	Method         Method
	Status         Status
	Amount         money.Cents
	Captured       money.Cents
	Card           CardInfo
	AuthID         string
	DepositID      string // the deposit account paid from; "" for cards
	Decline        string
	IdempotencyKey string
	Items          []Item
	CreatedAt      time.Time
	SettledAt      *time.Time
}

// Item is one label's share of a payment: exactly the label's total when the payment claimed it.
type Item struct {
	ShipmentID string
	Amount     money.Cents
	Cancelled  bool // cancelled before settlement: not captured
	// Version is the label's version the amount was read at: the claim fails if the label changed
	// since (an edit racing the payment), so a label is never paid for less than its price.
	Version int
}

// Active is what the settlement captures: the items not cancelled.
func (p *Payment) Active() money.Cents {
	var sum money.Cents
	for _, it := range p.Items {
		if !it.Cancelled {
			sum += it.Amount
		}
	}
	return sum
}

// PaidFor is what the payment holds for one label: its amount unless it was cancelled before
// settlement; 0 for a label it does not pay (or a nil payment).
func (p *Payment) PaidFor(shipmentID string) money.Cents {
	if p == nil {
		return 0
	}
	for _, it := range p.Items {
		if it.ShipmentID == shipmentID && !it.Cancelled {
			return it.Amount
		}
	}
	return 0
}

// SettlementHour is when the day's card payments are captured, Hong Kong time (rule PAY-3).
const SettlementHour = 20

// Cutoff is the settlement cut-off in force at t: today's 20:00 in Hong Kong if t is past it, else
// yesterday's. Payments authorised before it are captured by the settlement run for it.
func Cutoff(t time.Time, hk *time.Location) time.Time {
	l := t.In(hk)
	c := time.Date(l.Year(), l.Month(), l.Day(), SettlementHour, 0, 0, 0, hk)
	if l.Before(c) {
		c = c.AddDate(0, 0, -1)
	}
	return c
}
