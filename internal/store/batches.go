package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/batch"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/events"
	"github.com/ecship/ecship/internal/shipment"
)

// batchResult is the JSON part of a stored batch.
type batchResult struct {
	Errors      []batch.RowError     `json:"errors,omitempty"`
	FileError   *batch.Message       `json:"file_error,omitempty"`
	ShipmentIDs []string             `json:"shipment_ids,omitempty"`
	Headers     []batch.HeaderColumn `json:"headers,omitempty"`
}

const batchColumns = `id, owner_id, mode, status, filename, file_sha256, file, options, rows_total, rows_done, created_count, incomplete, result, created_at, updated_at`

func scanBatch(row scanner) (*batch.Batch, error) {
	var b batch.Batch
	var mode, status, options, result string
	var created, updated ts
	if err := row.Scan(&b.ID, &b.OwnerID, &mode, &status, &b.Filename, &b.SHA256, &b.File, &options, &b.Rows, &b.RowsDone, &b.Created, &b.Incomplete, &result, &created, &updated); err != nil {
		return nil, err
	}
	var r batchResult
	if err := json.Unmarshal([]byte(result), &r); err != nil {
		return nil, fmt.Errorf("store: batch %s: %w", b.ID, err)
	}
	json.Unmarshal([]byte(options), &b.Options)
	b.Mode, b.Status, b.CreatedAt, b.UpdatedAt = account.Mode(mode), batch.Status(status), time.Time(created), time.Time(updated)
	b.Errors, b.FileError, b.ShipmentIDs, b.Headers = r.Errors, r.FileError, r.ShipmentIDs, r.Headers
	return &b, nil
}

// StartBatch records an uploaded file as processing. The same file uploaded again by the same owner in
// the same mode is not processed twice: the earlier batch is returned, with existing set.
func (s *Store) StartBatch(ctx context.Context, b *batch.Batch) (got *batch.Batch, existing bool, err error) {
	opts, _ := json.Marshal(b.Options)
	_, err = s.db.ExecContext(ctx, `INSERT INTO batches (id, owner_id, mode, status, filename, file_sha256, file, options, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)`, b.ID, b.OwnerID, string(b.Mode), string(b.Status), b.Filename, b.SHA256, b.File, string(opts), ts(b.CreatedAt))
	if _, dup := uniqueViolation(err); dup {
		old, err := scanBatch(s.db.QueryRowContext(ctx, `SELECT `+batchColumns+` FROM batches WHERE owner_id = $1 AND mode = $2 AND file_sha256 = $3`,
			b.OwnerID, string(b.Mode), b.SHA256))
		return old, true, err
	}
	if err != nil {
		return nil, false, fmt.Errorf("store: start batch: %w", err)
	}
	return b, false, nil
}

// Batch returns one of the owner's batches; anyone else's is not found.
func (s *Store) Batch(ctx context.Context, owner string, mode account.Mode, id string) (*batch.Batch, error) {
	b, err := scanBatch(s.db.QueryRowContext(ctx, `SELECT `+batchColumns+` FROM batches WHERE id = $1 AND owner_id = $2 AND mode = $3`, id, owner, string(mode)))
	return b, notFound(err)
}

// Batches lists the owner's recent batches, newest first.
func (s *Store) Batches(ctx context.Context, owner string, mode account.Mode, limit int) ([]*batch.Batch, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+batchColumns+` FROM batches WHERE owner_id = $1 AND mode = $2 ORDER BY created_at DESC, id DESC LIMIT $3`, owner, string(mode), limit)
	if err != nil {
		return nil, fmt.Errorf("store: batches: %w", err)
	}
	defer rows.Close()
	var out []*batch.Batch
	for rows.Next() {
		b, err := scanBatch(rows)
		if err != nil {
			return nil, err
		}
		b.File = nil
		out = append(out, b)
	}
	return out, rows.Err()
}

// BatchProgress records how far the checking has come, so any process can show it.
func (s *Store) BatchProgress(ctx context.Context, id string, done, total int, now time.Time) error {
	_, err := s.db.ExecContext(ctx, `UPDATE batches SET rows_done = $2, rows_total = $3, updated_at = $4 WHERE id = $1 AND status = 'processing'`, id, done, total, ts(now))
	return err
}

// RenewBatch renews the lease of the process working on a batch (its heartbeat).
func (s *Store) RenewBatch(ctx context.Context, id string, now time.Time) error {
	_, err := s.db.ExecContext(ctx, `UPDATE batches SET updated_at = $2 WHERE id = $1 AND status = 'processing'`, id, ts(now))
	if err != nil {
		return fmt.Errorf("store: renew batch: %w", err)
	}
	return nil
}

// FinishBatch stores the batch's shipments (numbering the ready ones) and its result in one
// transaction: a crash leaves the batch processing with nothing created, never half a file.
func (s *Store) FinishBatch(ctx context.Context, b *batch.Batch, list []*shipment.Shipment, prefix func(string) string, now time.Time) error {
	renumber := numbering(list)
	return s.Transact(ctx, func(tx *sql.Tx) error {
		renumber()
		if err := s.insertShipments(ctx, tx, list, prefix, now); err != nil {
			return err
		}
		if err := updateBatch(ctx, tx, b, now); err != nil {
			return err
		}
		e, err := events.New(b.OwnerID, b.Mode, events.BatchCompleted, b.ID, events.BatchData(b), now)
		if err != nil {
			return err
		}
		return s.emit(ctx, tx, e)
	})
}

// EndBatch records a batch that stores no shipments: refused, or waiting for a column mapping (its
// file kept for then).
func (s *Store) EndBatch(ctx context.Context, b *batch.Batch, now time.Time) error {
	return s.Transact(ctx, func(tx *sql.Tx) error { return updateBatch(ctx, tx, b, now) })
}

func updateBatch(ctx context.Context, tx *sql.Tx, b *batch.Batch, now time.Time) error {
	res, _ := json.Marshal(batchResult{Errors: b.Errors, FileError: b.FileError, ShipmentIDs: b.ShipmentIDs, Headers: b.Headers})
	opts, _ := json.Marshal(b.Options)
	var file any
	if b.Status == batch.NeedsMapping {
		file = b.File
	}
	r, err := tx.ExecContext(ctx, `UPDATE batches SET status = $2, file = $3, options = $4, rows_total = $5, rows_done = $6, created_count = $7, incomplete = $8,
		result = $9, updated_at = $10 WHERE id = $1 AND status IN ('processing', 'needs_mapping')`,
		b.ID, string(b.Status), file, string(opts), b.Rows, b.RowsDone, b.Created, b.Incomplete, string(res), ts(now))
	if err != nil {
		return fmt.Errorf("store: finish batch: %w", err)
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return errs.New(errs.Conflict, "batch.finished", nil)
	}
	b.UpdatedAt = now
	return nil
}

// RestartBatch puts a batch back to processing, with new options (and the file again, when given):
// one waiting for its mapping, one whose file was refused, or one whose processing was
// interrupted (still processing, untouched since stale). Its previous result is forgotten.
func (s *Store) RestartBatch(ctx context.Context, b *batch.Batch, stale, now time.Time) error {
	opts, _ := json.Marshal(b.Options)
	var file any
	if b.File != nil {
		file = b.File
	}
	r, err := s.db.ExecContext(ctx, `UPDATE batches SET status = 'processing', options = $2, rows_done = 0, updated_at = $3,
		file = COALESCE($5, file), filename = $6, result = '{}'
		WHERE id = $1 AND (status IN ('needs_mapping', 'failed') OR (status = 'processing' AND updated_at < $4))`,
		b.ID, string(opts), ts(now), ts(stale), file, b.Filename)
	if err != nil {
		return err
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return errs.New(errs.Conflict, "batch.finished", nil)
	}
	b.Status = batch.Processing
	return nil
}

// SaveMapping keeps a sender's column mapping for the next upload.
func (s *Store) SaveMapping(ctx context.Context, owner string, m map[string]string) error {
	b, _ := json.Marshal(m)
	_, err := s.db.ExecContext(ctx, `INSERT INTO batch_mappings (owner_id, mapping) VALUES ($1, $2)
		ON CONFLICT (owner_id) DO UPDATE SET mapping = excluded.mapping`, owner, string(b))
	return err
}

// Mapping returns the sender's saved column mapping (nil when none).
func (s *Store) Mapping(ctx context.Context, owner string) (map[string]string, error) {
	var raw string
	err := s.db.QueryRowContext(ctx, `SELECT mapping FROM batch_mappings WHERE owner_id = $1`, owner).Scan(&raw)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	return m, json.Unmarshal([]byte(raw), &m)
}
