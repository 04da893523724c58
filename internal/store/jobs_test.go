package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/store"
	"github.com/ecship/ecship/internal/store/storetest"
)

var leaseNow = time.Date(2026, 8, 1, 12, 0, 0, 0, time.UTC)

const leaseTTL = 5 * time.Minute

// raceLease has holders a and b each ask for the lease from many goroutines at once, and returns how
// many of each holder's asks were granted.
func raceLease(t *testing.T, s *store.Store, name string, now time.Time) map[string]int {
	t.Helper()
	const perHolder = 12
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		start = make(chan struct{})
		won   = map[string]int{}
	)
	for _, holder := range []string{"a", "b"} {
		for range perHolder {
			wg.Go(func() {
				<-start
				ok, err := s.TryLease(context.Background(), name, holder, leaseTTL, now)
				if err != nil {
					t.Error(err)
					return
				}
				if ok {
					mu.Lock()
					won[holder]++
					mu.Unlock()
				}
			})
		}
	}
	close(start)
	wg.Wait()
	return won
}

// winner fails unless exactly one holder got the lease, and returns it and the other.
func winner(t *testing.T, won map[string]int) (string, string) {
	t.Helper()
	if len(won) != 1 {
		t.Fatalf("granted per holder %v; want exactly one holder", won)
	}
	if won["a"] > 0 {
		return "a", "b"
	}
	return "b", "a"
}

func TestTryLeaseOneHolderAtATime(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		// A new lease: the racing inserts end with one holder.
		first, other := winner(t, raceLease(t, s, "retention", leaseNow))

		// While it is live the other is refused, up to the last second; the holder renews it.
		for _, now := range []time.Time{leaseNow, leaseNow.Add(leaseTTL - time.Second)} {
			if ok, err := s.TryLease(ctx, "retention", other, leaseTTL, now); err != nil || ok {
				t.Fatalf("%s at %v: TryLease = %v, %v; want refused", other, now, ok, err)
			}
		}
		renewed := leaseNow.Add(time.Minute)
		if ok, err := s.TryLease(ctx, "retention", first, leaseTTL, renewed); err != nil || !ok {
			t.Fatalf("renewal by %s = %v, %v; want granted", first, ok, err)
		}
		if ok, err := s.TryLease(ctx, "retention", other, leaseTTL, leaseNow.Add(leaseTTL)); err != nil || ok {
			t.Fatalf("the renewed lease was taken at its old expiry: %v, %v", ok, err)
		}
		// Another job's lease is independent.
		if ok, err := s.TryLease(ctx, "settlement", other, leaseTTL, leaseNow); err != nil || !ok {
			t.Fatalf("settlement lease = %v, %v; want granted", ok, err)
		}

		// Expired (a process that died holding it): the next race again has one winner.
		expired := renewed.Add(leaseTTL)
		second, other := winner(t, raceLease(t, s, "retention", expired))

		// Only the holder may finish it; the other's finish changes nothing.
		done := expired.Add(time.Minute)
		if err := s.FinishLease(ctx, "retention", other, "stolen", done); !errors.Is(err, store.ErrLeaseLost) {
			t.Fatalf("FinishLease by %s: %v; want ErrLeaseLost", other, err)
		}
		if ok, err := s.TryLease(ctx, "retention", other, leaseTTL, done); err != nil || ok {
			t.Fatalf("a refused FinishLease released the lease: %v, %v", ok, err)
		}
		if err := s.FinishLease(ctx, "retention", second, "3 labels expired", done); err != nil {
			t.Fatal(err)
		}
		runs, err := s.JobRuns(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) != 2 || runs[0].Name != "retention" || runs[1].Name != "settlement" {
			t.Fatalf("JobRuns = %+v; want retention and settlement", runs)
		}
		r := runs[0]
		if r.Holder != second || !r.ExpiresAt.Equal(done) || r.LastRunAt == nil || !r.LastRunAt.Equal(done) || r.LastResult != "3 labels expired" {
			t.Errorf("retention run = %+v; want held by %s, released and run at %v, result recorded", r, second, done)
		}
		if runs[1].LastRunAt != nil || runs[1].LastResult != "" {
			t.Errorf("settlement run = %+v; want never run", runs[1])
		}

		// Released: taken at once, again by exactly one of the racers.
		winner(t, raceLease(t, s, "retention", done))
	})
}
