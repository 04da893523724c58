package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/events"
	"github.com/ecship/ecship/internal/money"
	"github.com/ecship/ecship/internal/payment"
	"github.com/ecship/ecship/internal/shipment"
)

// shipmentData is the JSON part of a stored shipment.
type shipmentData struct {
	WeightG     int                  `json:"weight_g"`
	Dimensions  *catalog.Dimensions  `json:"dimensions_mm,omitempty"`
	Sender      shipment.Address     `json:"sender"`
	Recipient   shipment.Address     `json:"recipient"`
	Contents    *shipment.Contents   `json:"contents,omitempty"`
	Insurance   money.Cents          `json:"insurance"`
	Collect     *shipment.Collection `json:"collect,omitempty"`
	Notice      *shipment.Notice     `json:"notice,omitempty"`
	Format      string               `json:"format,omitempty"`
	Postage     money.Cents          `json:"postage"`
	Fees        money.Cents          `json:"fees"`
	Premium     money.Cents          `json:"premium"`
	Sample      bool                 `json:"sample,omitempty"`
	CustomsForm string               `json:"customs_form,omitempty"`
	USExchange  string               `json:"us_exchange,omitempty"`
	Problems    []shipment.Problem   `json:"problems,omitempty"`
}

func dataOf(s *shipment.Shipment) (string, error) {
	b, err := json.Marshal(shipmentData{WeightG: s.WeightG, Dimensions: s.Dimensions, Sender: s.Sender, Recipient: s.Recipient, Contents: s.Contents,
		Insurance: s.Insurance, Collect: s.Collect, Notice: s.Notice, Format: s.Format, Postage: s.Postage, Fees: s.Fees, Premium: s.Premium, Sample: s.Sample,
		CustomsForm: s.CustomsForm, USExchange: s.USExchange, Problems: s.Problems})
	return string(b), err
}

const shipmentColumns = `id, owner_id, mode, status, service, item_no, reference, total_cents, data, created_at, updated_at, expires_at, delete_after, printed_at, posted_at, posted_office, version`

func scanShipment(row scanner) (*shipment.Shipment, error) {
	var s shipment.Shipment
	var mode, status, data string
	var itemNo sql.NullString
	var total int64
	var created, updated ts
	var expires, deleteAfter, printed, posted nullTS
	if err := row.Scan(&s.ID, &s.OwnerID, &mode, &status, &s.Service, &itemNo, &s.Reference, &total, &data, &created, &updated, &expires, &deleteAfter, &printed,
		&posted, &s.PostedOffice, &s.Version); err != nil {
		return nil, err
	}
	var d shipmentData
	if err := json.Unmarshal([]byte(data), &d); err != nil {
		return nil, fmt.Errorf("store: shipment %s: %w", s.ID, err)
	}
	s.Mode, s.Status, s.ItemNo, s.Total = account.Mode(mode), shipment.Status(status), itemNo.String, money.Cents(total)
	s.WeightG, s.Dimensions, s.Sender, s.Recipient, s.Contents, s.Insurance = d.WeightG, d.Dimensions, d.Sender, d.Recipient, d.Contents, d.Insurance
	s.Collect, s.Notice = d.Collect, d.Notice
	s.Format, s.Postage, s.Fees, s.Premium, s.Sample, s.CustomsForm, s.USExchange, s.Problems = d.Format, d.Postage, d.Fees, d.Premium, d.Sample, d.CustomsForm, d.USExchange, d.Problems
	s.CreatedAt, s.UpdatedAt, s.ExpiresAt, s.DeleteAfter, s.PrintedAt = time.Time(created), time.Time(updated), expires.ptr(), deleteAfter.ptr(), printed.ptr()
	s.PostedAt = posted.ptr()
	return &s, nil
}

// CreateShipments stores shipments in one transaction: all or none. Ready ones get their UPU item
// numbers (prefix gives each service's S10 letter) in the same transaction.
func (s *Store) CreateShipments(ctx context.Context, list []*shipment.Shipment, prefix func(service string) string, now time.Time) error {
	renumber := numbering(list)
	return s.Transact(ctx, func(tx *sql.Tx) error {
		renumber()
		return s.insertShipments(ctx, tx, list, prefix, now)
	})
}

// numbering remembers which shipments have no item number yet and returns what forgets the
// numbers they were given: called as a transaction starts, so that an attempt Transact retries
// (after a deadlock or a busy database) allocates anew instead of keeping a number whose
// allocation was rolled back with the failed attempt, which another label would then be given.
func numbering(list []*shipment.Shipment) func() {
	var unnumbered []*shipment.Shipment
	for _, sh := range list {
		if sh.ItemNo == "" {
			unnumbered = append(unnumbered, sh)
		}
	}
	return func() {
		for _, sh := range unnumbered {
			sh.ItemNo = ""
		}
	}
}

// insertShipments numbers the ready shipments of a list and inserts them all.
func (s *Store) insertShipments(ctx context.Context, tx *sql.Tx, list []*shipment.Shipment, prefix func(string) string, now time.Time) error {
	made := make([]events.Event, 0, len(list))
	for _, sh := range list {
		if err := s.numberIfReady(ctx, tx, sh, prefix, now); err != nil {
			return err
		}
		if err := insertShipment(ctx, tx, sh); err != nil {
			return err
		}
		e, err := events.New(sh.OwnerID, sh.Mode, events.ShipmentCreated, sh.ID, events.ShipmentData(sh), now)
		if err != nil {
			return err
		}
		made = append(made, e)
	}
	return s.emitAll(ctx, tx, made)
}

// numberIfReady gives a ready shipment without an item number its number, in the transaction.
func (s *Store) numberIfReady(ctx context.Context, tx *sql.Tx, sh *shipment.Shipment, prefix func(string) string, now time.Time) error {
	if sh.Status != shipment.Ready || sh.ItemNo != "" {
		return nil
	}
	nums, err := s.AllocateItemNumbersTx(ctx, tx, prefix(sh.Service), 1, now)
	if err != nil {
		return err
	}
	sh.ItemNo = nums[0]
	return nil
}

// itemNoOrNil is the item_no column's value: NULL until the shipment is numbered.
func itemNoOrNil(sh *shipment.Shipment) any {
	if sh.ItemNo == "" {
		return nil
	}
	return sh.ItemNo
}

func insertShipment(ctx context.Context, tx *sql.Tx, sh *shipment.Shipment) error {
	data, err := dataOf(sh)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO shipments (`+shipmentColumns+`, recipient_name, recipient_country)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 0, $17, $18)`,
		sh.ID, sh.OwnerID, string(sh.Mode), string(sh.Status), sh.Service, itemNoOrNil(sh), sh.Reference, int64(sh.Total), data,
		ts(sh.CreatedAt), ts(sh.UpdatedAt), tsOrNil(sh.ExpiresAt), tsOrNil(sh.DeleteAfter), tsOrNil(sh.PrintedAt), tsOrNil(sh.PostedAt), sh.PostedOffice,
		sh.Recipient.Name, sh.Recipient.Country)
	if err != nil {
		return fmt.Errorf("store: create shipment: %w", err)
	}
	return nil
}

// Shipment returns one of the owner's shipments in a mode. Another sender's shipment, or one of the
// other mode, is not found: the same answer as one that does not exist.
func (s *Store) Shipment(ctx context.Context, owner string, mode account.Mode, id string) (*shipment.Shipment, error) {
	sh, err := scanShipment(s.db.QueryRowContext(ctx, `SELECT `+shipmentColumns+` FROM shipments WHERE id = $1 AND owner_id = $2 AND mode = $3`, id, owner, string(mode)))
	return sh, notFound(err)
}

// ShipmentByID returns any shipment (for the counter and jobs, not for senders).
func (s *Store) ShipmentByID(ctx context.Context, id string) (*shipment.Shipment, error) {
	sh, err := scanShipment(s.db.QueryRowContext(ctx, `SELECT `+shipmentColumns+` FROM shipments WHERE id = $1`, id))
	return sh, notFound(err)
}

// ShipmentByItemNo returns the shipment of an item number in a mode, whoever's it is (for the
// counter, not for senders).
func (s *Store) ShipmentByItemNo(ctx context.Context, mode account.Mode, itemNo string) (*shipment.Shipment, error) {
	sh, err := scanShipment(s.db.QueryRowContext(ctx, `SELECT `+shipmentColumns+` FROM shipments WHERE item_no = $1 AND mode = $2`, itemNo, string(mode)))
	return sh, notFound(err)
}

// ShipmentsByID returns several of the owner's shipments, in the order asked, in one query; any that
// is not theirs makes the whole answer not found.
func (s *Store) ShipmentsByID(ctx context.Context, owner string, mode account.Mode, ids []string) ([]*shipment.Shipment, error) {
	args := []any{owner, string(mode)}
	list, err := queryAll(ctx, s.db, "shipments", scanShipment, `SELECT `+shipmentColumns+` FROM shipments WHERE owner_id = $1 AND mode = $2 AND id IN (`+bind(&args, ids)+`)`, args...)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*shipment.Shipment, len(list))
	for _, sh := range list {
		byID[sh.ID] = sh
	}
	out := make([]*shipment.Shipment, 0, len(ids))
	for _, id := range ids {
		sh, ok := byID[id]
		if !ok {
			return nil, errs.New(errs.NotFound, "error.not_found", nil)
		}
		out = append(out, sh)
	}
	return out, nil
}

// bind appends values to args and returns their placeholders, "$3, $4, $5".
func bind[T any](args *[]any, values []T) string {
	ph := make([]string, len(values))
	for i, v := range values {
		*args = append(*args, v)
		ph[i] = fmt.Sprintf("$%d", len(*args))
	}
	return strings.Join(ph, ", ")
}

// statesOf is the placeholders of the states a transition starts from, their values appended to args.
func statesOf(args *[]any, t shipment.Transition) string {
	states := t.From()
	names := make([]string, len(states))
	for i, st := range states {
		names[i] = string(st)
	}
	return bind(args, names)
}

// conflictOn is the conflict of a label that moved on before a transition could take it: the
// label's state as it now is, or not found when it is gone.
func conflictOn(ctx context.Context, q querier, id string) error {
	var status string
	if err := q.QueryRowContext(ctx, `SELECT status FROM shipments WHERE id = $1`, id).Scan(&status); err != nil {
		return notFound(err)
	}
	return errs.New(errs.Conflict, "shipment.changed", errs.Args{"status": status})
}

// Shipments lists the owner's shipments in a mode, newest first, with a cursor for the next page.
func (s *Store) Shipments(ctx context.Context, owner string, mode account.Mode, f shipment.Filter) ([]*shipment.Shipment, string, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	where := []string{"owner_id = $1", "mode = $2"}
	args := []any{owner, string(mode)}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", fmt.Sprintf("$%d", len(args))))
	}
	if len(f.Statuses) > 0 {
		where = append(where, "status IN ("+bind(&args, f.Statuses)+")")
	}
	if q := strings.TrimSpace(f.Search); q != "" {
		add(s.containsAny("item_no", "reference", "recipient_name"), "%"+likeEscape(q)+"%")
	}
	if f.Reference != "" {
		add("reference = ?", f.Reference)
	}
	if f.ItemNo != "" {
		add("item_no = ?", f.ItemNo)
	}
	if !f.From.IsZero() {
		add("created_at >= ?", ts(f.From))
	}
	if !f.To.IsZero() {
		add("created_at < ?", ts(f.To))
	}
	if !f.Since.IsZero() {
		add("created_at >= ?", ts(f.Since))
	}
	return pageNewestFirst(ctx, s, "shipments", shipmentColumns, "shipments", where, args, f.Before, f.Limit, scanShipment,
		func(sh *shipment.Shipment) (time.Time, string) { return sh.CreatedAt, sh.ID })
}

// UpdateShipment saves a sender's change to a shipment (the Save transition): only while it is
// incomplete or ready, unprinted, held by no payment and at the version the change was worked out
// from; else it is a conflict naming the state it is in. A shipment turning ready gets its item
// number now.
func (s *Store) UpdateShipment(ctx context.Context, sh *shipment.Shipment, prefix func(string) string, now time.Time) error {
	renumber := numbering([]*shipment.Shipment{sh})
	return s.Transact(ctx, func(tx *sql.Tx) error {
		renumber()
		if err := s.numberIfReady(ctx, tx, sh, prefix, now); err != nil {
			return err
		}
		data, err := dataOf(sh)
		if err != nil {
			return err
		}
		args := []any{sh.ID, sh.OwnerID, string(sh.Status), sh.Service, itemNoOrNil(sh), sh.Reference, int64(sh.Total), data, ts(sh.UpdatedAt),
			tsOrNil(sh.ExpiresAt), tsOrNil(sh.DeleteAfter), sh.Recipient.Name, sh.Recipient.Country, sh.Version}
		res, err := tx.ExecContext(ctx, `UPDATE shipments SET status = $3, service = $4, item_no = $5, reference = $6, total_cents = $7, data = $8,
			updated_at = $9, expires_at = $10, delete_after = $11, recipient_name = $12, recipient_country = $13, version = version + 1
			WHERE id = $1 AND owner_id = $2 AND version = $14 AND printed_at IS NULL AND payment_id IS NULL AND status IN (`+statesOf(&args, shipment.Save)+`)`, args...)
		if err != nil {
			return fmt.Errorf("store: update shipment: %w", err)
		}
		if err := one(res); err != nil {
			return conflictOn(ctx, tx, sh.ID)
		}
		sh.Version++
		return nil
	})
}

// DeleteShipment removes one of the owner's incomplete or unpaid shipments, held by no payment and
// not waiting at a counter.
// Declined payments' lines for it go with it (the payment's own record stays).
func (s *Store) DeleteShipment(ctx context.Context, owner string, mode account.Mode, id string) error {
	return s.Transact(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM payment_items WHERE shipment_id = $1
			AND payment_id IN (SELECT id FROM payments WHERE status = $2 AND owner_id = $3 AND mode = $4)`, id, string(payment.Failed), owner, string(mode)); err != nil {
			return fmt.Errorf("store: delete shipment: %w", err)
		}
		args := []any{id, owner, string(mode)}
		// A label held by a payment, or waiting at a counter, is not the sender's to delete.
		res, err := tx.ExecContext(ctx, `DELETE FROM shipments WHERE id = $1 AND owner_id = $2 AND mode = $3 AND payment_id IS NULL
			AND NOT EXISTS (SELECT 1 FROM counter_items ci WHERE ci.shipment_id = shipments.id)
			AND status IN (`+statesOf(&args, shipment.Delete)+`)`, args...)
		if err != nil {
			return fmt.Errorf("store: delete shipment: %w", err)
		}
		if err := one(res); err != nil {
			if _, err := s.shipmentTx(ctx, tx, owner, mode, id); err != nil {
				return err
			}
			return errs.New(errs.Conflict, "shipment.not_deletable", nil)
		}
		return nil
	})
}

func (s *Store) shipmentTx(ctx context.Context, q querier, owner string, mode account.Mode, id string) (*shipment.Shipment, error) {
	sh, err := scanShipment(q.QueryRowContext(ctx, `SELECT `+shipmentColumns+` FROM shipments WHERE id = $1 AND owner_id = $2 AND mode = $3`, id, owner, string(mode)))
	return sh, notFound(err)
}

// PrintShipments records that the owner printed labels (the Print transition, LBL-9): from now on
// the sender can no longer edit them. All or none: a label gone or in another state is a conflict.
// A label printed before keeps its first printing time.
func (s *Store) PrintShipments(ctx context.Context, owner string, mode account.Mode, ids []string, now time.Time) error {
	return s.Transact(ctx, func(tx *sql.Tx) error {
		args := []any{owner, string(mode), ts(now)}
		in := bind(&args, ids)
		printed, err := queryAll(ctx, tx, "print shipments", scanShipment, `UPDATE shipments SET printed_at = COALESCE(printed_at, $3), version = version + 1
			WHERE owner_id = $1 AND mode = $2 AND id IN (`+in+`) AND status IN (`+statesOf(&args, shipment.Print)+`) RETURNING `+shipmentColumns, args...)
		if err != nil {
			return err
		}
		if len(printed) != len(ids) {
			return errs.New(errs.Conflict, "shipment.not_printable", errs.Args{"status": "changed"})
		}
		var first []*shipment.Shipment
		for _, sh := range printed {
			// Told the first time only: a label printed before keeps its first time. (PostgreSQL
			// keeps microseconds, rounded.)
			if sh.PrintedAt == nil {
				continue
			}
			if d := sh.PrintedAt.Sub(now); d > -time.Microsecond && d < time.Microsecond {
				first = append(first, sh)
			}
		}
		return s.shipmentEvents(ctx, tx, events.ShipmentPrinted, first, now)
	})
}

// one checks that a conditional write changed exactly one row.
func one(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n != 1 {
		return errNoRow
	}
	return nil
}

var errNoRow = errors.New("store: no row in the expected state")

// CreateShipmentsOnce stores shipments under a create key, in one transaction: the key is written
// (or, used before notBefore, taken over) first, and the shipments with it. A key in use since
// notBefore stores nothing and answers that use. Of concurrent requests with one key, the first to
// write it creates; the others wait for its commit and answer it (PostgreSQL holds them on the
// key's row, SQLite runs one writer at a time).
func (s *Store) CreateShipmentsOnce(ctx context.Context, k shipment.CreateKey, list []*shipment.Shipment, prefix func(string) string, now, notBefore time.Time) (*shipment.KeyUse, error) {
	ids := make([]string, len(list))
	for i, sh := range list {
		ids[i] = sh.ID
	}
	var prior *shipment.KeyUse
	renumber := numbering(list)
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		prior = nil
		renumber()
		res, err := tx.ExecContext(ctx, `INSERT INTO create_keys (owner_id, mode, key, fingerprint, shipment_ids, created_at)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (owner_id, mode, key) DO UPDATE SET fingerprint = excluded.fingerprint, shipment_ids = excluded.shipment_ids,
				created_at = excluded.created_at
			WHERE create_keys.created_at < $7`,
			k.OwnerID, string(k.Mode), k.Key, k.Fingerprint, strings.Join(ids, ","), ts(now), ts(notBefore))
		if err != nil {
			return fmt.Errorf("store: create key: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			var u shipment.KeyUse
			var list string
			if err := tx.QueryRowContext(ctx, `SELECT fingerprint, shipment_ids FROM create_keys WHERE owner_id = $1 AND mode = $2 AND key = $3`,
				k.OwnerID, string(k.Mode), k.Key).Scan(&u.Fingerprint, &list); err != nil {
				return fmt.Errorf("store: create key: %w", err)
			}
			u.IDs = strings.Split(list, ",")
			prior = &u
			return nil
		}
		return s.insertShipments(ctx, tx, list, prefix, now)
	})
	return prior, err
}

// DeleteStaleCreateKeys forgets the create keys older than shipment.KeyWindow: no request can be
// answered from them any more.
func (s *Store) DeleteStaleCreateKeys(ctx context.Context, now time.Time) (int, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM create_keys WHERE created_at < $1`, ts(now.Add(-shipment.KeyWindow)))
	if err != nil {
		return 0, fmt.Errorf("store: stale create keys: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// ForgetCreateKey drops a create key if it still names these shipments (a request taking it over
// meanwhile keeps it).
func (s *Store) ForgetCreateKey(ctx context.Context, k shipment.CreateKey, ids []string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM create_keys WHERE owner_id = $1 AND mode = $2 AND key = $3 AND shipment_ids = $4`,
		k.OwnerID, string(k.Mode), k.Key, strings.Join(ids, ","))
	if err != nil {
		return fmt.Errorf("store: forget create key: %w", err)
	}
	return nil
}
