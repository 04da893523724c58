// Package events names what happens that a sender may be told of, and shapes each as the JSON a
// webhook delivers. An event is written by the store in the transaction of the change it reports
// (a label cancelled, an item delivered), so an event exists exactly when its change does, once.
package events

import (
	"encoding/json"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/batch"
	"github.com/ecship/ecship/internal/payment"
	"github.com/ecship/ecship/internal/shipment"
)

// Type is what happened, as "subject.verb".
type Type string

// The events. Tracking milestones are told once per item each, when the label reaches them.
const (
	ShipmentCreated   Type = "shipment.created"
	ShipmentPaid      Type = "shipment.paid"
	ShipmentPrinted   Type = "shipment.printed"
	ShipmentCancelled Type = "shipment.cancelled"
	ShipmentPosted    Type = "shipment.posted"

	TrackingInTransit          Type = "tracking.in_transit"
	TrackingHeldByCustoms      Type = "tracking.held_by_customs"
	TrackingOutForDelivery     Type = "tracking.out_for_delivery"
	TrackingDeliveryFailed     Type = "tracking.delivery_failed"
	TrackingReadyForCollection Type = "tracking.ready_for_collection"
	TrackingDelivered          Type = "tracking.delivered"
	TrackingReturned           Type = "tracking.returned"

	PaymentSettled    Type = "payment.settled"
	RefundApproved    Type = "refund.approved"
	RefundRejected    Type = "refund.rejected"
	RefundRefunded    Type = "refund.refunded"
	BatchCompleted    Type = "batch.completed"
	DepositLowBalance Type = "deposit.low_balance"
)

// Types are every event type, for endpoints to choose from.
var Types = []Type{ShipmentCreated, ShipmentPaid, ShipmentPrinted, ShipmentCancelled, ShipmentPosted,
	TrackingInTransit, TrackingHeldByCustoms, TrackingOutForDelivery, TrackingDeliveryFailed, TrackingReadyForCollection,
	TrackingDelivered, TrackingReturned, PaymentSettled, RefundApproved, RefundRejected, RefundRefunded, BatchCompleted, DepositLowBalance}

// Known says whether t is one of Types.
func Known(t Type) bool {
	for _, k := range Types {
		if k == t {
			return true
		}
	}
	return false
}

// Event is one thing that happened to one of a sender's objects (Subject: a shipment's id, a
// payment's, ...), in one mode. Body is the JSON a webhook delivers.
type Event struct {
	ID        string
	OwnerID   string
	Mode      account.Mode
	Type      Type
	Subject   string
	Body      []byte
	CreatedAt time.Time
}

// body is an event as delivered: what happened, when, in which mode, and the object as it stood.
type body struct {
	ID      string       `json:"id"`
	Type    Type         `json:"type"`
	Created time.Time    `json:"created"`
	Mode    account.Mode `json:"mode"`
	Data    any          `json:"data"`
}

// New is an event of type t about subject, with data (the object as it now stands, JSON-able).
func New(owner string, mode account.Mode, t Type, subject string, data any, at time.Time) (Event, error) {
	e := Event{ID: account.NewID("evt"), OwnerID: owner, Mode: mode, Type: t, Subject: subject, CreatedAt: at.UTC()}
	b, err := json.Marshal(body{ID: e.ID, Type: t, Created: e.CreatedAt, Mode: mode, Data: data})
	if err != nil {
		return Event{}, err
	}
	e.Body = b
	return e, nil
}

// Milestone is the tracking event type of a label's new status, if it is a milestone.
func Milestone(status string) (Type, bool) {
	t := Type("tracking." + status)
	switch t {
	case TrackingInTransit, TrackingHeldByCustoms, TrackingOutForDelivery, TrackingDeliveryFailed, TrackingReadyForCollection, TrackingDelivered, TrackingReturned:
		return t, true
	}
	return "", false
}

// Shipment is a shipment as an event tells it: enough to act on without asking again.
type Shipment struct {
	ID          string `json:"id"`
	ItemNo      string `json:"item_no,omitempty"`
	Status      string `json:"status"`
	Service     string `json:"service"`
	Reference   string `json:"reference,omitempty"`
	Destination string `json:"destination"`
	TotalCents  int64  `json:"total_cents"`
}

// ShipmentData is sh as an event's data.
func ShipmentData(sh *shipment.Shipment) Shipment {
	return Shipment{ID: sh.ID, ItemNo: sh.ItemNo, Status: string(sh.Status), Service: sh.Service, Reference: sh.Reference,
		Destination: sh.Recipient.Country, TotalCents: int64(sh.Total)}
}

// Payment is a payment as an event tells it.
type Payment struct {
	ID            string     `json:"id"`
	Method        string     `json:"method"`
	Status        string     `json:"status"`
	AmountCents   int64      `json:"amount_cents"`
	CapturedCents int64      `json:"captured_cents"`
	Shipments     []string   `json:"shipments"`
	SettledAt     *time.Time `json:"settled_at,omitempty"`
}

// PaymentData is p as an event's data.
func PaymentData(p *payment.Payment) Payment {
	out := Payment{ID: p.ID, Method: string(p.Method), Status: string(p.Status), AmountCents: int64(p.Amount), CapturedCents: int64(p.Captured),
		Shipments: []string{}, SettledAt: p.SettledAt}
	for _, it := range p.Items {
		out.Shipments = append(out.Shipments, it.ShipmentID)
	}
	return out
}

// Refund is a refund application as an event tells it.
type Refund struct {
	ID          string `json:"id"`
	ShipmentID  string `json:"shipment_id"`
	PaymentID   string `json:"payment_id,omitempty"`
	Status      string `json:"status"`
	AmountCents int64  `json:"amount_cents"`
	Note        string `json:"note,omitempty"`
}

// RefundData is r as an event's data.
func RefundData(r *payment.Refund) Refund {
	return Refund{ID: r.ID, ShipmentID: r.ShipmentID, PaymentID: r.PaymentID, Status: string(r.Status), AmountCents: int64(r.Amount), Note: r.Note}
}

// Batch is a batch upload as an event tells it.
type Batch struct {
	ID         string `json:"id"`
	Status     string `json:"status"`
	Filename   string `json:"filename"`
	Rows       int    `json:"rows"`
	Created    int    `json:"created"`
	Incomplete int    `json:"incomplete"`
}

// BatchData is b as an event's data.
func BatchData(b *batch.Batch) Batch {
	return Batch{ID: b.ID, Status: string(b.Status), Filename: b.Filename, Rows: b.Rows, Created: b.Created, Incomplete: b.Incomplete}
}
