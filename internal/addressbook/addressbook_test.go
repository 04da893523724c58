package addressbook_test

import (
	"context"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/addressbook"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/shipment"
	"github.com/ecship/ecship/internal/store"
	"github.com/ecship/ecship/internal/store/storetest"
	"github.com/ecship/ecship/internal/testenv"
)

// A sender's book: an address kept once, found only by its owner, and the default sender of a label
// that names none (the first saved sender, else the account holder in Hong Kong).
func TestBook(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		now := func() time.Time { return time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC) }
		acc := testenv.Accounts(t, st, now)
		shop := testenv.User(t, acc, "bookshop", "book@example.hk", account.Sender)
		other := testenv.User(t, acc, "othershop", "other@example.hk", account.Sender)
		b := &addressbook.Book{Store: st, Now: now}
		if got, err := b.DefaultSender(ctx, shop); err != nil || got.Name != shop.Name() || got.Country != "HK" || got.Email != shop.Email {
			t.Errorf("default sender of an empty book: %+v %v", got, err)
		}
		home := shipment.Address{Name: "Book Shop", Lines: []string{"1 Queen's Road"}, City: "Central", Country: "HK", Phone: "21234567"}
		id, err := b.Save(ctx, shop, addressbook.Sender, home)
		if err != nil {
			t.Fatal(err)
		}
		if again, err := b.Save(ctx, shop, addressbook.Sender, home); err != nil || again != id {
			t.Errorf("the same address again: %s %v; want %s", again, err, id)
		}
		if got, err := b.DefaultSender(ctx, shop); err != nil || got.Name != "Book Shop" {
			t.Errorf("default sender: %+v %v", got, err)
		}
		if _, err := b.Get(ctx, other, id); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("another sender reads the address: %v", err)
		}
		if err := b.Delete(ctx, other, id); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("another sender deletes the address: %v", err)
		}
		if list, err := b.List(ctx, shop, addressbook.Recipient); err != nil || len(list) != 0 {
			t.Errorf("recipients: %v %v", list, err)
		}
		if err := b.Delete(ctx, shop, id); err != nil {
			t.Fatal(err)
		}
		if list, err := b.List(ctx, shop, addressbook.Sender); err != nil || len(list) != 0 {
			t.Errorf("after deleting: %v %v", list, err)
		}
	})
}
