package app

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/counter"
	"github.com/ecship/ecship/internal/money"
	"github.com/ecship/ecship/internal/payment"
	"github.com/ecship/ecship/internal/shipment"
	"github.com/ecship/ecship/internal/tracking"
)

// demoShipments gives the demo sender labels in each state worth seeing: one ready to pay, one paid
// to take to the counter, and two posted at counters three days ago, one on its way in Japan and
// one delivered, with their receipts and tracking events. It adds nothing when the sender has labels
// already.
func (a *App) demoShipments(ctx context.Context, out io.Writer, sender, clerk *account.User) error {
	o := shipment.Owner{User: sender, Mode: account.Live}
	if have, _, err := a.Shipments.List(ctx, o, shipment.Filter{Limit: 1}); err != nil || len(have) > 0 {
		return err
	}
	from := shipment.Address{Name: "陳大文", Company: "大文網店", Lines: []string{"Flat A, 12/F, 8 Nathan Road"}, City: "Kowloon", Country: "HK", Phone: "85291234567"}
	scarf := &shipment.Contents{Category: "sale", Items: []shipment.Article{{Description: "Silk scarf", Quantity: 2, WeightG: 300,
		Value: money.MustParse("380.00"), Currency: "HKD", HSCode: "621410", Origin: "HK"}}}
	now := a.Now()
	// Three days ago: two labels prepared, paid and posted, so their journeys have begun.
	then := now.Add(-72 * time.Hour)
	past := func() time.Time { return then }
	oldShip, oldPay, oldCounter := *a.Shipments, *a.Payments, *a.Counter
	oldShip.Now, oldPay.Now, oldCounter.Now = past, past, past
	posted := []*shipment.Shipment{
		{Service: "EMS", Reference: "DEMO-1002", WeightG: 800, Sender: from, Contents: scarf,
			Recipient: shipment.Address{Name: "山田 太郎", Lines: []string{"丸の内一丁目 1-1"}, City: "千代田区", State: "東京都", PostalCode: "100-0005", Country: "JP"}},
		{Service: "LPL", Reference: "DEMO-1004", WeightG: 1200, Sender: from,
			Recipient: shipment.Address{Name: "黃小美", Lines: []string{"18 Sha Tin Centre Street"}, City: "Sha Tin", Country: "HK"}},
	}
	fresh := []*shipment.Shipment{
		{Service: "AEX", Reference: "DEMO-1001", WeightG: 450, Sender: from, Contents: scarf,
			Recipient: shipment.Address{Name: "Jane Doe", Lines: []string{"350 Fifth Avenue"}, City: "New York", State: "NY", PostalCode: "10118", Country: "US", Phone: "12125551234"}},
		{Service: "LPL", Reference: "DEMO-1003", WeightG: 2500, Sender: from,
			Recipient: shipment.Address{Name: "李小明", Lines: []string{"1 Queen's Road Central"}, City: "Central", Country: "HK"}},
	}
	card := payment.Card{Number: "4111111111111111", ExpMonth: 12, ExpYear: now.Year() + 3, CVC: "123", Name: "TAI MAN CHAN"}
	if err := oldShip.Create(ctx, o, posted, false); err != nil {
		return err
	}
	if _, err := oldPay.PayByCard(ctx, o, []string{posted[0].ID, posted[1].ID}, card, ""); err != nil {
		return fmt.Errorf("pay: %w", err)
	}
	at := counter.Clerk{User: clerk, Mode: account.Live}
	sess, err := oldCounter.Open(ctx, at, "GPO", "")
	if err != nil {
		return err
	}
	for i, g := range []int{800, 1150} {
		if _, err := oldCounter.Scan(ctx, at, sess.ID, counter.ScanInput{ItemNo: posted[i].ItemNo, WeightG: g}); err != nil {
			return fmt.Errorf("counter: %w", err)
		}
	}
	if sess, err = oldCounter.Close(ctx, at, sess.ID); err != nil {
		return err
	}
	if err := a.demoJourneys(ctx, then, posted[0].ItemNo, posted[1].ItemNo); err != nil {
		return err
	}
	if err := a.Shipments.Create(ctx, o, fresh, false); err != nil {
		return err
	}
	if _, err := a.Payments.PayByCard(ctx, o, []string{fresh[1].ID}, card, ""); err != nil {
		return fmt.Errorf("pay: %w", err)
	}
	fmt.Fprintln(out, "demo: labels of sender@demo.ecship.hk (scan the paid one at /counter as counter@demo.ecship.hk; track the posted ones at /track):")
	tw := newTable(out, "  ITEM NO\tSERVICE\tSTATE\tREFERENCE")
	for _, r := range []struct {
		s     *shipment.Shipment
		state string
	}{{fresh[0], "ready: pay it at /labels"}, {fresh[1], "paid: take it to the counter"},
		{posted[0], "posted at GPO, out for delivery in Tokyo"}, {posted[1], "posted at GPO, delivered; receipt " + sess.ReceiptNo}} {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", r.s.ItemNo, r.s.Service, r.state, r.s.Reference)
	}
	return tw.Flush()
}

// demoJourneys records plausible events after a posting at posted: a Speedpost item to Tokyo now
// out for delivery, and a local parcel delivered in Sha Tin.
func (a *App) demoJourneys(ctx context.Context, posted time.Time, toJapan, local string) error {
	type step struct {
		code, country string
		after         time.Duration
	}
	journeys := map[string][]step{
		toJapan: {{"EMB", "HK", 3 * time.Hour}, {"EMC", "HK", 11 * time.Hour}, {"EMD", "JP", 20 * time.Hour}, {"EDB", "JP", 22 * time.Hour},
			{"EDC", "JP", 30 * time.Hour}, {"EMG", "JP", 44 * time.Hour}, {"EDG", "JP", 70 * time.Hour}},
		local: {{"EDD", "HK", 5 * time.Hour}, {"EMG", "HK", 20 * time.Hour}, {"EDG", "HK", 24 * time.Hour}, {"EMI", "HK", 27 * time.Hour}},
	}
	var events []tracking.Event
	for itemNo, steps := range journeys {
		for _, st := range steps {
			e, fe := a.Tracking.Check(tracking.Input{ItemNo: itemNo, Code: st.code, Country: st.country,
				Time: posted.Add(st.after).Format(time.RFC3339)}, tracking.FromDemo)
			if len(fe) > 0 {
				return fe.Err()
			}
			events = append(events, e)
		}
	}
	_, err := a.Tracking.Record(ctx, events)
	return err
}
