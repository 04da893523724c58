// Package counter is acceptance over a post office counter (rule CTR-1..6, LBL-9, PAY-7): a
// session is one customer's visit at one office. Staff scan each label, enter the scale's weight
// (it prevails), change the insurance if asked; the postage is worked out again. An item is
// posted as soon as nothing is due on it: a higher postage waits for a make-up payment by a
// counter method, a lower one makes the difference refundable. Closing the session gives one
// consolidated receipt.
package counter

import (
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/money"
)

// Session states.
const (
	Open   = "open"
	Closed = "closed"
)

// Item states.
const (
	AwaitingPayment = "awaiting_payment" // more postage is due than was paid
	Posted          = "posted"           // accepted: in the mail
)

// Methods are the ways to pay at the counter, in the order the counter page offers them.
var Methods = []string{"cash", "eps", "octopus", "fps", "card", "ewallet"}

// ValidMethod reports whether m is a counter payment method.
func ValidMethod(m string) bool {
	for _, x := range Methods {
		if x == m {
			return true
		}
	}
	return false
}

// Limits of what staff type.
const (
	MaxSpeedpostCard = 20
	MaxWeightG       = 1_000_000
)

// Session is one visit at a counter.
type Session struct {
	ID            string
	Mode          account.Mode // live sessions accept live labels; test sessions test labels
	Office        string
	StaffID       string
	StaffLogin    string
	Status        string
	SpeedpostCard string // the Speedpost authorisation card shown, "" if none (PAY-7)
	ReceiptNo     string
	Version       int // changes as the session changes: a change names the version it saw
	OpenedAt      time.Time
	ClosedAt      *time.Time
	Items         []*Item
	Payments      []*Payment
}

// Item is one label brought to the counter.
type Item struct {
	SessionID   string
	ShipmentID  string
	Seq         int
	ItemNo      string
	OwnerID     string
	Service     string
	Destination string // recipient's country (ISO code)
	Status      string
	DeclaredG   int         // the weight on the label
	WeightG     int         // the scale's
	Insurance   money.Cents // value insured, as changed at the counter
	Postage     money.Cents // the total due at the scale's weight: postage, fees and premium
	PaidBefore  money.Cents // paid online before the visit
	PaidHere    money.Cents // paid at this counter
	Refundable  money.Cents // paid before beyond the postage: refundable after posting (CTR-4)
	BonusPoints int         // Speedpost bonus points (PAY-7)
	PaymentID   string      // the online payment, "" if none
	ScannedAt   time.Time
	// LabelVersion is the label's version when it was weighed and priced here: the item is added or
	// re-weighed only if the label is still so (not cancelled, paid or edited meanwhile).
	LabelVersion int
	PostedAt     *time.Time
}

// Paid is what was paid for the item, online and here.
func (it *Item) Paid() money.Cents { return it.PaidBefore + it.PaidHere }

// Due is what is still to pay before the item can be posted.
func (it *Item) Due() money.Cents {
	if it.Status == Posted {
		return 0
	}
	return max(0, it.Postage-it.Paid())
}

// Payment is a make-up payment taken at the counter.
type Payment struct {
	ID        string
	SessionID string
	Method    string
	Amount    money.Cents
	Key       string // idempotency key: the same payment sent twice counts once
	At        time.Time
}

// Item finds the session's item for a shipment.
func (s *Session) Item(shipmentID string) *Item {
	for _, it := range s.Items {
		if it.ShipmentID == shipmentID {
			return it
		}
	}
	return nil
}

// Taken is what was paid at this counter.
func (s *Session) Taken() money.Cents {
	var sum money.Cents
	for _, p := range s.Payments {
		sum += p.Amount
	}
	return sum
}

// Credit is what was paid here and not yet used by a posted item (a part payment).
func (s *Session) Credit() money.Cents {
	c := s.Taken()
	for _, it := range s.Items {
		c -= it.PaidHere
	}
	return c
}

// Due is what the customer still has to pay: the items waiting for payment less any credit.
func (s *Session) Due() money.Cents {
	var sum money.Cents
	for _, it := range s.Items {
		sum += it.Due()
	}
	return max(0, sum-s.Credit())
}

// Totals adds up the session's items.
func (s *Session) Totals() (postage, paid, refundable money.Cents, points int) {
	for _, it := range s.Items {
		postage += it.Postage
		paid += it.Paid()
		refundable += it.Refundable
		points += it.BonusPoints
	}
	return
}

// settle posts, in scanning order, every waiting item the credit now covers; it returns them.
func (s *Session) settle(now time.Time) []*Item {
	credit := s.Credit()
	var posted []*Item
	for _, it := range s.Items {
		if it.Status != AwaitingPayment {
			continue
		}
		due := it.Due()
		if due > credit {
			continue
		}
		credit -= due
		it.PaidHere += due
		it.Status = Posted
		t := now
		it.PostedAt = &t
		posted = append(posted, it)
	}
	return posted
}

// BonusPoints is what a Speedpost item earns: one point per whole HK$1 of postage (PAY-7).
func BonusPoints(postage money.Cents) int { return int(postage / 100) }
