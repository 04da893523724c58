package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/money"
	"github.com/ecship/ecship/internal/payment"
)

const depositColumns = `id, owner_id, mode, name, balance_cents, created_at`

func scanDeposit(row scanner) (*payment.Deposit, error) {
	var d payment.Deposit
	var mode string
	var balance int64
	var created ts
	if err := row.Scan(&d.ID, &d.OwnerID, &mode, &d.Name, &balance, &created); err != nil {
		return nil, err
	}
	d.Mode, d.Balance, d.CreatedAt = account.Mode(mode), money.Cents(balance), time.Time(created)
	return &d, nil
}

// CreateDeposit opens a deposit account with a zero balance.
func (s *Store) CreateDeposit(ctx context.Context, d *payment.Deposit) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO deposit_accounts (id, owner_id, mode, name, balance_cents, created_at) VALUES ($1, $2, $3, $4, 0, $5)`,
		d.ID, d.OwnerID, string(d.Mode), d.Name, ts(d.CreatedAt))
	if err != nil {
		return fmt.Errorf("store: create deposit account: %w", err)
	}
	return nil
}

// Deposit returns a deposit account by its number.
func (s *Store) Deposit(ctx context.Context, id string) (*payment.Deposit, error) {
	d, err := scanDeposit(s.db.QueryRowContext(ctx, `SELECT `+depositColumns+` FROM deposit_accounts WHERE id = $1`, id))
	return d, notFound(err)
}

// DepositsOf lists a sender's deposit accounts in a mode, oldest first.
func (s *Store) DepositsOf(ctx context.Context, owner string, mode account.Mode) ([]*payment.Deposit, error) {
	return s.deposits(ctx, `WHERE owner_id = $1 AND mode = $2`, owner, string(mode))
}

// AllDeposits lists every deposit account (for the ledger check and operations).
func (s *Store) AllDeposits(ctx context.Context) ([]*payment.Deposit, error) {
	return s.deposits(ctx, ``)
}

// DepositHolders maps every deposit account to its holder's email, in one query (for operations).
func (s *Store) DepositHolders(ctx context.Context) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT d.id, u.email FROM deposit_accounts d JOIN users u ON u.id = d.owner_id`)
	if err != nil {
		return nil, fmt.Errorf("store: deposit holders: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, email string
		if err := rows.Scan(&id, &email); err != nil {
			return nil, err
		}
		out[id] = email
	}
	return out, rows.Err()
}

func (s *Store) deposits(ctx context.Context, where string, args ...any) ([]*payment.Deposit, error) {
	return queryAll(ctx, s.db, "deposit accounts", scanDeposit, `SELECT `+depositColumns+` FROM deposit_accounts `+where+` ORDER BY created_at, id`, args...)
}

// CreditDeposit adds to a deposit account's balance, records the movement and books the ledger
// transaction, once per movement key.
func (s *Store) CreditDeposit(ctx context.Context, m payment.Movement, txn payment.Txn) (payment.Movement, error) {
	if m.Amount <= 0 {
		return m, fmt.Errorf("store: deposit credit of %v", m.Amount)
	}
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		if done, err := movementByKey(ctx, tx, m.Key); err == nil {
			m = done
			return nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		var balance int64
		if err := tx.QueryRowContext(ctx, `UPDATE deposit_accounts SET balance_cents = balance_cents + $2 WHERE id = $1 RETURNING balance_cents`,
			m.AccountID, int64(m.Amount)).Scan(&balance); err != nil {
			return notFound(err)
		}
		m.Balance = money.Cents(balance)
		if err := insertMovement(ctx, tx, m); err != nil {
			return err
		}
		return book(ctx, tx, txn)
	})
	return m, err
}

// PayFromDeposit takes a pending payment's amount from its owner's deposit account, never below
// zero, and settles the payment: labels paid, movement recorded, ledger booked, all or nothing.
func (s *Store) PayFromDeposit(ctx context.Context, p *payment.Payment, m payment.Movement, txn payment.Txn) error {
	return s.Transact(ctx, func(tx *sql.Tx) error {
		var balance int64
		err := tx.QueryRowContext(ctx, `UPDATE deposit_accounts SET balance_cents = balance_cents - $2
			WHERE id = $1 AND owner_id = $3 AND mode = $4 AND balance_cents >= $2 RETURNING balance_cents`,
			m.AccountID, int64(p.Amount), p.OwnerID, string(p.Mode)).Scan(&balance)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.New(errs.Declined, "payment.deposit.insufficient", nil)
		}
		if err != nil {
			return fmt.Errorf("store: debit deposit: %w", err)
		}
		m.Balance = money.Cents(balance)
		if err := insertMovement(ctx, tx, m); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE payments SET status = 'settled', captured_cents = amount_cents, settled_at = $2, deposit_id = $3
			WHERE id = $1 AND status = 'pending'`, p.ID, ts(m.At), m.AccountID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.New(errs.Conflict, "payment.changed", nil) // failed meanwhile: take nothing
		}
		if err := s.payClaimed(ctx, tx, p, txn.At); err != nil {
			return err
		}
		if err := book(ctx, tx, txn); err != nil {
			return err
		}
		at := m.At
		p.Status, p.Captured, p.SettledAt, p.DepositID = payment.Settled, p.Amount, &at, m.AccountID
		return nil
	})
}

// DepositMovements lists an account's movements, newest first: its statement.
func (s *Store) DepositMovements(ctx context.Context, accountID string, limit int) ([]payment.Movement, error) {
	return queryAll(ctx, s.db, "deposit movements", scanMovement, `SELECT `+movementColumns+` FROM deposit_movements WHERE account_id = $1 ORDER BY at DESC, id DESC LIMIT $2`, accountID, limit)
}

const movementColumns = `id, account_id, movement_key, kind, amount_cents, balance_cents, ref, at`

func scanMovement(row scanner) (payment.Movement, error) {
	var m payment.Movement
	var amount, balance int64
	var at ts
	err := row.Scan(&m.ID, &m.AccountID, &m.Key, &m.Kind, &amount, &balance, &m.Ref, &at)
	m.Amount, m.Balance, m.At = money.Cents(amount), money.Cents(balance), time.Time(at)
	return m, err
}

func movementByKey(ctx context.Context, tx *sql.Tx, key string) (payment.Movement, error) {
	return scanMovement(tx.QueryRowContext(ctx, `SELECT `+movementColumns+` FROM deposit_movements WHERE movement_key = $1`, key))
}

func insertMovement(ctx context.Context, tx *sql.Tx, m payment.Movement) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO deposit_movements (`+movementColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		m.ID, m.AccountID, m.Key, m.Kind, int64(m.Amount), int64(m.Balance), m.Ref, ts(m.At))
	if err != nil {
		return fmt.Errorf("store: deposit movement: %w", err)
	}
	return nil
}
