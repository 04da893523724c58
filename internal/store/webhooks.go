package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/events"
	"github.com/ecship/ecship/internal/webhooks"
)

// typesColumn writes an endpoint's event types as kept: "*" for all, else ",a,b," so that one
// LIKE finds the endpoints wanting a type (see emit).
func typesColumn(types []events.Type) string {
	if len(types) == 0 {
		return "*"
	}
	var b strings.Builder
	b.WriteString(",")
	for _, t := range types {
		b.WriteString(string(t) + ",")
	}
	return b.String()
}

func typesOf(col string) []events.Type {
	if col == "*" {
		return nil
	}
	var out []events.Type
	for _, t := range strings.Split(strings.Trim(col, ","), ",") {
		out = append(out, events.Type(t))
	}
	return out
}

const endpointColumns = `id, owner_id, mode, url, description, event_types, failures, disabled_at, created_at`

func scanEndpoint(r scanner) (*webhooks.Endpoint, error) {
	e, dest, finish := endpointDest()
	if err := r.Scan(dest...); err != nil {
		return nil, err
	}
	finish()
	return e, nil
}

// endpointDest is where a row's endpointColumns are scanned to, and what finishes the endpoint
// once they are: for a query that reads an endpoint beside other columns.
func endpointDest() (*webhooks.Endpoint, []any, func()) {
	var e webhooks.Endpoint
	var mode, types string
	var disabled nullTS
	var created ts
	return &e, []any{&e.ID, &e.OwnerID, &mode, &e.URL, &e.Description, &types, &e.Failures, &disabled, &created}, func() {
		e.Mode, e.Types, e.DisabledAt, e.CreatedAt = account.Mode(mode), typesOf(types), disabled.ptr(), time.Time(created)
	}
}

// CreateEndpoint keeps a sender's new webhook endpoint with its sealed secret.
func (s *Store) CreateEndpoint(ctx context.Context, e *webhooks.Endpoint, sealedSecret string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO webhook_endpoints (id, owner_id, mode, url, description, event_types, secret_sealed, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, e.ID, e.OwnerID, string(e.Mode), e.URL, e.Description, typesColumn(e.Types), sealedSecret, ts(e.CreatedAt))
	if err != nil {
		return fmt.Errorf("store: webhook endpoint: %w", err)
	}
	return nil
}

// Endpoints are a sender's webhook endpoints in a mode, oldest first.
func (s *Store) Endpoints(ctx context.Context, owner string, mode account.Mode) ([]*webhooks.Endpoint, error) {
	return queryAll(ctx, s.db, "webhook endpoints", scanEndpoint, `SELECT `+endpointColumns+` FROM webhook_endpoints
		WHERE owner_id = $1 AND mode = $2 ORDER BY created_at, id`, owner, string(mode))
}

// DeleteEndpoint removes one of a sender's endpoints and its deliveries.
func (s *Store) DeleteEndpoint(ctx context.Context, owner string, mode account.Mode, id string) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM webhook_endpoints WHERE id = $1 AND owner_id = $2 AND mode = $3`, id, owner, string(mode))
	if err != nil {
		return fmt.Errorf("store: delete webhook endpoint: %w", err)
	}
	if one(res) != nil {
		return errs.New(errs.NotFound, "error.not_found", nil)
	}
	return nil
}

const deliveryColumns = `d.id, d.endpoint_id, d.event_id, d.state, d.attempts, d.last_status, d.last_error, d.last_ms, d.last_at, d.delivered_at, d.created_at`

func scanDelivery(r scanner, more ...any) (*webhooks.Delivery, error) {
	var d webhooks.Delivery
	var last, delivered nullTS
	var created ts
	if err := r.Scan(append([]any{&d.ID, &d.EndpointID, &d.EventID, &d.State, &d.Attempts, &d.LastStatus, &d.LastError, &d.LastMS, &last, &delivered, &created}, more...)...); err != nil {
		return nil, err
	}
	d.LastAt, d.DeliveredAt, d.CreatedAt = last.ptr(), delivered.ptr(), time.Time(created)
	return &d, nil
}

// Deliveries are the newest deliveries to one of a sender's endpoints (its delivery log).
func (s *Store) Deliveries(ctx context.Context, owner string, mode account.Mode, endpointID string, limit int) ([]*webhooks.Delivery, error) {
	return queryAll(ctx, s.db, "webhook deliveries", func(r scanner) (*webhooks.Delivery, error) { return scanDelivery(r) },
		`SELECT `+deliveryColumns+` FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
		WHERE d.endpoint_id = $1 AND e.owner_id = $2 AND e.mode = $3 ORDER BY d.created_at DESC, d.id DESC LIMIT $4`, endpointID, owner, string(mode), limit)
}

// DeliveryToSend is a delivery with its endpoint, the endpoint's sealed secret and the event's
// body, read in one query (it runs for every attempt); with them, the earliest delivery still
// pending to the same endpoint of an earlier event about the same subject, which must be taken
// first (events of a shipment arrive in order), or "" when there is none.
func (s *Store) DeliveryToSend(ctx context.Context, id string) (*webhooks.Delivery, *webhooks.Endpoint, string, []byte, string, error) {
	var sealed, body string
	var behind sql.NullString
	e, dest, finish := endpointDest()
	d, err := scanDelivery(s.db.QueryRowContext(ctx, `SELECT `+deliveryColumns+`, `+prefixed("e.", endpointColumns)+`, e.secret_sealed, ev.data,
			(SELECT p.id FROM events ep JOIN webhook_deliveries p ON p.event_id = ep.id AND p.endpoint_id = d.endpoint_id
			WHERE ep.subject = ev.subject AND p.state = 'pending' AND (ep.created_at < ev.created_at OR ep.created_at = ev.created_at AND ep.id < ev.id)
			ORDER BY ep.created_at, ep.id LIMIT 1)
		FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id JOIN events ev ON ev.id = d.event_id WHERE d.id = $1`, id),
		append(dest, &sealed, &body, &behind)...)
	if err != nil {
		return nil, nil, "", nil, "", notFound(err)
	}
	finish()
	return d, e, sealed, []byte(body), behind.String, nil
}

// Delivery is one delivery, whoever's it is (for the job that sends another after it).
func (s *Store) Delivery(ctx context.Context, id string) (*webhooks.Delivery, error) {
	d, err := scanDelivery(s.db.QueryRowContext(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries d WHERE d.id = $1`, id))
	return d, notFound(err)
}

// RecordAttempt keeps what became of an attempt, on a pending delivery only. Delivered or given
// up on (final), the delivery is done; a delivery given up on counts against its endpoint, which
// is disabled after disableAfter in a row, and one delivered clears the count.
func (s *Store) RecordAttempt(ctx context.Context, d *webhooks.Delivery, delivered, final bool, disableAfter int, now time.Time) error {
	state := "pending"
	switch {
	case delivered:
		state = "delivered"
	case final:
		state = "failed"
	}
	var deliveredAt any
	if delivered {
		deliveredAt = ts(now)
	}
	return s.Transact(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET state = $2, attempts = attempts + 1, last_status = $3, last_error = $4,
			last_ms = $5, last_at = $6, delivered_at = $7 WHERE id = $1 AND state = 'pending'`,
			d.ID, state, d.LastStatus, d.LastError, d.LastMS, ts(now), deliveredAt)
		if err != nil {
			return fmt.Errorf("store: webhook attempt: %w", err)
		}
		if one(res) != nil {
			return nil // done already (delivered by an earlier attempt, or the endpoint removed)
		}
		switch {
		case delivered:
			_, err = tx.ExecContext(ctx, `UPDATE webhook_endpoints SET failures = 0 WHERE id = $1 AND failures > 0`, d.EndpointID)
		case final:
			_, err = tx.ExecContext(ctx, `UPDATE webhook_endpoints SET failures = failures + 1,
				disabled_at = CASE WHEN failures + 1 >= $2 AND disabled_at IS NULL THEN $3 ELSE disabled_at END WHERE id = $1`, d.EndpointID, disableAfter, ts(now))
		}
		return err
	})
}

// Endpoint is one of a sender's endpoints, in either mode.
func (s *Store) Endpoint(ctx context.Context, owner, id string) (*webhooks.Endpoint, error) {
	e, err := scanEndpoint(s.db.QueryRowContext(ctx, `SELECT `+endpointColumns+` FROM webhook_endpoints WHERE id = $1 AND owner_id = $2`, id, owner))
	return e, notFound(err)
}

// ResendDelivery sends a delivery done with (delivered, or given up on) again, on the sender's
// word: it is pending again and queued, in one transaction. One still being tried is not
// queued twice (a conflict), nor is one to a disabled endpoint.
func (s *Store) ResendDelivery(ctx context.Context, owner, endpointID, id string) error {
	return s.Transact(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET state = 'pending', delivered_at = NULL
			WHERE id = $1 AND endpoint_id = $2 AND state IN ('delivered', 'failed')
			AND endpoint_id IN (SELECT id FROM webhook_endpoints WHERE owner_id = $3 AND disabled_at IS NULL)`, id, endpointID, owner)
		if err != nil {
			return fmt.Errorf("store: resend delivery: %w", err)
		}
		if one(res) != nil {
			var state string
			if err := tx.QueryRowContext(ctx, `SELECT d.state FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
				WHERE d.id = $1 AND d.endpoint_id = $2 AND e.owner_id = $3`, id, endpointID, owner).Scan(&state); err != nil {
				return notFound(err)
			}
			return errs.New(errs.Conflict, "webhooks.resend.not_now", nil)
		}
		if s.deliver == nil {
			return nil
		}
		return s.deliver(ctx, tx, []QueuedDelivery{{ID: id}})
	})
}
