package queue_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/i18n"
	"github.com/ecship/ecship/internal/queue"
	"github.com/ecship/ecship/internal/shipment"
	"github.com/ecship/ecship/internal/store"
	"github.com/ecship/ecship/internal/store/storetest"
	"github.com/ecship/ecship/internal/testenv"
)

var retentionNow = time.Date(2026, 8, 1, 4, 0, 0, 0, time.UTC)

// seedRetention stores a sender with labels: expiredN ready ones past their validity, deleteN
// incomplete ones past their keeping time, and one each that must stay (ready and valid, paid
// and past validity).
func seedRetention(t *testing.T, s *store.Store, expiredN, deleteN int) string {
	t.Helper()
	ctx := context.Background()
	now := retentionNow
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

func statuses(t *testing.T, s *store.Store, owner string) map[shipment.Status]int {
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

// Two processes on one database, each with the job queue and the retention job: the elected one
// runs it once when elected, and it is not run again within its period, by either.
//
// rule: LBL-5
// rule: LBL-6
func TestRetentionRunsOnceAcrossProcesses(t *testing.T) {
	for name, dsn := range storetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			a, b := storetest.Open(t, dsn), storetest.Open(t, dsn)
			owner := seedRetention(t, a, 7, 4)
			var logs testenv.SyncBuffer
			log := slog.New(slog.NewTextHandler(&logs, nil))
			began := time.Now().Add(-time.Second)
			for _, st := range []*store.Store{a, b} {
				q, err := queue.New(st, queue.Config{Log: log, Retention: st, Now: func() time.Time { return retentionNow }, Poll: 20 * time.Millisecond,
					Every: queue.Intervals{Retention: time.Hour}})
				if err != nil {
					t.Fatal(err)
				}
				if err := q.Start(ctx); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { q.Stop(ctx) })
			}
			const did = "retention: 7 labels expired, 4 incomplete labels deleted, 0 nonces forgotten, 0 create keys forgotten, 0 request keys forgotten"
			deadline := time.Now().Add(30 * time.Second)
			for !strings.Contains(logs.String(), did) {
				if time.Now().After(deadline) {
					t.Fatalf("retention did not run within 30 s:\n%s", logs.String())
				}
				time.Sleep(50 * time.Millisecond)
			}
			time.Sleep(2 * time.Second) // the other process has had time to run it too, were it to
			if n := strings.Count(logs.String(), "retention: "); n != 1 {
				t.Errorf("retention ran %d times; want once:\n%s", n, logs.String())
			}
			if n, err := a.CompletedJobs(ctx, queue.RetentionArgs{}.Kind(), began); err != nil || n != 1 {
				t.Errorf("%d retention jobs completed (%v); want 1", n, err)
			}
			got := statuses(t, a, owner)
			if len(got) != 3 || got[shipment.Expired] != 7 || got[shipment.Ready] != 1 || got[shipment.Paid] != 1 {
				t.Errorf("statuses after retention %v; want 7 expired, 1 ready, 1 paid", got)
			}
		})
	}
}
