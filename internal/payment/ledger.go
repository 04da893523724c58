package payment

import (
	"fmt"
	"time"

	"github.com/ecship/ecship/internal/money"
)

// Ledger accounts. Debits are positive amounts, credits negative; every transaction sums to zero.
const (
	CardAuthorized  = "card:authorized"  // held on cards, not yet captured
	CardReceivable  = "card:receivable"  // captured, owed by the acquirer
	PostageUnearned = "postage:unearned" // paid for items not yet posted (owed to senders until then)
	PostageRevenue  = "postage:revenue"  // earned at posting
	RefundsPayable  = "refunds:payable"  // approved refunds not yet sent
)

// DepositAccount is the ledger account of a deposit account's balance (owed to its holder).
func DepositAccount(no string) string { return "deposit:" + no }

// CounterAccount is the ledger account of money taken at the counter by a method (cash, eps, ...).
func CounterAccount(method string) string { return "counter:" + method }

// Entry is one line of a ledger transaction.
type Entry struct {
	Account string
	Amount  money.Cents // debit > 0, credit < 0
}

// Txn is one movement of money. Key makes it idempotent: the same key is recorded once.
type Txn struct {
	ID      string
	Key     string
	Kind    string // authorization, capture, void, refund, counter, deposit_topup, deposit_debit
	Ref     string // the payment, refund or counter session it belongs to
	Entries []Entry
	At      time.Time
}

// Move is a transaction moving amount from credit to debit: Dr debit, Cr credit.
func Move(key, kind, ref, debit, credit string, amount money.Cents, at time.Time) Txn {
	return Txn{Key: key, Kind: kind, Ref: ref, At: at, Entries: []Entry{{debit, amount}, {credit, -amount}}}
}

// Check says whether a transaction can be booked: two or more lines, none zero, summing to zero.
func (t Txn) Check() error {
	if len(t.Entries) < 2 {
		return fmt.Errorf("ledger: %s %s has %d lines", t.Kind, t.Ref, len(t.Entries))
	}
	var sum money.Cents
	for _, e := range t.Entries {
		if e.Amount == 0 || e.Account == "" {
			return fmt.Errorf("ledger: %s %s has an empty line", t.Kind, t.Ref)
		}
		sum += e.Amount
	}
	if sum != 0 {
		return fmt.Errorf("ledger: %s %s does not balance (%v)", t.Kind, t.Ref, sum)
	}
	return nil
}
