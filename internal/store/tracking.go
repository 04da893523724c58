package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/tracking"
)

// addEvent stores a tracking event; the same event again is stored once. It answers whether it
// was new.
func addEvent(ctx context.Context, q querier, e tracking.Event) (bool, error) {
	res, err := q.ExecContext(ctx, `INSERT INTO tracking_events (id, item_no, code, at, country, office, time_zone, source, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (item_no, code, at, country, office) DO NOTHING`,
		e.ID, e.ItemNo, e.Code, ts(e.At), e.Country, e.Office, e.TimeZone, e.Source, ts(e.CreatedAt))
	if err != nil {
		return false, fmt.Errorf("store: tracking event: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// AddEvents stores events in one transaction, each once; it answers how many were new.
func (s *Store) AddEvents(ctx context.Context, events []tracking.Event) (int, error) {
	added := 0
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		added = 0
		for _, e := range events {
			isNew, err := addEvent(ctx, tx, e)
			if err != nil {
				return err
			}
			if isNew {
				added++
			}
		}
		return nil
	})
	return added, err
}

// FollowMilestone puts a posted label in the state its events say.
func (s *Store) FollowMilestone(ctx context.Context, itemNo, status string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE shipments SET status = $2 WHERE item_no = $1 AND status IN ('posted', 'in_transit', 'delivered', 'returned') AND status <> $2`,
		itemNo, status)
	return err
}

// placeholders is "$from, $from+1, ..." for n parameters.
func placeholders(from, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", from+i)
	}
	return b.String()
}

// TrackedItems answers, for each item number that ecship knows, its label's owner, mode,
// destination and posting, and its events in time order: two indexed queries, whatever the count.
func (s *Store) TrackedItems(ctx context.Context, itemNos []string) (map[string]*tracking.Item, error) {
	out := make(map[string]*tracking.Item, len(itemNos))
	if len(itemNos) == 0 {
		return out, nil
	}
	args := make([]any, len(itemNos))
	for i, n := range itemNos {
		args[i] = n
	}
	in := placeholders(1, len(itemNos))
	rows, err := s.db.QueryContext(ctx, `SELECT item_no, owner_id, mode, recipient_country, posted_at, posted_office FROM shipments WHERE item_no IN (`+in+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: tracked items: %w", err)
	}
	for rows.Next() {
		it := &tracking.Item{}
		var mode string
		var posted nullTS
		if err := rows.Scan(&it.ItemNo, &it.OwnerID, &mode, &it.Destination, &posted, &it.PostedOffice); err != nil {
			rows.Close()
			return nil, err
		}
		it.Mode, it.PostedAt = account.Mode(mode), posted.ptr()
		out[it.ItemNo] = it
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = s.db.QueryContext(ctx, `SELECT id, item_no, code, at, country, office, time_zone, source, created_at FROM tracking_events WHERE item_no IN (`+in+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: tracking events: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e tracking.Event
		var at, created ts
		if err := rows.Scan(&e.ID, &e.ItemNo, &e.Code, &at, &e.Country, &e.Office, &e.TimeZone, &e.Source, &created); err != nil {
			return nil, err
		}
		e.At, e.CreatedAt = time.Time(at), time.Time(created)
		it := out[e.ItemNo]
		if it == nil {
			it = &tracking.Item{ItemNo: e.ItemNo}
			out[e.ItemNo] = it
		}
		it.Events = append(it.Events, e)
	}
	for _, it := range out {
		tracking.Sort(it.Events)
	}
	return out, rows.Err()
}

// TrackingEvents returns an item's events in time order.
func (s *Store) TrackingEvents(ctx context.Context, itemNo string) ([]tracking.Event, error) {
	items, err := s.TrackedItems(ctx, []string{itemNo})
	if err != nil || items[itemNo] == nil {
		return nil, err
	}
	return items[itemNo].Events, nil
}
