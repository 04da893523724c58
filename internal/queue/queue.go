// Package queue runs ecship's background work on one durable job queue: River
// (riverqueue.com), on the store's own database, SQLite or PostgreSQL. A job is inserted in the
// transaction of the change that calls for it, so it exists exactly when the change does; River
// works each once among every process on the database, retries failures with pauses that grow,
// and survives restarts. (River was chosen over growing internal/jobs: it has drivers for both
// databases through database/sql, unique and scheduled jobs, and its own migrations beside goose.)
//
// Today it carries webhook deliveries.
package queue

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/ecship/ecship/internal/store"
	"github.com/ecship/ecship/internal/webhooks"
)

// The queues and how many jobs of each one process works at once.
const (
	Webhooks        = "webhooks"
	webhookWorkers  = 20
	DeliverAttempts = 22 // about three days of attempts (see deliveryPause)
)

// Queue is the job queue of one process.
type Queue struct {
	client *river.Client[*sql.Tx]
}

// Config is what the queue's jobs need.
type Config struct {
	Log      *slog.Logger
	Webhooks *webhooks.Service
	// Poll is how often an idle process looks for new jobs (SQLite and database/sql have no
	// notification of them). 100 ms when zero.
	Poll time.Duration
	// FirstPause is the pause after a delivery's first failed attempt, doubling after each
	// (30 s when zero; tests make it short).
	FirstPause time.Duration
}

// New makes the queue of a process on st, and has st queue webhook deliveries on it. Jobs are
// worked only once Start is called; a command that only inserts never starts it.
func New(st *store.Store, cfg Config) (*Queue, error) {
	workers := river.NewWorkers()
	if cfg.Webhooks != nil {
		first := cfg.FirstPause
		if first == 0 {
			first = 30 * time.Second
		}
		river.AddWorker(workers, &deliverWorker{svc: cfg.Webhooks, first: first})
	}
	poll := cfg.Poll
	if poll == 0 {
		poll = 100 * time.Millisecond
	}
	c, err := river.NewClient(st.QueueDriver(), &river.Config{
		Queues:            map[string]river.QueueConfig{Webhooks: {MaxWorkers: webhookWorkers}},
		Workers:           workers,
		FetchCooldown:     poll / 5,
		FetchPollInterval: poll,
		Logger:            cfg.Log,
	})
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	q := &Queue{client: c}
	st.SetDeliver(q.deliver)
	return q, nil
}

// Start works jobs until ctx ends or Stop is called.
func (q *Queue) Start(ctx context.Context) error { return q.client.Start(ctx) }

// Stop lets the jobs running finish (until ctx ends) and stops.
func (q *Queue) Stop(ctx context.Context) error { return q.client.Stop(ctx) }

// deliver queues webhook deliveries in the transaction that wrote them.
func (q *Queue) deliver(ctx context.Context, tx *sql.Tx, ids []string) error {
	params := make([]river.InsertManyParams, len(ids))
	for i, id := range ids {
		params[i] = river.InsertManyParams{Args: DeliverArgs{DeliveryID: id}}
	}
	_, err := q.client.InsertManyTx(ctx, tx, params)
	return err
}

// DeliverArgs is the job of sending one webhook delivery.
type DeliverArgs struct {
	DeliveryID string `json:"delivery_id"`
}

// Kind names the job.
func (DeliverArgs) Kind() string { return "webhook.deliver" }

// InsertOpts put deliveries on their queue with their attempts.
func (DeliverArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: Webhooks, MaxAttempts: DeliverAttempts}
}

type deliverWorker struct {
	river.WorkerDefaults[DeliverArgs]
	svc   *webhooks.Service
	first time.Duration
}

func (w *deliverWorker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	err := w.svc.Send(ctx, job.Args.DeliveryID, job.Attempt >= job.MaxAttempts)
	if errors.Is(err, webhooks.ErrNotDelivered) && job.Attempt >= job.MaxAttempts {
		return river.JobCancel(err) // given up on, and recorded so
	}
	return err
}

// Timeout is a delivery's own limit (10 s) with room to record it.
func (w *deliverWorker) Timeout(*river.Job[DeliverArgs]) time.Duration {
	return webhooks.Timeout + 5*time.Second
}

// NextRetry pauses 30 s after the first failure, doubling each time up to six hours: the 22
// attempts span three days (74 hours).
func (w *deliverWorker) NextRetry(job *river.Job[DeliverArgs]) time.Time {
	return time.Now().Add(deliveryPause(w.first, job.Attempt))
}

// deliveryPause is the pause after a delivery's attempt: first, doubled for each attempt before,
// at most six hours.
func deliveryPause(first time.Duration, attempt int) time.Duration {
	pause := first
	for i := 1; i < attempt && pause < 6*time.Hour; i++ {
		pause *= 2
	}
	return min(pause, 6*time.Hour)
}
