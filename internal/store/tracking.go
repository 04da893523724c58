package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/events"
	"github.com/ecship/ecship/internal/tracking"
)

const insertEvent = `INSERT INTO tracking_events (id, item_no, code, at, country, office, time_zone, source, created_at)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (item_no, at, code, country, office) DO NOTHING`

// addEvent stores a tracking event inside a transaction (the same event again is stored once) and
// packs the item's events again.
func (s *Store) addEvent(ctx context.Context, tx *sql.Tx, e tracking.Event) error {
	if err := s.lockKey(ctx, tx, "track:"+e.ItemNo); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, insertEvent, e.ID, e.ItemNo, e.Code, ts(e.At), e.Country, e.Office, e.TimeZone, e.Source, ts(e.CreatedAt)); err != nil {
		return fmt.Errorf("store: tracking event: %w", err)
	}
	_, err := packEvents(ctx, tx, e.ItemNo, e.CreatedAt)
	return err
}

// AddEvents stores events in one transaction, each once, and packs again the events of each item
// they are about; it answers how many were new and, by item, the code of its latest event.
func (s *Store) AddEvents(ctx context.Context, events []tracking.Event) (int, map[string]string, error) {
	added := 0
	var latest map[string]string
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		added, latest = 0, map[string]string{}
		nos := make([]string, 0, len(events))
		for _, e := range events {
			nos = append(nos, e.ItemNo)
		}
		slices.Sort(nos)
		nos = slices.Compact(nos)
		// Two transactions adding to one item would each pack the events without the other's.
		// Items are locked in order, so two such transactions cannot deadlock.
		for _, no := range nos {
			if err := s.lockKey(ctx, tx, "track:"+no); err != nil {
				return err
			}
		}
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
			if n == 1 {
				if err := s.tellMilestone(ctx, tx, e); err != nil {
					return err
				}
			}
		}
		if added == 0 {
			return nil
		}
		for _, no := range nos {
			last, err := packEvents(ctx, tx, no, events[0].CreatedAt)
			if err != nil {
				return err
			}
			latest[no] = last
		}
		return nil
	})
	return added, latest, err
}

// packEvents writes an item's events, in time order (tracking.Sort), into its tracking_items row,
// and answers the code of the latest.
func packEvents(ctx context.Context, tx *sql.Tx, itemNo string, now time.Time) (string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT code, at, country, office, time_zone FROM tracking_events WHERE item_no = $1`, itemNo)
	if err != nil {
		return "", fmt.Errorf("store: pack events: %w", err)
	}
	var events []tracking.Event
	for rows.Next() {
		var e tracking.Event
		var at ts
		if err := rows.Scan(&e.Code, &at, &e.Country, &e.Office, &e.TimeZone); err != nil {
			rows.Close()
			return "", err
		}
		e.At = time.Time(at)
		events = append(events, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(events) == 0 {
		return "", err
	}
	tracking.Sort(events)
	var b strings.Builder
	for i, e := range events {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(e.Code + "|" + e.At.UTC().Format(tsLayout) + "|" + e.Country + "|" + e.Office + "|" + e.TimeZone)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO tracking_items (item_no, events, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (item_no) DO UPDATE SET events = excluded.events, updated_at = excluded.updated_at`, itemNo, b.String(), ts(now))
	if err != nil {
		return "", fmt.Errorf("store: pack events: %w", err)
	}
	return events[len(events)-1].Code, nil
}

// unpackEvents reads a tracking_items row back into events.
func unpackEvents(itemNo, packed string, add func(tracking.Event)) error {
	if packed == "" {
		return nil
	}
	for one := range strings.SplitSeq(packed, ";") {
		code, rest, _ := strings.Cut(one, "|")
		at, rest, _ := strings.Cut(rest, "|")
		country, rest, _ := strings.Cut(rest, "|")
		office, zone, ok := strings.Cut(rest, "|")
		t, err := parseTS(at)
		if !ok || err != nil {
			return fmt.Errorf("store: tracking item %s: cannot read %q", itemNo, one)
		}
		add(tracking.Event{ItemNo: itemNo, Code: code, At: t, Country: country, Office: office, TimeZone: zone})
	}
	return nil
}

// FollowMilestone puts a posted label in the state its events say, forward only: posted, in
// transit, then delivered or returned, which are final. Two imports racing cannot move a label back.
func (s *Store) FollowMilestone(ctx context.Context, itemNo, status string, now time.Time) error {
	return s.Transact(ctx, func(tx *sql.Tx) error {
		// One conditional write: the label moves on only from where it may, so a milestone is
		// reached, and told (events.Milestone), once.
		sh, err := scanShipment(tx.QueryRowContext(ctx, `UPDATE shipments SET status = $2, updated_at = $3, version = version + 1 WHERE item_no = $1 AND
			(status = 'posted' AND $2 IN ('in_transit', 'delivered', 'returned') OR status = 'in_transit' AND $2 IN ('delivered', 'returned'))
			RETURNING `+shipmentColumns, itemNo, status, ts(now)))
		if errors.Is(err, sql.ErrNoRows) {
			return nil // not a label of ecship's, or not moving on
		}
		if err != nil {
			return fmt.Errorf("store: follow milestone: %w", err)
		}
		if t, ok := events.Milestone(status); ok {
			return s.shipmentEvent(ctx, tx, t, sh, now)
		}
		return nil
	})
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
// destination and posting, and its events in time order (as packed): two indexed queries, whatever
// the count.
func (s *Store) TrackedItems(ctx context.Context, itemNos []string) (map[string]*tracking.Item, error) {
	out := make(map[string]*tracking.Item, len(itemNos))
	if len(itemNos) == 0 {
		return out, nil
	}
	// Items with events, and their labels if ecship has them: one query.
	err := s.trackedRows(ctx, `SELECT t.item_no, t.events, COALESCE(s.owner_id, ''), COALESCE(s.mode, ''), COALESCE(s.recipient_country, ''),
		s.posted_at, COALESCE(s.posted_office, '') FROM tracking_items t LEFT JOIN shipments s ON s.item_no = t.item_no WHERE t.item_no IN `, itemNos, out)
	if err != nil || len(out) == len(itemNos) {
		return out, err
	}
	// Labels with no event yet (paid, not posted).
	var rest []string
	for _, no := range itemNos {
		if out[no] == nil {
			rest = append(rest, no)
		}
	}
	return out, s.trackedRows(ctx, `SELECT item_no, '', owner_id, mode, recipient_country, posted_at, posted_office FROM shipments WHERE item_no IN `, rest, out)
}

// trackedRows runs a look-up query (the IN list is added for itemNos) whose rows are item number,
// packed events, owner, mode, destination, posting time and office, and adds them to out.
func (s *Store) trackedRows(ctx context.Context, query string, itemNos []string, out map[string]*tracking.Item) error {
	if len(itemNos) == 0 { // every item was found already (the list may name one twice); IN () is no SQL
		return nil
	}
	args := make([]any, len(itemNos))
	for i, n := range itemNos {
		args[i] = n
	}
	st, err := s.prepared(ctx, query+"("+placeholders(1, len(itemNos))+")")
	if err != nil {
		return fmt.Errorf("store: tracked items: %w", err)
	}
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return fmt.Errorf("store: tracked items: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		it := &tracking.Item{}
		var packed, mode string
		var posted nullTS
		if err := rows.Scan(&it.ItemNo, &packed, &it.OwnerID, &mode, &it.Destination, &posted, &it.PostedOffice); err != nil {
			return err
		}
		it.Mode, it.PostedAt = account.Mode(mode), posted.ptr()
		if packed != "" {
			it.Events = make([]tracking.Event, 0, strings.Count(packed, ";")+1)
			if err := unpackEvents(it.ItemNo, packed, func(e tracking.Event) { it.Events = append(it.Events, e) }); err != nil {
				return err
			}
		}
		out[it.ItemNo] = it
	}
	return rows.Err()
}

// milestoneEvents are the milestones told when an event reaches them, rather than when the label
// moves on (in transit, delivered and returned are told by FollowMilestone).
var milestoneEvents = map[string]events.Type{
	"customs":          events.TrackingHeldByCustoms,
	"out_for_delivery": events.TrackingOutForDelivery,
	"unsuccessful":     events.TrackingDeliveryFailed,
}

// tellMilestone tells the owner of the item's label that a tracking event just added reached one
// of milestoneEvents, once per item and milestone (the transaction holds the item's lock, so the
// look and the write cannot race).
func (s *Store) tellMilestone(ctx context.Context, tx *sql.Tx, e tracking.Event) error {
	t, ok := milestoneEvents[tracking.MilestoneOf(e.Code)]
	if !ok {
		return nil
	}
	sh, err := scanShipment(tx.QueryRowContext(ctx, `SELECT `+shipmentColumns+` FROM shipments WHERE item_no = $1`, e.ItemNo))
	if errors.Is(err, sql.ErrNoRows) {
		return nil // not a label of ecship's
	}
	if err != nil {
		return fmt.Errorf("store: milestone: %w", err)
	}
	var told int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM events WHERE subject = $1 AND type = $2`, sh.ID, string(t)).Scan(&told); err != nil || told > 0 {
		return err
	}
	return s.shipmentEvent(ctx, tx, t, sh, e.CreatedAt)
}
