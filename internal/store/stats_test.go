package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/money"
	"github.com/ecship/ecship/internal/shipment"
	"github.com/ecship/ecship/internal/store"
	"github.com/ecship/ecship/internal/store/storetest"
)

// A sender's labels at a glance: what waits to be paid, printed and posted, and what was bought
// since the start of the month, by service and destination, most spent first; older purchases,
// unpaid and cancelled labels and other senders' labels are not counted.
func TestShipmentStats(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		owner, other := seedOwner(t, s), seedOwner(t, s)
		month := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
		add := func(who string, status shipment.Status, service, country string, cents int64, created time.Time, printed bool) {
			sh := &shipment.Shipment{ID: account.NewID("shp"), OwnerID: who, Mode: account.Live, Status: status, Service: service,
				Recipient: shipment.Address{Name: "R", Country: country}, Total: money.Cents(cents), CreatedAt: created, UpdatedAt: created}
			if printed {
				sh.PrintedAt = &created
			}
			if err := s.CreateShipments(ctx, []*shipment.Shipment{sh}, func(string) string { return "E" }, created); err != nil {
				t.Fatal(err)
			}
		}
		in := month.Add(48 * time.Hour)
		add(owner, shipment.Ready, "EMS", "JP", 10000, in, false)
		add(owner, shipment.Paid, "EMS", "JP", 20000, in, false)
		add(owner, shipment.Paid, "AEX", "US", 5000, in, true)
		add(owner, shipment.Delivered, "AEX", "JP", 7000, in, true)
		add(owner, shipment.Cancelled, "EMS", "JP", 99900, in, false)
		add(owner, shipment.Delivered, "EMS", "JP", 88800, month.Add(-time.Hour), true) // last month
		add(other, shipment.Paid, "EMS", "JP", 77700, in, false)
		st, err := s.ShipmentStats(ctx, owner, account.Live, month)
		if err != nil {
			t.Fatal(err)
		}
		if st.ToPay != 1 || st.ToPrint != 1 || st.ToPost != 2 || st.Items != 3 || st.Spent != 32000 {
			t.Errorf("stats %+v", st)
		}
		if len(st.ByService) != 2 || st.ByService[0].Key != "EMS" || st.ByService[0].Spent != 20000 || st.ByService[1].Items != 2 {
			t.Errorf("by service %+v", st.ByService)
		}
		if len(st.ByDestination) != 2 || st.ByDestination[0].Key != "JP" || st.ByDestination[0].Spent != 27000 || st.ByDestination[1].Key != "US" {
			t.Errorf("by destination %+v", st.ByDestination)
		}
	})
}
