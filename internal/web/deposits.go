package web

import (
	"net/http"
	"strings"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/money"
	"github.com/ecship/ecship/internal/payment"
)

type depositPage struct {
	page
	Deposit   *payment.Deposit
	Movements []payment.Movement
	Deposits  []*payment.Deposit // the sender's, or every one for operations
	Holders   map[string]string  // account id -> holder's email, for operations
	Open      form
	TopUp     form
	TopUpID   string // the account the top-up form's error belongs to
}

// deposits lists the sender's deposit accounts with their balances.
func (p *Portal) deposits(w http.ResponseWriter, r *http.Request) {
	pg := &depositPage{page: p.page(w, r, "deposit.title")}
	list, err := p.Payments.MyDeposits(r.Context(), owner(r))
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg.Deposits = list
	p.render(w, r, http.StatusOK, "deposits", pg)
}

// depositStatement shows one of the sender's deposit accounts and every movement of it.
func (p *Portal) depositStatement(w http.ResponseWriter, r *http.Request) {
	d, moves, err := p.Payments.Statement(r.Context(), owner(r), r.PathValue("id"))
	if err != nil {
		p.fail(w, r, errs.New(errs.NotFound, "error.not_found", nil)) // another sender's is not found
		return
	}
	p.render(w, r, http.StatusOK, "deposit", &depositPage{page: p.page(w, r, "deposit.statement"), Deposit: d, Movements: moves})
}

// adminDeposits lists every deposit account, with the forms to open one and to top one up.
func (p *Portal) adminDeposits(w http.ResponseWriter, r *http.Request) {
	p.renderAdminDeposits(w, r, http.StatusOK, nil)
}

func (p *Portal) renderAdminDeposits(w http.ResponseWriter, r *http.Request, status int, edit func(*depositPage)) {
	pg := &depositPage{page: p.page(w, r, "deposit.admin"),
		Open: form{Values: map[string]string{}, Errors: map[string]string{}}, TopUp: form{Values: map[string]string{}, Errors: map[string]string{}}}
	var err error
	if pg.Deposits, pg.Holders, err = p.Payments.AllDeposits(r.Context(), currentUser(r)); err != nil {
		p.fail(w, r, err)
		return
	}
	if edit != nil {
		edit(pg)
	}
	p.render(w, r, status, "deposits_admin", pg)
}

// openDeposit opens an account for the sender named by login name or email.
func (p *Portal) openDeposit(w http.ResponseWriter, r *http.Request) {
	f := readForm(r, "holder", "name")
	holder, err := p.Accounts.FindUser(r.Context(), currentUser(r), f.V("holder"))
	if err == nil {
		_, err = p.Payments.OpenDeposit(r.Context(), holder, account.Live, f.V("name"))
	} else if errs.CodeOf(err) == errs.NotFound {
		err = errs.Field("holder", "deposit.holder_unknown", nil)
	}
	if err != nil {
		p.renderAdminDeposits(w, r, errs.CodeOf(err).HTTPStatus(), func(pg *depositPage) { pg.Open = f; pg.Open.fail(pg.Lang, err) })
		return
	}
	http.Redirect(w, r, "/admin/deposits?notice=deposit_opened", http.StatusSeeOther)
}

// topUpDeposit records money received for an account; the same reference counts once.
func (p *Portal) topUpDeposit(w http.ResponseWriter, r *http.Request) {
	f := readForm(r, "amount", "reference")
	id := r.PathValue("id")
	amount, err := money.Parse(strings.TrimSpace(f.V("amount")))
	if err != nil {
		err = errs.Field("amount", "payment.deposit.amount_positive", nil)
	} else {
		_, err = p.Payments.TopUp(r.Context(), id, amount, f.V("reference"))
	}
	if err != nil {
		p.renderAdminDeposits(w, r, errs.CodeOf(err).HTTPStatus(), func(pg *depositPage) { pg.TopUp, pg.TopUpID = f, id; pg.TopUp.fail(pg.Lang, err) })
		return
	}
	http.Redirect(w, r, "/admin/deposits?notice=deposit_topped_up", http.StatusSeeOther)
}
