package queue

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/ecship/ecship/internal/payment"
)

// The periodic work, each run by the process River elects and once per period among all of
// them. A run that fails is retried by River; each run does whatever is due as of its time, so a
// server down when one was due catches up when it is back.

// SettleArgs is the job of capturing the card payments authorised before the latest 20:00
// cut-off and voiding those cancelled (rule PAY-3).
type SettleArgs struct{}

// Kind names the job.
func (SettleArgs) Kind() string { return "payments.settle" }

// ReconcileArgs is the job of repairing payments whose gateway answer was lost and sending
// refunds approved but not yet sent.
type ReconcileArgs struct{}

// Kind names the job.
func (ReconcileArgs) Kind() string { return "payments.reconcile" }

// RetentionArgs is the job of applying the time limits: ready labels past their validity expire
// (LBL-5), incomplete ones kept past their time are deleted (LBL-6), and WS-Security nonces and
// idempotency keys past their day are forgotten.
type RetentionArgs struct{}

// Kind names the job.
func (RetentionArgs) Kind() string { return "retention" }

// RetentionStore is what the retention job works on; *store.Store is one.
type RetentionStore interface {
	ExpireLabels(ctx context.Context, now time.Time) (int, error)
	DeleteIncomplete(ctx context.Context, now time.Time) (int, error)
	DeleteExpiredNonces(ctx context.Context, now time.Time) (int, error)
	DeleteStaleCreateKeys(ctx context.Context, now time.Time) (int, error)
	DeleteStaleRequestKeys(ctx context.Context, now time.Time) (int, error)
}

type settleWorker struct {
	river.WorkerDefaults[SettleArgs]
	payments *payment.Service
	now      func() time.Time
	log      *slog.Logger
}

func (w *settleWorker) Work(ctx context.Context, job *river.Job[SettleArgs]) error {
	captured, voided, total, err := w.payments.Settle(ctx, w.now())
	say(w.log, ctx, job.Kind, fmt.Sprintf("%d captured (HK$%s), %d voided", captured, total.Display(), voided), err)
	return err
}

type reconcileWorker struct {
	river.WorkerDefaults[ReconcileArgs]
	payments *payment.Service
	refunds  *payment.Refunds
	log      *slog.Logger
}

func (w *reconcileWorker) Work(ctx context.Context, job *river.Job[ReconcileArgs]) error {
	n, err := w.payments.Reconcile(ctx)
	sent := 0
	if err == nil {
		sent, err = w.refunds.SendApproved(ctx)
	}
	if n > 0 || sent > 0 || err != nil {
		say(w.log, ctx, job.Kind, fmt.Sprintf("%d pending payments reconciled, %d approved refunds sent", n, sent), err)
	}
	return err
}

type retentionWorker struct {
	river.WorkerDefaults[RetentionArgs]
	store RetentionStore
	now   func() time.Time
	log   *slog.Logger
}

func (w *retentionWorker) Work(ctx context.Context, job *river.Job[RetentionArgs]) error {
	summary, err := Retention(ctx, w.store, w.now())
	say(w.log, ctx, job.Kind, summary, err)
	return err
}

// Retention applies the time limits as of now and says what it did.
func Retention(ctx context.Context, st RetentionStore, now time.Time) (string, error) {
	steps := []struct {
		what string
		run  func(context.Context, time.Time) (int, error)
	}{
		{"labels expired", st.ExpireLabels},
		{"incomplete labels deleted", st.DeleteIncomplete},
		{"nonces forgotten", st.DeleteExpiredNonces},
		{"create keys forgotten", st.DeleteStaleCreateKeys},
		{"request keys forgotten", st.DeleteStaleRequestKeys},
	}
	summary := ""
	for _, s := range steps {
		n, err := s.run(ctx, now)
		if summary != "" {
			summary += ", "
		}
		summary += fmt.Sprintf("%d %s", n, s.what)
		if err != nil {
			return summary, err
		}
	}
	return summary, nil
}

func say(log *slog.Logger, ctx context.Context, job, summary string, err error) {
	if log == nil {
		return
	}
	if err != nil {
		log.ErrorContext(ctx, job+": "+err.Error(), "summary", summary)
		return
	}
	log.InfoContext(ctx, job+": "+summary)
}
