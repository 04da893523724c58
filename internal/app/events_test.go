package app_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/events"
	"github.com/ecship/ecship/internal/shipment"
	"github.com/ecship/ecship/internal/store/storetest"
	"github.com/ecship/ecship/internal/testenv"
	"github.com/ecship/ecship/internal/tracking"
)

// Each change worth telling writes its event once, with the change: a label made, paid, printed
// (the first time only), its payment settled, the label cancelled after the settlement and its
// refund approved and sent; another label's item held by customs (told once, though the event
// came twice), out for delivery, and not delivered. On both databases.
func TestEventsWithTheirChanges(t *testing.T) {
	for name, dsn := range storetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			a, _ := start(t, dsn, nil)
			ctx := context.Background()
			u := testenv.User(t, a.Accounts, "eventful", "eventful@example.hk", account.Sender)
			admin := testenv.User(t, a.Accounts, "eventadmin", "eventadmin@example.hk", account.Admin)
			o := shipment.Owner{User: u, Mode: account.Live}
			sh := counterParcel(t, a, u, 500, true)
			for range 2 {
				if err := a.Store.PrintShipments(ctx, u.ID, account.Live, []string{sh.ID}, time.Now()); err != nil {
					t.Fatal(err)
				}
			}
			if _, _, _, err := a.Payments.Settle(ctx, time.Now().Add(48*time.Hour)); err != nil {
				t.Fatal(err)
			}
			c, err := a.Payments.Cancel(ctx, o, sh.ID, false)
			if err != nil || c.Refund == nil {
				t.Fatalf("cancel after the settlement: %v", err)
			}
			if _, err := a.Refunds.Vet(ctx, shipment.Owner{User: admin, Mode: account.Live}, c.Refund.ID, true, ""); err != nil {
				t.Fatal(err)
			}
			if _, err := a.Refunds.SendApproved(ctx); err != nil {
				t.Fatal(err)
			}
			// Tracking: held by customs (twice: told once), out for delivery, a failed attempt.
			other := counterParcel(t, a, u, 600, false)
			var evs []tracking.Event
			for i, code := range []string{"EME", "EME", "EDG", "EMH"} {
				evs = append(evs, tracking.Event{ID: account.NewID("tev"), ItemNo: other.ItemNo, Code: code, At: time.Now().Add(time.Duration(i) * time.Hour),
					Country: "HK", TimeZone: "Asia/Hong_Kong", Source: "test", CreatedAt: time.Now().Add(time.Duration(i) * time.Second)})
			}
			for _, e := range evs { // one a call, as they arrive
				if _, _, err := a.Store.AddEvents(ctx, []tracking.Event{e}); err != nil {
					t.Fatal(err)
				}
			}
			list, err := a.Store.Events(ctx, u.ID, account.Live, 50)
			if err != nil {
				t.Fatal(err)
			}
			var got []events.Type
			for _, e := range slices.Backward(list) {
				got = append(got, e.Type)
			}
			want := []events.Type{events.ShipmentCreated, events.ShipmentPaid, events.ShipmentPrinted, events.PaymentSettled,
				events.ShipmentCancelled, events.RefundApproved, events.RefundRefunded,
				events.ShipmentCreated, events.TrackingHeldByCustoms, events.TrackingOutForDelivery, events.TrackingDeliveryFailed}
			if !slices.Equal(got, want) {
				t.Errorf("events %v; want %v", got, want)
			}
			if other, _ := a.Store.Events(ctx, u.ID, account.Test, 50); len(other) != 0 {
				t.Errorf("%d events in test mode", len(other))
			}
		})
	}
}
