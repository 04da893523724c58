package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/shipment"
)

// SavedAddress is an address book entry.
type SavedAddress struct {
	ID      string
	Kind    string // sender or recipient
	Address shipment.Address
}

// MaxSavedAddresses bounds one sender's address book.
const MaxSavedAddresses = 2000

// SaveAddress adds an address to the owner's book, unless the same one is there already.
func (s *Store) SaveAddress(ctx context.Context, owner, kind string, a shipment.Address, now time.Time) (string, error) {
	b, err := json.Marshal(a)
	if err != nil {
		return "", err
	}
	var id string
	err = s.db.QueryRowContext(ctx, `SELECT id FROM address_book WHERE owner_id = $1 AND kind = $2 AND address = $3`, owner, kind, string(b)).Scan(&id)
	if err == nil {
		return id, nil
	}
	var n int
	s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM address_book WHERE owner_id = $1`, owner).Scan(&n)
	if n >= MaxSavedAddresses {
		return "", errs.New(errs.Conflict, "addressbook.full", errs.Args{"max": MaxSavedAddresses})
	}
	id = account.NewID("adr")
	_, err = s.db.ExecContext(ctx, `INSERT INTO address_book (id, owner_id, kind, name, country, address, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		id, owner, kind, a.Name, a.Country, string(b), ts(now))
	if err != nil {
		return "", fmt.Errorf("store: save address: %w", err)
	}
	return id, nil
}

// Addresses lists the owner's saved addresses of a kind, by name.
func (s *Store) Addresses(ctx context.Context, owner, kind string) ([]SavedAddress, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, kind, address FROM address_book WHERE owner_id = $1 AND kind = $2 ORDER BY name, id`, owner, kind)
	if err != nil {
		return nil, fmt.Errorf("store: addresses: %w", err)
	}
	defer rows.Close()
	var out []SavedAddress
	for rows.Next() {
		var a SavedAddress
		var raw string
		if err := rows.Scan(&a.ID, &a.Kind, &raw); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(raw), &a.Address); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Address returns one of the owner's saved addresses; anyone else's is not found.
func (s *Store) Address(ctx context.Context, owner, id string) (SavedAddress, error) {
	var a SavedAddress
	var raw string
	err := s.db.QueryRowContext(ctx, `SELECT id, kind, address FROM address_book WHERE id = $1 AND owner_id = $2`, id, owner).Scan(&a.ID, &a.Kind, &raw)
	if err != nil {
		return a, notFound(err)
	}
	return a, json.Unmarshal([]byte(raw), &a.Address)
}

// DeleteAddress removes one of the owner's saved addresses.
func (s *Store) DeleteAddress(ctx context.Context, owner, id string) error {
	return s.exec1(ctx, `DELETE FROM address_book WHERE id = $1 AND owner_id = $2`, id, owner)
}
