package shipment

// Transition is one change of a label's state. A label's states and the ways between them are
// listed here and nowhere else; the store carries each transition out as one conditional write
// (the label still in a state the transition starts from, at the version the caller saw) in one
// transaction, and a caller that lost a race gets a conflict naming the label's state as it is.
type Transition string

// The transitions of a label's life.
const (
	Save     Transition = "save"     // created, or edited by its sender: incomplete or ready
	Claim    Transition = "claim"    // a payment begins: the ready label is held for it
	Release  Transition = "release"  // the payment was declined or never reached the gateway
	Pay      Transition = "pay"      // the payment was approved: ready -> paid
	Print    Transition = "print"    // printed by its sender: no longer editable (LBL-9)
	Cancel   Transition = "cancel"   // withdrawn by its sender before posting
	Post     Transition = "post"     // accepted at a counter
	Expire   Transition = "expire"   // 90 days passed without payment (LBL-5)
	Progress Transition = "progress" // a tracking event moved a posted item on
	Delete   Transition = "delete"   // removed by its sender while unpaid
)

// from lists the states each transition starts from.
var from = map[Transition][]Status{
	Save:     {Incomplete, Ready},
	Claim:    {Ready},
	Release:  {Ready},
	Pay:      {Ready},
	Print:    {Ready, Paid},
	Cancel:   {Ready, Paid},
	Post:     {Ready, Paid},
	Expire:   {Ready},
	Progress: {Posted, InTransit, Delivered, Returned},
	Delete:   {Incomplete, Ready},
}

// From lists the states t starts from.
func (t Transition) From() []Status { return from[t] }

// Allows reports whether t may start from st.
func (t Transition) Allows(st Status) bool {
	for _, s := range from[t] {
		if s == st {
			return true
		}
	}
	return false
}
