package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/addressbook"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/shipment"
)

// SaveAddress adds an address to the owner's book, unless the same one is there already (added
// false, its id), and refuses a book that holds max entries already.
func (s *Store) SaveAddress(ctx context.Context, owner string, mode account.Mode, kind addressbook.Kind, a shipment.Address, max int, now time.Time) (id string, added bool, err error) {
	b, err := json.Marshal(a)
	if err != nil {
		return "", false, err
	}
	err = s.db.QueryRowContext(ctx, `SELECT id FROM address_book WHERE owner_id = $1 AND mode = $2 AND kind = $3 AND address = $4`,
		owner, string(mode), string(kind), string(b)).Scan(&id)
	if err == nil {
		return id, false, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", false, fmt.Errorf("store: save address: %w", err)
	}
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM address_book WHERE owner_id = $1 AND mode = $2`, owner, string(mode)).Scan(&n); err != nil {
		return "", false, fmt.Errorf("store: save address: %w", err)
	}
	if n >= max {
		return "", false, errs.New(errs.Conflict, "addressbook.full", errs.Args{"max": max})
	}
	id = account.NewID("adr")
	_, err = s.db.ExecContext(ctx, `INSERT INTO address_book (id, owner_id, mode, kind, name, country, address, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		id, owner, string(mode), string(kind), a.Name, a.Country, string(b), ts(now))
	if err != nil {
		return "", false, fmt.Errorf("store: save address: %w", err)
	}
	return id, true, nil
}

// Addresses lists the owner's saved addresses of a kind in a mode, by name ("" kind: both).
func (s *Store) Addresses(ctx context.Context, owner string, mode account.Mode, kind addressbook.Kind) ([]addressbook.Entry, error) {
	return queryAll(ctx, s.db, "addresses", scanAddress, `SELECT id, kind, address FROM address_book
		WHERE owner_id = $1 AND mode = $2 AND (kind = $3 OR $3 = '') ORDER BY name, id`, owner, string(mode), string(kind))
}

// Address returns one of the owner's saved addresses in a mode; anyone else's is not found.
func (s *Store) Address(ctx context.Context, owner string, mode account.Mode, id string) (addressbook.Entry, error) {
	a, err := scanAddress(s.db.QueryRowContext(ctx, `SELECT id, kind, address FROM address_book WHERE id = $1 AND owner_id = $2 AND mode = $3`, id, owner, string(mode)))
	return a, notFound(err)
}

// UpdateAddress replaces one of the owner's saved addresses (and its kind).
func (s *Store) UpdateAddress(ctx context.Context, owner string, mode account.Mode, e addressbook.Entry) error {
	b, err := json.Marshal(e.Address)
	if err != nil {
		return err
	}
	return s.exec1(ctx, `UPDATE address_book SET kind = $4, name = $5, country = $6, address = $7 WHERE id = $1 AND owner_id = $2 AND mode = $3`,
		e.ID, owner, string(mode), string(e.Kind), e.Address.Name, e.Address.Country, string(b))
}

func scanAddress(row scanner) (addressbook.Entry, error) {
	var a addressbook.Entry
	var kind, raw string
	if err := row.Scan(&a.ID, &kind, &raw); err != nil {
		return a, err
	}
	a.Kind = addressbook.Kind(kind)
	return a, json.Unmarshal([]byte(raw), &a.Address)
}

// DeleteAddress removes one of the owner's saved addresses.
func (s *Store) DeleteAddress(ctx context.Context, owner string, mode account.Mode, id string) error {
	return s.exec1(ctx, `DELETE FROM address_book WHERE id = $1 AND owner_id = $2 AND mode = $3`, id, owner, string(mode))
}
