// Package shipment is a shipping label's life: what it carries (addresses, contents, customs,
// insurance), the checks a postal clerk would make, its price and item number, and its states from
// incomplete to delivered (rule LBL-*, HIS-*). Time comes from the caller, so rules about days hold
// under test.
package shipment

import (
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/money"
)

// Status is where a shipment is in its life.
type Status string

// The states (DESIGN: incomplete -> ready -> paid -> posted -> in transit -> delivered; side exits
// cancelled, expired, returned).
const (
	Incomplete Status = "incomplete"
	Ready      Status = "ready"
	Paid       Status = "paid"
	Posted     Status = "posted"
	InTransit  Status = "in_transit"
	Delivered  Status = "delivered"
	Cancelled  Status = "cancelled"
	Expired    Status = "expired"
	Returned   Status = "returned"
)

// Statuses lists every state.
var Statuses = []Status{Incomplete, Ready, Paid, Posted, InTransit, Delivered, Cancelled, Expired, Returned}

// Lifetimes of rule LBL-5 and LBL-6 and the history window of HIS-1.
const (
	LabelValidity   = 90 * 24 * time.Hour // a ready label expires 90 days after creation
	IncompleteKept  = 90 * 24 * time.Hour // an incomplete one is deleted 90 days after first saved
	HistoryMonths   = 6                   // senders see six months of history
	MaxPerCountry   = 20                  // labels prepared at one time for one country (LBL-4)
	MaxAddressLines = 3
	MaxLineLength   = 60
	MaxReference    = 40
	MaxArticles     = 10
	MaxDescription  = 60
	MaxExplanation  = 100
)

// Address is a sender's or recipient's address.
type Address struct {
	Name       string   `json:"name"`
	Company    string   `json:"company"`
	Lines      []string `json:"address_lines"`
	City       string   `json:"city"`
	State      string   `json:"state"`
	PostalCode string   `json:"postal_code"`
	Country    string   `json:"country"`
	Phone      string   `json:"phone"`
	Email      string   `json:"email"`
}

// Collection is where the recipient collects an item instead of having it delivered: a post
// office counter or an iPostal station (EC-Ship mail types CC, PL and SP), by the place's code.
type Collection struct {
	Kind   string `json:"kind"`   // CollectCounter or CollectIPostal
	Office string `json:"office"` // the office's or station's code
}

// Kinds of collection.
const (
	CollectCounter = "counter"
	CollectIPostal = "ipostal"
)

// Notice is how the recipient asked to be told of the item (EC-Ship noticeMethod and smsLang), kept
// for the notices sent as the item moves.
type Notice struct {
	Method  string `json:"method"`
	SMSLang string `json:"sms_lang,omitempty"`
}

// Article is one line of a customs declaration.
type Article struct {
	Description string      `json:"description"`
	Quantity    int         `json:"quantity"`
	WeightG     int         `json:"weight_g"`
	Value       money.Cents `json:"value"`
	Currency    string      `json:"currency"`
	HSCode      string      `json:"hs_code"`
	Origin      string      `json:"origin_country"`
}

// Contents is what is inside: the customs category and articles (rule LBL-11).
type Contents struct {
	Category    string    `json:"category"`
	Explanation string    `json:"explanation"`
	Items       []Article `json:"items"`
}

// Customs categories of the CN22/CN23 forms.
var Categories = []string{"gift", "documents", "sample", "returned", "sale", "other"}

// Shipment is one item and its label.
type Shipment struct {
	ID         string
	OwnerID    string
	Mode       account.Mode
	Status     Status
	Service    string
	Reference  string
	WeightG    int
	Dimensions *catalog.Dimensions
	Sender     Address
	Recipient  Address
	Contents   *Contents
	Insurance  money.Cents // declared value to insure; 0 for none
	Collect    *Collection // collected by the recipient instead of delivered; nil for delivery
	Notice     *Notice     // how the recipient is to be told; nil when not asked

	// ChooseLater keeps a shipment sent without a service incomplete, instead of refusing it,
	// when the service is all it lacks: its Rates are offered and Choose picks one. A request's
	// wish, not stored.
	ChooseLater bool `json:"-"`

	// Filled in when the shipment is complete and checked.
	Format      string
	Postage     money.Cents
	Fees        money.Cents
	Premium     money.Cents
	Total       money.Cents
	Sample      bool   // the price uses sample rates
	CustomsForm string // CN22 or CN23, or "" for local items
	USExchange  string // JFK or OTHERS for e-Express+ to the US
	ItemNo      string

	Problems []Problem // why an incomplete shipment is not ready

	CreatedAt   time.Time
	UpdatedAt   time.Time
	ExpiresAt   *time.Time // ready labels: 90 days after creation
	DeleteAfter *time.Time // incomplete ones: 90 days after first saved
	PrintedAt   *time.Time

	// Filled in when it is accepted at a counter.
	PostedAt     *time.Time
	PostedOffice string // the office's code

	// Version counts the label's changes: a change names the version it was worked out from, and
	// loses to any change made meanwhile (see Transition).
	Version int
}

// Problem is one thing wrong or missing, by field path ("recipient.postal_code") and message key.
type Problem struct {
	Field string         `json:"field"`
	Key   string         `json:"key"`
	Args  map[string]any `json:"args,omitempty"`
}

// Editable reports whether the sender may still change the shipment: until it is printed or paid.
// After printing, only insurance and weight may change, and only at the counter (LBL-9).
func (s *Shipment) Editable() bool { return Save.Allows(s.Status) && s.PrintedAt == nil }

// Deletable reports whether the sender may delete it: incomplete or ready and unpaid.
func (s *Shipment) Deletable() bool { return Delete.Allows(s.Status) }

// Cancellable reports whether the sender may cancel it before posting.
func (s *Shipment) Cancellable() bool { return Cancel.Allows(s.Status) }

// ExpiredAt reports whether a ready or paid label has passed its validity at now (LBL-5).
func (s *Shipment) ExpiredAt(now time.Time) bool {
	return s.ExpiresAt != nil && !now.Before(*s.ExpiresAt) && (s.Status == Ready || s.Status == Paid)
}
