package queue_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/events"
	"github.com/ecship/ecship/internal/payment"
	"github.com/ecship/ecship/internal/queue"
	"github.com/ecship/ecship/internal/shipment"
	"github.com/ecship/ecship/internal/store"
	"github.com/ecship/ecship/internal/store/storetest"
	"github.com/ecship/ecship/internal/testenv"
	"github.com/ecship/ecship/internal/webhooks"
)

func labels(owner string, mode account.Mode, n int) []*shipment.Shipment {
	var list []*shipment.Shipment
	for range n {
		list = append(list, &shipment.Shipment{ID: account.NewID("shp"), OwnerID: owner, Mode: mode, Status: shipment.Ready, Service: "EMS",
			Recipient: shipment.Address{Name: "Taro", Country: "JP"}, CreatedAt: time.Now(), UpdatedAt: time.Now()})
	}
	return list
}

// A shipment's events reach an endpoint in the order they happened, even when the endpoint
// refuses the first one for a while: the later event waits (without using its attempts).
func TestWebhooksInOrderPerShipment(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		now := time.Now
		shop := testenv.User(t, testenv.Accounts(t, st, now), "ordershop", "ordershop@example.hk", account.Sender)
		svc := webhooks.New(st, testenv.Secrets(t), nil, now)
		q, err := queue.New(st, queue.Config{Webhooks: svc, Poll: 20 * time.Millisecond, FirstPause: 100 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		arrived := map[string][]string{} // shipment -> event types in the order taken
		refused := map[string]bool{}
		rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			var e struct {
				ID, Type string
				Data     struct{ ID string }
			}
			json.Unmarshal(body, &e)
			mu.Lock()
			defer mu.Unlock()
			if e.Type == "shipment.created" && !refused[e.ID] { // each created event is refused twice
				refused[e.ID] = true
				w.WriteHeader(503)
				return
			}
			arrived[e.Data.ID] = append(arrived[e.Data.ID], e.Type)
			w.WriteHeader(204)
		}))
		defer rcv.Close()
		if _, _, err := svc.Register(ctx, shop.ID, account.Test, rcv.URL, "", []events.Type{events.ShipmentCreated, events.ShipmentCancelled}); err != nil {
			t.Fatal(err)
		}
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer q.Stop(ctx)
		list := labels(shop.ID, account.Test, 5)
		if err := st.CreateShipments(ctx, list, func(string) string { return "E" }, time.Now()); err != nil {
			t.Fatal(err)
		}
		for _, sh := range list {
			if _, err := st.CancelShipment(ctx, shop.ID, account.Test, sh.ID, func(*shipment.Shipment, *payment.Payment) (payment.Cancellation, error) {
				return payment.Cancellation{At: time.Now()}, nil
			}); err != nil {
				t.Fatal(err)
			}
		}
		deadline := time.Now().Add(30 * time.Second)
		for {
			mu.Lock()
			n := 0
			for _, got := range arrived {
				n += len(got)
			}
			mu.Unlock()
			if n == 10 || time.Now().After(deadline) {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		mu.Lock()
		defer mu.Unlock()
		for _, sh := range list {
			if got := arrived[sh.ID]; len(got) != 2 || got[0] != "shipment.created" || got[1] != "shipment.cancelled" {
				t.Errorf("shipment %s: events arrived %v; want created, then cancelled", sh.ID, got)
			}
		}
	})
}

// A storm of deliveries to one sender's endpoint that answers slowly does not hold up another
// sender's: the slow endpoint gets at most webhooks.PerEndpoint workers, and its backlog is
// queued behind other endpoints' deliveries.
func TestSlowEndpointDelaysNoOneElse(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		now := time.Now
		acc := testenv.Accounts(t, st, now)
		storm := testenv.User(t, acc, "stormshop", "stormshop@example.hk", account.Sender)
		quiet := testenv.User(t, acc, "quietshop", "quietshop@example.hk", account.Sender)
		svc := webhooks.New(st, testenv.Secrets(t), nil, now)
		q, err := queue.New(st, queue.Config{Webhooks: svc, Poll: 20 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		slowTaken := 0
		slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(1200 * time.Millisecond)
			mu.Lock()
			slowTaken++
			mu.Unlock()
			w.WriteHeader(204)
		}))
		defer slow.Close()
		arrived := make(chan time.Time, 1)
		quick := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			arrived <- time.Now()
			w.WriteHeader(204)
		}))
		defer quick.Close()
		for _, ep := range []struct {
			u   *account.User
			url string
		}{{storm, slow.URL}, {quiet, quick.URL}} {
			if _, _, err := svc.Register(ctx, ep.u.ID, account.Test, ep.url, "", []events.Type{events.ShipmentCreated}); err != nil {
				t.Fatal(err)
			}
		}
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer q.Stop(ctx)
		if err := st.CreateShipments(ctx, labels(storm.ID, account.Test, 150), func(string) string { return "E" }, time.Now()); err != nil {
			t.Fatal(err)
		}
		time.Sleep(1500 * time.Millisecond) // the storm is under way and its endpoint known to be slow
		made := time.Now()
		if err := st.CreateShipments(ctx, labels(quiet.ID, account.Test, 1), func(string) string { return "E" }, made); err != nil {
			t.Fatal(err)
		}
		select {
		case at := <-arrived:
			mu.Lock()
			taken := slowTaken
			mu.Unlock()
			t.Logf("the quiet sender's delivery arrived %v after its event, with %d of the storm's 150 taken", at.Sub(made).Round(time.Millisecond), taken)
			if at.Sub(made) > 3*time.Second || taken > 60 {
				t.Errorf("the quiet sender waited %v behind the storm (%d of its deliveries taken first); want under 3 s", at.Sub(made), taken)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("the quiet sender's delivery did not arrive within 20 s")
		}
	})
}
