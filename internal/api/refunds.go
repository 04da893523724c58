package api

import (
	"net/http"

	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/payment"
)

type refundOut struct {
	ID         string `json:"id"`
	ShipmentID string `json:"shipment_id"`
	Reason     string `json:"reason"`
	Amount     *Money `json:"amount"`
	Status     string `json:"status"`
	Note       string `json:"note,omitempty"`
	CreatedAt  string `json:"created_at"`
	VettedAt   string `json:"vetted_at,omitempty"`
	RefundedAt string `json:"refunded_at,omitempty"`
}

func refundJSON(r *payment.Refund) refundOut {
	return refundOut{ID: r.ID, ShipmentID: r.ShipmentID, Reason: r.Reason, Amount: HKD(r.Amount), Status: string(r.Status), Note: r.Note,
		CreatedAt: rfc3339(&r.CreatedAt), VettedAt: rfc3339(r.VettedAt), RefundedAt: rfc3339(r.RefundedAt)}
}

// createRefund applies for a refund: {"shipment_id": "...", "reason": "cancelled"} cancels a paid
// label whose payment was settled and opens its application.
func (d *Deps) createRefund(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ShipmentID string `json:"shipment_id"`
		Reason     string `json:"reason"`
	}
	if err := decode(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	if in.Reason != "" && in.Reason != payment.ReasonCancelled {
		WriteError(w, r, errs.Field("reason", "refund.reason", nil))
		return
	}
	c, err := d.Payments.Cancel(r.Context(), d.owner(r), in.ShipmentID, true)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, refundJSON(c.Refund))
}

// listRefunds answers the caller's applications, newest first: ?status=submitted,approved&
// created_after=&created_before=&limit=&cursor=.
func (d *Deps) listRefunds(w http.ResponseWriter, r *http.Request) {
	f := payment.RefundFilter{Before: r.URL.Query().Get("cursor")}
	for _, st := range statusList(r) {
		f.Statuses = append(f.Statuses, payment.RefundStatus(st))
	}
	var err error
	if f.Limit, err = listLimit(r, 50, 100); err == nil {
		f.From, f.To, err = createdRange(r)
	}
	if err != nil {
		WriteError(w, r, err)
		return
	}
	list, next, err := d.Refunds.Page(r.Context(), d.owner(r), f)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	out := make([]refundOut, len(list))
	for i, ref := range list {
		out[i] = refundJSON(ref)
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out, "next_cursor": next})
}

// vetRefund is an admin's decision: POST /api/v1/refunds/{id}/approve or /reject {"note": "..."}.
func (d *Deps) vetRefund(approve bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Note string `json:"note"`
		}
		if r.ContentLength != 0 {
			if err := decode(w, r, &in); err != nil {
				WriteError(w, r, err)
				return
			}
		}
		ref, err := d.Refunds.Vet(r.Context(), d.owner(r), r.PathValue("id"), approve, in.Note)
		if err != nil {
			WriteError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, refundJSON(ref))
	}
}
