package payment

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/money"
	"github.com/ecship/ecship/internal/shipment"
)

// RefundStatus is where a refund application is (rule PAY-5: vetted before the card is refunded).
type RefundStatus string

// Refund states.
const (
	RefundSubmitted RefundStatus = "submitted"
	RefundApproved  RefundStatus = "approved"
	RefundRejected  RefundStatus = "rejected"
	RefundRefunded  RefundStatus = "refunded"
)

// Refund reasons (rule PAY-4).
const (
	ReasonCancelled   = "cancelled"   // a label cancelled after its payment was settled
	ReasonOverpayment = "overpayment" // the counter's scale found less postage due than paid
)

// Refund is a refund application and what became of it.
type Refund struct {
	ID         string
	OwnerID    string
	Mode       account.Mode
	ShipmentID string
	PaymentID  string
	Reason     string
	Amount     money.Cents
	Status     RefundStatus
	Note       string // the vetting officer's reason for a rejection
	VettedBy   string
	CreatedAt  time.Time
	VettedAt   *time.Time
	RefundedAt *time.Time
}

// RefundStore is what refunds need from the database.
type RefundStore interface {
	Refunds(ctx context.Context, owner string, mode account.Mode) ([]*Refund, error)
	// RefundsPage lists up to limit of the owner's applications, newest first, after the cursor
	// before, and the next page's cursor ("" at the end).
	RefundsPage(ctx context.Context, owner string, mode account.Mode, f RefundFilter) ([]*Refund, string, error)
	// RefundsToVet lists the applications of a mode in a status, for operations.
	RefundsToVet(ctx context.Context, mode account.Mode, status RefundStatus) ([]*Refund, error)
	// RefundByID returns an application of a mode: one of the other mode is not found.
	RefundByID(ctx context.Context, mode account.Mode, id string) (*Refund, error)
	// VetRefund records an approval or rejection of a submitted application, and books txn (the
	// money kept, for a rejection) when it is not nil.
	VetRefund(ctx context.Context, r *Refund, txn *Txn, now time.Time) error
	// RefundedTotal is what was refunded so far for a payment's label, but by one refund.
	RefundedTotal(ctx context.Context, paymentID, shipmentID, except string) (money.Cents, error)
	// RefundsToSend lists the applications approved before a time and not sent, of both modes.
	RefundsToSend(ctx context.Context, approvedBefore time.Time) ([]*Refund, error)
	// MarkRefunded records the refund sent and books it.
	MarkRefunded(ctx context.Context, r *Refund, txn Txn, now time.Time) error
}

// Refunds manages refund applications.
type Refunds struct {
	Log      *slog.Logger
	Store    RefundStore
	Payments Store
	Deposits DepositStore // refunds of deposit payments go back to the account
	Gateway  Gateway
	Now      func() time.Time
}

// Vet approves or rejects a submitted application (admins only, in the mode of their credential: a
// test key never decides a live refund). An approval sends the refund to the card at once, against the
// original payment and never more than was captured for the label.
func (rf *Refunds) Vet(ctx context.Context, actor shipment.Owner, id string, approve bool, note string) (*Refund, error) {
	if !account.Allows(actor.User, account.AdminOnly) {
		return nil, errs.New(errs.Forbidden, "error.forbidden", nil)
	}
	r, err := rf.Store.RefundByID(ctx, actor.Mode, id)
	if err != nil {
		return nil, err
	}
	if r.Status != RefundSubmitted {
		return nil, errs.New(errs.Conflict, "refund.vetted", errs.Args{"status": string(r.Status)})
	}
	note = strings.TrimSpace(note)
	if !approve && note == "" {
		return nil, errs.Field("note", "refund.reason_required", nil)
	}
	if approve {
		// A refund goes against money captured: an overpayment found at the counter before the
		// day's settlement waits for it (the card is charged in full at 20:00, then refunded).
		p, err := rf.Payments.PaymentByID(ctx, r.PaymentID)
		if err != nil {
			return nil, err
		}
		if p.Status != Settled {
			return nil, errs.New(errs.Conflict, "refund.await_settlement", nil)
		}
	}
	r.VettedBy, r.Note, r.Status = actor.User.ID, note, RefundRejected
	if approve {
		r.Status = RefundApproved
	}
	var kept *Txn
	if !approve {
		// Refused: the money is the post's, earned like postage.
		t := Move("kept:"+r.ID, "refund_rejected", r.ID, PostageUnearned, PostageRevenue, r.Amount, rf.Now())
		kept = &t
	}
	if err := rf.Store.VetRefund(ctx, r, kept, rf.Now()); err != nil {
		return nil, err
	}
	if !approve {
		return r, nil
	}
	if err := rf.send(ctx, r); err != nil {
		// The decision stands; the refund waits, approved, for SendApproved (the reconciliation
		// job) to send it: sending is keyed by the refund, so it happens once.
		if rf.Log != nil {
			rf.Log.Warn("approved refund not sent yet; it will be retried", "refund", r.ID, "err", err)
		}
	}
	return r, nil
}

// SendGrace is how long an approval has to send its refund itself before SendApproved takes over.
const SendGrace = time.Minute

// SendApproved sends the refunds approved more than SendGrace ago and not sent (the gateway failed
// when they were approved, or the process stopped): each once, whoever runs it. It answers how many
// went.
func (rf *Refunds) SendApproved(ctx context.Context) (int, error) {
	list, err := rf.Store.RefundsToSend(ctx, rf.Now().Add(-SendGrace))
	if err != nil {
		return 0, err
	}
	sent := 0
	var last error
	for _, r := range list {
		if err := rf.send(ctx, r); err != nil {
			last = err
			continue
		}
		sent++
	}
	if last != nil {
		return sent, fmt.Errorf("payment: %d approved refunds could not be sent: %w", len(list)-sent, last)
	}
	return sent, nil
}

// send refunds an approved application to the card, or to the deposit account it was paid from,
// once (the gateway, the deposit movement and the ledger are keyed by the refund).
func (rf *Refunds) send(ctx context.Context, r *Refund) error {
	p, err := rf.Payments.PaymentByID(ctx, r.PaymentID)
	if err != nil {
		return err
	}
	var item money.Cents
	for _, it := range p.Items {
		if it.ShipmentID == r.ShipmentID {
			item = it.Amount
		}
	}
	done, err := rf.Store.RefundedTotal(ctx, r.PaymentID, r.ShipmentID, r.ID)
	if err != nil {
		return err
	}
	if done+r.Amount > item || r.Amount > p.Captured {
		return errs.New(errs.Conflict, "payment.refund.over_captured", nil)
	}
	now := rf.Now()
	if p.Method == ByDeposit {
		// Back to the deposit account the payment came from; the movement and the ledger are keyed
		// by the refund, so a retry after a crash credits once.
		txn := Move("refund:"+r.ID, "refund", r.ID, PostageUnearned, DepositAccount(p.DepositID), r.Amount, now)
		m := Movement{ID: account.NewID("dmv"), AccountID: p.DepositID, Key: "refund:" + r.ID, Kind: MoveRefund, Amount: r.Amount, Ref: r.ID, At: now}
		if _, err := rf.Deposits.CreditDeposit(ctx, m, txn); err != nil {
			return err
		}
		return rf.markRefunded(ctx, r, txn, now)
	}
	if err := rf.Gateway.Refund(ctx, p.AuthID, r.Amount, r.ID); err != nil {
		return err
	}
	txn := Move("refund:"+r.ID, "refund", r.ID, PostageUnearned, CardReceivable, r.Amount, now)
	return rf.markRefunded(ctx, r, txn, now)
}

// ToVet lists the applications waiting for a decision in the admin's mode (admins only).
func (rf *Refunds) ToVet(ctx context.Context, actor shipment.Owner) ([]*Refund, error) {
	if !account.Allows(actor.User, account.AdminOnly) {
		return nil, errs.New(errs.Forbidden, "error.forbidden", nil)
	}
	return rf.Store.RefundsToVet(ctx, actor.Mode, RefundSubmitted)
}

// markRefunded records the refund sent; sent and recorded by another sender at the same moment
// (the job and the approving request) is done all the same.
func (rf *Refunds) markRefunded(ctx context.Context, r *Refund, txn Txn, now time.Time) error {
	err := rf.Store.MarkRefunded(ctx, r, txn, now)
	if errs.CodeOf(err) != errs.Conflict {
		return err
	}
	if cur, e := rf.Store.RefundByID(ctx, r.Mode, r.ID); e == nil && cur.Status == RefundRefunded {
		r.Status, r.RefundedAt = cur.Status, cur.RefundedAt
		return nil
	}
	return err
}

// RefundFilter narrows a sender's list of refund applications.
type RefundFilter struct {
	Statuses []RefundStatus
	From, To time.Time // applied between (zero: open)
	Before   string    // cursor: continue after the page that gave it
	Limit    int
}

// Page lists a page of the owner's refund applications, newest first (see RefundStore.RefundsPage).
// A status that is not one is a field error.
func (rf *Refunds) Page(ctx context.Context, o shipment.Owner, f RefundFilter) ([]*Refund, string, error) {
	for _, st := range f.Statuses {
		switch st {
		case RefundSubmitted, RefundApproved, RefundRejected, RefundRefunded:
		default:
			return nil, "", errs.Field("status", "refund.status_unknown", errs.Args{"status": string(st)})
		}
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	return rf.Store.RefundsPage(ctx, o.User.ID, o.Mode, f)
}

// Mine lists the owner's refund applications, newest first.
func (rf *Refunds) Mine(ctx context.Context, o shipment.Owner) ([]*Refund, error) {
	return rf.Store.Refunds(ctx, o.User.ID, o.Mode)
}
