package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/i18n"
	"github.com/ecship/ecship/internal/shipment"
	"github.com/ecship/ecship/internal/store"
	"github.com/ecship/ecship/internal/store/storetest"
)

var retentionNow = time.Date(2026, 8, 1, 4, 0, 0, 0, time.UTC)

// seedOwner stores a sender to own test shipments and returns its id.
func seedOwner(t *testing.T, s *store.Store) string {
	t.Helper()
	verified := retentionNow.AddDate(-1, 0, 0)
	u := &account.User{ID: account.NewID("usr"), LoginName: "owner" + account.NewID("x")[2:], Role: account.Sender, Lang: i18n.English,
		PasswordHash: "x", CreatedAt: verified, EmailVerifiedAt: &verified}
	u.Email = u.LoginName + "@example.com"
	if err := s.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// seedShipment stores a live shipment of the owner in a status, created at created, with the given
// expires_at and delete_after (nil for none), and returns its id.
func seedShipment(t *testing.T, s *store.Store, owner string, status shipment.Status, created time.Time, expires, deleteAfter *time.Time) string {
	t.Helper()
	sh := &shipment.Shipment{ID: account.NewID("shp"), OwnerID: owner, Mode: account.Live, Status: status, Service: "SPT",
		Recipient: shipment.Address{Name: "R", Country: "JP"}, CreatedAt: created, UpdatedAt: created, ExpiresAt: expires, DeleteAfter: deleteAfter}
	if err := s.CreateShipments(context.Background(), []*shipment.Shipment{sh}, func(string) string { return "E" }, created); err != nil {
		t.Fatal(err)
	}
	return sh.ID
}

// statusOf returns a shipment's status, or "" when it no longer exists.
func statusOf(t *testing.T, s *store.Store, owner, id string) shipment.Status {
	t.Helper()
	sh, err := s.Shipment(context.Background(), owner, account.Live, id)
	if errs.CodeOf(err) == errs.NotFound {
		return ""
	}
	if err != nil {
		t.Fatal(err)
	}
	return sh.Status
}

func at(t time.Time) *time.Time { return &t }

// rule: LBL-5
func TestExpireLabels(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		owner := seedOwner(t, s)
		// Labels valid for 90 days from creation: one created exactly 90 days ago has just expired, one
		// created a second later is still good for a second.
		atExpiry := retentionNow.Add(-shipment.LabelValidity)
		justValid := atExpiry.Add(time.Second)
		ready := map[string]shipment.Status{
			seedShipment(t, s, owner, shipment.Ready, justValid, at(justValid.Add(shipment.LabelValidity)), nil):         shipment.Ready,
			seedShipment(t, s, owner, shipment.Ready, atExpiry, at(atExpiry.Add(shipment.LabelValidity)), nil):           shipment.Expired,
			seedShipment(t, s, owner, shipment.Ready, atExpiry.AddDate(0, 0, -3), at(retentionNow.Add(-time.Hour)), nil): shipment.Expired,
			seedShipment(t, s, owner, shipment.Paid, atExpiry, at(atExpiry.Add(shipment.LabelValidity)), nil):            shipment.Paid,
			seedShipment(t, s, owner, shipment.Cancelled, atExpiry, at(atExpiry.Add(shipment.LabelValidity)), nil):       shipment.Cancelled,
			seedShipment(t, s, owner, shipment.Incomplete, atExpiry, nil, at(retentionNow.Add(time.Hour))):               shipment.Incomplete,
		}
		n, err := s.ExpireLabels(ctx, retentionNow)
		if err != nil {
			t.Fatal(err)
		}
		if n != 2 {
			t.Errorf("ExpireLabels = %d; want 2", n)
		}
		for id, want := range ready {
			if got := statusOf(t, s, owner, id); got != want {
				t.Errorf("%s: status %q; want %q", id, got, want)
			}
		}
		if n, err := s.ExpireLabels(ctx, retentionNow); err != nil || n != 0 {
			t.Errorf("second ExpireLabels = %d, %v; want 0, nil", n, err)
		}
	})
}

// rule: LBL-6
func TestDeleteIncomplete(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		owner := seedOwner(t, s)
		atLimit := retentionNow.Add(-shipment.IncompleteKept)
		keep := func(created time.Time) *time.Time { return at(created.Add(shipment.IncompleteKept)) }
		want := map[string]shipment.Status{
			seedShipment(t, s, owner, shipment.Incomplete, atLimit, nil, keep(atLimit)):                                     "",
			seedShipment(t, s, owner, shipment.Incomplete, atLimit.AddDate(0, -1, 0), nil, keep(atLimit.AddDate(0, -1, 0))): "",
			seedShipment(t, s, owner, shipment.Incomplete, atLimit.Add(time.Second), nil, keep(atLimit.Add(time.Second))):   shipment.Incomplete,
			seedShipment(t, s, owner, shipment.Ready, atLimit, at(retentionNow.Add(time.Hour)), nil):                        shipment.Ready,
			seedShipment(t, s, owner, shipment.Paid, atLimit, at(retentionNow.Add(-time.Hour)), keep(atLimit)):              shipment.Paid,
		}
		n, err := s.DeleteIncomplete(ctx, retentionNow)
		if err != nil {
			t.Fatal(err)
		}
		if n != 2 {
			t.Errorf("DeleteIncomplete = %d; want 2", n)
		}
		for id, w := range want {
			if got := statusOf(t, s, owner, id); got != w {
				t.Errorf("%s: status %q; want %q (\"\" = deleted)", id, got, w)
			}
		}
		if n, err := s.DeleteIncomplete(ctx, retentionNow); err != nil || n != 0 {
			t.Errorf("second DeleteIncomplete = %d, %v; want 0, nil", n, err)
		}
	})
}
