package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/errs"
)

// CreateToken records an emailed link token.
func (s *Store) CreateToken(ctx context.Context, t account.Token, now time.Time) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO tokens (hash, kind, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
		t.Hash, string(t.Kind), t.UserID, ts(now), ts(t.ExpiresAt))
	if err != nil {
		return fmt.Errorf("store: create token: %w", err)
	}
	return nil
}

// useToken spends a token of a kind and runs then (in the same transaction) with its user's id: a
// token works once, before it expires, for its own kind only. A token used, expired, of another kind or
// unknown is the same invalid-link error, so a guess learns nothing.
func (s *Store) useToken(ctx context.Context, hash string, kind account.TokenKind, now time.Time, then func(tx *sql.Tx, userID string) error) error {
	return s.Transact(ctx, func(tx *sql.Tx) error {
		var userID string
		err := tx.QueryRowContext(ctx, `UPDATE tokens SET used_at = $3 WHERE hash = $1 AND kind = $2 AND used_at IS NULL AND expires_at > $3
			RETURNING user_id`, hash, string(kind), ts(now)).Scan(&userID)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.New(errs.Invalid, "account.link.invalid", nil)
		}
		if err != nil {
			return fmt.Errorf("store: use token: %w", err)
		}
		if then == nil {
			return nil
		}
		return then(tx, userID)
	})
}

// VerifyEmail spends a verification token and marks its user's email verified; it returns the user id.
func (s *Store) VerifyEmail(ctx context.Context, tokenHash string, now time.Time) (string, error) {
	var uid string
	err := s.useToken(ctx, tokenHash, account.VerifyEmail, now, func(tx *sql.Tx, userID string) error {
		uid = userID
		_, err := tx.ExecContext(ctx, `UPDATE users SET email_verified_at = COALESCE(email_verified_at, $2), updated_at = $2 WHERE id = $1`, userID, ts(now))
		return err
	})
	return uid, err
}

// ResetPassword spends a reset token, sets the new password hash and ends every session of the user
// (whoever knew the old password is signed out); it returns the user id.
func (s *Store) ResetPassword(ctx context.Context, tokenHash, newHash string, now time.Time) (string, error) {
	var uid string
	err := s.useToken(ctx, tokenHash, account.ResetPassword, now, func(tx *sql.Tx, userID string) error {
		uid = userID
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1`, userID, newHash, ts(now)); err != nil {
			return err
		}
		if err := spendTokens(ctx, tx, userID, account.ResetPassword, now); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
		return err
	})
	return uid, err
}

// SpendTokens spends every unused token of a kind of the user: once the password has changed, an
// older reset link in someone's mailbox must not change it again.
func (s *Store) SpendTokens(ctx context.Context, userID string, kind account.TokenKind, now time.Time) error {
	return s.Transact(ctx, func(tx *sql.Tx) error { return spendTokens(ctx, tx, userID, kind, now) })
}

func spendTokens(ctx context.Context, tx *sql.Tx, userID string, kind account.TokenKind, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `UPDATE tokens SET used_at = $3 WHERE user_id = $1 AND kind = $2 AND used_at IS NULL`, userID, string(kind), ts(now)); err != nil {
		return fmt.Errorf("store: spend tokens: %w", err)
	}
	return nil
}
