package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/idempotency"
	"github.com/ecship/ecship/internal/store"
	"github.com/ecship/ecship/internal/store/storetest"
	"github.com/ecship/ecship/internal/testenv"
)

// A request key is claimed once, its answer kept and given to every retry with the same content;
// other content is refused; a retry while the first request runs waits for its answer; a released
// key, an abandoned claim and a key past its day are claimed anew. On both databases, with twenty
// claims racing.
func TestRequestKeys(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		clock := testenv.NewClock(retentionNow)
		svc := &idempotency.Service{Store: s, Now: clock.Now, Wait: 300 * time.Millisecond, Poll: 5 * time.Millisecond}
		k := idempotency.Key{OwnerID: seedOwner(t, s), Mode: account.Live, Key: "order-1"}

		// Twenty at once: one runs, the others wait for its answer.
		const n = 20
		claims := make(chan *idempotency.Claim, n)
		answers := make(chan *idempotency.Answer, n)
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				c, a, err := svc.Begin(ctx, k, "fp-1")
				switch {
				case err != nil:
					t.Error(err)
				case c != nil:
					claims <- c
					time.Sleep(50 * time.Millisecond)
					if err := c.Finish(ctx, idempotency.Answer{Status: 201, ContentType: "application/json", Location: "/x/1", Body: []byte(`{"id":"x1"}`)}); err != nil {
						t.Error(err)
					}
				default:
					answers <- a
				}
			})
		}
		wg.Wait()
		close(claims)
		close(answers)
		if len(claims) != 1 || len(answers) != n-1 {
			t.Fatalf("%d claims and %d answers; want 1 and %d", len(claims), len(answers), n-1)
		}
		for a := range answers {
			if a.Status != 201 || string(a.Body) != `{"id":"x1"}` || a.ContentType != "application/json" || a.Location != "/x/1" {
				t.Errorf("answer %+v", a)
			}
		}
		if _, _, err := svc.Begin(ctx, k, "fp-2"); errs.CodeOf(err) != errs.Mismatch {
			t.Errorf("the key with other content: %v", err)
		}
		// The same key in test mode is another key.
		if c, _, err := svc.Begin(ctx, idempotency.Key{OwnerID: k.OwnerID, Mode: account.Test, Key: k.Key}, "fp-2"); err != nil || c == nil {
			t.Errorf("test mode's key: %v %v", c, err)
		}

		// A pending key makes a retry wait, then say it is still running.
		k2 := idempotency.Key{OwnerID: k.OwnerID, Mode: account.Live, Key: "order-2"}
		first, _, err := svc.Begin(ctx, k2, "fp")
		if err != nil || first == nil {
			t.Fatal(first, err)
		}
		if _, _, err := svc.Begin(ctx, k2, "fp"); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("while pending: %v", err)
		}
		// Released: the next request runs.
		if err := first.Release(ctx); err != nil {
			t.Fatal(err)
		}
		second, _, err := svc.Begin(ctx, k2, "fp")
		if err != nil || second == nil {
			t.Fatalf("after release: %v %v", second, err)
		}
		// Abandoned for five minutes: taken over, and the first holder can no longer keep its answer.
		clock.Add(5*time.Minute + time.Second)
		third, _, err := svc.Begin(ctx, k2, "fp")
		if err != nil || third == nil {
			t.Fatalf("abandoned: %v %v", third, err)
		}
		if err := second.Finish(ctx, idempotency.Answer{Status: 200}); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("finishing a claim taken over: %v", err)
		}
		if err := third.Finish(ctx, idempotency.Answer{Status: 404, Body: []byte("{}")}); err != nil {
			t.Fatal(err)
		}
		if _, a, err := svc.Begin(ctx, k2, "fp"); err != nil || a == nil || a.Status != 404 {
			t.Errorf("kept 404: %+v %v", a, err)
		}

		// After a day the key is free again, even for other content, and the retention job forgets it.
		clock.Add(idempotency.Window + time.Second)
		if c, _, err := svc.Begin(ctx, k, "fp-3"); err != nil || c == nil {
			t.Errorf("a day later: %v %v", c, err)
		}
		if got, err := s.DeleteStaleRequestKeys(ctx, clock.Now()); err != nil || got != 2 {
			t.Errorf("stale keys deleted: %d %v; want 2 (order-2 and test mode's)", got, err)
		}
	})
}
