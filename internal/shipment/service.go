package shipment

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/errs"
)

// Filter narrows a sender's list of shipments.
type Filter struct {
	Statuses  []Status
	Search    string    // part of an item number, recipient name or reference
	Reference string    // exactly this reference ("" : any)
	ItemNo    string    // exactly this item number ("" : any)
	From, To  time.Time // created between (zero: open)
	Since     time.Time // never older than this (the sender's 6-month history)
	Before    string    // cursor: continue after this id (lists are newest first)
	Limit     int
}

// Store is what the shipment service needs from the database (implemented by internal/store).
type Store interface {
	CreateShipments(ctx context.Context, list []*Shipment, prefix func(service string) string, now time.Time) error
	// CreateShipmentsOnce stores shipments under a key, in one transaction with the key: when the
	// owner used the key since notBefore, nothing is stored and the earlier use is answered.
	CreateShipmentsOnce(ctx context.Context, k CreateKey, list []*Shipment, prefix func(service string) string, now, notBefore time.Time) (*KeyUse, error)
	// ForgetCreateKey drops a key if it still names these shipments.
	ForgetCreateKey(ctx context.Context, k CreateKey, ids []string) error
	Shipment(ctx context.Context, owner string, mode account.Mode, id string) (*Shipment, error)
	ShipmentsByID(ctx context.Context, owner string, mode account.Mode, ids []string) ([]*Shipment, error)
	Shipments(ctx context.Context, owner string, mode account.Mode, f Filter) ([]*Shipment, string, error)
	// ShipmentStats counts the owner's labels waiting for them and sums what they bought since.
	ShipmentStats(ctx context.Context, owner string, mode account.Mode, since time.Time) (*Stats, error)
	// UpdateShipment saves a sender's change (the Save transition) if the shipment is still
	// editable at the version it was read: unprinted, held by no payment, incomplete or ready.
	UpdateShipment(ctx context.Context, s *Shipment, prefix func(string) string, now time.Time) error
	DeleteShipment(ctx context.Context, owner string, mode account.Mode, id string) error
	// PrintShipments records the Print transition of the owner's labels, all or none.
	PrintShipments(ctx context.Context, owner string, mode account.Mode, ids []string, now time.Time) error
}

// Service is every operation on shipments, for the portal and the API alike. Every call names the
// owner, and the store answers only with the owner's shipments.
type Service struct {
	Store   Store
	Catalog *catalog.Catalog
	Now     func() time.Time
}

// Owner is who acts: the user and the mode of their credential (test data stays apart from live).
type Owner struct {
	User *account.User
	Mode account.Mode
}

// TestSeries is the S10 service indicator's first letter for test-mode items: Z is for domestic
// and bilateral use, so a test label never takes or looks like a live number.
const TestSeries = "Z"

// Prefix returns the first letter of the item numbers of a service's labels in the mode.
func (s *Service) Prefix(mode account.Mode) func(service string) string {
	return func(service string) string {
		if svc, ok := s.Catalog.Service(service); ok && mode == account.Live {
			return svc.S10Prefix
		}
		return TestSeries
	}
}

// Create prepares one or several shipments and stores them all or none. Ready ones get item numbers;
// with draft, ones with problems are kept incomplete instead of refusing the lot. At most 20 go to one
// country at one time (LBL-4), and only a verified account ships (ACC-1).
func (s *Service) Create(ctx context.Context, o Owner, list []*Shipment, draft bool) error {
	now := s.Now()
	if err := s.check(o, list, draft, now); err != nil {
		return err
	}
	return s.Store.CreateShipments(ctx, list, s.Prefix(o.Mode), now)
}

// check prepares shipments to be created: ids, owner, prices and problems; an error when any is
// wrong (with draft, only what cannot be kept at all).
func (s *Service) check(o Owner, list []*Shipment, draft bool, now time.Time) error {
	if !o.User.Verified() {
		return errs.New(errs.Forbidden, "shipment.verify_first", nil)
	}
	if len(list) == 0 {
		return errs.New(errs.Invalid, "shipment.none", nil)
	}
	var all errs.Fields
	for i, sh := range list {
		sh.ID, sh.OwnerID, sh.Mode, sh.ItemNo, sh.CreatedAt, sh.PrintedAt = account.NewID("shp"), o.User.ID, o.Mode, "", time.Time{}, nil
		sh.ExpiresAt, sh.DeleteAfter = nil, nil // a copy starts its own validity and keeping time
		if err := Prepare(s.Catalog, sh, now, draft); err != nil {
			for _, f := range errs.As(err).Fields {
				if len(list) > 1 {
					f.Field = shipmentsPath(i) + f.Field
				}
				all = append(all, f)
			}
		}
	}
	if err := all.Err(); err != nil {
		return err
	}
	return CheckBatch(list)
}

// CreateKey makes a create request count once: Key names the request (an Idempotency-Key, an
// EC-Ship createOrder's refNo), Fingerprint its content (see Fingerprint).
type CreateKey struct {
	OwnerID     string
	Mode        account.Mode
	Key         string
	Fingerprint string
}

// KeyUse is an earlier request under a key: its content's fingerprint and the shipments it made.
type KeyUse struct {
	Fingerprint string
	IDs         []string
}

// KeyWindow is how long a create key is honoured.
const KeyWindow = 24 * time.Hour

// CreateOnce is Create under a key. The first request with the key creates the shipments; another
// with the same key within KeyWindow creates nothing and answers the first one's shipments
// (replayed), or, when its content differs, is a conflict. Concurrent requests with one key create
// once: the key is written in the same transaction as the shipments.
func (s *Service) CreateOnce(ctx context.Context, o Owner, list []*Shipment, draft bool, key string) (out []*Shipment, replayed bool, err error) {
	if key == "" {
		return list, false, s.Create(ctx, o, list, draft)
	}
	k := CreateKey{OwnerID: o.User.ID, Mode: o.Mode, Key: key, Fingerprint: Fingerprint(list, draft)}
	// A key whose shipments were deleted or cancelled since is taken over: the request is made
	// anew (an EC-Ship shop re-creating a cancelled order under its order number). Twice at most:
	// a request racing this one to take the key over is answered by it.
	for range 2 {
		now := s.Now()
		if err := s.check(o, list, draft, now); err != nil {
			return nil, false, err
		}
		prior, err := s.Store.CreateShipmentsOnce(ctx, k, list, s.Prefix(o.Mode), now, now.Add(-KeyWindow))
		if err != nil || prior == nil {
			return list, false, err
		}
		if prior.Fingerprint != k.Fingerprint {
			return nil, false, errs.New(errs.Mismatch, "shipment.key_reused", nil)
		}
		out, err = s.GetMany(ctx, o, prior.IDs)
		if err == nil && !anyCancelled(out) {
			return out, true, nil
		}
		if err != nil && errs.CodeOf(err) != errs.NotFound {
			return nil, false, err
		}
		if err := s.Store.ForgetCreateKey(ctx, k, prior.IDs); err != nil {
			return nil, false, err
		}
	}
	return nil, false, errs.New(errs.Conflict, "shipment.key_busy", nil)
}

func anyCancelled(list []*Shipment) bool {
	for _, sh := range list {
		if sh.Status == Cancelled {
			return true
		}
	}
	return false
}

// Fingerprint is a hash of what a create request asks for: two requests with the same fingerprint
// ask for the same shipments. It is taken of the shipments as the request gives them, before they
// are prepared (no id, price or number yet).
func Fingerprint(list []*Shipment, draft bool) string {
	b, _ := json.Marshal(struct {
		Draft bool
		List  []*Shipment
	}{draft, list}) // plain values: cannot fail
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func shipmentsPath(i int) string { return fmt.Sprintf("shipments[%d].", i) }

// Prepared checks shipments for an import without storing them: ready or incomplete with problems.
// The 20-per-country limit is the label form's (LBL-4); a file takes up to 500 (BAT-1).
func (s *Service) Prepared(o Owner, list []*Shipment) error {
	if !o.User.Verified() {
		return errs.New(errs.Forbidden, "shipment.verify_first", nil)
	}
	now := s.Now()
	for _, sh := range list {
		sh.ID, sh.OwnerID, sh.Mode, sh.ItemNo, sh.CreatedAt, sh.PrintedAt = account.NewID("shp"), o.User.ID, o.Mode, "", time.Time{}, nil
		sh.ExpiresAt, sh.DeleteAfter = nil, nil // a copy starts its own validity and keeping time
		if err := Prepare(s.Catalog, sh, now, true); err != nil {
			return err
		}
	}
	return nil
}

// Get returns one of the owner's shipments; anyone else's is not found.
func (s *Service) Get(ctx context.Context, o Owner, id string) (*Shipment, error) {
	return s.Store.Shipment(ctx, o.User.ID, o.Mode, id)
}

// GetMany returns several of the owner's shipments, in the order asked; any that is not theirs makes
// the whole answer not found.
func (s *Service) GetMany(ctx context.Context, o Owner, ids []string) ([]*Shipment, error) {
	return s.Store.ShipmentsByID(ctx, o.User.ID, o.Mode, ids)
}

// List returns the owner's shipments, newest first, never older than six months (HIS-1).
func (s *Service) List(ctx context.Context, o Owner, f Filter) ([]*Shipment, string, error) {
	for _, st := range f.Statuses {
		if !slices.Contains(Statuses, st) {
			return nil, "", errs.Field("status", "shipment.status_unknown", errs.Args{"status": string(st)})
		}
	}
	f.Since = s.Now().AddDate(0, -HistoryMonths, 0)
	return s.Store.Shipments(ctx, o.User.ID, o.Mode, f)
}

// Update replaces an editable shipment's details and checks it again (until it is paid: LBL-9).
func (s *Service) Update(ctx context.Context, o Owner, id string, next *Shipment, draft bool) (*Shipment, error) {
	cur, err := s.Get(ctx, o, id)
	if err != nil {
		return nil, err
	}
	switch {
	case cur.PrintedAt != nil && (cur.Status == Ready || cur.Status == Incomplete):
		return nil, errs.New(errs.Conflict, "shipment.printed", nil)
	case !cur.Editable():
		return nil, errs.New(errs.Conflict, "shipment.not_editable", errs.Args{"status": string(cur.Status)})
	}
	next.ID, next.OwnerID, next.Mode, next.ItemNo, next.CreatedAt, next.DeleteAfter, next.PrintedAt = cur.ID, cur.OwnerID, cur.Mode, cur.ItemNo, cur.CreatedAt, cur.DeleteAfter, cur.PrintedAt
	next.Version = cur.Version // the edit loses to any change made since it was read
	// Editing, even back to a draft and ready again, never extends a label's validity (LBL-5).
	next.ExpiresAt = cur.ExpiresAt
	if next.Service != cur.Service || next.Recipient.Country != cur.Recipient.Country {
		next.ItemNo = "" // another service prefix or destination: a new number
	}
	now := s.Now()
	if err := Prepare(s.Catalog, next, now, draft); err != nil {
		return nil, err
	}
	if err := s.Store.UpdateShipment(ctx, next, s.Prefix(next.Mode), now); err != nil {
		return nil, err
	}
	return next, nil
}

// Copy prepares a new shipment from one of the owner's, as a draft to check and change.
func (s *Service) Copy(ctx context.Context, o Owner, id string) (*Shipment, error) {
	cur, err := s.Get(ctx, o, id)
	if err != nil {
		return nil, err
	}
	c := *cur
	c.Problems = nil
	if err := s.Create(ctx, o, []*Shipment{&c}, true); err != nil {
		return nil, err
	}
	return &c, nil
}

// Delete removes an incomplete or unpaid shipment.
func (s *Service) Delete(ctx context.Context, o Owner, id string) error {
	return s.Store.DeleteShipment(ctx, o.User.ID, o.Mode, id)
}

// Printable returns the owner's shipments to print or preview: ready or paid, not expired (LBL-5).
// Looking changes nothing; Print records the printing.
func (s *Service) Printable(ctx context.Context, o Owner, ids []string) ([]*Shipment, error) {
	list, err := s.Store.ShipmentsByID(ctx, o.User.ID, o.Mode, ids)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	for _, sh := range list {
		switch {
		case sh.ExpiredAt(now):
			return nil, errs.New(errs.Conflict, "shipment.expired", nil)
		case !Print.Allows(sh.Status):
			return nil, errs.New(errs.Conflict, "shipment.not_printable", errs.Args{"status": string(sh.Status)})
		}
	}
	return list, nil
}

// Print records that the owner printed labels and returns them as printed: from now on the sender
// can no longer edit them (LBL-9). Printing is an action of its own (a POST), never a side effect of
// looking at a label.
func (s *Service) Print(ctx context.Context, o Owner, ids []string) ([]*Shipment, error) {
	ids = unique(ids)
	if _, err := s.Printable(ctx, o, ids); err != nil {
		return nil, err
	}
	if err := s.Store.PrintShipments(ctx, o.User.ID, o.Mode, ids, s.Now()); err != nil {
		return nil, err
	}
	return s.Printable(ctx, o, ids)
}

func unique(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
