package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/idempotency"
)

// ClaimRequestKey writes a request key as pending under claim, in one statement: a new key is
// inserted; a key written before staleBefore, or left pending since abandonedBefore, is taken over.
// It answers nil when the key is now this claim's, else the row as another request left it.
// Of concurrent claims, one inserts; the others see its row (PostgreSQL waits for the insert's
// commit on the unique key; SQLite runs one writer at a time).
func (s *Store) ClaimRequestKey(ctx context.Context, k idempotency.Key, fingerprint, claim string, now, staleBefore, abandonedBefore time.Time) (*idempotency.Record, error) {
	res, err := s.db.ExecContext(ctx, `INSERT INTO request_keys (owner_id, mode, key, fingerprint, claim, state, created_at)
		VALUES ($1, $2, $3, $4, $5, 'pending', $6)
		ON CONFLICT (owner_id, mode, key) DO UPDATE SET fingerprint = excluded.fingerprint, claim = excluded.claim, state = 'pending',
			status = 0, content_type = '', location = '', disposition = '', headers = '{}', body = NULL, created_at = excluded.created_at
		WHERE request_keys.created_at < $7 OR (request_keys.state = 'pending' AND request_keys.created_at < $8)`,
		k.OwnerID, string(k.Mode), k.Key, fingerprint, claim, ts(now), ts(staleBefore), ts(abandonedBefore))
	if err != nil {
		return nil, fmt.Errorf("store: claim request key: %w", err)
	}
	if err := one(res); err == nil {
		return nil, nil
	} else if !errors.Is(err, errNoRow) {
		return nil, err
	}
	var rec idempotency.Record
	var a idempotency.Answer
	var state, headers string
	err = s.db.QueryRowContext(ctx, `SELECT fingerprint, state, status, content_type, location, disposition, headers, body
		FROM request_keys WHERE owner_id = $1 AND mode = $2 AND key = $3`, k.OwnerID, string(k.Mode), k.Key).
		Scan(&rec.Fingerprint, &state, &a.Status, &a.ContentType, &a.Location, &a.Disposition, &headers, &a.Body)
	if errors.Is(err, sql.ErrNoRows) {
		// Released between the two statements: the caller claims again.
		return &idempotency.Record{Fingerprint: fingerprint}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: read request key: %w", err)
	}
	if rec.Done = state == "done"; rec.Done {
		if err := json.Unmarshal([]byte(headers), &a.Headers); err != nil {
			return nil, fmt.Errorf("store: request key headers: %w", err)
		}
		rec.Answer = &a
	}
	return &rec, nil
}

// FinishRequestKey keeps a claimed key's answer. A claim taken over meanwhile (the request ran past
// the time a pending key is held) keeps nothing: errs.Conflict.
func (s *Store) FinishRequestKey(ctx context.Context, k idempotency.Key, claim string, a idempotency.Answer) error {
	body := a.Body
	if body == nil {
		body = []byte{}
	}
	headers, err := json.Marshal(a.Headers)
	if err != nil || a.Headers == nil {
		headers = []byte("{}")
	}
	res, err := s.db.ExecContext(ctx, `UPDATE request_keys SET state = 'done', status = $5, content_type = $6, location = $7, disposition = $8,
		headers = $9, body = $10
		WHERE owner_id = $1 AND mode = $2 AND key = $3 AND claim = $4 AND state = 'pending'`,
		k.OwnerID, string(k.Mode), k.Key, claim, a.Status, a.ContentType, a.Location, a.Disposition, string(headers), body)
	if err != nil {
		return fmt.Errorf("store: finish request key: %w", err)
	}
	if err := one(res); errors.Is(err, errNoRow) {
		return errs.New(errs.Conflict, "request.in_progress", nil)
	} else {
		return err
	}
}

// ReleaseRequestKey forgets a key this claim holds.
func (s *Store) ReleaseRequestKey(ctx context.Context, k idempotency.Key, claim string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM request_keys WHERE owner_id = $1 AND mode = $2 AND key = $3 AND claim = $4`,
		k.OwnerID, string(k.Mode), k.Key, claim)
	if err != nil {
		return fmt.Errorf("store: release request key: %w", err)
	}
	return nil
}

// DeleteStaleRequestKeys forgets the request keys past idempotency.Window.
func (s *Store) DeleteStaleRequestKeys(ctx context.Context, now time.Time) (int, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM request_keys WHERE created_at < $1`, ts(now.Add(-idempotency.Window)))
	if err != nil {
		return 0, fmt.Errorf("store: stale request keys: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}
