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

const insertEvent = `INSERT INTO tracking_events (id, item_no, code, at, country, office, time_zone, source, created_at)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (item_no, at, code, country, office) DO NOTHING`

// addEvent stores a tracking event; the same event again is stored once.
func addEvent(ctx context.Context, q querier, e tracking.Event) error {
	_, err := q.ExecContext(ctx, insertEvent, e.ID, e.ItemNo, e.Code, ts(e.At), e.Country, e.Office, e.TimeZone, e.Source, ts(e.CreatedAt))
	if err != nil {
		return fmt.Errorf("store: tracking event: %w", err)
	}
	return nil
}

// AddEvents stores events in one transaction, each once; it answers how many were new.
func (s *Store) AddEvents(ctx context.Context, events []tracking.Event) (int, error) {
	added := 0
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		added = 0
		// One prepared statement for every row: many rows a statement would cost SQLite more in
		// numbering the parameters than it saves.
		stmt, err := tx.PrepareContext(ctx, insertEvent)
		if err != nil {
			return fmt.Errorf("store: tracking events: %w", err)
		}
		defer stmt.Close()
		for _, e := range events {
			res, err := stmt.ExecContext(ctx, e.ID, e.ItemNo, e.Code, ts(e.At), e.Country, e.Office, e.TimeZone, e.Source, ts(e.CreatedAt))
			if err != nil {
				return fmt.Errorf("store: tracking event: %w", err)
			}
			n, _ := res.RowsAffected()
			added += int(n)
		}
		return nil
	})
	return added, err
}

// FollowMilestone puts a posted label in the state its events say, forward only: posted, in
// transit, then delivered or returned, which are final. Two imports racing cannot move a label back.
func (s *Store) FollowMilestone(ctx context.Context, itemNo, status string, now time.Time) error {
	_, err := s.db.ExecContext(ctx, `UPDATE shipments SET status = $2, updated_at = $3 WHERE item_no = $1 AND
		(status = 'posted' AND $2 IN ('in_transit', 'delivered', 'returned') OR status = 'in_transit' AND $2 IN ('delivered', 'returned'))`,
		itemNo, status, ts(now))
	if err != nil {
		return fmt.Errorf("store: follow milestone: %w", err)
	}
	return nil
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
	add := func(e tracking.Event) {
		it := out[e.ItemNo]
		if it == nil {
			it = &tracking.Item{ItemNo: e.ItemNo}
			out[e.ItemNo] = it
		}
		it.Events = append(it.Events, e)
	}
	if err := s.eventRows(ctx, in, args, add); err != nil {
		return nil, err
	}
	for _, it := range out {
		tracking.Sort(it.Events)
	}
	return out, nil
}

// eventRows reads the events of the items, only the columns a look-up shows: a look-up reads
// hundreds of rows, and each column handed over costs.
func (s *Store) eventRows(ctx context.Context, in string, args []any, add func(tracking.Event)) error {
	rows, err := s.db.QueryContext(ctx, `SELECT item_no, code, at, country, office, time_zone FROM tracking_events WHERE item_no IN (`+in+`)`, args...)
	if err != nil {
		return fmt.Errorf("store: tracking events: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e tracking.Event
		var at ts
		if err := rows.Scan(&e.ItemNo, &e.Code, &at, &e.Country, &e.Office, &e.TimeZone); err != nil {
			return err
		}
		e.At = time.Time(at)
		add(e)
	}
	return rows.Err()
}

// TrackingEvents returns an item's events in time order.
func (s *Store) TrackingEvents(ctx context.Context, itemNo string) ([]tracking.Event, error) {
	items, err := s.TrackedItems(ctx, []string{itemNo})
	if err != nil || items[itemNo] == nil {
		return nil, err
	}
	return items[itemNo].Events, nil
}
