package store

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/errs"
)

// CreateIntegrator stores a SOAP credential (its password sealed). A username in use is an error on
// the username field.
func (s *Store) CreateIntegrator(ctx context.Context, in account.Integrator) error {
	ips := make([]string, len(in.AllowIPs))
	for i, p := range in.AllowIPs {
		ips[i] = p.String()
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO integrators (id, user_id, username, password_sealed, allow_ips, mode, created_at, allow_plain_text, token_reuse_seconds)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, in.ID, in.UserID, in.Username, in.Sealed, strings.Join(ips, ","), string(in.Mode), ts(in.CreatedAt),
		boolInt(in.AllowPlainText), int64(in.TokenReuse/time.Second))
	if _, dup := uniqueViolation(err); dup {
		return errs.Field("username", "account.integrator.username_taken", nil)
	}
	if err != nil {
		return fmt.Errorf("store: create integrator: %w", err)
	}
	return nil
}

const integratorColumns = `id, user_id, username, password_sealed, allow_ips, mode, created_at, revoked_at, allow_plain_text, token_reuse_seconds`

func scanIntegrator(row scanner) (account.Integrator, error) {
	var in account.Integrator
	var ips, mode string
	var created ts
	var revoked nullTS
	var plain, reuse int
	if err := row.Scan(&in.ID, &in.UserID, &in.Username, &in.Sealed, &ips, &mode, &created, &revoked, &plain, &reuse); err != nil {
		return in, err
	}
	in.AllowPlainText = plain == 1
	in.TokenReuse = time.Duration(reuse) * time.Second
	for _, p := range strings.Split(ips, ",") {
		if pr, err := netip.ParsePrefix(p); err == nil {
			in.AllowIPs = append(in.AllowIPs, pr)
		}
	}
	in.Mode, in.CreatedAt, in.RevokedAt = account.Mode(mode), time.Time(created), revoked.ptr()
	return in, nil
}

// Integrators lists a user's SOAP credentials, newest first.
func (s *Store) Integrators(ctx context.Context, userID string) ([]account.Integrator, error) {
	return queryAll(ctx, s.db, "integrators", scanIntegrator, `SELECT `+integratorColumns+` FROM integrators WHERE user_id = $1 ORDER BY created_at DESC, id`, userID)
}

// IntegratorByUsername returns a live (not revoked) credential.
func (s *Store) IntegratorByUsername(ctx context.Context, username string) (account.Integrator, error) {
	in, err := scanIntegrator(s.db.QueryRowContext(ctx, `SELECT `+integratorColumns+` FROM integrators WHERE username = $1 AND revoked_at IS NULL`, username))
	return in, notFound(err)
}

// RevokeIntegrator revokes one of the user's credentials.
func (s *Store) RevokeIntegrator(ctx context.Context, userID, id string, now time.Time) error {
	res, err := s.db.ExecContext(ctx, `UPDATE integrators SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL`, id, userID, ts(now))
	if err != nil {
		return fmt.Errorf("store: revoke integrator: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.New(errs.NotFound, "error.not_found", nil)
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// UseNonce records that an integrator's WS-Security token used a nonce, remembered until expires
// (when the token's Created stops being acceptable), and answers whether the use is allowed: the
// first one, or another within reuse of the first (0: never again). One statement decides, so two
// processes receiving the same token at once cannot both take it as first.
func (s *Store) UseNonce(ctx context.Context, integratorID, nonce string, now, expires time.Time, reuse time.Duration) (time.Time, bool, error) {
	res, err := s.db.ExecContext(ctx, `INSERT INTO wsse_nonces (integrator_id, nonce, first_at, expires_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (integrator_id, nonce) DO NOTHING`, integratorID, nonce, ts(now), ts(expires))
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store: nonce: %w", err)
	}
	if one(res) == nil {
		return now, true, nil
	}
	if reuse <= 0 {
		return time.Time{}, false, nil
	}
	var first ts
	if err := s.db.QueryRowContext(ctx, `SELECT first_at FROM wsse_nonces WHERE integrator_id = $1 AND nonce = $2`, integratorID, nonce).Scan(&first); err != nil {
		return time.Time{}, false, fmt.Errorf("store: nonce: %w", err)
	}
	return time.Time(first), now.Sub(time.Time(first)) <= reuse, nil
}

// DeleteExpiredNonces forgets nonces whose tokens can no longer be accepted anyway.
func (s *Store) DeleteExpiredNonces(ctx context.Context, now time.Time) (int, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM wsse_nonces WHERE expires_at <= $1`, ts(now))
	if err != nil {
		return 0, fmt.Errorf("store: expired nonces: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}
