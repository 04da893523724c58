// Package jobs runs ecship's background work (retention now; expiry of payments and settlement later) in
// every process. Each job runs under a lease row in the database: of several processes sharing one
// database, the one that takes the lease runs the job and the others skip it, so the work is done once.
package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"
)

// Defaults of a Runner.
const (
	DefaultEvery = 10 * time.Minute // between rounds
	DefaultDelay = 30 * time.Second // before the first round, so a starting process settles first
	DefaultTTL   = 5 * time.Minute  // how long a lease lasts, and so how long a job may run
)

// Leases is what the runner needs from the store to run a job once among several processes.
type Leases interface {
	TryLease(ctx context.Context, name, holder string, ttl time.Duration, now time.Time) (bool, error)
	FinishLease(ctx context.Context, name, holder, result string, now time.Time) error
}

// RetentionStore is what the retention job needs from the store.
type RetentionStore interface {
	ExpireLabels(ctx context.Context, now time.Time) (int, error)
	DeleteIncomplete(ctx context.Context, now time.Time) (int, error)
	// DeleteExpiredNonces forgets WS-Security nonces whose tokens can no longer be accepted.
	DeleteExpiredNonces(ctx context.Context, now time.Time) (int, error)
	// DeleteStaleCreateKeys forgets create keys past the day they are honoured.
	DeleteStaleCreateKeys(ctx context.Context, now time.Time) (int, error)
	// DeleteStaleRequestKeys forgets the REST API's other idempotency keys past their day.
	DeleteStaleRequestKeys(ctx context.Context, now time.Time) (int, error)
}

// Store is everything the jobs need; *store.Store is one.
type Store interface {
	Leases
	RetentionStore
}

// Job is one piece of background work. Run does it as of now and says in a few words what it did.
type Job struct {
	Name string
	Run  func(ctx context.Context, now time.Time) (string, error)
}

// Result is what became of one job in a round.
type Result struct {
	Job     string
	Ran     bool   // false: another process held the lease, so this one skipped the job
	Summary string // what the job did, when it ran
	Err     error
}

// Runner runs its jobs every Every, each under its lease. Zero fields take the defaults.
type Runner struct {
	Store  Store
	Log    *slog.Logger     // default slog.Default()
	Now    func() time.Time // default time.Now
	Holder string           // this process in the lease rows; default hostname, pid and a random part
	Every  time.Duration    // default DefaultEvery
	Delay  time.Duration    // before the first round; default DefaultDelay
	TTL    time.Duration    // lease length; default DefaultTTL. A job is cancelled when its lease ends.

	jobs []Job
	once sync.Once
}

// New returns a runner on the store with the retention job registered. Start it with go r.Run(ctx).
func New(store Store, log *slog.Logger) *Runner {
	r := &Runner{Store: store, Log: log}
	r.Register(Retention(store))
	return r
}

// Every calls fn every d until ctx ends; the first call is d from now.
func Every(ctx context.Context, d time.Duration, fn func()) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fn()
		}
	}
}

// Register adds a job to every round. Call it before Run.
func (r *Runner) Register(j Job) { r.jobs = append(r.jobs, j) }

// Run runs a round after Delay and then every Every, until ctx ends.
func (r *Runner) Run(ctx context.Context) {
	timer := time.NewTimer(orDefault(r.Delay, DefaultDelay))
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		r.RunOnce(ctx)
		timer.Reset(orDefault(r.Every, DefaultEvery))
	}
}

// RunOnce runs every job now, each under its lease, and says what became of each.
func (r *Runner) RunOnce(ctx context.Context) []Result {
	out := make([]Result, 0, len(r.jobs))
	for _, j := range r.jobs {
		if ctx.Err() != nil {
			break
		}
		out = append(out, r.run(ctx, j))
	}
	return out
}

func (r *Runner) run(ctx context.Context, j Job) Result {
	holder, ttl := r.holder(), orDefault(r.TTL, DefaultTTL)
	log := r.log().With("job", j.Name, "holder", holder)
	res := Result{Job: j.Name}
	ok, err := r.Store.TryLease(ctx, j.Name, holder, ttl, r.now())
	if err != nil {
		res.Err = err
		log.Error(j.Name+": cannot take the lease", "err", err)
		return res
	}
	if !ok {
		log.Debug(j.Name + ": skipped, another process holds the lease")
		return res
	}
	res.Ran = true
	// The job may not outlive its lease: once the lease ends another process may start the same work.
	jctx, cancel := context.WithTimeout(ctx, ttl)
	res.Summary, res.Err = j.Run(jctx, r.now())
	cancel()
	result := res.Summary
	if res.Err != nil {
		result = "error: " + res.Err.Error()
		log.Error(j.Name+": "+result, "summary", res.Summary)
	} else {
		log.Info(j.Name + ": " + res.Summary)
	}
	// Record the run and release the lease even when ctx ended meanwhile (shutdown).
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := r.Store.FinishLease(fctx, j.Name, holder, result, r.now()); err != nil {
		log.Error(j.Name+": cannot release the lease", "err", err)
		if res.Err == nil {
			res.Err = err
		}
	}
	return res
}

// Retention applies the labels' time limits: ready labels past their validity become expired (LBL-5),
// incomplete ones kept past their time are deleted (LBL-6); WS-Security nonces past their tokens'
// window are forgotten.
func Retention(store RetentionStore) Job {
	return Job{Name: "retention", Run: func(ctx context.Context, now time.Time) (string, error) {
		expired, err := store.ExpireLabels(ctx, now)
		if err != nil {
			return "", err
		}
		deleted, err := store.DeleteIncomplete(ctx, now)
		if err != nil {
			return fmt.Sprintf("%d labels expired", expired), err
		}
		nonces, err := store.DeleteExpiredNonces(ctx, now)
		if err != nil {
			return fmt.Sprintf("%d labels expired, %d incomplete deleted", expired, deleted), err
		}
		keys, err := store.DeleteStaleCreateKeys(ctx, now)
		if err != nil {
			return fmt.Sprintf("%d labels expired, %d incomplete deleted, %d nonces forgotten", expired, deleted, nonces), err
		}
		requests, err := store.DeleteStaleRequestKeys(ctx, now)
		return fmt.Sprintf("%d labels expired, %d incomplete deleted, %d nonces, %d create keys and %d request keys forgotten",
			expired, deleted, nonces, keys, requests), err
	}}
}

func (r *Runner) log() *slog.Logger {
	if r.Log == nil {
		return slog.Default()
	}
	return r.Log
}

func (r *Runner) now() time.Time {
	if r.Now == nil {
		return time.Now()
	}
	return r.Now()
}

// holder is this process's name in the lease rows: Holder, or hostname-pid-random, the random part so
// that two runners in one process (or a restarted process with a reused pid) are told apart.
func (r *Runner) holder() string {
	r.once.Do(func() {
		if r.Holder != "" {
			return
		}
		host, err := os.Hostname()
		if err != nil || host == "" {
			host = "ecship"
		}
		b := make([]byte, 4)
		rand.Read(b)
		r.Holder = fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
	})
	return r.Holder
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}
