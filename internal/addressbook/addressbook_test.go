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
		shopUser := testenv.User(t, acc, "bookshop", "book@example.hk", account.Sender)
		shop := shipment.Owner{User: shopUser, Mode: account.Live}
		other := shipment.Owner{User: testenv.User(t, acc, "othershop", "other@example.hk", account.Sender), Mode: account.Live}
		shopTest := shipment.Owner{User: shopUser, Mode: account.Test}
		b := &addressbook.Book{Store: st, Now: now}
		if got, err := b.DefaultSender(ctx, shop); err != nil || got.Name != shopUser.Name() || got.Country != "HK" || got.Email != shopUser.Email {
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
		// Test mode has a book of its own.
		if _, err := b.Get(ctx, shopTest, id); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("test mode reads the live address: %v", err)
		}
		if list, err := b.List(ctx, shopTest, ""); err != nil || len(list) != 0 {
			t.Errorf("test mode's book: %v %v", list, err)
		}
		if err := b.Update(ctx, shopTest, addressbook.Entry{ID: id, Kind: addressbook.Sender, Address: home}); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("test mode updates the live address: %v", err)
		}
		moved := home
		moved.Lines = []string{"2 Queen's Road"}
		if err := b.Update(ctx, shop, addressbook.Entry{ID: id, Kind: addressbook.Recipient, Address: moved}); err != nil {
			t.Fatal(err)
		}
		if e, err := b.Get(ctx, shop, id); err != nil || e.Kind != addressbook.Recipient || e.Address.Lines[0] != "2 Queen's Road" {
			t.Errorf("updated: %+v %v", e, err)
		}
		if err := b.Update(ctx, shop, addressbook.Entry{ID: id, Kind: addressbook.Sender, Address: home}); err != nil {
			t.Fatal(err)
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

// The book pages by name with a cursor that holds its place while entries are added.
func TestBookPages(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		now := func() time.Time { return time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC) }
		acc := testenv.Accounts(t, st, now)
		o := shipment.Owner{User: testenv.User(t, acc, "pageshop", "page@example.hk", account.Sender), Mode: account.Live}
		b := &addressbook.Book{Store: st, Now: now}
		for _, name := range []string{"Betty", "alice", "Dora", "Carol"} { // mixed case: collations disagree on it
			if _, err := b.Save(ctx, o, addressbook.Recipient, shipment.Address{Name: name, Lines: []string{"1 Main St"}, City: "Sydney", Country: "AU"}); err != nil {
				t.Fatal(err)
			}
		}
		first, next, err := b.Page(ctx, o, "", "", 2)
		if err != nil || len(first) != 2 || first[0].Address.Name != "Betty" || first[1].Address.Name != "Carol" || next == "" {
			t.Fatalf("first page: %v %v %q", first, err, next)
		}
		// Added before every page read so far: the next page stays as it was.
		if _, err := b.Save(ctx, o, addressbook.Recipient, shipment.Address{Name: "Abby", Lines: []string{"1 Main St"}, City: "Sydney", Country: "AU"}); err != nil {
			t.Fatal(err)
		}
		rest, last, err := b.Page(ctx, o, "", next, 2)
		if err != nil || len(rest) != 2 || rest[0].Address.Name != "Dora" || rest[1].Address.Name != "alice" || last != "" {
			t.Errorf("second page: %v %v %q", rest, err, last)
		}
		if _, _, err := b.Page(ctx, o, "", "%%%", 2); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("a bad cursor: %v", err)
		}
		if _, _, err := b.Page(ctx, o, "friend", "", 2); errs.CodeOf(err) != errs.Invalid {
			t.Errorf("a bad kind: %v", err)
		}
	})
}
