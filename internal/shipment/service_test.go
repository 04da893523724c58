package shipment_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/mail"
	"github.com/ecship/ecship/internal/money"
	"github.com/ecship/ecship/internal/payment"
	"github.com/ecship/ecship/internal/s10"
	"github.com/ecship/ecship/internal/shipment"
	"github.com/ecship/ecship/internal/store"
	"github.com/ecship/ecship/internal/store/storetest"
	"github.com/ecship/ecship/internal/testenv"
)

var ctx = context.Background()

type env struct {
	svc  *shipment.Service
	pay  *payment.Service
	st   *store.Store
	now  time.Time
	a, b shipment.Owner
}

func newEnv(t *testing.T, st *store.Store) *env {
	t.Helper()
	cat := testenv.Catalog(t)
	e := &env{st: st, now: time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)}
	acc := testenv.Accounts(t, st, func() time.Time { return e.now })
	acc.Mail = &mail.Mailer{Outbox: st, Log: slog.New(slog.DiscardHandler), Now: func() time.Time { return e.now }}
	ua := testenv.User(t, acc, "shopa", "a@example.hk", account.Sender)
	ub := testenv.User(t, acc, "shopb", "b@example.hk", account.Sender)
	e.a, e.b = shipment.Owner{User: ua, Mode: account.Live}, shipment.Owner{User: ub, Mode: account.Live}
	e.svc = &shipment.Service{Store: st, Catalog: cat, Now: func() time.Time { return e.now }}
	e.pay = &payment.Service{Store: st, Now: func() time.Time { return e.now }}
	return e
}

// create makes shipments for o (drafts when draft is set), failing the test when that fails.
func (e *env) create(t testing.TB, o shipment.Owner, draft bool, list ...*shipment.Shipment) {
	t.Helper()
	if err := e.svc.Create(ctx, o, list, draft); err != nil {
		t.Fatalf("create %d shipments: %v", len(list), err)
	}
}

// list is the first page of o's shipments that f selects, failing the test when listing fails.
func (e *env) list(t testing.TB, o shipment.Owner, f shipment.Filter) []*shipment.Shipment {
	t.Helper()
	l, _, err := e.svc.List(ctx, o, f) // the cursor to the next page: these lists fit on one
	if err != nil {
		t.Fatalf("list %+v: %v", f, err)
	}
	return l
}

// get is o's shipment id, failing the test when it cannot be read.
func (e *env) get(t testing.TB, o shipment.Owner, id string) *shipment.Shipment {
	t.Helper()
	sh, err := e.svc.Get(ctx, o, id)
	if err != nil {
		t.Fatalf("get %s: %v", id, err)
	}
	return sh
}

func parcel(to, zip string) *shipment.Shipment {
	return &shipment.Shipment{Service: "AEX", Reference: "ORDER-" + to, WeightG: 450,
		Sender:    shipment.Address{Name: "陳大文", Lines: []string{"8 Nathan Road"}, City: "Kowloon", Country: "HK", Phone: "85291234567"},
		Recipient: shipment.Address{Name: "Jane Doe " + zip, Lines: []string{"350 Fifth Avenue"}, City: "New York", PostalCode: zip, Country: to},
		Contents: &shipment.Contents{Category: "sale", Items: []shipment.Article{{Description: "Silk scarf", Quantity: 2, WeightG: 300,
			Value: money.MustParse("380.00"), Currency: "HKD", HSCode: "621410", Origin: "HK"}}}}
}

// rule: LBL-4, LBL-10
func TestCreateNumbersAndIsolates(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		var list []*shipment.Shipment
		for i := range 20 {
			list = append(list, parcel("US", fmt.Sprintf("1%04d", 100+i)))
		}
		if err := e.svc.Create(ctx, e.a, list, false); err != nil {
			t.Fatalf("20 to the US: %v", err)
		}
		seen := map[string]bool{}
		for _, sh := range list {
			n, err := s10.Parse(sh.ItemNo)
			if err != nil || n.Service[0] != 'L' || n.Country != "HK" || seen[sh.ItemNo] || sh.Status != shipment.Ready {
				t.Errorf("item number %q (%v) status %s", sh.ItemNo, err, sh.Status)
			}
			seen[sh.ItemNo] = true
		}
		// A 21st for one country in one go is refused whole.
		var many []*shipment.Shipment
		for range 21 {
			many = append(many, parcel("US", "10118"))
		}
		if err := e.svc.Create(ctx, e.a, many, false); errs.As(err).Message.Key != "shipment.batch.per_country" {
			t.Errorf("21 to one country: %v", err)
		}
		// One bad shipment in a batch: nothing created, and its field named with its index.
		bad := []*shipment.Shipment{parcel("US", "10118"), parcel("US", "1011")}
		err := e.svc.Create(ctx, e.a, bad, false)
		if f := errs.As(err).Fields; len(f) != 1 || f[0].Field != "shipments[1].recipient.postal_code" {
			t.Errorf("bad batch: %v", err)
		}
		all := e.list(t, e.a, shipment.Filter{Limit: 500})
		if len(all) != 20 {
			t.Errorf("%d shipments after refused batches; want 20", len(all))
		}
		// Sender B cannot read A's shipment, by id or by listing; nor can A's test key.
		if _, err := e.svc.Get(ctx, e.b, list[0].ID); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("B reads A's shipment: %v", err)
		}
		if l := e.list(t, e.b, shipment.Filter{}); len(l) != 0 {
			t.Errorf("B lists %d of A's", len(l))
		}
		if _, err := e.svc.Get(ctx, shipment.Owner{User: e.a.User, Mode: account.Test}, list[0].ID); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("a test key reads live data: %v", err)
		}
		if err := e.svc.Delete(ctx, e.b, list[0].ID); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("B deletes A's: %v", err)
		}
		if _, err := e.pay.Cancel(ctx, e.b, list[0].ID, false); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("B cancels A's: %v", err)
		}
	})
}

// rule: HIS-1, HIS-2
func TestListSearchPageAndHistoryWindow(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		old := parcel("US", "90210")
		e.now = e.now.AddDate(0, -7, 0)
		e.create(t, e.a, false, old)
		e.now = e.now.AddDate(0, 7, 0)
		for i := range 7 {
			e.now = e.now.Add(time.Minute)
			e.create(t, e.a, false, parcel("US", fmt.Sprintf("1%04d", i)))
		}
		draft := &shipment.Shipment{Service: "ARM", Recipient: shipment.Address{Name: "Taro", Country: "JP"}}
		e.create(t, e.a, true, draft)
		l := e.list(t, e.a, shipment.Filter{Limit: 100})
		if len(l) != 8 {
			t.Errorf("%d listed; want 8 (the 7-month-old one is past the 6-month history)", len(l))
		}
		l = e.list(t, e.a, shipment.Filter{Statuses: []shipment.Status{shipment.Incomplete}})
		if len(l) != 1 || l[0].ID != draft.ID {
			t.Errorf("incomplete list: %d", len(l))
		}
		l = e.list(t, e.a, shipment.Filter{Search: "jane doe 10003"})
		if len(l) != 1 {
			t.Errorf("search by recipient: %d", len(l))
		}
		all := e.list(t, e.a, shipment.Filter{Statuses: []shipment.Status{shipment.Ready}})
		l = e.list(t, e.a, shipment.Filter{Search: strings.ToLower(all[3].ItemNo[2:11])})
		if len(l) != 1 || l[0].ID != all[3].ID {
			t.Errorf("search by part of the item number: %d", len(l))
		}
		// Case is ignored on both databases (SQLite's LIKE, PostgreSQL's ILIKE), and the
		// searched text is a literal: % and _ are not wildcards.
		for q, want := range map[string]int{strings.ToLower(all[3].ItemNo): 1, "JANE DOE 10003": 1, "%": 0, "jane_doe": 0} {
			if l = e.list(t, e.a, shipment.Filter{Search: q}); len(l) != want {
				t.Errorf("search %q: %d found; want %d", q, len(l), want)
			}
		}
		var pages [][]*shipment.Shipment
		cursor := ""
		for {
			page, next, err := e.svc.List(ctx, e.a, shipment.Filter{Limit: 3, Before: cursor})
			if err != nil {
				t.Fatal(err)
			}
			pages = append(pages, page)
			if next == "" {
				break
			}
			cursor = next
		}
		if len(pages) != 3 || len(pages[0]) != 3 || len(pages[2]) != 2 || pages[1][0].CreatedAt.After(pages[0][2].CreatedAt) {
			t.Errorf("pages of 3: %d pages", len(pages))
		}
	})
}

// rule: LBL-9
func TestPrintedLabelsAreNoLongerTheSendersToEdit(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		sh := parcel("US", "10118")
		e.create(t, e.a, false, sh)
		if _, err := e.svc.Printable(ctx, e.a, []string{sh.ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Update(ctx, e.a, sh.ID, parcel("US", "90210"), false); err != nil {
			t.Errorf("a previewed label is still editable: %v", err)
		}
		before := e.get(t, e.a, sh.ID) // an edit that read the label before it was printed
		if _, err := e.svc.Print(ctx, e.a, []string{sh.ID}); err != nil {
			t.Fatal(err)
		}
		before.Reference = "RACED"
		if err := st.UpdateShipment(ctx, before, e.svc.Prefix(account.Live), e.now); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("an edit racing a print: %v", err)
		}
		_, err := e.svc.Update(ctx, e.a, sh.ID, parcel("US", "10118"), false)
		if errs.As(err).Message.Key != "shipment.printed" {
			t.Errorf("editing a printed label: %v", err)
		}
		got := e.get(t, e.a, sh.ID)
		if got.PrintedAt == nil || got.Editable() || got.Recipient.PostalCode != "90210-" && got.Recipient.PostalCode != "90210" {
			t.Errorf("after printing: printed %v editable %v zip %s", got.PrintedAt, got.Editable(), got.Recipient.PostalCode)
		}
		// It can still be copied (a fresh, unprinted label) or cancelled.
		if cp, err := e.svc.Copy(ctx, e.a, sh.ID); err != nil || !cp.Editable() {
			t.Errorf("copy of a printed label: %v", err)
		}
		if _, err := e.pay.Cancel(ctx, e.a, sh.ID, false); err != nil {
			t.Errorf("cancel a printed label: %v", err)
		}
	})
}

func TestEditCopyDeleteCancel(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		sh := parcel("US", "10118")
		e.create(t, e.a, false, sh)
		next := parcel("US", "90210")
		got, err := e.svc.Update(ctx, e.a, sh.ID, next, false)
		if err != nil || got.USExchange != shipment.ExchangeOthers || got.ItemNo != sh.ItemNo || !got.ExpiresAt.Equal(*sh.ExpiresAt) {
			t.Fatalf("edit: %v %+v", err, got)
		}
		// rule: LBL-5 — a label's 90 days are not renewed by saving it as a draft and completing it again.
		e.now = e.now.Add(30 * 24 * time.Hour)
		draft := parcel("US", "90210")
		draft.Recipient.Name = ""
		if got, err = e.svc.Update(ctx, e.a, sh.ID, draft, true); err != nil || got.Status != shipment.Incomplete {
			t.Fatalf("back to a draft: %v %+v", err, got)
		}
		if got, err = e.svc.Update(ctx, e.a, sh.ID, parcel("US", "90210"), false); err != nil || !got.ExpiresAt.Equal(*sh.ExpiresAt) {
			t.Fatalf("ready again: %v; expires %v, want %v", err, got.ExpiresAt, sh.ExpiresAt)
		}
		cp, err := e.svc.Copy(ctx, e.a, sh.ID)
		if err != nil || cp.ID == sh.ID || cp.ItemNo == sh.ItemNo || cp.Status != shipment.Ready {
			t.Fatalf("copy: %v %+v", err, cp)
		}
		if want := e.now.Add(shipment.LabelValidity); !cp.ExpiresAt.Equal(want) || cp.DeleteAfter != nil {
			t.Errorf("a copy is a new label: expires %v, want %v; delete after %v", cp.ExpiresAt, want, cp.DeleteAfter)
		}
		if _, err := e.pay.Cancel(ctx, e.a, cp.ID, false); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Update(ctx, e.a, cp.ID, parcel("US", "10118"), false); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("editing a cancelled label: %v", err)
		}
		if err := e.svc.Delete(ctx, e.a, cp.ID); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("deleting a cancelled label: %v", err)
		}
		if err := e.svc.Delete(ctx, e.a, sh.ID); err != nil {
			t.Errorf("deleting a ready label: %v", err)
		}
		if _, err := e.svc.Get(ctx, e.a, sh.ID); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("deleted label still there")
		}
		// An unverified account ships nothing.
		e.a.User.EmailVerifiedAt = nil
		if err := e.svc.Create(ctx, e.a, []*shipment.Shipment{parcel("US", "10118")}, false); errs.CodeOf(err) != errs.Forbidden {
			t.Errorf("unverified: %v", err)
		}
	})
}

func BenchmarkCreate20(b *testing.B) {
	dsn := storetest.DSNs(b)["sqlite"]
	st := storetest.Open(b, dsn)
	cat := testenv.Catalog(b)
	now := time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)
	u := testenv.User(b, testenv.Accounts(b, st, func() time.Time { return now }), "bench", "bench@example.hk", account.Sender)
	svc := &shipment.Service{Store: st, Catalog: cat, Now: func() time.Time { return now }}
	o := shipment.Owner{User: u, Mode: account.Live}
	for b.Loop() {
		list := make([]*shipment.Shipment, 20)
		for i := range list {
			list[i] = parcel("US", "10118")
		}
		if err := svc.Create(ctx, o, list, false); err != nil {
			b.Fatal(err)
		}
	}
}

// Test-mode labels take numbers from the Z series, never a live one, and say TEST across the
// label; test and live lists and cursors never mix.
func TestTestModeIsApart(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		live := parcel("US", "10118")
		if err := e.svc.Create(ctx, e.a, []*shipment.Shipment{live}, false); err != nil {
			t.Fatal(err)
		}
		test := shipment.Owner{User: e.a.User, Mode: account.Test}
		tsh := parcel("US", "10118")
		if err := e.svc.Create(ctx, test, []*shipment.Shipment{tsh}, false); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(live.ItemNo, "L") || !strings.HasPrefix(tsh.ItemNo, shipment.TestSeries) {
			t.Errorf("live %s, test %s: test numbers come from the %s series", live.ItemNo, tsh.ItemNo, shipment.TestSeries)
		}
		if w := tsh.Label(e.svc.Catalog).Watermark; w != shipment.TestMark {
			t.Errorf("test label watermark %q", w)
		}
		if w := live.Label(e.svc.Catalog).Watermark; w != "" {
			t.Errorf("live label watermark %q", w)
		}
		// A live shipment's ID is no cursor for the test list.
		if _, _, err := e.svc.List(ctx, test, shipment.Filter{Before: live.ID}); errs.As(err).Fields == nil {
			t.Errorf("live cursor in the test list: %v", err)
		}
	})
}
