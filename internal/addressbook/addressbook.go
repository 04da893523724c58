// Package addressbook is a sender's book of saved addresses: senders and recipients kept when a
// label is prepared, offered again on the next label, and the default sender of a label or a batch
// row that names none.
package addressbook

import (
	"context"
	"encoding/base64"
	"sort"
	"strings"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/shipment"
)

// Kind is what an address is kept as.
type Kind string

// The kinds of address.
const (
	Sender    Kind = "sender"
	Recipient Kind = "recipient"
)

// Entry is one saved address.
type Entry struct {
	ID      string
	Kind    Kind
	Address shipment.Address
}

// MaxEntries bounds one sender's address book.
const MaxEntries = 2000

// Store is what the address book needs from the database (implemented by internal/store). Every
// call names the owner and the mode: anyone else's entry, or one of the other mode, is not found.
type Store interface {
	// SaveAddress keeps an address unless the same one is kept already (answering its id, added
	// false), and refuses past max entries.
	SaveAddress(ctx context.Context, owner string, mode account.Mode, kind Kind, a shipment.Address, max int, now time.Time) (id string, added bool, err error)
	// Addresses lists the entries of a kind ("" for both), by name and id.
	Addresses(ctx context.Context, owner string, mode account.Mode, kind Kind) ([]Entry, error)
	Address(ctx context.Context, owner string, mode account.Mode, id string) (Entry, error)
	UpdateAddress(ctx context.Context, owner string, mode account.Mode, e Entry) error
	DeleteAddress(ctx context.Context, owner string, mode account.Mode, id string) error
}

// Book is every sender's address book: one for the live mode (the portal's and live keys') and
// one for test keys.
type Book struct {
	Store Store
	Now   func() time.Time
}

// Save keeps an address in the owner's book (once).
func (b *Book) Save(ctx context.Context, o shipment.Owner, kind Kind, a shipment.Address) (string, error) {
	id, _, err := b.Add(ctx, o, kind, a)
	return id, err
}

// Add is Save saying whether the address is new to the book (false: kept already, its id).
func (b *Book) Add(ctx context.Context, o shipment.Owner, kind Kind, a shipment.Address) (id string, added bool, err error) {
	if err := checkKind(kind); err != nil {
		return "", false, err
	}
	return b.Store.SaveAddress(ctx, o.User.ID, o.Mode, kind, a, MaxEntries, b.Now())
}

// List is the owner's addresses of a kind ("" for both), by name.
func (b *Book) List(ctx context.Context, o shipment.Owner, kind Kind) ([]Entry, error) {
	if kind != "" {
		if err := checkKind(kind); err != nil {
			return nil, err
		}
	}
	return b.Store.Addresses(ctx, o.User.ID, o.Mode, kind)
}

// Page is a page of the owner's addresses of a kind ("" for both), by name (as bytes compare): up to limit after
// the cursor ("" for the first page), and the next page's cursor ("" after the last). A cursor
// names the last entry given, so entries added meanwhile never shift the next page.
func (b *Book) Page(ctx context.Context, o shipment.Owner, kind Kind, cursor string, limit int) ([]Entry, string, error) {
	all, err := b.List(ctx, o, kind)
	if err != nil {
		return nil, "", err
	}
	// The database orders names by its collation; the cursor compares bytes: order by bytes here.
	sort.SliceStable(all, func(i, j int) bool {
		a, b := all[i], all[j]
		return a.Address.Name < b.Address.Name || a.Address.Name == b.Address.Name && a.ID < b.ID
	})
	start := 0
	if cursor != "" {
		raw, err := base64.RawURLEncoding.DecodeString(cursor)
		name, id, ok := strings.Cut(string(raw), "\x00")
		if err != nil || !ok {
			return nil, "", errs.Field("cursor", "shipment.cursor", nil)
		}
		start = sort.Search(len(all), func(i int) bool {
			a := all[i]
			return a.Address.Name > name || a.Address.Name == name && a.ID > id
		})
	}
	page := all[start:min(len(all), start+limit)]
	next := ""
	if start+limit < len(all) {
		last := page[len(page)-1]
		next = base64.RawURLEncoding.EncodeToString([]byte(last.Address.Name + "\x00" + last.ID))
	}
	return page, next, nil
}

// Get is one of the owner's addresses.
func (b *Book) Get(ctx context.Context, o shipment.Owner, id string) (Entry, error) {
	return b.Store.Address(ctx, o.User.ID, o.Mode, id)
}

// Update replaces one of the owner's addresses.
func (b *Book) Update(ctx context.Context, o shipment.Owner, e Entry) error {
	if err := checkKind(e.Kind); err != nil {
		return err
	}
	return b.Store.UpdateAddress(ctx, o.User.ID, o.Mode, e)
}

// Delete removes one of the owner's addresses.
func (b *Book) Delete(ctx context.Context, o shipment.Owner, id string) error {
	return b.Store.DeleteAddress(ctx, o.User.ID, o.Mode, id)
}

// DefaultSender is the sender of a label that names none: the owner's first saved sender, else
// their name, phone and email in Hong Kong (a label is then incomplete until it has an address).
func (b *Book) DefaultSender(ctx context.Context, o shipment.Owner) (shipment.Address, error) {
	saved, err := b.List(ctx, o, Sender)
	if err != nil {
		return shipment.Address{}, err
	}
	if len(saved) > 0 {
		return saved[0].Address, nil
	}
	u := o.User
	return shipment.Address{Name: u.Name(), Phone: u.Phone, Email: u.Email, Country: "HK"}, nil
}

func checkKind(k Kind) error {
	if k != Sender && k != Recipient {
		return errs.Field("kind", "addressbook.kind", nil)
	}
	return nil
}
