package api

import (
	"bytes"
	"net/http"
	"strings"

	"github.com/ecship/ecship/internal/counter"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/label"
	"github.com/ecship/ecship/internal/money"
)

type counterItemOut struct {
	ItemNo      string `json:"item_no"`
	Status      string `json:"status"`
	WeightG     int    `json:"weight_g"`
	DeclaredG   int    `json:"declared_weight_g"`
	Service     string `json:"service"`
	Destination string `json:"destination"`
	Postage     *Money `json:"postage"`
	Paid        *Money `json:"paid"`
	PaidBefore  *Money `json:"paid_before"`
	PaidHere    *Money `json:"paid_here"`
	Due         *Money `json:"due"`
	Refundable  *Money `json:"refundable"`
	Insurance   *Money `json:"insurance,omitempty"`
	BonusPoints int    `json:"bonus_points"`
	PostedAt    string `json:"posted_at,omitempty"`
}

type counterPaymentOut struct {
	ID     string `json:"id"`
	Method string `json:"method"`
	Amount *Money `json:"amount"`
	At     string `json:"at"`
}

type counterSessionOut struct {
	ID            string              `json:"id"`
	Office        string              `json:"office"`
	Status        string              `json:"status"`
	Mode          string              `json:"mode"`
	SpeedpostCard string              `json:"speedpost_card,omitempty"`
	Due           *Money              `json:"due"`
	Items         []counterItemOut    `json:"items"`
	Payments      []counterPaymentOut `json:"payments"`
	OpenedAt      string              `json:"opened_at"`
	ClosedAt      string              `json:"closed_at,omitempty"`
	ReceiptNo     string              `json:"receipt_no,omitempty"`
	ReceiptURL    string              `json:"receipt_url,omitempty"`
}

func counterItemJSON(it *counter.Item) counterItemOut {
	out := counterItemOut{ItemNo: it.ItemNo, Status: it.Status, WeightG: it.WeightG, DeclaredG: it.DeclaredG, Service: it.Service, Destination: it.Destination,
		Postage: HKD(it.Postage), Paid: HKD(it.Paid()), PaidBefore: HKD(it.PaidBefore), PaidHere: HKD(it.PaidHere), Due: HKD(it.Due()),
		Refundable: HKD(it.Refundable), BonusPoints: it.BonusPoints, PostedAt: rfc3339(it.PostedAt)}
	if it.Insurance > 0 {
		out.Insurance = HKD(it.Insurance)
	}
	return out
}

func counterSessionJSON(s *counter.Session) counterSessionOut {
	out := counterSessionOut{ID: s.ID, Office: s.Office, Status: s.Status, Mode: string(s.Mode), SpeedpostCard: s.SpeedpostCard, Due: HKD(s.Due()),
		Items: []counterItemOut{}, Payments: []counterPaymentOut{}, OpenedAt: rfc3339(&s.OpenedAt), ClosedAt: rfc3339(s.ClosedAt), ReceiptNo: s.ReceiptNo}
	for _, it := range s.Items {
		out.Items = append(out.Items, counterItemJSON(it))
	}
	for _, p := range s.Payments {
		out.Payments = append(out.Payments, counterPaymentOut{ID: p.ID, Method: p.Method, Amount: HKD(p.Amount), At: rfc3339(&p.At)})
	}
	if s.Status == counter.Closed {
		out.ReceiptURL = "/api/v1/counter/sessions/" + s.ID + "/receipt"
	}
	return out
}

// moneyField reads a money object {"amount":"12.30","currency":"HKD"}; a missing one is nil.
func moneyField(field string, m *Money) (*money.Cents, error) {
	if m == nil {
		return nil, nil
	}
	c, err := money.Parse(strings.TrimSpace(m.Amount))
	if err != nil {
		return nil, errs.Field(field+".amount", "counter.amount.positive", nil)
	}
	if m.Currency != "" && m.Currency != "HKD" {
		return nil, errs.Field(field+".currency", "quote.insurance.currency", nil)
	}
	return &c, nil
}

// openCounterSession starts a visit: {"office":"GPO","speedpost_card":""}. Counter staff only; a
// test key opens a test session, which accepts test labels only.
func (d *Deps) openCounterSession(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Office        string `json:"office"`
		SpeedpostCard string `json:"speedpost_card"`
	}
	if err := decode(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	s, err := d.Counter.Open(r.Context(), clerk(r), in.Office, in.SpeedpostCard)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, counterSessionJSON(s))
}

// clerk is the caller working a counter in its key's mode: a test key never sees or changes a
// live session, nor a live key a test one.
func clerk(r *http.Request) counter.Clerk {
	c := caller(r)
	return counter.Clerk{User: c.User, Mode: c.Key.Mode}
}

// counterSession answers a session to the staff who opened it (or an admin).
func (d *Deps) counterSession(w http.ResponseWriter, r *http.Request) {
	s, err := d.Counter.Get(r.Context(), clerk(r), r.PathValue("id"))
	if err != nil {
		WriteError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, counterSessionJSON(s))
}

// scanCounterItem weighs and accepts an item: {"item_no":"...","weight_g":1234,"insurance":{...}}.
func (d *Deps) scanCounterItem(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ItemNo    string `json:"item_no"`
		WeightG   int    `json:"weight_g"`
		Insurance *Money `json:"insurance"`
	}
	if err := decode(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	insurance, err := moneyField("insurance", in.Insurance)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	it, err := d.Counter.Scan(r.Context(), clerk(r), r.PathValue("id"), counter.ScanInput{ItemNo: in.ItemNo, WeightG: in.WeightG, Insurance: insurance})
	if err != nil {
		WriteError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, counterItemJSON(it))
}

// removeCounterItem takes back an item still waiting for payment.
func (d *Deps) removeCounterItem(w http.ResponseWriter, r *http.Request) {
	s, err := d.Counter.Remove(r.Context(), clerk(r), r.PathValue("id"), r.PathValue("itemNo"))
	if err != nil {
		WriteError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, counterSessionJSON(s))
}

// counterPayment takes a make-up payment: {"method":"cash","amount":{"amount":"12.30","currency":"HKD"}}.
// The Idempotency-Key header makes a retry count once.
func (d *Deps) counterPayment(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Method string `json:"method"`
		Amount *Money `json:"amount"`
	}
	key, err := decodeKeyed(w, r, &in)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	amount, err := moneyField("amount", in.Amount)
	if err == nil && amount == nil {
		err = errs.Field("amount", "counter.amount.positive", nil)
	}
	if err != nil {
		WriteError(w, r, err)
		return
	}
	s, err := d.Counter.Pay(r.Context(), clerk(r), r.PathValue("id"), in.Method, *amount, key)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, counterSessionJSON(s))
}

// closeCounterSession ends the visit and answers the session with its receipt_url.
func (d *Deps) closeCounterSession(w http.ResponseWriter, r *http.Request) {
	s, err := d.Counter.Close(r.Context(), clerk(r), r.PathValue("id"))
	if err != nil {
		WriteError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, counterSessionJSON(s))
}

// counterReceipt is the closed session's consolidated posting receipt as PDF (CTR-5).
func (d *Deps) counterReceipt(w http.ResponseWriter, r *http.Request) {
	s, err := d.Counter.Get(r.Context(), clerk(r), r.PathValue("id"))
	if err == nil && s.Status != counter.Closed {
		err = errs.New(errs.NotFound, "counter.session.not_found", nil)
	}
	if err != nil {
		WriteError(w, r, err)
		return
	}
	var b bytes.Buffer
	if err := label.RenderReceipt(&b, counter.ReceiptOf(d.Catalog, s, Lang(r))); err != nil {
		WriteError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("Content-Disposition", `inline; filename="receipt-`+s.ReceiptNo+`.pdf"`)
	w.Write(b.Bytes())
}
