package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/ecship/ecship/internal/account"
)

// CreateSession records a signed-in browser. Earlier sessions of the same browser are the caller's to
// end (sign-in rotates: it deletes the old one in the same call).
func (s *Store) CreateSession(ctx context.Context, sess account.Session, replaces, ip, userAgent string) error {
	return s.Transact(ctx, func(tx *sql.Tx) error {
		if replaces != "" {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = $1`, replaces); err != nil {
				return err
			}
		}
		if len(userAgent) > 300 {
			userAgent = userAgent[:300]
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, created_at, expires_at, last_seen_at, ip, user_agent)
			VALUES ($1, $2, $3, $4, $3, $5, $6)`, sess.Hash, sess.UserID, ts(sess.CreatedAt), ts(sess.ExpiresAt), ip, userAgent)
		if err != nil {
			return fmt.Errorf("store: create session: %w", err)
		}
		return nil
	})
}

// SessionUser returns the user of a live session and extends it: idle sessions end after
// account.SessionIdle, every session after account.SessionMax. Not found when none is live.
func (s *Store) SessionUser(ctx context.Context, hash string, now time.Time) (*account.User, error) {
	row := s.db.QueryRowContext(ctx, `SELECT s.created_at, s.last_seen_at, `+prefixed("u.", userColumns)+`
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1 AND s.expires_at > $2`, hash, ts(now))
	var created, seen ts
	u, err := scanUser(scanPrefix{row, []any{&created, &seen}})
	if err != nil {
		return nil, notFound(err)
	}
	// Touch at most once a minute: a page view need not always write.
	if now.Sub(time.Time(seen)) > time.Minute {
		expires := now.Add(account.SessionIdle)
		if max := time.Time(created).Add(account.SessionMax); expires.After(max) {
			expires = max
		}
		s.db.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $2, expires_at = $3 WHERE id_hash = $1`, hash, ts(now), ts(expires))
	}
	return u, nil
}

// DeleteSession ends one session (sign-out).
func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = $1`, hash)
	return err
}

// DeleteUserSessions ends every session of a user but one (after a password change, keep the current).
func (s *Store) DeleteUserSessions(ctx context.Context, userID, except string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2`, userID, except)
	return err
}

// scanPrefix scans some leading columns into extra before handing the rest to a row scanner.
type scanPrefix struct {
	row   interface{ Scan(...any) error }
	extra []any
}

func (p scanPrefix) Scan(dest ...any) error { return p.row.Scan(append(p.extra, dest...)...) }

func prefixed(p, cols string) string {
	out := ""
	for i, c := range splitCols(cols) {
		if i > 0 {
			out += ", "
		}
		out += p + c
	}
	return out
}

func splitCols(cols string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(cols); i++ {
		if i == len(cols) || cols[i] == ',' {
			c := cols[start:i]
			for len(c) > 0 && (c[0] == ' ' || c[0] == '\n' || c[0] == '\t') {
				c = c[1:]
			}
			out = append(out, c)
			start = i + 1
		}
	}
	return out
}
