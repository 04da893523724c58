package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/events"
	"github.com/ecship/ecship/internal/payment"
	"github.com/ecship/ecship/internal/shipment"
)

// DeliverFunc puts webhook deliveries just written on the job queue, inside the transaction that
// wrote them: a delivery is queued exactly when its event is committed.
type DeliverFunc func(ctx context.Context, tx *sql.Tx, list []QueuedDelivery) error

// QueuedDelivery is a webhook delivery just written. Backlog says its endpoint already has
// BacklogAt deliveries pending, for the queue to put it behind other endpoints' deliveries.
type QueuedDelivery struct {
	ID      string
	Backlog bool
}

// BacklogAt is how many pending deliveries make an endpoint's backlog.
const BacklogAt = 100

// SetDeliver names what queues webhook deliveries (the app's job queue). Without it deliveries
// are written and wait.
func (s *Store) SetDeliver(f DeliverFunc) { s.deliver = f }

// emit writes an event in the transaction of the change it reports (see emitAll).
func (s *Store) emit(ctx context.Context, tx *sql.Tx, e events.Event) error {
	return s.emitAll(ctx, tx, []events.Event{e})
}

// emitRows is how many events (or deliveries) one INSERT writes: 7 parameters a row keeps it far
// under PostgreSQL's 65,535.
const emitRows = 500

// emitAll writes events in the transaction of the changes they report, with one delivery for each
// of their owner's enabled webhook endpoints in their mode that wants their type, and queues
// those deliveries: a few statements for the lot (one INSERT per 500 events, one look-up of
// endpoints per owner and mode), not several per event, as 500 labels made in one call make 500
// events.
func (s *Store) emitAll(ctx context.Context, tx *sql.Tx, list []events.Event) error {
	for from := 0; from < len(list); from += emitRows {
		part := list[from:min(len(list), from+emitRows)]
		args := make([]any, 0, 7*len(part))
		var rows strings.Builder
		for i, e := range part {
			if i > 0 {
				rows.WriteString(", ")
			}
			rows.WriteString("(" + placeholders(len(args)+1, 7) + ")")
			args = append(args, e.ID, e.OwnerID, string(e.Mode), string(e.Type), e.Subject, string(e.Body), ts(e.CreatedAt))
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO events (id, owner_id, mode, type, subject, data, created_at) VALUES `+rows.String(), args...); err != nil {
			return fmt.Errorf("store: events: %w", err)
		}
	}
	// The endpoints of each owner and mode the events are for, and what each wants.
	type endpoint struct {
		id, types string
		pending   int // deliveries pending, up to BacklogAt
	}
	wanted := map[string][]endpoint{} // owner + mode -> endpoints
	var deliveries []any              // rows of (id, endpoint, event, created)
	var ids []string
	var queued []QueuedDelivery
	for _, e := range list {
		key := e.OwnerID + "\x00" + string(e.Mode)
		eps, ok := wanted[key]
		if !ok {
			var err error
			eps, err = queryAll(ctx, tx, "event endpoints", func(r scanner) (endpoint, error) {
				var ep endpoint
				return ep, r.Scan(&ep.id, &ep.types, &ep.pending)
			}, `SELECT e.id, e.event_types, (SELECT COUNT(*) FROM (SELECT 1 FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.state = 'pending' LIMIT $3) b)
			FROM webhook_endpoints e WHERE e.owner_id = $1 AND e.mode = $2 AND e.disabled_at IS NULL ORDER BY e.id`, e.OwnerID, string(e.Mode), BacklogAt)
			if err != nil {
				return err
			}
			wanted[key] = eps
		}
		for i, ep := range eps {
			if ep.types == "*" || strings.Contains(ep.types, ","+string(e.Type)+",") {
				id := account.NewID("whd")
				ids = append(ids, id)
				queued = append(queued, QueuedDelivery{ID: id, Backlog: ep.pending >= BacklogAt})
				eps[i].pending++
				deliveries = append(deliveries, id, ep.id, e.ID, ts(e.CreatedAt))
			}
		}
	}
	for from := 0; from < len(ids); from += emitRows {
		part := deliveries[4*from : 4*min(len(ids), from+emitRows)]
		var rows strings.Builder
		for i := 0; i < len(part); i += 4 {
			if i > 0 {
				rows.WriteString(", ")
			}
			rows.WriteString("(" + placeholders(i+1, 4) + ", 'pending')")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO webhook_deliveries (id, endpoint_id, event_id, created_at, state) VALUES `+rows.String(), part...); err != nil {
			return fmt.Errorf("store: webhook deliveries: %w", err)
		}
	}
	if len(ids) == 0 || s.deliver == nil {
		return nil
	}
	return s.deliver(ctx, tx, queued)
}

// shipmentEvent is an event about a shipment, its body the shipment as it now stands.
func (s *Store) shipmentEvent(ctx context.Context, tx *sql.Tx, t events.Type, sh *shipment.Shipment, at time.Time) error {
	return s.shipmentEvents(ctx, tx, t, []*shipment.Shipment{sh}, at)
}

// shipmentEvents are events of one type about shipments, written together.
func (s *Store) shipmentEvents(ctx context.Context, tx *sql.Tx, t events.Type, list []*shipment.Shipment, at time.Time) error {
	out := make([]events.Event, 0, len(list))
	for _, sh := range list {
		e, err := events.New(sh.OwnerID, sh.Mode, t, sh.ID, events.ShipmentData(sh), at)
		if err != nil {
			return err
		}
		out = append(out, e)
	}
	return s.emitAll(ctx, tx, out)
}

// refundEvent is an event about a refund application, its body the application as it now stands.
func (s *Store) refundEvent(ctx context.Context, tx *sql.Tx, t events.Type, r *payment.Refund, at time.Time) error {
	e, err := events.New(r.OwnerID, r.Mode, t, r.ID, events.RefundData(r), at)
	if err != nil {
		return err
	}
	return s.emit(ctx, tx, e)
}

// Events are a sender's newest events in a mode, newest first.
func (s *Store) Events(ctx context.Context, owner string, mode account.Mode, limit int) ([]events.Event, error) {
	return queryAll(ctx, s.db, "events", func(r scanner) (events.Event, error) {
		var e events.Event
		var m, t, body string
		var at ts
		err := r.Scan(&e.ID, &e.OwnerID, &m, &t, &e.Subject, &body, &at)
		e.Mode, e.Type, e.Body, e.CreatedAt = account.Mode(m), events.Type(t), []byte(body), time.Time(at)
		return e, err
	}, `SELECT id, owner_id, mode, type, subject, data, created_at FROM events WHERE owner_id = $1 AND mode = $2
		ORDER BY created_at DESC, id DESC LIMIT $3`, owner, string(mode), limit)
}
