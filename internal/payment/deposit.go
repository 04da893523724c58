package payment

import (
	"context"
	"strings"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/money"
	"github.com/ecship/ecship/internal/shipment"
)

// Deposit is a permit mailing deposit account (rule PAY-1): operations open it for a sender and
// top it up; the sender pays labels from it; it never goes below zero.
type Deposit struct {
	ID        string
	OwnerID   string
	Mode      account.Mode
	Name      string
	Balance   money.Cents
	CreatedAt time.Time
}

// Movement is one change of a deposit account's balance, with the balance after it: a statement line.
type Movement struct {
	ID        string
	AccountID string
	Key       string // the same movement recorded twice is recorded once
	Kind      string // top_up, payment or refund
	Amount    money.Cents
	Balance   money.Cents
	Ref       string // the payment, refund or the operator's top-up reference
	At        time.Time
}

// Kinds of deposit movements.
const (
	MoveTopUp   = "top_up"
	MovePayment = "payment"
	MoveRefund  = "refund"
)

// BankReceived is the ledger account of money received into the bank for deposit top-ups.
const BankReceived = "bank:received"

// DepositStore is what deposit accounts need from the database (implemented by internal/store).
type DepositStore interface {
	CreateDeposit(ctx context.Context, d *Deposit) error
	Deposit(ctx context.Context, id string) (*Deposit, error)
	DepositsOf(ctx context.Context, owner string, mode account.Mode) ([]*Deposit, error)
	// CreditDeposit adds m.Amount to the balance, records the movement and books txn, in one
	// transaction; a movement whose key is recorded already answers that movement and changes nothing.
	CreditDeposit(ctx context.Context, m Movement, txn Txn) (Movement, error)
	// PayFromDeposit debits the payment's amount, marks the pending payment settled and its labels
	// paid and books txn, in one transaction; a balance short of the amount is a Declined error and
	// nothing changes.
	PayFromDeposit(ctx context.Context, p *Payment, m Movement, txn Txn) error
	DepositMovements(ctx context.Context, accountID string, limit int) ([]Movement, error)
	AllDeposits(ctx context.Context) ([]*Deposit, error)
	// DepositHolders maps each holder's user id to their login name.
	DepositHolders(ctx context.Context) (map[string]string, error)
}

// AllDeposits lists every deposit account and its holders' login names by user id, for operations.
func (s *Service) AllDeposits(ctx context.Context, actor *account.User) ([]*Deposit, map[string]string, error) {
	if !account.Allows(actor, account.AdminOnly) {
		return nil, nil, errs.New(errs.Forbidden, "error.forbidden", nil)
	}
	deps, err := s.Deposits.AllDeposits(ctx)
	if err != nil {
		return nil, nil, err
	}
	holders, err := s.Deposits.DepositHolders(ctx)
	return deps, holders, err
}

// OpenDeposit opens a deposit account for a sender (operations only: the caller checks the role).
func (s *Service) OpenDeposit(ctx context.Context, owner *account.User, mode account.Mode, name string) (*Deposit, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return nil, errs.Field("name", "payment.deposit.name_required", nil)
	case len([]rune(name)) > 60:
		return nil, errs.Field("name", "shipment.too_long", errs.Args{"max": 60})
	}
	d := &Deposit{ID: account.NewID("dep"), OwnerID: owner.ID, Mode: mode, Name: name, CreatedAt: s.Now()}
	return d, s.Deposits.CreateDeposit(ctx, d)
}

// TopUp adds money received for a deposit account (operations only). The key (the bank's
// reference, say) makes it idempotent: the same top-up entered twice counts once.
func (s *Service) TopUp(ctx context.Context, accountID string, amount money.Cents, reference string) (Movement, error) {
	reference = strings.TrimSpace(reference)
	var fe errs.Fields
	if amount <= 0 {
		fe.Add("amount", "payment.deposit.amount_positive", nil)
	}
	if reference == "" {
		fe.Add("reference", "payment.deposit.reference_required", nil)
	}
	if err := fe.Err(); err != nil {
		return Movement{}, err
	}
	d, err := s.Deposits.Deposit(ctx, accountID)
	if err != nil {
		return Movement{}, err
	}
	now := s.Now()
	key := "top_up:" + d.ID + ":" + reference
	m := Movement{ID: account.NewID("dmv"), AccountID: d.ID, Key: key, Kind: MoveTopUp, Amount: amount, Ref: reference, At: now}
	return s.Deposits.CreditDeposit(ctx, m, Move(key, "deposit_topup", d.ID, BankReceived, DepositAccount(d.ID), amount, now))
}

// MyDeposits lists the owner's deposit accounts.
func (s *Service) MyDeposits(ctx context.Context, o shipment.Owner) ([]*Deposit, error) {
	return s.Deposits.DepositsOf(ctx, o.User.ID, o.Mode)
}

// Statement returns one of the owner's deposit accounts and its movements, newest first.
func (s *Service) Statement(ctx context.Context, o shipment.Owner, accountID string) (*Deposit, []Movement, error) {
	d, err := s.ownDeposit(ctx, o, accountID)
	if err != nil {
		return nil, nil, err
	}
	list, err := s.Deposits.DepositMovements(ctx, d.ID, 1000)
	return d, list, err
}

func (s *Service) ownDeposit(ctx context.Context, o shipment.Owner, accountID string) (*Deposit, error) {
	d, err := s.Deposits.Deposit(ctx, strings.TrimSpace(accountID))
	if err != nil || d.OwnerID != o.User.ID || d.Mode != o.Mode {
		return nil, errs.Field("account", "payment.deposit.unknown", nil) // another sender's is unknown too
	}
	return d, nil
}

// PayByDeposit pays for labels from one of the sender's deposit accounts, settled at once. A balance
// short of the amount is declined and changes nothing; with an idempotency key a retry answers the
// same payment and debits once.
func (s *Service) PayByDeposit(ctx context.Context, o shipment.Owner, ids []string, accountID, key string) (*Payment, error) {
	if !o.User.Verified() {
		return nil, errs.New(errs.Forbidden, "shipment.verify_first", nil)
	}
	if p, done, err := s.replay(ctx, o, ids, key); done {
		return p, err
	}
	d, err := s.ownDeposit(ctx, o, accountID)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	p, existing, err := s.begin(ctx, o, ids, ByDeposit, key, now)
	if err != nil {
		return p, err
	}
	if existing {
		return s.await(ctx, o, key)
	}
	p.DepositID = d.ID
	m := Movement{ID: account.NewID("dmv"), AccountID: d.ID, Key: "payment:" + p.ID, Kind: MovePayment, Amount: -p.Amount, Ref: p.ID, At: now}
	txn := Move("deposit:"+p.ID, "deposit_debit", p.ID, DepositAccount(d.ID), PostageUnearned, p.Amount, now)
	err = s.Deposits.PayFromDeposit(ctx, p, m, txn)
	if errs.CodeOf(err) == errs.Declined {
		p.Decline = DeclineInsufficientFunds
		if ferr := s.Store.FailPayment(ctx, p); ferr != nil {
			return nil, ferr
		}
		return p, errs.New(errs.Declined, "payment.deposit.insufficient", errs.Args{"balance": d.Balance.Display()})
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}
