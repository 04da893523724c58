package counter

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/money"
	"github.com/ecship/ecship/internal/payment"
	"github.com/ecship/ecship/internal/s10"
	"github.com/ecship/ecship/internal/shipment"
	"github.com/ecship/ecship/internal/tracking"
)

// Store is what the counter needs from the database (implemented by internal/store).
type Store interface {
	CreateCounterSession(ctx context.Context, s *Session) error
	// CounterSession returns a session with its items and payments.
	CounterSession(ctx context.Context, id string) (*Session, error)
	// CounterSessions lists a member of staff's sessions, newest first.
	CounterSessions(ctx context.Context, staffID string, mode account.Mode, limit int) ([]*Session, error)
	// OpenCounterSessions lists every open session in a mode, oldest first, without their items.
	OpenCounterSessions(ctx context.Context, mode account.Mode) ([]*Session, error)
	ShipmentByItemNo(ctx context.Context, mode account.Mode, itemNo string) (*shipment.Shipment, error)
	ShipmentByID(ctx context.Context, id string) (*shipment.Shipment, error)
	PaymentOfShipment(ctx context.Context, owner string, mode account.Mode, shipmentID string) (*payment.Payment, error)
	// ApplyCounterChange makes a change to an open session in one transaction, if the session is
	// still at the version the change was worked out from; else it is a conflict with the key
	// counter.session.changed and nothing is written.
	ApplyCounterChange(ctx context.Context, c *Change) error
}

// Change is one step of a session, written all at once.
type Change struct {
	Session    *Session // its ID and the Version seen; when closing, its receipt number and closing time
	Close      bool
	AddItem    *Item
	UpdateItem *Item  // re-weighed before it was posted
	RemoveItem string // a waiting item's shipment, taken back by the customer
	Payment    *Payment
	Posts      []Posting
	Txns       []payment.Txn
}

// Posting is an item going into the mail: its label updated to the scale's weight and posted
// (if it is still in the state it was scanned in), the postage earned, the overpayment's refund
// application and the "posted" tracking event.
type Posting struct {
	Item          *Item
	Shipment      *shipment.Shipment
	ExpectStatus  shipment.Status
	ExpectPayment string
	Refund        *payment.Refund
	Event         tracking.Event
	Txn           payment.Txn
}

// Service runs counter sessions.
type Service struct {
	Store   Store
	Catalog *catalog.Catalog
	Now     func() time.Time
}

// changedKey is the conflict a change meets when the session changed meanwhile.
const changedKey = "counter.session.changed"

// Clerk is who works a counter and in which mode: live sessions take live labels, test sessions
// (for integrators' tests) test labels. A session is found only by its clerk (or an admin) in its
// own mode.
type Clerk struct {
	User *account.User
	Mode account.Mode
}

// Open starts a session at an office for a member of counter staff (CTR-1: not at a mobile office).
func (s *Service) Open(ctx context.Context, c Clerk, office, speedpostCard string) (*Session, error) {
	staff := c.User
	if !account.Allows(staff, account.CounterStaff) {
		return nil, errs.New(errs.Forbidden, "error.forbidden", nil)
	}
	office = strings.ToUpper(strings.TrimSpace(office))
	o, ok := s.Catalog.Office(office)
	switch {
	case office == "":
		return nil, errs.Field("office", "counter.office.required", nil)
	case !ok:
		return nil, errs.Field("office", "counter.office.unknown", errs.Args{"value": office})
	case !o.AcceptsECShip():
		return nil, errs.Field("office", "counter.office.mobile", errs.Args{"office": o.Names})
	}
	card := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(speedpostCard), " ", ""))
	if len(card) > MaxSpeedpostCard || !alnum(card) {
		return nil, errs.Field("speedpost_card", "counter.card.invalid", errs.Args{"max": MaxSpeedpostCard})
	}
	sess := &Session{ID: account.NewID("cts"), Mode: c.Mode, Office: o.Code, StaffID: staff.ID, StaffLogin: staff.LoginName, Status: Open,
		SpeedpostCard: card, OpenedAt: s.Now()}
	if err := s.Store.CreateCounterSession(ctx, sess); err != nil {
		return nil, err
	}
	return sess, nil
}

func alnum(s string) bool {
	for _, r := range s {
		if !('A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return false
		}
	}
	return true
}

// Get returns a session to the staff who opened it, or to an admin, in the session's mode; to
// anyone else, or in the other mode, it does not exist.
func (s *Service) Get(ctx context.Context, c Clerk, id string) (*Session, error) {
	if !account.Allows(c.User, account.CounterStaff) {
		return nil, errs.New(errs.Forbidden, "error.forbidden", nil)
	}
	sess, err := s.Store.CounterSession(ctx, id)
	if err != nil {
		return nil, err
	}
	if sess.StaffID != c.User.ID && c.User.Role != account.Admin || sess.Mode != c.Mode {
		return nil, errs.New(errs.NotFound, "counter.session.not_found", nil)
	}
	return sess, nil
}

// Recent lists the staff's own sessions in a mode, newest first.
func (s *Service) Recent(ctx context.Context, c Clerk, limit int) ([]*Session, error) {
	if !account.Allows(c.User, account.CounterStaff) {
		return nil, errs.New(errs.Forbidden, "error.forbidden", nil)
	}
	return s.Store.CounterSessions(ctx, c.User.ID, c.Mode, limit)
}

// OpenSessions lists every open session in a mode, oldest first (admins only): a label held by a
// session left open is found and freed from here.
func (s *Service) OpenSessions(ctx context.Context, c Clerk) ([]*Session, error) {
	if !account.Allows(c.User, account.AdminOnly) {
		return nil, errs.New(errs.Forbidden, "error.forbidden", nil)
	}
	return s.Store.OpenCounterSessions(ctx, c.Mode)
}

// open returns the session if it is open.
func (s *Service) open(ctx context.Context, c Clerk, id string) (*Session, error) {
	sess, err := s.Get(ctx, c, id)
	if err != nil {
		return nil, err
	}
	if sess.Status != Open {
		return nil, errs.New(errs.Conflict, "counter.session.closed", nil)
	}
	return sess, nil
}

// change works a change out from the session as it is and applies it; when another change to
// the session got in first, it starts again from the session as it now is.
func (s *Service) change(ctx context.Context, c Clerk, id string, work func(sess *Session, now time.Time) (*Change, error)) (*Session, error) {
	for attempt := 0; ; attempt++ {
		sess, err := s.open(ctx, c, id)
		if err != nil {
			return nil, err
		}
		now := s.Now()
		ch, err := work(sess, now)
		if err != nil || ch == nil {
			return sess, err
		}
		err = s.Store.ApplyCounterChange(ctx, ch)
		if isChanged(err) && attempt < 4 {
			continue
		}
		if err != nil {
			return nil, err
		}
		return sess, nil
	}
}

// Scan is an item at the counter: its label found by item number and checked (CTR-6: expired or
// cancelled labels refused), weighed (CTR-2: the scale prevails), its insurance changed if asked,
// and its postage worked out again. Nothing due: it is posted at once (with any overpayment made
// refundable, CTR-4). More due: it waits for a make-up payment (CTR-3); an unpaid label is paid
// in full here. Scanning a waiting item again re-weighs it.
func (s *Service) Scan(ctx context.Context, c Clerk, id string, in ScanInput) (*Item, error) {
	var out *Item
	_, err := s.change(ctx, c, id, func(sess *Session, now time.Time) (*Change, error) {
		it, ch, err := s.scan(ctx, sess, in, now)
		out = it
		return ch, err
	})
	return out, err
}

// ScanInput is what the counter enters for an item.
type ScanInput struct {
	ItemNo    string
	WeightG   int
	Insurance *money.Cents // nil: as on the label
}

// find is the label of an item number scanned into the session, if the counter may accept it: a
// known label of the session's mode (errors on the item_no field), not accepted in this session
// already, and Acceptable.
func (s *Service) find(ctx context.Context, sess *Session, itemNo string, now time.Time) (*shipment.Shipment, error) {
	n, err := s10.Parse(itemNo)
	if err != nil {
		e := errs.As(err)
		return nil, errs.Field("item_no", e.Message.Key, e.Message.Args)
	}
	sh, err := s.Store.ShipmentByItemNo(ctx, sess.Mode, n.String())
	if errs.CodeOf(err) == errs.NotFound {
		return nil, errs.Field("item_no", "counter.item.unknown", errs.Args{"value": n.String()})
	}
	if err != nil {
		return nil, err
	}
	if prev := sess.Item(sh.ID); prev != nil && prev.Status == Posted {
		return sh, errs.New(errs.Conflict, "counter.item.accepted", errs.Args{"item": sh.ItemNo})
	}
	return sh, Acceptable(sh, now)
}

func (s *Service) scan(ctx context.Context, sess *Session, in ScanInput, now time.Time) (*Item, *Change, error) {
	if in.WeightG <= 0 || in.WeightG > MaxWeightG {
		return nil, nil, errs.Field("weight_g", "counter.weight.required", nil)
	}
	sh, err := s.find(ctx, sess, in.ItemNo, now)
	if err != nil {
		return nil, nil, err
	}
	prev := sess.Item(sh.ID)
	seq := 1
	for _, x := range sess.Items {
		seq = max(seq, x.Seq+1)
	}
	it := &Item{SessionID: sess.ID, ShipmentID: sh.ID, Seq: seq, ItemNo: sh.ItemNo, OwnerID: sh.OwnerID, Service: sh.Service,
		Destination: sh.Recipient.Country, Status: AwaitingPayment, DeclaredG: sh.WeightG, WeightG: in.WeightG, Insurance: sh.Insurance, ScannedAt: now,
		LabelVersion: sh.Version}
	if in.Insurance != nil {
		it.Insurance = *in.Insurance
	}
	priced, err := s.priced(sh, it, now)
	if err != nil {
		return nil, nil, err
	}
	it.Postage = priced.Total
	if sh.Status == shipment.Paid {
		p, err := s.Store.PaymentOfShipment(ctx, sh.OwnerID, sh.Mode, sh.ID)
		if err != nil {
			return nil, nil, err
		}
		it.PaidBefore, it.PaymentID = p.PaidFor(sh.ID), p.ID
	}
	it.Refundable = max(0, it.PaidBefore-it.Postage)
	if sess.SpeedpostCard != "" && sh.Service == "EMS" {
		it.BonusPoints = BonusPoints(priced.Postage + priced.Fees)
	}
	ch := &Change{Session: sess}
	if prev != nil {
		it.Seq, it.ScannedAt = prev.Seq, prev.ScannedAt
		*prev = *it
		it = prev
		ch.UpdateItem = it
	} else {
		sess.Items = append(sess.Items, it)
		ch.AddItem = it
	}
	if err := s.post(ctx, sess, ch, now); err != nil {
		return nil, nil, err
	}
	return it, ch, nil
}

// Acceptable refuses a label the counter may not accept: only ready or paid labels within their
// validity (CTR-6, LBL-5).
func Acceptable(sh *shipment.Shipment, now time.Time) error {
	args := errs.Args{"item": sh.ItemNo}
	switch {
	case sh.Status == shipment.Cancelled:
		return errs.New(errs.Conflict, "counter.item.cancelled", args)
	case sh.Status == shipment.Expired || sh.ExpiredAt(now):
		return errs.New(errs.Conflict, "counter.item.expired", args)
	case sh.Status == shipment.Incomplete:
		return errs.New(errs.Conflict, "counter.item.incomplete", args)
	case sh.Status != shipment.Ready && sh.Status != shipment.Paid:
		return errs.New(errs.Conflict, "counter.item.posted", args)
	}
	return nil
}

// priced is the label as weighed at the counter: the scale's weight and the insurance asked
// for, priced again. What the clerk's checks refuse at that weight (over the service's limit,
// contents heavier than the item) is the error, by field.
func (s *Service) priced(sh *shipment.Shipment, it *Item, now time.Time) (*shipment.Shipment, error) {
	c := *sh
	c.WeightG, c.Insurance = it.WeightG, it.Insurance
	if fe := shipment.Check(s.Catalog, &c, now); len(fe) > 0 {
		return nil, fe.Err()
	}
	return &c, nil
}

// post adds to the change every waiting item the session's credit now covers.
func (s *Service) post(ctx context.Context, sess *Session, ch *Change, now time.Time) error {
	office, ok := s.Catalog.Office(sess.Office)
	if !ok {
		return errs.New(errs.Conflict, "counter.office.unknown", errs.Args{"value": sess.Office})
	}
	for _, it := range sess.settle(now) {
		sh, err := s.Store.ShipmentByID(ctx, it.ShipmentID)
		if err != nil {
			return err
		}
		if err := Acceptable(sh, now); err != nil {
			return err
		}
		priced, err := s.priced(sh, it, now)
		if err != nil {
			return err
		}
		if priced.Total != it.Postage {
			return errs.New(errs.Conflict, "counter.item.changed", errs.Args{"item": it.ItemNo})
		}
		posted := now
		priced.Status, priced.PostedAt, priced.PostedOffice, priced.UpdatedAt = shipment.Posted, &posted, office.Code, now
		p := Posting{Item: it, Shipment: priced, ExpectStatus: sh.Status, ExpectPayment: it.PaymentID,
			Event: tracking.PostedAt(it.ItemNo, office, now),
			Txn:   payment.Move("post:"+it.ShipmentID, "posting", it.ShipmentID, payment.PostageUnearned, payment.PostageRevenue, it.Postage, now)}
		if it.Refundable > 0 {
			p.Refund = &payment.Refund{ID: account.NewID("ref"), OwnerID: sh.OwnerID, Mode: sh.Mode, ShipmentID: sh.ID, PaymentID: it.PaymentID,
				Reason: payment.ReasonOverpayment, Amount: it.Refundable, Status: payment.RefundSubmitted, CreatedAt: now}
		}
		ch.Posts = append(ch.Posts, p)
	}
	return nil
}

// Pay takes a make-up payment by a counter method (CTR-3). It may not be more than is due; it
// posts the waiting items it covers, in scanning order. The same key again counts once.
func (s *Service) Pay(ctx context.Context, c Clerk, id, method string, amount money.Cents, key string) (*Session, error) {
	method = strings.ToLower(strings.TrimSpace(method))
	if !ValidMethod(method) {
		return nil, errs.Field("method", "counter.method.unknown", errs.Args{"methods": strings.Join(Methods, ", ")})
	}
	if amount <= 0 {
		return nil, errs.Field("amount", "counter.amount.positive", nil)
	}
	if key == "" {
		key = account.NewID("k")
	}
	return s.change(ctx, c, id, func(sess *Session, now time.Time) (*Change, error) {
		for _, p := range sess.Payments {
			if p.Key == key {
				if p.Method != method || p.Amount != amount {
					return nil, errs.New(errs.Mismatch, "payment.idempotency_mismatch", nil)
				}
				return nil, nil // the same payment again: already taken
			}
		}
		if due := sess.Due(); amount > due {
			return nil, errs.Field("amount", "counter.amount.over_due", errs.Args{"due": due.Display()})
		}
		p := &Payment{ID: account.NewID("cpy"), SessionID: sess.ID, Method: method, Amount: amount, Key: key, At: now}
		sess.Payments = append(sess.Payments, p)
		ch := &Change{Session: sess, Payment: p,
			Txns: []payment.Txn{payment.Move("counter:"+p.ID, "counter", sess.ID, payment.CounterAccount(method), payment.PostageUnearned, amount, now)}}
		return ch, s.post(ctx, sess, ch, now)
	})
}

// Remove takes back an item still waiting for payment (the customer decided not to post it, or
// its label was cancelled meanwhile). Money already taken towards it is given back at closing.
func (s *Service) Remove(ctx context.Context, c Clerk, id, itemNo string) (*Session, error) {
	return s.change(ctx, c, id, func(sess *Session, now time.Time) (*Change, error) {
		var it *Item
		for i, x := range sess.Items {
			if strings.EqualFold(x.ItemNo, strings.ReplaceAll(itemNo, " ", "")) {
				it = x
				sess.Items = append(sess.Items[:i:i], sess.Items[i+1:]...)
				break
			}
		}
		switch {
		case it == nil:
			return nil, errs.New(errs.NotFound, "counter.item.not_in_session", errs.Args{"item": itemNo})
		case it.Status == Posted:
			return nil, errs.New(errs.Conflict, "counter.item.accepted", errs.Args{"item": it.ItemNo})
		}
		return &Change{Session: sess, RemoveItem: it.ShipmentID}, nil
	})
}

// Close ends the visit: nothing may still be due (CTR-3); money taken and not used is given back;
// the session gets its receipt number and the consolidated receipt can be printed (CTR-5).
func (s *Service) Close(ctx context.Context, c Clerk, id string) (*Session, error) {
	return s.change(ctx, c, id, func(sess *Session, now time.Time) (*Change, error) {
		var waiting []string
		for _, it := range sess.Items {
			if it.Status != Posted {
				waiting = append(waiting, it.ItemNo)
			}
		}
		if len(waiting) > 0 {
			return nil, errs.New(errs.Conflict, "counter.close.due", errs.Args{"due": sess.Due().Display(), "items": strings.Join(waiting, ", ")})
		}
		closed := now
		sess.Status, sess.ClosedAt = Closed, &closed
		sess.ReceiptNo = receiptNo(sess, now)
		ch := &Change{Session: sess, Close: true}
		// Money taken here that no item used (an item re-weighed lighter, taken back, or paid
		// online meanwhile) goes back to the customer as change, by the last method used.
		if credit := sess.Credit(); credit > 0 {
			last := sess.Payments[len(sess.Payments)-1]
			p := &Payment{ID: account.NewID("cpy"), SessionID: sess.ID, Method: last.Method, Amount: -credit, Key: "change:" + sess.ID, At: now}
			sess.Payments = append(sess.Payments, p)
			ch.Payment = p
			ch.Txns = []payment.Txn{payment.Move("counter:"+p.ID, "counter_change", sess.ID, payment.PostageUnearned, payment.CounterAccount(p.Method), credit, now)}
		}
		return ch, nil
	})
}

// receiptNo is the office, the Hong Kong date and a random part: "GPO-20261121-7K3QX2".
func receiptNo(sess *Session, now time.Time) string {
	r := strings.ToUpper(strings.TrimPrefix(account.NewID("r"), "r_"))
	return sess.Office + "-" + now.In(catalog.HongKong).Format("20060102") + "-" + r[:6]
}

// isChanged reports whether err is the conflict of a session changed meanwhile.
func isChanged(err error) bool {
	var e *errs.Error
	return errors.As(err, &e) && e.Message.Key == changedKey
}
