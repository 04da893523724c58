package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/events"
	"github.com/ecship/ecship/internal/payment"
	"github.com/ecship/ecship/internal/shipment"
)

// DeliverFunc puts webhook deliveries just written on the job queue, inside the transaction that
// wrote them: a delivery is queued exactly when its event is committed.
type DeliverFunc func(ctx context.Context, tx *sql.Tx, deliveryIDs []string) error

// SetDeliver names what queues webhook deliveries (the app's job queue). Without it deliveries
// are written and wait.
func (s *Store) SetDeliver(f DeliverFunc) { s.deliver = f }

// emit writes an event in the transaction of the change it reports, with one delivery for each of
// the owner's enabled webhook endpoints in its mode that wants its type, and queues those.
func (s *Store) emit(ctx context.Context, tx *sql.Tx, e events.Event) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO events (id, owner_id, mode, type, subject, data, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		e.ID, e.OwnerID, string(e.Mode), string(e.Type), e.Subject, string(e.Body), ts(e.CreatedAt)); err != nil {
		return fmt.Errorf("store: event: %w", err)
	}
	endpoints, err := queryAll(ctx, tx, "event endpoints", func(r scanner) (string, error) {
		var id string
		return id, r.Scan(&id)
	}, `SELECT id FROM webhook_endpoints WHERE owner_id = $1 AND mode = $2 AND disabled_at IS NULL
		AND (event_types = '*' OR event_types LIKE $3) ORDER BY id`, e.OwnerID, string(e.Mode), "%,"+string(e.Type)+",%")
	if err != nil || len(endpoints) == 0 {
		return err
	}
	ids := make([]string, len(endpoints))
	for i, ep := range endpoints {
		ids[i] = account.NewID("whd")
		if _, err := tx.ExecContext(ctx, `INSERT INTO webhook_deliveries (id, endpoint_id, event_id, state, created_at) VALUES ($1, $2, $3, 'pending', $4)`,
			ids[i], ep, e.ID, ts(e.CreatedAt)); err != nil {
			return fmt.Errorf("store: webhook delivery: %w", err)
		}
	}
	if s.deliver == nil {
		return nil
	}
	return s.deliver(ctx, tx, ids)
}

// shipmentEvent is an event about a shipment, its body the shipment as it now stands.
func (s *Store) shipmentEvent(ctx context.Context, tx *sql.Tx, t events.Type, sh *shipment.Shipment, at time.Time) error {
	e, err := events.New(sh.OwnerID, sh.Mode, t, sh.ID, events.ShipmentData(sh), at)
	if err != nil {
		return err
	}
	return s.emit(ctx, tx, e)
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
