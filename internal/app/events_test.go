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
)

// Each change worth telling writes its event once, with the change: a label made, paid, printed
// (the first time only), its payment settled, the label cancelled after the settlement and its
// refund approved and sent. On both databases.
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
			list, err := a.Store.Events(ctx, u.ID, account.Live, 50)
			if err != nil {
				t.Fatal(err)
			}
			var got []events.Type
			for _, e := range slices.Backward(list) {
				got = append(got, e.Type)
			}
			want := []events.Type{events.ShipmentCreated, events.ShipmentPaid, events.ShipmentPrinted, events.PaymentSettled,
				events.ShipmentCancelled, events.RefundApproved, events.RefundRefunded}
			if !slices.Equal(got, want) {
				t.Errorf("events %v; want %v", got, want)
			}
			if other, _ := a.Store.Events(ctx, u.ID, account.Test, 50); len(other) != 0 {
				t.Errorf("%d events in test mode", len(other))
			}
		})
	}
}
