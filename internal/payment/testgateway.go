package payment

import (
	"context"
	"fmt"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/money"
)

// GatewayBook is where the test gateway keeps its own records, apart from ecship's payments, so that
// reconciliation compares two books (implemented by internal/store, shared by every process).
type GatewayBook interface {
	GatewayRecord(ctx context.Context, reference string) (GatewayRecord, bool, error)
	GatewayRecordByAuth(ctx context.Context, authID string) (GatewayRecord, bool, error)
	// RefundGatewayRecord adds a refund to a captured authorisation, once per reference and never
	// beyond what was captured (a conflict otherwise), in one conditional write.
	RefundGatewayRecord(ctx context.Context, authID string, amount money.Cents, reference string, now time.Time) error
	// AddGatewayRecord records a new authorisation unless the reference has one already.
	AddGatewayRecord(ctx context.Context, r GatewayRecord) error
	// SettleGatewayRecords captures or voids authorisations in one go.
	SettleGatewayRecords(ctx context.Context, items []Settlement) ([]error, error)
}

// TestGateway behaves like an acquirer for tests and demos: numbers that fail Luhn or expiry are its
// caller's to refuse; TestCardInsufficient and TestCardDoNotHonour are declined; TestCardTimeout is
// authorised but the answer is lost (ErrGatewayTimeout); every other valid number is approved.
type TestGateway struct {
	Book GatewayBook
	Now  func() time.Time
}

// Authorize holds the amount, once per reference: asked again (even at the same moment), it answers
// the first authorisation.
func (g *TestGateway) Authorize(ctx context.Context, req AuthRequest) (Authorization, error) {
	rec := GatewayRecord{AuthID: account.NewID("auth"), Reference: req.Reference, Status: GatewayAuthorized, Authorized: req.Amount, Card: req.Card, At: g.Now()}
	decline := declineOf(req.Number)
	if decline != "" {
		rec.Status, rec.Authorized = GatewayDeclined, 0
	}
	if err := g.Book.AddGatewayRecord(ctx, rec); err != nil {
		return Authorization{}, err
	}
	got, found, err := g.Book.GatewayRecord(ctx, req.Reference)
	if err != nil || !found {
		return Authorization{}, fmt.Errorf("payment: test gateway lost its record of %s: %v", req.Reference, err)
	}
	if req.Number == TestCardTimeout {
		return Authorization{}, ErrGatewayTimeout
	}
	return Authorization{ID: got.AuthID, Approved: got.Status != GatewayDeclined, Decline: decline}, nil
}

func declineOf(number string) string {
	switch number {
	case TestCardInsufficient:
		return DeclineInsufficientFunds
	case TestCardDoNotHonour:
		return DeclineDoNotHonour
	}
	return ""
}

// Capture takes up to the authorised amount, once.
func (g *TestGateway) Capture(ctx context.Context, authID string, amount money.Cents) error {
	if amount <= 0 {
		return fmt.Errorf("payment: capture of %v", amount)
	}
	return g.one(ctx, Settlement{AuthID: authID, Amount: amount})
}

// SettleBatch captures or voids a day's authorisations at once; one already captured or voided
// answers a conflict, as Capture does.
func (g *TestGateway) SettleBatch(ctx context.Context, items []Settlement) ([]error, error) {
	return g.Book.SettleGatewayRecords(ctx, items)
}

// Void releases an authorisation never captured.
func (g *TestGateway) Void(ctx context.Context, authID string) error {
	return g.one(ctx, Settlement{AuthID: authID})
}

// one captures or voids one authorisation, as a batch of one (each a conditional write).
func (g *TestGateway) one(ctx context.Context, it Settlement) error {
	out, err := g.Book.SettleGatewayRecords(ctx, []Settlement{it})
	if err != nil {
		return err
	}
	return out[0]
}

// Refund returns up to what was captured, once per reference.
func (g *TestGateway) Refund(ctx context.Context, authID string, amount money.Cents, reference string) error {
	if amount <= 0 {
		return errs.New(errs.Conflict, "payment.refund.over_captured", nil)
	}
	return g.Book.RefundGatewayRecord(ctx, authID, amount, reference, g.Now())
}

// Lookup answers what the gateway knows of a payment reference.
func (g *TestGateway) Lookup(ctx context.Context, reference string) (GatewayRecord, bool, error) {
	return g.Book.GatewayRecord(ctx, reference)
}
