package store

import (
	"context"
	"fmt"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/errs"
)

// CreateAPIKey stores a key (its hash).
func (s *Store) CreateAPIKey(ctx context.Context, k account.APIKey) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO api_keys (id, user_id, name, mode, prefix, key_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		k.ID, k.UserID, k.Name, string(k.Mode), k.Prefix, k.Hash, ts(k.CreatedAt))
	if err != nil {
		return fmt.Errorf("store: create api key: %w", err)
	}
	return nil
}

const keyColumns = `id, user_id, name, mode, prefix, key_hash, created_at, last_used_at, revoked_at`

func scanKey(row scanner) (account.APIKey, error) {
	var k account.APIKey
	var mode string
	var created ts
	var used, revoked nullTS
	err := row.Scan(&k.ID, &k.UserID, &k.Name, &mode, &k.Prefix, &k.Hash, &created, &used, &revoked)
	k.Mode, k.CreatedAt, k.LastUsedAt, k.RevokedAt = account.Mode(mode), time.Time(created), used.ptr(), revoked.ptr()
	return k, err
}

// APIKeys lists a user's keys, newest first.
func (s *Store) APIKeys(ctx context.Context, userID string) ([]account.APIKey, error) {
	return queryAll(ctx, s.db, "api keys", scanKey, `SELECT `+keyColumns+` FROM api_keys WHERE user_id = $1 ORDER BY created_at DESC, id`, userID)
}

// KeyUser returns the key with this hash and its user, when the key is not revoked, and notes its use
// (at most once a minute).
func (s *Store) KeyUser(ctx context.Context, hash string, now time.Time) (account.APIKey, *account.User, error) {
	k, err := scanKey(s.db.QueryRowContext(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL`, hash))
	if err != nil {
		return k, nil, notFound(err)
	}
	u, err := s.UserByID(ctx, k.UserID)
	if err != nil {
		return k, nil, err
	}
	if k.LastUsedAt == nil || now.Sub(*k.LastUsedAt) > time.Minute {
		s.db.ExecContext(ctx, `UPDATE api_keys SET last_used_at = $2 WHERE id = $1`, k.ID, ts(now))
	}
	return k, u, nil
}

// RevokeAPIKey revokes one of the user's keys; another user's key is not found.
func (s *Store) RevokeAPIKey(ctx context.Context, userID, id string, now time.Time) error {
	res, err := s.db.ExecContext(ctx, `UPDATE api_keys SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL`, id, userID, ts(now))
	if err != nil {
		return fmt.Errorf("store: revoke api key: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.New(errs.NotFound, "error.not_found", nil)
	}
	return nil
}
