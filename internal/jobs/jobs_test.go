package jobs_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/i18n"
	"github.com/ecship/ecship/internal/jobs"
	"github.com/ecship/ecship/internal/shipment"
	"github.com/ecship/ecship/internal/store"
	"github.com/ecship/ecship/internal/store/storetest"
	"github.com/ecship/ecship/internal/testenv"
)

var now = time.Date(2026, 8, 1, 4, 0, 0, 0, time.UTC)

// seed stores a sender with labels: expiredN ready ones past their validity, deleteN incomplete ones
// past their keeping time, and one each that must stay (ready and valid, paid and past validity).
func seed(t *testing.T, s *store.Store, expiredN, deleteN int) string {
	t.Helper()
	ctx := context.Background()
	u := &account.User{ID: account.NewID("usr"), LoginName: "jobsowner", Email: "jobs@example.com", Role: account.Sender,
		Lang: i18n.English, PasswordHash: "x", CreatedAt: now.AddDate(-1, 0, 0)}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	old := now.Add(-shipment.LabelValidity - time.Hour)
	past, future := now.Add(-time.Hour), now.Add(time.Hour)
	var list []*shipment.Shipment
	add := func(st shipment.Status, expires, deleteAfter *time.Time) {
		list = append(list, &shipment.Shipment{ID: account.NewID("shp"), OwnerID: u.ID, Mode: account.Live, Status: st, Service: "SPT",
			Recipient: shipment.Address{Name: "R", Country: "JP"}, CreatedAt: old, UpdatedAt: old, ExpiresAt: expires, DeleteAfter: deleteAfter})
	}
	for range expiredN {
		add(shipment.Ready, &past, nil)
	}
	for range deleteN {
		add(shipment.Incomplete, nil, &past)
	}
	add(shipment.Ready, &future, nil)
	add(shipment.Paid, &past, nil)
	if err := s.CreateShipments(ctx, list, func(string) string { return "E" }, old); err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// count returns how many of the owner's live shipments are in each status.
func count(t *testing.T, s *store.Store, owner string) map[shipment.Status]int {
	t.Helper()
	list, _, err := s.Shipments(context.Background(), owner, account.Live, shipment.Filter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	out := map[shipment.Status]int{}
	for _, sh := range list {
		out[sh.Status]++
	}
	return out
}

// rule: LBL-5
// rule: LBL-6
func TestRetentionRunsOnceAcrossProcesses(t *testing.T) {
	for name, dsn := range storetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			// Two processes on one database.
			a, b := storetest.Open(t, dsn), storetest.Open(t, dsn)
			owner := seed(t, a, 7, 4)
			var logs testenv.SyncBuffer
			log := slog.New(slog.NewTextHandler(&logs, nil))
			runners := []*jobs.Runner{jobs.New(a, log), jobs.New(b, log)}
			for _, r := range runners {
				r.Now = func() time.Time { return now }
			}

			var wg sync.WaitGroup
			start := make(chan struct{})
			results := make([][]jobs.Result, len(runners))
			for i, r := range runners {
				wg.Go(func() {
					<-start
					results[i] = r.RunOnce(context.Background())
				})
			}
			close(start)
			wg.Wait()

			// Exactly one run did the work. The other skipped (lease held) or, if it came after the first
			// had finished, ran and found nothing left.
			did := 0
			for i, res := range results {
				if len(res) != 1 || res[0].Job != "retention" || res[0].Err != nil {
					t.Fatalf("runner %d: %+v; want one retention result without error", i, res)
				}
				switch {
				case res[0].Ran && res[0].Summary == "7 labels expired, 4 incomplete deleted, 0 nonces, 0 create keys and 0 request keys forgotten":
					did++
				case res[0].Ran && res[0].Summary != "0 labels expired, 0 incomplete deleted, 0 nonces, 0 create keys and 0 request keys forgotten":
					t.Errorf("runner %d did part of the work: %q", i, res[0].Summary)
				}
			}
			if did != 1 {
				t.Errorf("%d runs did the retention work; want exactly 1: %+v", did, results)
			}
			if n := strings.Count(logs.String(), "retention: 7 labels expired, 4 incomplete deleted, 0 nonces, 0 create keys and 0 request keys forgotten"); n != 1 {
				t.Errorf("the log tells the work %d times; want once:\n%s", n, logs.String())
			}
			got := count(t, a, owner)
			want := map[shipment.Status]int{shipment.Expired: 7, shipment.Ready: 1, shipment.Paid: 1}
			if len(got) != len(want) || got[shipment.Expired] != 7 || got[shipment.Ready] != 1 || got[shipment.Paid] != 1 {
				t.Errorf("statuses after retention %v; want %v", got, want)
			}
		})
	}
}

func TestHeldLeaseSkipsTheJob(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		started, release := make(chan struct{}), make(chan struct{})
		runs := 0
		slow := jobs.Job{Name: "slow", Run: func(ctx context.Context, now time.Time) (string, error) {
			runs++
			if runs == 1 {
				close(started)
				<-release
			}
			return "done", nil
		}}
		clock := func() time.Time { return now }
		a := &jobs.Runner{Store: s, Holder: "a", Now: clock}
		b := &jobs.Runner{Store: s, Holder: "b", Now: clock}
		a.Register(slow)
		b.Register(slow)

		// While a runs the job, b skips it.
		done := make(chan []jobs.Result)
		go func() { done <- a.RunOnce(ctx) }()
		<-started
		if res := b.RunOnce(ctx); len(res) != 1 || res[0].Ran || res[0].Err != nil {
			t.Fatalf("b while a runs: %+v; want skipped", res)
		}
		close(release)
		if res := <-done; len(res) != 1 || !res[0].Ran || res[0].Summary != "done" || res[0].Err != nil {
			t.Fatalf("a: %+v; want ran", res)
		}
		// Released when a finished: b may run it.
		if res := b.RunOnce(ctx); len(res) != 1 || !res[0].Ran {
			t.Fatalf("b after a finished: %+v; want ran", res)
		}

		// A process that died holding the lease blocks the job until the lease expires.
		if ok, err := s.TryLease(ctx, "slow", "dead", jobs.DefaultTTL, now); err != nil || !ok {
			t.Fatalf("TryLease = %v, %v", ok, err)
		}
		if res := b.RunOnce(ctx); res[0].Ran {
			t.Fatal("b ran the job under a dead process's live lease")
		}
		b.Now = func() time.Time { return now.Add(jobs.DefaultTTL) }
		if res := b.RunOnce(ctx); !res[0].Ran {
			t.Fatal("b did not take the expired lease")
		}
		runsList, err := s.JobRuns(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(runsList) != 1 || runsList[0].Holder != "b" || runsList[0].LastResult != "done" {
			t.Errorf("JobRuns = %+v; want slow, last run by b, done", runsList)
		}
	})
}

func TestRunRepeatsUntilCancelled(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ran := make(chan struct{}, 10)
		r := &jobs.Runner{Store: s, Delay: time.Millisecond, Every: 5 * time.Millisecond}
		r.Register(jobs.Job{Name: "tick", Run: func(context.Context, time.Time) (string, error) {
			select {
			case ran <- struct{}{}:
			default:
			}
			return "ticked", nil
		}})
		ctx, cancel := context.WithCancel(context.Background())
		stopped := make(chan struct{})
		go func() {
			r.Run(ctx)
			close(stopped)
		}()
		for i := range 3 {
			select {
			case <-ran:
			case <-time.After(10 * time.Second):
				t.Fatalf("round %d did not come", i+1)
			}
		}
		cancel()
		select {
		case <-stopped:
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not stop when its context ended")
		}
	})
}
