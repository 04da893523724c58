package payment

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/money"
	"github.com/ecship/ecship/internal/shipment"
)

// Store is what payments need from the database (implemented by internal/store).
type Store interface {
	ShipmentsByID(ctx context.Context, owner string, mode account.Mode, ids []string) ([]*shipment.Shipment, error)
	PaymentByKey(ctx context.Context, owner string, mode account.Mode, key string) (*Payment, error)
	Payment(ctx context.Context, owner string, mode account.Mode, id string) (*Payment, error)
	// BeginPayment stores a pending payment and claims its labels in one transaction; a label already
	// claimed by another payment, or no longer ready, is a conflict and nothing is written.
	BeginPayment(ctx context.Context, p *Payment) error
	// CompletePayment records the gateway's approval: the payment authorised, its labels paid, the
	// authorisation in the ledger.
	CompletePayment(ctx context.Context, p *Payment, txn Txn) error
	// FailPayment records a decline or a payment that never reached the gateway: labels released.
	FailPayment(ctx context.Context, p *Payment) error
	// CancelShipment cancels one of the owner's labels in one transaction: the label and its
	// payment are read and held (no settlement, counter or other cancellation can change them
	// meanwhile), decide says what the cancellation does to the money, and all of it is written
	// together, or nothing when decide refuses.
	CancelShipment(ctx context.Context, owner string, mode account.Mode, id string, decide func(sh *shipment.Shipment, p *Payment) (Cancellation, error)) (*shipment.Shipment, error)
	// BeginSettleBatch marks up to limit payments due for settlement as being settled (no
	// cancellation meanwhile) and returns them fresh.
	BeginSettleBatch(ctx context.Context, cutoff time.Time, limit int) ([]*Payment, error)
	// SettlePayments records a batch settled or voided and books its captures (nil for a void).
	SettlePayments(ctx context.Context, list []*Payment, txns []*Txn, now time.Time) error
	PendingPayments(ctx context.Context, before time.Time) ([]*Payment, error)
	PaymentByID(ctx context.Context, id string) (*Payment, error)
	PaymentOfShipment(ctx context.Context, owner string, mode account.Mode, shipmentID string) (*Payment, error)
}

// A call to the card gateway waits at most GatewayTimeout for its answer. A payment still pending
// PendingGrace after it began therefore has no request waiting for it any more (its process
// stopped): reconciliation completes or fails it from the gateway's own records.
const (
	GatewayTimeout = 20 * time.Second
	PendingGrace   = 30 * time.Second
)

// Service takes payments.
type Service struct {
	Store    Store
	Deposits DepositStore
	Gateway  Gateway
	Log      *slog.Logger
	Now      func() time.Time
	// SettleBatch is how many payments one settlement step takes: one transaction to begin them,
	// one gateway call, one transaction to book them. 0 means 1,000.
	SettleBatch int
}

// PayByCard pays for labels with a card, all in one payment (a different card each time if the sender
// likes: PAY-2). With an idempotency key, the same request again answers the same payment and charges
// once. A declined or invalid card changes nothing and says why.
func (s *Service) PayByCard(ctx context.Context, o shipment.Owner, ids []string, card Card, key string) (*Payment, error) {
	if !o.User.Verified() {
		return nil, errs.New(errs.Forbidden, "shipment.verify_first", nil)
	}
	if p, done, err := s.replay(ctx, o, ids, key); done {
		return p, err
	}
	now := s.Now()
	number, info, err := card.Check(now, catalog.HongKong)
	if err != nil {
		return nil, err
	}
	p, existing, err := s.begin(ctx, o, ids, ByCard, key, now)
	if err != nil {
		return p, err
	}
	if existing {
		// The same key raced in from a retry: the first request is charging; answer its outcome.
		return s.await(ctx, o, key)
	}
	p.Card = info
	actx, cancel := context.WithTimeout(ctx, GatewayTimeout)
	auth, err := s.Gateway.Authorize(actx, AuthRequest{Reference: p.ID, Amount: p.Amount, Currency: "HKD", Number: number, Card: info})
	cancel()
	switch {
	case err != nil:
		// No clear answer (a timeout, a connection reset, an error): the card may or may not have
		// been authorised. Ask the gateway what it did (reconciliation), now rather than later; if
		// it cannot say either, the payment stays pending for the reconciliation job.
		s.Log.Warn("card gateway gave no clear answer; reconciling", "payment", p.ID, "err", err)
		return s.reconcile(context.WithoutCancel(ctx), p)
	case !auth.Approved:
		p.Decline = auth.Decline
		if err := s.Store.FailPayment(ctx, p); err != nil {
			return nil, err
		}
		return p, errs.New(errs.Declined, "payment.declined."+auth.Decline, nil)
	}
	p.AuthID = auth.ID
	return p, s.complete(ctx, p)
}

// replay answers a request whose idempotency key was seen before (done is true): the same
// payment, or a conflict when the key was used for other labels.
func (s *Service) replay(ctx context.Context, o shipment.Owner, ids []string, key string) (p *Payment, done bool, err error) {
	if key == "" {
		return nil, false, nil
	}
	p, err = s.Store.PaymentByKey(ctx, o.User.ID, o.Mode, key)
	switch {
	case errs.CodeOf(err) == errs.NotFound:
		return nil, false, nil
	case err != nil:
		return nil, true, err
	case !sameShipments(p, ids):
		return nil, true, errs.New(errs.Mismatch, "payment.idempotency_mismatch", nil)
	case p.Status == Pending:
		p, err = s.await(ctx, o, key)
		return p, true, err
	}
	p, err = answer(p)
	return p, true, err
}

func sameShipments(p *Payment, ids []string) bool {
	if len(p.Items) != len(ids) {
		return false
	}
	seen := map[string]bool{}
	for _, it := range p.Items {
		seen[it.ShipmentID] = true
	}
	for _, id := range ids {
		if !seen[id] {
			return false
		}
	}
	return true
}

// answer is a recorded payment as a request for it is answered: a failed one with its decline.
func answer(p *Payment) (*Payment, error) {
	if p.Status == Failed {
		reason := p.Decline
		if reason == "" {
			reason = DeclineDoNotHonour
		}
		return p, errs.New(errs.Declined, "payment.declined."+reason, nil)
	}
	return p, nil
}

// await waits a little for the payment made with a key to leave pending, and answers it as it is.
func (s *Service) await(ctx context.Context, o shipment.Owner, key string) (*Payment, error) {
	for i := 0; ; i++ {
		p, err := s.Store.PaymentByKey(ctx, o.User.ID, o.Mode, key)
		if err != nil {
			return p, err
		}
		if p.Status != Pending || i == 100 {
			return answer(p)
		}
		select {
		case <-ctx.Done():
			return p, nil
		case <-time.After(30 * time.Millisecond):
		}
	}
}

// begin checks the labels and records a pending payment claiming them; existing is true when a
// request with the same idempotency key got there first.
func (s *Service) begin(ctx context.Context, o shipment.Owner, ids []string, method Method, key string, now time.Time) (p *Payment, existing bool, err error) {
	switch {
	case len(ids) == 0:
		return nil, false, errs.Field("shipment_ids", "payment.ids_required", nil)
	case len(ids) > 500:
		return nil, false, errs.Field("shipment_ids", "labels.too_many", errs.Args{"max": 500})
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			return nil, false, errs.Field("shipment_ids", "payment.ids_repeated", errs.Args{"id": id})
		}
		seen[id] = true
	}
	list, err := s.Store.ShipmentsByID(ctx, o.User.ID, o.Mode, ids)
	if err != nil {
		return nil, false, err // another sender's label is not found
	}
	p = &Payment{ID: account.NewID("pay"), OwnerID: o.User.ID, Mode: o.Mode, Method: method, Status: Pending, IdempotencyKey: key, CreatedAt: now}
	for _, sh := range list {
		if err := shipment.CheckPayable(sh, now); err != nil {
			if key != "" { // paid meanwhile by this very key's first request?
				if won, e := s.Store.PaymentByKey(ctx, o.User.ID, o.Mode, key); e == nil && sameShipments(won, ids) {
					return won, true, nil
				}
			}
			e := errs.As(err)
			e.Message.Args = errs.Args{"status": string(sh.Status), "item": sh.ItemNo}
			return nil, false, e
		}
		p.Items = append(p.Items, Item{ShipmentID: sh.ID, Amount: sh.Total, Version: sh.Version})
		p.Amount += sh.Total
	}
	if err := s.Store.BeginPayment(ctx, p); err != nil {
		if key != "" && errs.CodeOf(err) == errs.Conflict {
			if won, e := s.Store.PaymentByKey(ctx, o.User.ID, o.Mode, key); e == nil {
				if !sameShipments(won, ids) {
					return nil, false, errs.New(errs.Mismatch, "payment.idempotency_mismatch", nil)
				}
				return won, true, nil
			}
		}
		return nil, false, err
	}
	return p, false, nil
}

// complete records the gateway's approval. If reconciliation failed the payment meanwhile (its
// labels released), the authorisation is voided at once: never a hold on a card for labels not paid.
func (s *Service) complete(ctx context.Context, p *Payment) error {
	txn := Move("auth:"+p.ID, "authorization", p.ID, CardAuthorized, PostageUnearned, p.Amount, s.Now())
	err := s.Store.CompletePayment(ctx, p, txn)
	if errs.CodeOf(err) == errs.Conflict {
		if verr := s.Gateway.Void(ctx, p.AuthID); verr != nil {
			s.Log.Error("card authorised for a payment failed meanwhile, and the void was refused", "payment", p.ID, "err", verr)
		}
	}
	return err
}

// reconcile settles a pending payment from the gateway's own records: authorised there, it is
// completed here; declined or unknown there, it fails here and its labels are released.
func (s *Service) reconcile(ctx context.Context, p *Payment) (*Payment, error) {
	if p.Method == ByDeposit {
		// A deposit debit commits with the payment: one left pending never took the money.
		return p, s.Store.FailPayment(ctx, p)
	}
	rec, found, err := s.Gateway.Lookup(ctx, p.ID)
	if err != nil {
		return p, errs.New(errs.Unavailable, "payment.gateway.unavailable", nil)
	}
	switch {
	case found && rec.Status != GatewayDeclined:
		p.AuthID, p.Card = rec.AuthID, rec.Card
		if err := s.complete(ctx, p); err != nil {
			return p, err
		}
		p.Status = Authorized
		return p, nil
	default:
		if err := s.Store.FailPayment(ctx, p); err != nil {
			return p, err
		}
		return p, errs.New(errs.Declined, "payment.declined.do_not_honour", nil)
	}
}

// Reconcile repairs payments left pending by a crash or a lost answer (pending for longer than
// PendingGrace): each is completed or failed as the gateway's records say, so there is never a
// charge without a paid label or a paid label without a charge, and a label is never held for long
// by a payment nobody is waiting for.
func (s *Service) Reconcile(ctx context.Context) (int, error) {
	list, err := s.Store.PendingPayments(ctx, s.Now().Add(-PendingGrace))
	if err != nil {
		return 0, err
	}
	for _, p := range list {
		s.reconcile(ctx, p)
	}
	return len(list), nil
}

// Settle captures every card payment authorised before the cut-off in force at `at` (20:00 Hong Kong
// time): what is left after cancellations is captured; a payment with nothing left is voided. Each
// payment is settled once, whoever runs it.
func (s *Service) Settle(ctx context.Context, at time.Time) (captured, voided int, total money.Cents, err error) {
	cutoff := Cutoff(at, catalog.HongKong)
	seen := map[string]bool{}
	refused := map[string]bool{}
	for {
		size := s.SettleBatch
		if size <= 0 {
			size = 1000
		}
		list, err := s.Store.BeginSettleBatch(ctx, cutoff, size)
		if err != nil {
			return captured, voided, total, err
		}
		fresh := false
		for _, p := range list {
			fresh = fresh || !seen[p.ID]
			seen[p.ID] = true
		}
		if !fresh { // nothing left, or only what this run could not finish
			if len(refused) > 0 {
				return captured, voided, total, fmt.Errorf("payment: the gateway refused to settle %d payments; they stay settling for the next run (see the log)", len(refused))
			}
			return captured, voided, total, nil
		}
		items := make([]Settlement, len(list))
		for i, p := range list {
			items[i] = Settlement{AuthID: p.AuthID, Amount: p.Active()}
		}
		answers, err := s.settleAtGateway(ctx, items)
		if err != nil {
			return captured, voided, total, err
		}
		now := s.Now()
		var done []*Payment
		var txns []*Txn
		for i, p := range list {
			amount, ok := s.settled(ctx, p, items[i], answers[i])
			if !ok {
				refused[p.ID] = true
				continue
			}
			var txn *Txn
			if amount == 0 {
				p.Status = Voided
				voided++
			} else {
				t := Move("capture:"+p.ID, "capture", p.ID, CardReceivable, CardAuthorized, amount, now)
				p.Status, p.Captured, txn = Settled, amount, &t
				captured++
				total += amount
			}
			done, txns = append(done, p), append(txns, txn)
		}
		if err := s.Store.SettlePayments(ctx, done, txns, now); err != nil {
			return captured, voided, total, err
		}
	}
}

// settled is what the gateway's answer to one settlement line means: the amount it captured (0 for
// a void), or not ok when the line was refused and the payment must stay settling. A conflict is a
// line the gateway had taken already (an interrupted run): its own record says what it did.
func (s *Service) settled(ctx context.Context, p *Payment, line Settlement, answer error) (money.Cents, bool) {
	if answer == nil {
		return line.Amount, true
	}
	if errs.CodeOf(answer) == errs.Conflict {
		rec, found, err := s.Gateway.Lookup(ctx, p.ID)
		switch {
		case err == nil && found && rec.Status == GatewayCaptured && line.Amount > 0:
			return rec.Captured, true
		case err == nil && found && rec.Status == GatewayVoided && line.Amount == 0:
			return 0, true
		}
		answer = fmt.Errorf("the gateway holds it as %q (%v)", rec.Status, err)
	}
	s.Log.Error("settlement line refused; the payment stays settling", "payment", p.ID, "amount", line.Amount, "err", answer)
	return 0, false
}

// settleAtGateway sends a settlement batch, in one call when the gateway takes batches.
func (s *Service) settleAtGateway(ctx context.Context, items []Settlement) ([]error, error) {
	if b, ok := s.Gateway.(BatchSettler); ok {
		return b.SettleBatch(ctx, items)
	}
	out := make([]error, len(items))
	for i, it := range items {
		if it.Amount == 0 {
			out[i] = s.Gateway.Void(ctx, it.AuthID)
		} else {
			out[i] = s.Gateway.Capture(ctx, it.AuthID, it.Amount)
		}
	}
	return out, nil
}

// Get returns one of the owner's payments.
func (s *Service) Get(ctx context.Context, o shipment.Owner, id string) (*Payment, error) {
	return s.Store.Payment(ctx, o.User.ID, o.Mode, id)
}

// CheckMeans says whether a payment could be made by this card (nil: from the deposit account
// accountID), without making one: the sender verified, the card valid, the account the sender's.
// A caller that changes something before paying checks first, so that a refusal changes nothing.
func (s *Service) CheckMeans(ctx context.Context, o shipment.Owner, card *Card, accountID string) error {
	if !o.User.Verified() {
		return errs.New(errs.Forbidden, "shipment.verify_first", nil)
	}
	if card != nil {
		_, _, err := card.Check(s.Now(), catalog.HongKong)
		return err
	}
	_, err := s.ownDeposit(ctx, o, accountID)
	return err
}
