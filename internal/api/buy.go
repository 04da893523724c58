package api

import (
	"net/http"

	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/payment"
)

// buyShipment picks one of a shipment's rates and may pay for it in the same call:
// {"service":"AEX","payment":{"method":"card","card":{...}}} or {"method":"deposit","account":"dep_..."}.
// The shipment becomes ready with its item number; a payment that is declined leaves it ready
// and unpaid (a 402), to pay with POST /payments. The means of payment are checked first (the
// card, the deposit account): refused, they change nothing.
func (d *Deps) buyShipment(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Service string     `json:"service"`
		Payment *paymentIn `json:"payment"`
	}
	if err := decode(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	if p := in.Payment; p != nil {
		switch {
		case len(p.ShipmentIDs) > 0:
			WriteError(w, r, errs.Field("payment.shipment_ids", "error.unknown_field", nil))
			return
		case p.Method == "card" && p.Card == nil:
			WriteError(w, r, errs.Field("payment.card", "payment.card.number_required", nil))
			return
		case p.Method != "card" && p.Method != "deposit":
			WriteError(w, r, errs.Field("payment.method", "payment.method", nil))
			return
		}
	}
	o, l := d.owner(r), Lang(r)
	var card *payment.Card
	if p := in.Payment; p != nil {
		if p.Method == "card" {
			card = &payment.Card{Number: p.Card.Number, ExpMonth: p.Card.ExpMonth, ExpYear: p.Card.ExpYear, CVC: p.Card.CVC, Name: p.Card.Name}
		}
		// What would refuse the payment refuses the request before the label is touched.
		if err := d.Payments.CheckMeans(r.Context(), o, card, p.Account); err != nil {
			WriteError(w, r, prefixFields(err, "payment."))
			return
		}
	}
	key, err := idempotencyKey(r)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	s, err := d.Shipments.Choose(r.Context(), o, r.PathValue("id"), in.Service)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	out := map[string]any{"shipment": d.shipmentOut(s, l)}
	if p := in.Payment; p != nil {
		// The payment's own key, from the request's: a retry after an unclear answer from the
		// gateway is answered by the payment layer, which charges once.
		if key != "" {
			key = "buy:" + s.ID + ":" + key
		}
		var paid *payment.Payment
		if card != nil {
			paid, err = d.Payments.PayByCard(r.Context(), o, []string{s.ID}, *card, key)
		} else {
			paid, err = d.Payments.PayByDeposit(r.Context(), o, []string{s.ID}, p.Account, key)
		}
		if err != nil {
			WriteError(w, r, err)
			return
		}
		if s, err = d.Shipments.Get(r.Context(), o, s.ID); err != nil {
			WriteError(w, r, err)
			return
		}
		out["shipment"], out["payment"] = d.shipmentOut(s, l), paymentJSON(paid)
		if paid.Status == payment.Pending {
			notFinal(w)
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// prefixFields puts the fields of an invalid-input error under a prefix ("number" becomes
// "payment.number").
func prefixFields(err error, prefix string) error {
	e := errs.As(err)
	if len(e.Fields) == 0 {
		return err
	}
	var fe errs.Fields
	for _, f := range e.Fields {
		fe.Add(prefix+f.Field, f.Key, f.Args)
	}
	return fe.Err()
}
