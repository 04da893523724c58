package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/s10"
	"github.com/ecship/ecship/internal/store"
	"github.com/ecship/ecship/internal/store/storetest"
)

var issueTime = time.Date(2026, 5, 4, 10, 30, 0, 0, time.UTC)

// checkNumbers fails unless every number is a valid S10 number of the prefix, issued in Hong Kong.
func checkNumbers(t *testing.T, prefix string, numbers []string) {
	t.Helper()
	for _, num := range numbers {
		n, err := s10.Parse(num)
		if err != nil {
			t.Errorf("%s: %v", num, err)
			continue
		}
		if n.String() != num || n.Service[:1] != prefix || n.Country != "HK" {
			t.Errorf("%s: want a canonical %s? ... HK number", num, prefix)
		}
	}
}

// countIssued reads how many numbers item_numbers holds.
func countIssued(t *testing.T, s *store.Store) int {
	t.Helper()
	var n int
	err := s.Transact(context.Background(), func(tx *sql.Tx) error {
		return tx.QueryRow(`SELECT COUNT(*) FROM item_numbers`).Scan(&n)
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// rule: LBL-10
func TestAllocateItemNumbers(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		for _, prefix := range []string{"E", "L", "R", "C", "H"} {
			first, err := s.AllocateItemNumbers(ctx, prefix, 3, issueTime)
			if err != nil {
				t.Fatal(err)
			}
			second, err := s.AllocateItemNumbers(ctx, prefix, 1, issueTime)
			if err != nil {
				t.Fatal(err)
			}
			got := append(first, second...)
			checkNumbers(t, prefix, got)
			var want []string
			for serial := 1; serial <= 4; serial++ {
				want = append(want, s10.Format(prefix+"A", serial, "HK"))
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("prefix %s: got %v; want %v", prefix, got, want)
			}
		}
		if n := countIssued(t, s); n != 20 {
			t.Errorf("item_numbers holds %d numbers; want 20", n)
		}
		var issuedAt time.Time
		first := s10.Format("RA", 1, "HK")
		err := s.Transact(ctx, func(tx *sql.Tx) error {
			var raw any
			if err := tx.QueryRow(`SELECT issued_at FROM item_numbers WHERE number = $1`, first).Scan(&raw); err != nil {
				return err
			}
			switch v := raw.(type) {
			case time.Time:
				issuedAt = v
			case string:
				at, err := time.Parse("2006-01-02 15:04:05.000000+00:00", v)
				if err != nil {
					return err
				}
				issuedAt = at
			}
			return nil
		})
		if err != nil || !issuedAt.Equal(issueTime) {
			t.Errorf("issued_at of %s = %v, %v; want %v", first, issuedAt, err, issueTime)
		}
		for _, bad := range []struct {
			prefix string
			n      int
		}{{"", 1}, {"RA", 1}, {"r", 1}, {"R", 0}, {"R", -1}, {"R", 10_001}} {
			if got, err := s.AllocateItemNumbers(ctx, bad.prefix, bad.n, issueTime); err == nil {
				t.Errorf("AllocateItemNumbers(%q, %d) = %v; want an error", bad.prefix, bad.n, got)
			}
		}
	})
}

// rule: LBL-10
func TestAllocateItemNumbersMovesToTheNextSeries(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if _, err := s.AllocateItemNumbers(ctx, "R", 1, issueTime); err != nil {
			t.Fatal(err)
		}
		setCounter(t, s, "RA", s10.MaxSerial-1)
		got, err := s.AllocateItemNumbers(ctx, "R", 4, issueTime)
		if err != nil {
			t.Fatal(err)
		}
		more, err := s.AllocateItemNumbers(ctx, "R", 1, issueTime)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, more...)
		want := []string{
			s10.Format("RA", s10.MaxSerial-1, "HK"), s10.Format("RA", s10.MaxSerial, "HK"),
			s10.Format("RB", 1, "HK"), s10.Format("RB", 2, "HK"), s10.Format("RB", 3, "HK"),
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("got %v; want %v", got, want)
		}

		// EMS uses EA to EW only; when they are all used up, allocation fails and issues nothing.
		for second := 'A'; second <= 'W'; second++ {
			setCounter(t, s, "E"+string(second), s10.MaxSerial+1)
		}
		before := countIssued(t, s)
		if got, err := s.AllocateItemNumbers(ctx, "E", 1, issueTime); err == nil {
			t.Errorf("used-up EMS series gave %v; want an error", got)
		}
		if after := countIssued(t, s); after != before {
			t.Errorf("a failed allocation recorded %d numbers", after-before)
		}
	})
}

// setCounter makes the next serial of a series next.
func setCounter(t *testing.T, s *store.Store, series string, next int) {
	t.Helper()
	err := s.Transact(context.Background(), func(tx *sql.Tx) error {
		if _, err := tx.Exec(`INSERT INTO item_number_series (series, next_serial) VALUES ($1, $2)
			ON CONFLICT (series) DO UPDATE SET next_serial = excluded.next_serial`, series, next); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// rule: LBL-10
func TestAllocateItemNumbersTx(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		boom := errors.New("boom")
		var lost []string
		err := s.Transact(ctx, func(tx *sql.Tx) error {
			var err error
			if lost, err = s.AllocateItemNumbersTx(ctx, tx, "L", 2, issueTime); err != nil {
				return err
			}
			return boom // the shipment failed: its numbers were never issued
		})
		if !errors.Is(err, boom) || len(lost) != 2 {
			t.Fatalf("Transact = %v with %v; want boom after two numbers", err, lost)
		}
		if n := countIssued(t, s); n != 0 {
			t.Errorf("after rollback item_numbers holds %d numbers; want 0", n)
		}
		var kept []string
		err = s.Transact(ctx, func(tx *sql.Tx) error {
			var err error
			kept, err = s.AllocateItemNumbersTx(ctx, tx, "L", 2, issueTime)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		checkNumbers(t, "L", kept)
		if n := countIssued(t, s); n != 2 {
			t.Errorf("after commit item_numbers holds %d numbers; want 2", n)
		}
	})
}

// allocateMany issues total numbers of prefix from workers goroutines, in batches of 1 to 20, and
// returns them all.
func allocateMany(t *testing.T, stores []*store.Store, workers, total int) []string {
	t.Helper()
	var (
		mu  sync.Mutex
		all []string
		wg  sync.WaitGroup
	)
	each := total / workers
	for w := range workers {
		s := stores[w%len(stores)]
		wg.Go(func() {
			var mine []string
			for i := 0; len(mine) < each; i++ {
				batch := min(1+(w*7+i)%20, each-len(mine))
				got, err := s.AllocateItemNumbers(context.Background(), "R", batch, issueTime)
				if err != nil {
					t.Errorf("worker %d: %v", w, err)
					return
				}
				if len(got) != batch {
					t.Errorf("worker %d: asked for %d numbers, got %d", w, batch, len(got))
				}
				mine = append(mine, got...)
			}
			mu.Lock()
			all = append(all, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	return all
}

// checkUnique fails when a number appears twice or the count is not want.
func checkUnique(t *testing.T, numbers []string, want int) {
	t.Helper()
	seen := make(map[string]bool, len(numbers))
	for _, n := range numbers {
		if seen[n] {
			t.Errorf("%s issued twice", n)
		}
		seen[n] = true
	}
	if len(seen) != want {
		t.Errorf("%d distinct numbers; want %d", len(seen), want)
	}
}

// rule: LBL-10
func TestAllocateConcurrently(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		start := time.Now()
		all := allocateMany(t, []*store.Store{s}, 8, 10_000)
		t.Logf("10,000 numbers from 8 goroutines in %v", time.Since(start).Round(time.Millisecond))
		checkUnique(t, all, 10_000)
		checkNumbers(t, "R", all)
		if n := countIssued(t, s); n != 10_000 {
			t.Errorf("item_numbers holds %d numbers; want 10000", n)
		}
	})
}

// Two stores on one database stand for two processes sharing it.
//
// rule: LBL-10
func TestAllocateFromTwoStores(t *testing.T) {
	for name, dsn := range storetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			a := storetest.Open(t, dsn)
			b := storetest.Open(t, dsn)
			all := allocateMany(t, []*store.Store{a, b}, 8, 4_000)
			checkUnique(t, all, 4_000)
			if n := countIssued(t, a); n != 4_000 {
				t.Errorf("item_numbers holds %d numbers; want 4000", n)
			}
		})
	}
}

func BenchmarkAllocateItemNumbers(b *testing.B) {
	for name, dsn := range storetest.DSNs(b) {
		b.Run(name, func(b *testing.B) {
			s := storetest.Open(b, dsn)
			ctx := context.Background()
			for b.Loop() {
				if _, err := s.AllocateItemNumbers(ctx, "R", 1, issueTime); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
