package payment

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/ecship/ecship/internal/money"
)

// LedgerReport is what `ecship ledger check` and the reconciliation page show.
type LedgerReport struct {
	Balances map[string]money.Cents
	Lines    []string
	Problems []string
}

// LedgerStore is what the ledger check reads (implemented by internal/store).
type LedgerStore interface {
	UnbalancedTxns(ctx context.Context) ([]string, error)
	LedgerBalances(ctx context.Context) (map[string]money.Cents, error)
	AllPayments(ctx context.Context) ([]*Payment, error)
	GatewayRecord(ctx context.Context, reference string) (GatewayRecord, bool, error)
	RefundedByPayment(ctx context.Context) (map[string]money.Cents, error)
	RefundedSum(ctx context.Context) (money.Cents, error)
	AllDeposits(ctx context.Context) ([]*Deposit, error)
	CounterTakings(ctx context.Context) (map[string]money.Cents, error)
	PostedPostage(ctx context.Context) (money.Cents, error)
	KeptSum(ctx context.Context) (money.Cents, error)
	UnearnedDue(ctx context.Context) (money.Cents, error)
	// LabelMoneyProblems answers, label by label, where state and money disagree (none, in good books).
	LabelMoneyProblems(ctx context.Context) ([]string, error)
}

// CheckLedger proves the books: every transaction balances; the ledger's card balances equal what the
// payments hold and what the gateway captured; each payment agrees with the gateway's record of it;
// and label by label, state and money agree.
func CheckLedger(ctx context.Context, st LedgerStore) (LedgerReport, error) {
	var r LedgerReport
	bad, err := st.UnbalancedTxns(ctx)
	if err != nil {
		return r, err
	}
	for _, k := range bad {
		r.Problems = append(r.Problems, "transaction "+k+" does not balance")
	}
	if r.Balances, err = st.LedgerBalances(ctx); err != nil {
		return r, err
	}
	accounts := make([]string, 0, len(r.Balances))
	var sum money.Cents
	for k, v := range r.Balances {
		accounts = append(accounts, k)
		sum += v
	}
	sort.Strings(accounts)
	for _, k := range accounts {
		r.Lines = append(r.Lines, fmt.Sprintf("%-24s %14s", k, r.Balances[k].Display()))
	}
	if sum != 0 {
		r.Problems = append(r.Problems, "the ledger's accounts sum to "+sum.Display()+", not zero")
	}
	payments, err := st.AllPayments(ctx)
	if err != nil {
		return r, err
	}
	refundedBy, err := st.RefundedByPayment(ctx)
	if err != nil {
		return r, err
	}
	var held, captured money.Cents
	for _, p := range payments {
		if p.Method == ByDeposit {
			continue // no card: checked against the deposit accounts below
		}
		rec, found, err := st.GatewayRecord(ctx, p.ID)
		if err != nil {
			return r, err
		}
		switch p.Status {
		case Authorized, Settling:
			held += p.Active()
			if !found || rec.Status == GatewayDeclined || rec.Status == GatewayVoided {
				r.Problems = append(r.Problems, "payment "+p.ID+" is authorised here but not at the gateway")
			}
		case Settled:
			captured += p.Captured
			if !found || rec.Captured != p.Captured {
				r.Problems = append(r.Problems, fmt.Sprintf("payment %s captured %s here, %s at the gateway", p.ID, p.Captured.Display(), rec.Captured.Display()))
			}
			if rec.Refunded != refundedBy[p.ID] {
				r.Problems = append(r.Problems, fmt.Sprintf("payment %s refunded %s here, %s at the gateway", p.ID, refundedBy[p.ID].Display(), rec.Refunded.Display()))
			}
		case Failed:
			if found && rec.Status != GatewayDeclined && rec.Status != GatewayVoided {
				r.Problems = append(r.Problems, "payment "+p.ID+" failed here but holds money at the gateway")
			}
		}
	}
	if r.Balances[CardAuthorized] != held {
		r.Problems = append(r.Problems, fmt.Sprintf("card:authorized is %s; the authorised payments hold %s", r.Balances[CardAuthorized].Display(), held.Display()))
	}
	refunded, err := st.RefundedSum(ctx)
	if err != nil {
		return r, err
	}
	if r.Balances[CardReceivable] != captured-refunded {
		r.Problems = append(r.Problems, fmt.Sprintf("card:receivable is %s; the settled payments captured %s less %s refunded",
			r.Balances[CardReceivable].Display(), captured.Display(), refunded.Display()))
	}
	r.Lines = append(r.Lines, fmt.Sprintf("%d payments; %s held on cards, %s captured, %s refunded", len(payments), held.Display(), captured.Display(), refunded.Display()))
	// Each deposit account's balance is what the ledger says is owed to its holder.
	deposits, err := st.AllDeposits(ctx)
	if err != nil {
		return r, err
	}
	var owed money.Cents
	for _, d := range deposits {
		owed += d.Balance
		if got := -r.Balances[DepositAccount(d.ID)]; got != d.Balance {
			r.Problems = append(r.Problems, fmt.Sprintf("deposit account %s has %s; the ledger owes its holder %s", d.ID, d.Balance.Display(), got.Display()))
		}
	}
	r.Lines = append(r.Lines, fmt.Sprintf("%d deposit accounts holding %s", len(deposits), owed.Display()))
	// Money taken at counters is what the counters' accounts hold, method by method, and the
	// postage earned is that of the items accepted.
	takings, err := st.CounterTakings(ctx)
	if err != nil {
		return r, err
	}
	methods := map[string]bool{}
	for m := range takings {
		methods[m] = true
	}
	for k := range r.Balances {
		if m, ok := strings.CutPrefix(k, CounterAccount("")); ok {
			methods[m] = true
		}
	}
	var taken money.Cents
	for m := range methods {
		taken += takings[m]
		if got := r.Balances[CounterAccount(m)]; got != takings[m] {
			r.Problems = append(r.Problems, fmt.Sprintf("%s is %s; the counters took %s", CounterAccount(m), got.Display(), takings[m].Display()))
		}
	}
	earned, err := st.PostedPostage(ctx)
	if err != nil {
		return r, err
	}
	kept, err := st.KeptSum(ctx)
	if err != nil {
		return r, err
	}
	if got := -r.Balances[PostageRevenue]; got != earned+kept {
		r.Problems = append(r.Problems, fmt.Sprintf("postage:revenue is %s; the items posted cost %s and refused refunds kept %s", got.Display(), earned.Display(), kept.Display()))
	}
	r.Lines = append(r.Lines, fmt.Sprintf("%s taken at counters; %s postage earned by posted items, %s kept from refused refunds", taken.Display(), earned.Display(), kept.Display()))
	// Money paid and not yet earned is owed: labels paid and not posted, refunds not yet sent,
	// counter money not yet used.
	due, err := st.UnearnedDue(ctx)
	if err != nil {
		return r, err
	}
	if got := -r.Balances[PostageUnearned]; got != due {
		r.Problems = append(r.Problems, fmt.Sprintf("postage:unearned is %s; paid labels not posted, refunds not sent and unused counter money come to %s", got.Display(), due.Display()))
	}
	// Label by label: each paid or posted label holds exactly its price, no cancelled label was
	// charged without a refund application.
	labels, err := st.LabelMoneyProblems(ctx)
	if err != nil {
		return r, err
	}
	r.Problems = append(r.Problems, labels...)
	return r, nil
}
