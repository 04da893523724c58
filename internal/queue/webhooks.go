package queue

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/riverqueue/river"

	"github.com/ecship/ecship/internal/webhooks"
)

// DeliverAttempts is about three days of attempts (see deliveryPause).
const DeliverAttempts = 22

// A delivery to an endpoint with a backlog (BacklogAt deliveries still pending) is queued behind
// every other sender's: a storm of events for one slow endpoint does not hold up the rest.
const (
	priorityFirst  = 1
	priorityBehind = 3
)

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
	var wait *webhooks.WaitError
	switch {
	case errors.As(err, &wait):
		return river.JobSnooze(w.waitFor(wait)) // not an attempt
	case errors.Is(err, webhooks.ErrNotDelivered) && job.Attempt >= job.MaxAttempts:
		return river.JobCancel(err) // given up on, and recorded so
	}
	return err
}

// waitFor is how long a delivery that must wait snoozes: a moment when its endpoint is busy or
// the delivery before it is about to be tried, else until that delivery's next attempt.
func (w *deliverWorker) waitFor(wait *webhooks.WaitError) time.Duration {
	jitter := time.Duration(rand.Int64N(int64(200 * time.Millisecond)))
	before := wait.After
	if before == nil {
		return 500*time.Millisecond + jitter
	}
	if before.Attempts == 0 || before.LastAt == nil {
		return 200*time.Millisecond + jitter
	}
	next := before.LastAt.Add(deliveryPause(w.first, before.Attempts))
	return max(time.Until(next), 0) + 200*time.Millisecond + jitter
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
