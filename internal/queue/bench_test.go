package queue_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/queue"
	"github.com/ecship/ecship/internal/shipment"
	"github.com/ecship/ecship/internal/store/storetest"
	"github.com/ecship/ecship/internal/testenv"
	"github.com/ecship/ecship/internal/webhooks"
)

// BenchmarkWebhookDrain queues ECSHIP_BENCH_WEBHOOKS deliveries (10,000 by default) to one
// local receiver, by creating that many labels in calls of 500, and measures how fast one
// process drains them and each delivery's latency from its event's commit to its arrival.
func BenchmarkWebhookDrain(b *testing.B) {
	n := 10000
	if v, err := strconv.Atoi(os.Getenv("ECSHIP_BENCH_WEBHOOKS")); err == nil && v > 0 {
		n = v
	}
	for name, dsn := range storetest.DSNs(b) {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				drain(b, dsn, n)
			}
		})
	}
}

func drain(b *testing.B, dsn string, n int) {
	ctx := context.Background()
	st := storetest.Open(b, dsn)
	now := func() time.Time { return time.Now() }
	acc := testenv.Accounts(b, st, now)
	shop := testenv.User(b, acc, "drainshop", "drainshop@example.hk", account.Sender)
	svc := webhooks.New(st, testenv.Secrets(b), nil, now)
	q, err := queue.New(st, queue.Config{Webhooks: svc, Poll: 50 * time.Millisecond})
	if err != nil {
		b.Fatal(err)
	}
	var mu sync.Mutex
	var latencies []time.Duration
	done := make(chan struct{})
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var e struct{ Created time.Time }
		json.Unmarshal(body, &e)
		mu.Lock()
		latencies = append(latencies, time.Since(e.Created))
		if len(latencies) == n {
			close(done)
		}
		mu.Unlock()
	}))
	defer rcv.Close()
	if _, _, err := svc.Register(ctx, shop.ID, account.Test, rcv.URL, "", nil); err != nil {
		b.Fatal(err)
	}
	if err := q.Start(ctx); err != nil {
		b.Fatal(err)
	}
	defer q.Stop(ctx)
	start := time.Now()
	for made := 0; made < n; made += 500 {
		var list []*shipment.Shipment
		for range min(500, n-made) {
			list = append(list, &shipment.Shipment{ID: account.NewID("shp"), OwnerID: shop.ID, Mode: account.Test, Status: shipment.Incomplete, Service: "EMS",
				Recipient: shipment.Address{Name: "Taro", Country: "JP"}, CreatedAt: now(), UpdatedAt: now()})
		}
		if err := st.CreateShipments(ctx, list, func(string) string { return "E" }, now()); err != nil {
			b.Fatal(err)
		}
	}
	queued := time.Since(start)
	select {
	case <-done:
	case <-time.After(10 * time.Minute):
		b.Fatalf("%d of %d delivered in 10 minutes", len(latencies), n)
	}
	took := time.Since(start)
	mu.Lock()
	slices.Sort(latencies)
	b.ReportMetric(float64(n)/took.Seconds(), "deliveries/s")
	b.ReportMetric(queued.Seconds(), "queued-s")
	b.ReportMetric(float64(latencies[len(latencies)/2].Milliseconds()), "p50-ms")
	b.ReportMetric(float64(latencies[len(latencies)*99/100].Milliseconds()), "p99-ms")
	mu.Unlock()
}
