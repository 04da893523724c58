// Package queue runs ecship's background work on one durable job queue: River
// (riverqueue.com), on the store's own database, SQLite or PostgreSQL. A job is inserted in the
// transaction of the change that calls for it, so it exists exactly when the change does; River
// works each once among every process on the database, retries failures with pauses that grow,
// and survives restarts. (River was chosen over growing our own: it has drivers for both
// databases through database/sql, unique and scheduled jobs, periodic jobs run by one elected
// process, and its own migrations beside goose.)
//
// It carries webhook deliveries, notices, batch files, and the periodic work: the 20:00
// settlement, the reconciliation of payments left pending, and retention.
package queue

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/ecship/ecship/internal/batch"
	"github.com/ecship/ecship/internal/payment"
	"github.com/ecship/ecship/internal/store"
	"github.com/ecship/ecship/internal/webhooks"
)

// The queues and how many jobs of each one process works at once.
const (
	Webhooks       = "webhooks"
	Batches        = "batches"
	Maintenance    = "maintenance"
	webhookWorkers = 20
	batchWorkers   = 2
	maintWorkers   = 2
)

// Queues names every queue, for the operations page.
var Queues = []string{Webhooks, Batches, Maintenance}

// Queue is the job queue of one process.
type Queue struct {
	client *river.Client[*sql.Tx]
	store  *store.Store
}

// Config is what the queue's jobs need. A job whose service is nil is not worked by this
// process (tests build queues with only what they try).
type Config struct {
	Log      *slog.Logger
	Webhooks *webhooks.Service
	Payments *payment.Service
	Refunds  *payment.Refunds
	Batches  *batch.Service
	// Retention is the store the retention job works on; nil: no retention.
	Retention RetentionStore
	// Now is the clock of the periodic work (settlement's cut-off, labels' expiry); time.Now when nil.
	Now func() time.Time
	// Poll is how often an idle process looks for new jobs (SQLite and database/sql have no
	// notification of them). 100 ms when zero.
	Poll time.Duration
	// FirstPause is the pause after a delivery's first failed attempt, doubling after each
	// (30 s when zero; tests make it short).
	FirstPause time.Duration
	// Every spaces the periodic jobs; zero fields take their defaults.
	Every Intervals
}

// Intervals are how often the periodic jobs run.
type Intervals struct {
	Settle    time.Duration // default 10 minutes: a server down at 20:00 settles soon after it is back
	Reconcile time.Duration // default 15 s: a payment a crash left pending is repaired within a minute
	Retention time.Duration // default 10 minutes
}

// New makes the queue of a process on st, and has st queue webhook deliveries and the batch
// service its files on it. Jobs are worked only once Start is called; a command that only
// inserts never starts it.
func New(st *store.Store, cfg Config) (*Queue, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	q := &Queue{store: st}
	workers := river.NewWorkers()
	var periodic []*river.PeriodicJob
	if cfg.Webhooks != nil {
		river.AddWorker(workers, &deliverWorker{svc: cfg.Webhooks, first: or(cfg.FirstPause, 30*time.Second)})
	}
	if cfg.Batches != nil {
		river.AddWorker(workers, &batchWorker{store: st, svc: cfg.Batches})
	}
	if cfg.Payments != nil && cfg.Refunds != nil {
		river.AddWorker(workers, &settleWorker{payments: cfg.Payments, now: cfg.Now, log: cfg.Log})
		river.AddWorker(workers, &reconcileWorker{payments: cfg.Payments, refunds: cfg.Refunds, log: cfg.Log})
		periodic = append(periodic,
			every(or(cfg.Every.Settle, 10*time.Minute), SettleArgs{}),
			every(or(cfg.Every.Reconcile, 15*time.Second), ReconcileArgs{}))
	}
	if cfg.Retention != nil {
		river.AddWorker(workers, &retentionWorker{store: cfg.Retention, now: cfg.Now, log: cfg.Log})
		periodic = append(periodic, every(or(cfg.Every.Retention, 10*time.Minute), RetentionArgs{}))
	}
	poll := or(cfg.Poll, 100*time.Millisecond)
	c, err := river.NewClient(st.QueueDriver(), &river.Config{
		Queues: map[string]river.QueueConfig{
			Webhooks:    {MaxWorkers: webhookWorkers},
			Batches:     {MaxWorkers: batchWorkers},
			Maintenance: {MaxWorkers: maintWorkers},
		},
		Workers:           workers,
		PeriodicJobs:      periodic,
		FetchCooldown:     poll / 5,
		FetchPollInterval: poll,
		// A job whose process died while working it is tried again after this: longer than any
		// job may run (a batch's five minutes).
		RescueStuckJobsAfter: batchTimeout + time.Minute,
		Logger:               cfg.Log,
	})
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	q.client = c
	st.SetDeliver(q.deliver)
	if cfg.Batches != nil {
		cfg.Batches.Schedule = q.processBatch
	}
	return q, nil
}

// every is a periodic job run by the elected process every d (and once when it is elected),
// unique within its period so that a newly elected process does not run it twice.
func every(d time.Duration, args river.JobArgs) *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(d), func() (river.JobArgs, *river.InsertOpts) {
		return args, &river.InsertOpts{Queue: Maintenance, UniqueOpts: river.UniqueOpts{ByPeriod: d}}
	}, &river.PeriodicJobOpts{ID: args.Kind(), RunOnStart: true})
}

// Start works jobs until ctx ends or Stop is called.
func (q *Queue) Start(ctx context.Context) error { return q.client.Start(ctx) }

// Stop lets the jobs running finish (until ctx ends) and stops.
func (q *Queue) Stop(ctx context.Context) error { return q.client.Stop(ctx) }

// deliver queues webhook deliveries in the transaction that wrote them.
func (q *Queue) deliver(ctx context.Context, tx *sql.Tx, list []store.QueuedDelivery) error {
	params := make([]river.InsertManyParams, len(list))
	for i, d := range list {
		opts := &river.InsertOpts{Priority: priorityFirst}
		if d.Backlog {
			opts.Priority = priorityBehind
		}
		params[i] = river.InsertManyParams{Args: DeliverArgs{DeliveryID: d.ID}, InsertOpts: opts}
	}
	_, err := q.client.InsertManyTx(ctx, tx, params)
	return err
}

func or(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}
