package store

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/money"
	"github.com/ecship/ecship/internal/report"
	"github.com/ecship/ecship/internal/shipment"
)

// ShipmentStats counts the owner's labels waiting to be paid, printed and posted, and sums what
// they bought since a time by service and by destination: two grouped queries, whatever the
// history's length (the (owner_id, mode, status) index bounds the first, (owner_id, mode,
// created_at) the second).
func (s *Store) ShipmentStats(ctx context.Context, owner string, mode account.Mode, since time.Time) (*shipment.Stats, error) {
	st := &shipment.Stats{Since: since}
	type waiting struct {
		status    string
		unprinted bool
		n         int
	}
	rows, err := queryAll(ctx, s.db, "shipment stats", func(r scanner) (waiting, error) {
		var w waiting
		var unprinted int
		err := r.Scan(&w.status, &unprinted, &w.n)
		w.unprinted = unprinted == 1
		return w, err
	}, `SELECT status, CASE WHEN printed_at IS NULL THEN 1 ELSE 0 END, COUNT(*) FROM shipments
		WHERE owner_id = $1 AND mode = $2 AND status IN ('ready', 'paid') GROUP BY 1, 2`, owner, string(mode))
	if err != nil {
		return nil, err
	}
	for _, w := range rows {
		switch {
		case w.status == string(shipment.Ready):
			st.ToPay += w.n
		case w.unprinted:
			st.ToPrint += w.n
			st.ToPost += w.n
		default:
			st.ToPost += w.n
		}
	}
	// What was bought since, by service and destination together, in one pass: the sums by each
	// are added up here.
	type bought struct {
		service, country string
		items            int
		cents            int64
	}
	args := []any{owner, string(mode), ts(since)}
	list, err := queryAll(ctx, s.db, "shipment stats", func(r scanner) (bought, error) {
		var b bought
		return b, r.Scan(&b.service, &b.country, &b.items, &b.cents)
	}, `SELECT service, recipient_country, COUNT(*), COALESCE(SUM(total_cents), 0) FROM shipments
		WHERE owner_id = $1 AND mode = $2 AND created_at >= $3 AND status IN (`+bind(&args, shipment.Bought)+`)
		GROUP BY service, recipient_country`, args...)
	if err != nil {
		return nil, err
	}
	byService, byCountry := map[string]int{}, map[string]int{} // key -> index in its list
	tally := func(at map[string]int, out *[]shipment.Tally, key string, items int, cents int64) {
		i, ok := at[key]
		if !ok {
			i = len(*out)
			at[key] = i
			*out = append(*out, shipment.Tally{Key: key})
		}
		(*out)[i].Items += items
		(*out)[i].Spent += money.Cents(cents)
	}
	for _, b := range list {
		tally(byService, &st.ByService, b.service, b.items, b.cents)
		tally(byCountry, &st.ByDestination, b.country, b.items, b.cents)
	}
	for _, l := range [][]shipment.Tally{st.ByService, st.ByDestination} {
		slices.SortFunc(l, func(a, b shipment.Tally) int {
			if a.Spent != b.Spent {
				return cmp.Compare(b.Spent, a.Spent)
			}
			return cmp.Compare(a.Key, b.Key)
		})
	}
	for _, t := range st.ByService {
		st.Items += t.Items
		st.Spent += t.Spent
	}
	return st, nil
}

// hkDay is an expression giving a timestamp column's day in Hong Kong (UTC+8 all year) as
// "2006-01-02".
func (s *Store) hkDay(col string) string {
	if s.dialect == Postgres {
		return "to_char(" + col + " AT TIME ZONE 'Asia/Hong_Kong', 'YYYY-MM-DD')"
	}
	return "date(substr(" + col + ", 1, 19), '+8 hours')" // stored as UTC text (tsLayout)
}

// OperationsReport sums the live service since a time: items posted by office and day, card
// captures by day, and refund applications waiting to be vetted or paid.
func (s *Store) OperationsReport(ctx context.Context, since time.Time) (*report.Operations, error) {
	out := &report.Operations{Since: since}
	var err error
	out.Accepted, err = queryAll(ctx, s.db, "accepted by office", func(r scanner) (report.Count, error) {
		var c report.Count
		return c, r.Scan(&c.Office, &c.Day, &c.Items)
	}, `SELECT posted_office, `+s.hkDay("posted_at")+`, COUNT(*) FROM shipments
		WHERE mode = 'live' AND posted_at >= $1 AND posted_office <> '' GROUP BY 1, 2 ORDER BY 2, 1`, ts(since))
	if err != nil {
		return nil, err
	}
	out.Settled, err = queryAll(ctx, s.db, "settled by day", func(r scanner) (report.Sum, error) {
		var x report.Sum
		var cents int64
		err := r.Scan(&x.Day, &x.Payments, &cents)
		x.Amount = money.Cents(cents)
		return x, err
	}, `SELECT `+s.hkDay("settled_at")+`, COUNT(*), COALESCE(SUM(captured_cents), 0) FROM payments
		WHERE mode = 'live' AND status = 'settled' AND settled_at >= $1 GROUP BY 1 ORDER BY 1`, ts(since))
	if err != nil {
		return nil, err
	}
	type due struct {
		status string
		n      int
		cents  int64
	}
	list, err := queryAll(ctx, s.db, "refunds due", func(r scanner) (due, error) {
		var d due
		return d, r.Scan(&d.status, &d.n, &d.cents)
	}, `SELECT status, COUNT(*), COALESCE(SUM(amount_cents), 0) FROM refunds WHERE mode = 'live' AND status IN ('submitted', 'approved') GROUP BY 1`)
	if err != nil {
		return nil, err
	}
	for _, d := range list {
		if d.status == "submitted" {
			out.Refunds.ToVet, out.Refunds.ToVetAmount = d.n, money.Cents(d.cents)
		} else {
			out.Refunds.ToPay, out.Refunds.ToPayAmount = d.n, money.Cents(d.cents)
		}
	}
	return out, nil
}
