package payment

import (
	"context"
	"errors"
	"time"

	"github.com/ecship/ecship/internal/money"
)

// Gateway is a card acquirer: it authorises at payment, captures at settlement, voids what was
// never captured and refunds what was. References are ecship's payment ids, so a call repeated after a
// lost answer finds the first one rather than charging twice.
type Gateway interface {
	Authorize(ctx context.Context, req AuthRequest) (Authorization, error)
	Capture(ctx context.Context, authID string, amount money.Cents) error
	Void(ctx context.Context, authID string) error
	Refund(ctx context.Context, authID string, amount money.Cents, reference string) error
	// Lookup tells what the gateway knows of a payment reference (for reconciliation after a lost
	// answer or a crash); found is false when it never saw it.
	Lookup(ctx context.Context, reference string) (rec GatewayRecord, found bool, err error)
}

// BatchSettler is a gateway that takes the day's captures and voids in one call, as acquirers
// take a settlement file. Settle uses it when the gateway has it: one call per batch rather
// than one per payment. Each answer is nil or the error of that one settlement.
type BatchSettler interface {
	SettleBatch(ctx context.Context, items []Settlement) ([]error, error)
}

// Settlement is one line of a settlement batch: capture Amount of an authorisation, or void it
// when Amount is 0.
type Settlement struct {
	AuthID string
	Amount money.Cents
}

// AuthRequest asks the gateway to hold an amount on a card.
type AuthRequest struct {
	Reference string // ecship's payment id
	Amount    money.Cents
	Currency  string
	Number    string // digits; never stored by ecship
	Card      CardInfo
}

// Authorization is the gateway's answer: approved with an id, or declined with a reason code.
type Authorization struct {
	ID       string
	Approved bool
	Decline  string // insufficient_funds, do_not_honour, ...
}

// GatewayRecord is the gateway's own account of a payment.
type GatewayRecord struct {
	AuthID     string
	Reference  string
	Status     GatewayStatus
	Authorized money.Cents
	Captured   money.Cents
	Refunded   money.Cents
	Card       CardInfo
	At         time.Time
}

// ErrGatewayTimeout means the gateway's answer did not come: the payment may or may not have been
// authorised, and reconciliation (Lookup) settles which.
var ErrGatewayTimeout = errors.New("payment: the card gateway did not answer in time")

// Declines the test gateway gives, as acquirers name them.
const (
	DeclineInsufficientFunds = "insufficient_funds"
	DeclineDoNotHonour       = "do_not_honour"
)

// Test card numbers of the built-in test gateway (documented in the README).
const (
	TestCardApprove      = "4111111111111111"
	TestCardInsufficient = "4000000000009995"
	TestCardDoNotHonour  = "4000000000000002"
	TestCardTimeout      = "4000000000000119" // authorised, but the answer is lost
)

// GatewayStatus is where an authorisation stands in the gateway's own book.
type GatewayStatus string

// The gateway's statuses.
const (
	GatewayAuthorized GatewayStatus = "authorized"
	GatewayDeclined   GatewayStatus = "declined"
	GatewayCaptured   GatewayStatus = "captured"
	GatewayVoided     GatewayStatus = "voided"
)
