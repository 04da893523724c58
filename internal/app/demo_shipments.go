package app

import (
	"context"
	"fmt"
	"io"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/counter"
	"github.com/ecship/ecship/internal/money"
	"github.com/ecship/ecship/internal/payment"
	"github.com/ecship/ecship/internal/shipment"
)

// demoShipments gives the demo sender labels in each state worth seeing: one ready to pay, two paid
// (one to take to the counter), and one already accepted at the General Post Office, with its
// receipt. It adds nothing when the sender has labels already.
func (a *App) demoShipments(ctx context.Context, out io.Writer, sender, clerk *account.User) error {
	o := shipment.Owner{User: sender, Mode: account.Live}
	if have, _, err := a.Shipments.List(ctx, o, shipment.Filter{Limit: 1}); err != nil || len(have) > 0 {
		return err
	}
	from := shipment.Address{Name: "陳大文", Company: "大文網店", Lines: []string{"Flat A, 12/F, 8 Nathan Road"}, City: "Kowloon", Country: "HK", Phone: "85291234567"}
	scarf := &shipment.Contents{Category: "sale", Items: []shipment.Article{{Description: "Silk scarf", Quantity: 2, WeightG: 300,
		Value: money.MustParse("380.00"), Currency: "HKD", HSCode: "621410", Origin: "HK"}}}
	list := []*shipment.Shipment{
		{Service: "AEX", Reference: "DEMO-1001", WeightG: 450, Sender: from, Contents: scarf,
			Recipient: shipment.Address{Name: "Jane Doe", Lines: []string{"350 Fifth Avenue"}, City: "New York", State: "NY", PostalCode: "10118", Country: "US", Phone: "12125551234"}},
		{Service: "EMS", Reference: "DEMO-1002", WeightG: 800, Sender: from, Contents: scarf,
			Recipient: shipment.Address{Name: "山田 太郎", Lines: []string{"丸の内一丁目 1-1"}, City: "千代田区", State: "東京都", PostalCode: "100-0005", Country: "JP"}},
		{Service: "LPL", Reference: "DEMO-1003", WeightG: 2500, Sender: from,
			Recipient: shipment.Address{Name: "李小明", Lines: []string{"1 Queen's Road Central"}, City: "Central", Country: "HK"}},
		{Service: "LPL", Reference: "DEMO-1004", WeightG: 1200, Sender: from,
			Recipient: shipment.Address{Name: "黃小美", Lines: []string{"18 Sha Tin Centre Street"}, City: "Sha Tin", Country: "HK"}},
	}
	if err := a.Shipments.Create(ctx, o, list, false); err != nil {
		return err
	}
	card := payment.Card{Number: "4111111111111111", ExpMonth: 12, ExpYear: a.Now().Year() + 3, CVC: "123", Name: "TAI MAN CHAN"}
	if _, err := a.Payments.PayByCard(ctx, o, []string{list[1].ID, list[2].ID, list[3].ID}, card, ""); err != nil {
		return fmt.Errorf("pay: %w", err)
	}
	sess, err := a.Counter.Open(ctx, clerk, account.Live, "GPO", "")
	if err != nil {
		return err
	}
	if _, err := a.Counter.Scan(ctx, clerk, sess.ID, counter.ScanInput{ItemNo: list[3].ItemNo, WeightG: 1150}); err != nil {
		return fmt.Errorf("counter: %w", err)
	}
	if sess, err = a.Counter.Close(ctx, clerk, sess.ID); err != nil {
		return err
	}
	fmt.Fprintln(out, "demo: labels of sender@demo.ecship.hk (scan a paid one at /counter as counter@demo.ecship.hk):")
	tw := newTable(out, "  ITEM NO\tSERVICE\tSTATE\tREFERENCE")
	for _, s := range list {
		state := "paid"
		switch s {
		case list[0]:
			state = "ready: pay it at /labels"
		case list[3]:
			state = "posted at GPO, receipt " + sess.ReceiptNo
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", s.ItemNo, s.Service, state, s.Reference)
	}
	return tw.Flush()
}
