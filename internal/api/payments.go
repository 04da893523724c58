package api

import (
	"net/http"
	"strings"

	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/payment"
)

type paymentIn struct {
	ShipmentIDs []string `json:"shipment_ids"`
	Method      string   `json:"method"`
	Card        *struct {
		Number   string `json:"number"`
		ExpMonth int    `json:"exp_month"`
		ExpYear  int    `json:"exp_year"`
		CVC      string `json:"cvc"`
		Name     string `json:"name"`
	} `json:"card"`
	Account string `json:"account"`
}

type paymentOut struct {
	ID          string   `json:"id"`
	Status      string   `json:"status"`
	Method      string   `json:"method"`
	Amount      *Money   `json:"amount"`
	Captured    *Money   `json:"captured,omitempty"`
	Card        *cardOut `json:"card,omitempty"`
	Account     string   `json:"account,omitempty"`
	Decline     string   `json:"decline,omitempty"`
	ShipmentIDs []string `json:"shipment_ids"`
	CreatedAt   string   `json:"created_at"`
	SettledAt   string   `json:"settled_at,omitempty"`
}

type cardOut struct {
	Brand    string `json:"brand"`
	Last4    string `json:"last4"`
	ExpMonth int    `json:"exp_month"`
	ExpYear  int    `json:"exp_year"`
}

func paymentJSON(p *payment.Payment) paymentOut {
	out := paymentOut{ID: p.ID, Status: string(p.Status), Method: string(p.Method), Amount: HKD(p.Amount), Decline: p.Decline, ShipmentIDs: []string{},
		CreatedAt: rfc3339(&p.CreatedAt), SettledAt: rfc3339(p.SettledAt)}
	if p.Captured > 0 {
		out.Captured = HKD(p.Captured)
	}
	out.Account = p.DepositID
	if p.Card.Last4 != "" {
		out.Card = &cardOut{Brand: p.Card.Brand, Last4: p.Card.Last4, ExpMonth: p.Card.ExpMonth, ExpYear: p.Card.ExpYear}
	}
	for _, it := range p.Items {
		out.ShipmentIDs = append(out.ShipmentIDs, it.ShipmentID)
	}
	return out
}

// createPayment pays for labels: {"shipment_ids":[...],"method":"card","card":{...}}. The
// Idempotency-Key header makes a retry answer the same payment and charge once.
func (d *Deps) createPayment(w http.ResponseWriter, r *http.Request) {
	var in paymentIn
	key, err := decodeKeyed(w, r, &in)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	switch in.Method {
	case "card":
		if in.Card == nil {
			WriteError(w, r, errs.Field("card", "payment.card.number_required", nil))
			return
		}
		c := payment.Card{Number: in.Card.Number, ExpMonth: in.Card.ExpMonth, ExpYear: in.Card.ExpYear, CVC: in.Card.CVC, Name: in.Card.Name}
		p, err := d.Payments.PayByCard(r.Context(), d.owner(r), in.ShipmentIDs, c, key)
		if err != nil {
			WriteError(w, r, err)
			return
		}
		if p.Status == payment.Pending {
			notFinal(w) // the gateway has not answered yet: a retry looks again
		}
		writeJSON(w, http.StatusCreated, paymentJSON(p))
	case "deposit":
		p, err := d.Payments.PayByDeposit(r.Context(), d.owner(r), in.ShipmentIDs, in.Account, key)
		if err != nil {
			WriteError(w, r, err)
			return
		}
		writeJSON(w, http.StatusCreated, paymentJSON(p))
	default:
		WriteError(w, r, errs.Field("method", "payment.method", nil))
	}
}

func (d *Deps) getPayment(w http.ResponseWriter, r *http.Request) {
	p, err := d.Payments.Get(r.Context(), d.owner(r), r.PathValue("id"))
	if err != nil {
		WriteError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, paymentJSON(p))
}

type depositOut struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Balance   *Money `json:"balance"`
	CreatedAt string `json:"created_at"`
}

type movementOut struct {
	Kind    string `json:"kind"`
	Amount  *Money `json:"amount"`
	Balance *Money `json:"balance"`
	Ref     string `json:"ref"`
	At      string `json:"at"`
}

func depositJSON(dp *payment.Deposit) depositOut {
	return depositOut{ID: dp.ID, Name: dp.Name, Balance: HKD(dp.Balance), CreatedAt: rfc3339(&dp.CreatedAt)}
}

// listDeposits answers the caller's deposit accounts and their balances.
func (d *Deps) listDeposits(w http.ResponseWriter, r *http.Request) {
	list, err := d.Payments.MyDeposits(r.Context(), d.owner(r))
	if err != nil {
		WriteError(w, r, err)
		return
	}
	out := []depositOut{}
	for _, dp := range list {
		out = append(out, depositJSON(dp))
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out, "next_cursor": ""}) // every account: a sender has few
}

// getDeposit answers one of the caller's deposit accounts with its statement, newest first.
func (d *Deps) getDeposit(w http.ResponseWriter, r *http.Request) {
	dp, moves, err := d.Payments.Statement(r.Context(), d.owner(r), r.PathValue("id"))
	if err != nil {
		WriteError(w, r, errs.New(errs.NotFound, "error.not_found", nil))
		return
	}
	out := struct {
		depositOut
		Movements []movementOut `json:"movements"`
	}{depositOut: depositJSON(dp), Movements: []movementOut{}}
	for _, m := range moves {
		out.Movements = append(out.Movements, movementOut{Kind: m.Kind, Amount: HKD(m.Amount), Balance: HKD(m.Balance), Ref: m.Ref, At: rfc3339(&m.At)})
	}
	writeJSON(w, http.StatusOK, out)
}

// MaxIdempotencyKey is the longest Idempotency-Key header taken.
const MaxIdempotencyKey = 200

// decodeKeyed reads a request that may be retried: its JSON body into v and its
// Idempotency-Key header.
func decodeKeyed(w http.ResponseWriter, r *http.Request, v any) (string, error) {
	if err := decode(w, r, v); err != nil {
		return "", err
	}
	return idempotencyKey(r)
}

// idempotencyKey reads the Idempotency-Key header: the same key again answers what the first
// request did and moves money once.
func idempotencyKey(r *http.Request) (string, error) {
	key := strings.TrimSpace(r.Header.Get("Idempotency-Key"))
	if len(key) > MaxIdempotencyKey {
		return "", errs.Field("Idempotency-Key", "payment.idempotency_key", nil)
	}
	return key, nil
}
