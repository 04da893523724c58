// Package addressbook is a sender's book of saved addresses: senders and recipients kept when a
// label is prepared, offered again on the next label, and the default sender of a label or a batch
// row that names none.
package addressbook

import (
	"context"
	"time"

	"github.com/ecship/ecship/internal/account"
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
// call names the owner: anyone else's entry is not found.
type Store interface {
	// SaveAddress keeps an address unless the same one is kept already (answering its id), and
	// refuses past max entries.
	SaveAddress(ctx context.Context, owner string, kind Kind, a shipment.Address, max int, now time.Time) (string, error)
	Addresses(ctx context.Context, owner string, kind Kind) ([]Entry, error)
	Address(ctx context.Context, owner, id string) (Entry, error)
	DeleteAddress(ctx context.Context, owner, id string) error
}

// Book is every sender's address book.
type Book struct {
	Store Store
	Now   func() time.Time
}

// Save keeps an address in the owner's book (once).
func (b *Book) Save(ctx context.Context, owner *account.User, kind Kind, a shipment.Address) (string, error) {
	return b.Store.SaveAddress(ctx, owner.ID, kind, a, MaxEntries, b.Now())
}

// List is the owner's addresses of a kind, by name.
func (b *Book) List(ctx context.Context, owner *account.User, kind Kind) ([]Entry, error) {
	return b.Store.Addresses(ctx, owner.ID, kind)
}

// Get is one of the owner's addresses.
func (b *Book) Get(ctx context.Context, owner *account.User, id string) (Entry, error) {
	return b.Store.Address(ctx, owner.ID, id)
}

// Delete removes one of the owner's addresses.
func (b *Book) Delete(ctx context.Context, owner *account.User, id string) error {
	return b.Store.DeleteAddress(ctx, owner.ID, id)
}

// DefaultSender is the sender of a label that names none: the owner's first saved sender, else
// their name, phone and email in Hong Kong (a label is then incomplete until it has an address).
func (b *Book) DefaultSender(ctx context.Context, owner *account.User) (shipment.Address, error) {
	saved, err := b.List(ctx, owner, Sender)
	if err != nil {
		return shipment.Address{}, err
	}
	if len(saved) > 0 {
		return saved[0].Address, nil
	}
	return shipment.Address{Name: owner.Name(), Phone: owner.Phone, Email: owner.Email, Country: "HK"}, nil
}
