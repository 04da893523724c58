package api

import (
	"net/http"

	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/payment"
)

// buyShipment picks one of a shipment's rates and may pay for it in the same call:
// {"service":"AEX","payment":{"method":"card","card":{...}}} or {"method":"deposit","account":"dep_..."}.
// The shipment becomes ready with its item number; a payment that is declined leaves it ready
// and unpaid (a 402), to pay with POST /payments.
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
	s, err := d.Shipments.Choose(r.Context(), o, r.PathValue("id"), in.Service)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	out := map[string]any{"shipment": d.shipmentOut(s, l)}
	if p := in.Payment; p != nil {
		var paid *payment.Payment
		if p.Method == "card" {
			c := payment.Card{Number: p.Card.Number, ExpMonth: p.Card.ExpMonth, ExpYear: p.Card.ExpYear, CVC: p.Card.CVC, Name: p.Card.Name}
			paid, err = d.Payments.PayByCard(r.Context(), o, []string{s.ID}, c, "")
		} else {
			paid, err = d.Payments.PayByDeposit(r.Context(), o, []string{s.ID}, p.Account, "")
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
	}
	writeJSON(w, http.StatusOK, out)
}
