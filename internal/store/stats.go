package store

import (
	"context"
	"fmt"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/money"
	"github.com/ecship/ecship/internal/shipment"
)

// ShipmentStats counts the owner's labels waiting to be paid, printed and posted, and sums what
// they bought since a time by service and by destination: three grouped queries, whatever the
// history's length (the (owner_id, mode, created_at) index bounds the last two).
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
	for _, by := range []struct {
		col string
		out *[]shipment.Tally
	}{{"service", &st.ByService}, {"recipient_country", &st.ByDestination}} {
		args := []any{owner, string(mode), ts(since)}
		list, err := queryAll(ctx, s.db, "shipment stats", func(r scanner) (shipment.Tally, error) {
			var t shipment.Tally
			var cents int64
			err := r.Scan(&t.Key, &t.Items, &cents)
			t.Spent = money.Cents(cents)
			return t, err
		}, fmt.Sprintf(`SELECT %s, COUNT(*), COALESCE(SUM(total_cents), 0) FROM shipments
			WHERE owner_id = $1 AND mode = $2 AND created_at >= $3 AND status IN (%s)
			GROUP BY %s ORDER BY 3 DESC, 1`, by.col, bind(&args, shipment.Bought), by.col), args...)
		if err != nil {
			return nil, err
		}
		*by.out = list
	}
	for _, t := range st.ByService {
		st.Items += t.Items
		st.Spent += t.Spent
	}
	return st, nil
}
