package payment

import (
	"context"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/money"
	"github.com/ecship/ecship/internal/shipment"
)

// Cancellation is what cancelling a label does to its money, decided from the label and its payment
// as they stand, held, in the cancelling transaction.
type Cancellation struct {
	At     time.Time
	Amount money.Cents // what was paid for the label (0 when unpaid)
	// Void takes a label of an authorised payment out of the capture before the 20:00 settlement:
	// the card is never charged for it (PAY-3).
	Void *Txn
	// Refund is the application a cancellation opens when the money was taken already: a payment
	// being settled or settled, or paid from a deposit account (PAY-3, PAY-4).
	Refund *Refund
}

// Cancelled is a cancelled label and, if one was opened, its refund application.
type Cancelled struct {
	Shipment *shipment.Shipment
	Refund   *Refund
}

// Cancel withdraws one of the owner's labels before posting, whatever its money: a ready label is
// simply cancelled; a paid one leaves its card payment's capture if the settlement has not begun,
// or else opens a refund application for what was paid for it. The label, its payment and what
// becomes of the money are decided and written in one transaction, so a cancellation racing the
// settlement, the counter or another cancellation either wins whole or loses with a conflict naming
// the label's state. With refundOnly, a label still cancellable without a refund is refused
// (POST /refunds asks for an application, not a void).
func (s *Service) Cancel(ctx context.Context, o shipment.Owner, id string, refundOnly bool) (*Cancelled, error) {
	out := &Cancelled{}
	decide := func(sh *shipment.Shipment, p *Payment) (Cancellation, error) {
		c, err := s.decideCancel(o, sh, p)
		if err == nil && refundOnly && c.Refund == nil {
			return c, errs.New(errs.Conflict, "refund.not_settled", nil)
		}
		out.Refund = c.Refund
		return c, err
	}
	sh, err := s.Store.CancelShipment(ctx, o.User.ID, o.Mode, id, decide)
	if err != nil {
		return nil, err
	}
	out.Shipment = sh
	return out, nil
}

// decideCancel is the rule: what cancelling sh, paid by p (nil when no payment holds it), does.
func (s *Service) decideCancel(o shipment.Owner, sh *shipment.Shipment, p *Payment) (Cancellation, error) {
	now := s.Now()
	if err := shipment.CheckCancellable(sh, now); err != nil {
		return Cancellation{}, err
	}
	if sh.Status == shipment.Ready {
		if p != nil { // held by a payment still waiting for the gateway's answer
			return Cancellation{}, errs.New(errs.Conflict, "payment.pending", nil)
		}
		return Cancellation{At: now}, nil
	}
	if p == nil {
		return Cancellation{}, errs.New(errs.Conflict, "shipment.not_cancellable", errs.Args{"status": string(sh.Status)})
	}
	amount := p.PaidFor(sh.ID)
	if amount == 0 {
		return Cancellation{}, errs.New(errs.Conflict, "refund.nothing", nil)
	}
	switch p.Status {
	case Authorized:
		txn := Move("void:"+p.ID+":"+sh.ID, "void", p.ID, PostageUnearned, CardAuthorized, amount, now)
		return Cancellation{At: now, Amount: amount, Void: &txn}, nil
	case Settling, Settled:
		return Cancellation{At: now, Amount: amount, Refund: &Refund{ID: account.NewID("ref"), OwnerID: o.User.ID, Mode: o.Mode, ShipmentID: sh.ID, PaymentID: p.ID,
			Reason: ReasonCancelled, Amount: amount, Status: RefundSubmitted, CreatedAt: now}}, nil
	}
	return Cancellation{}, errs.New(errs.Conflict, "payment.pending", nil)
}

// CancelPreview says what cancelling one of the owner's labels would do now, without doing it:
// Void set, the card is never charged for it; Refund set, a refund application opens for what was
// paid; neither, nothing was paid. A settlement starting meanwhile may change the answer: Cancel
// decides again, in its transaction.
func (s *Service) CancelPreview(ctx context.Context, o shipment.Owner, sh *shipment.Shipment) (Cancellation, error) {
	p, err := s.Store.PaymentOfShipment(ctx, o.User.ID, o.Mode, sh.ID)
	switch {
	case errs.CodeOf(err) == errs.NotFound:
		p = nil
	case err != nil:
		return Cancellation{}, err
	}
	return s.decideCancel(o, sh, p)
}
