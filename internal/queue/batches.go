package queue

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/batch"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/shipment"
	"github.com/ecship/ecship/internal/store"
)

// batchTimeout is how long a batch file may take (500 rows take about a second).
const batchTimeout = 5 * time.Minute

// BatchArgs is the job of reading, checking and storing an uploaded batch file.
type BatchArgs struct {
	BatchID string       `json:"batch_id"`
	OwnerID string       `json:"owner_id"`
	Mode    account.Mode `json:"mode"`
}

// Kind names the job.
func (BatchArgs) Kind() string { return "batch.process" }

// InsertOpts put batches on their queue; a file is tried three times (a process stopped mid-file
// stored none of it).
func (BatchArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: Batches, MaxAttempts: 3}
}

func (q *Queue) processBatch(ctx context.Context, o shipment.Owner, b *batch.Batch) error {
	_, err := q.client.Insert(ctx, BatchArgs{BatchID: b.ID, OwnerID: o.User.ID, Mode: o.Mode}, nil)
	return err
}

type batchWorker struct {
	river.WorkerDefaults[BatchArgs]
	store *store.Store
	svc   *batch.Service
}

func (w *batchWorker) Work(ctx context.Context, job *river.Job[BatchArgs]) error {
	u, err := w.store.UserByID(ctx, job.Args.OwnerID)
	if err != nil {
		return gone(err)
	}
	b, err := w.store.Batch(ctx, u.ID, job.Args.Mode, job.Args.BatchID)
	if err != nil {
		return gone(err)
	}
	return w.svc.Process(ctx, shipment.Owner{User: u, Mode: job.Args.Mode}, b)
}

func (w *batchWorker) Timeout(*river.Job[BatchArgs]) time.Duration { return batchTimeout }

// gone cancels a job whose subject no longer exists (deleted meanwhile): trying again would not
// find it either.
func gone(err error) error {
	if errs.CodeOf(err) == errs.NotFound {
		return river.JobCancel(err)
	}
	return err
}
