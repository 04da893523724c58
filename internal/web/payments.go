package web

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"

	"github.com/ecship/ecship/internal/money"
	"github.com/ecship/ecship/internal/payment"
)

type payPage struct {
	labelsPage
	Form     form
	IDs      []string
	Total    money.Cents
	Payment  *payment.Payment
	Deposits []*payment.Deposit // the sender's deposit accounts, to pay from instead of a card
	// On a payment's page: its labels cancelled before the settlement (never charged), and the
	// refund applications of those cancelled after, by label.
	Voided  map[string]bool
	Refunds map[string]*payment.Refund
}

// payForm shows the labels chosen and the card form (rule PAY-1, PAY-2: any card, each time).
func (p *Portal) payForm(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	ids := r.Form["id"]
	p.renderPay(w, r, http.StatusOK, ids, form{Values: map[string]string{}, Errors: map[string]string{}})
}

func (p *Portal) renderPay(w http.ResponseWriter, r *http.Request, status int, ids []string, f form) {
	if len(ids) == 0 {
		http.Redirect(w, r, "/labels?tab=pending&notice=choose_labels_to_pay", http.StatusSeeOther)
		return
	}
	list, err := p.Shipments.GetMany(r.Context(), owner(r), ids)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	// Each form has its own idempotency key: a declined card must not answer the deposit form.
	for _, k := range []string{"key", "deposit_key"} {
		if f.Values[k] == "" {
			f.Values[k] = newFormKey()
		}
	}
	deposits, err := p.Payments.MyDeposits(r.Context(), owner(r))
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg := &payPage{labelsPage: labelsPage{page: p.page(w, r, "pay.title"), Catalog: p.Catalog, Shipments: list}, Form: f, IDs: ids, Deposits: deposits}
	for _, s := range list {
		pg.Total += s.Total
	}
	p.render(w, r, status, "pay", pg)
}

// pay charges the card for the chosen labels in one payment.
func (p *Portal) pay(w http.ResponseWriter, r *http.Request) {
	f := readForm(r, "number", "exp_month", "exp_year", "cvc", "name", "key", "account", "deposit_key", "method")
	ids := r.PostForm["id"]
	if r.PostForm.Get("method") == "deposit" {
		pay, err := p.Payments.PayByDeposit(r.Context(), owner(r), ids, f.V("account"), f.V("deposit_key"))
		if err != nil {
			p.renderPay(w, r, f.fail(Lang(r), err), ids, retry(f))
			return
		}
		http.Redirect(w, r, "/payments/"+pay.ID+"?notice=paid", http.StatusSeeOther)
		return
	}
	month, _ := strconv.Atoi(strings.TrimSpace(f.V("exp_month")))
	year, _ := strconv.Atoi(strings.TrimSpace(f.V("exp_year")))
	if year > 0 && year < 100 {
		year += 2000
	}
	c := payment.Card{Number: f.V("number"), ExpMonth: month, ExpYear: year, CVC: f.V("cvc"), Name: f.V("name")}
	// The form's hidden key makes a double click or a resubmission one payment.
	pay, err := p.Payments.PayByCard(r.Context(), owner(r), ids, c, f.V("key"))
	if err != nil {
		f.Values["number"], f.Values["cvc"] = "", "" // never echoed back
		l := Lang(r)
		status := f.fail(l, err)
		for k, v := range f.Errors {
			f.Errors[strings.TrimPrefix(k, "card.")] = v
		}
		p.renderPay(w, r, status, ids, retry(f))
		return
	}
	http.Redirect(w, r, "/payments/"+pay.ID+"?notice=paid", http.StatusSeeOther)
}

// retry readies a refused payment form for another try: a refusal changed nothing, so the next
// try is a new payment with new idempotency keys (the old key would answer the old refusal).
func retry(f form) form {
	f.Values["key"], f.Values["deposit_key"] = "", ""
	return f
}

func (p *Portal) paymentView(w http.ResponseWriter, r *http.Request) {
	pay, err := p.Payments.Get(r.Context(), owner(r), r.PathValue("id"))
	if err != nil {
		p.fail(w, r, err)
		return
	}
	ids := make([]string, len(pay.Items))
	for i, it := range pay.Items {
		ids[i] = it.ShipmentID
	}
	list, err := p.Shipments.GetMany(r.Context(), owner(r), ids)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg := &payPage{labelsPage: labelsPage{page: p.page(w, r, "payment.title"), Catalog: p.Catalog, Shipments: list}, Payment: pay, Total: pay.Amount,
		Voided: map[string]bool{}, Refunds: map[string]*payment.Refund{}}
	for _, it := range pay.Items {
		pg.Voided[it.ShipmentID] = it.Cancelled
	}
	refunds, err := p.Refunds.Mine(r.Context(), owner(r))
	if err != nil {
		p.fail(w, r, err)
		return
	}
	for _, rf := range refunds {
		if rf.PaymentID == pay.ID {
			pg.Refunds[rf.ShipmentID] = rf
		}
	}
	p.render(w, r, http.StatusOK, "payment", pg)
}

type refundsPage struct {
	page
	Refunds []*payment.Refund
	Admin   bool
	Error   string
}

func (p *Portal) myRefunds(w http.ResponseWriter, r *http.Request) {
	list, err := p.Refunds.Mine(r.Context(), owner(r))
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "refunds", &refundsPage{page: p.page(w, r, "refunds.title"), Refunds: list})
}

// adminRefunds lists the applications waiting to be vetted.
func (p *Portal) adminRefunds(w http.ResponseWriter, r *http.Request) {
	p.renderAdminRefunds(w, r, http.StatusOK, "")
}

func (p *Portal) renderAdminRefunds(w http.ResponseWriter, r *http.Request, status int, errText string) {
	list, err := p.Refunds.ToVet(r.Context(), owner(r))
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, status, "refunds", &refundsPage{page: p.page(w, r, "refunds.admin.title"), Refunds: list, Admin: true, Error: errText})
}

func (p *Portal) vetRefund(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	approve := r.PostForm.Get("decision") == "approve"
	if _, err := p.Refunds.Vet(r.Context(), owner(r), r.PathValue("id"), approve, r.PostForm.Get("note")); err != nil {
		status, msg := refusal(Lang(r), err)
		p.renderAdminRefunds(w, r, status, msg)
		return
	}
	http.Redirect(w, r, "/admin/refunds?notice=refund_vetted", http.StatusSeeOther)
}

// newFormKey is a payment form's idempotency key: the same form sent twice is one payment.
func newFormKey() string {
	b := make([]byte, 12)
	rand.Read(b)
	return "form-" + hex.EncodeToString(b)
}
