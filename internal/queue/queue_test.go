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

// receiver is a sender's webhook endpoint: it checks every signature, refuses the first
// deliveries it is told to (answering 500), and counts what it took by event id.
type receiver struct {
	mu       sync.Mutex
	secret   string
	refuse   int
	bad      []string
	taken    map[string]int    // event id -> deliveries taken
	types    map[string]string // event id -> type
	attempts int
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.attempts++
	if err := webhooks.Verify(r.secret, req.Header.Get(webhooks.SignatureHeader), body, time.Now(), 5*time.Minute); err != nil {
		r.bad = append(r.bad, err.Error())
		w.WriteHeader(400)
		return
	}
	if r.refuse > 0 {
		r.refuse--
		w.WriteHeader(500)
		return
	}
	var e struct{ ID, Type string }
	json.Unmarshal(body, &e)
	r.taken[e.ID]++
	r.types[e.ID] = e.Type
	w.WriteHeader(204)
}

func (r *receiver) count() (int, map[string]int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	byType := map[string]int{}
	for id, n := range r.taken {
		byType[r.types[id]] += n
	}
	return len(r.taken), byType
}

// Events written with their changes reach a sender's endpoint signed, each once, after the
// endpoint's failures are retried; an event of another sender or mode does not.
func TestWebhookDeliveries(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		now := func() time.Time { return time.Now() }
		acc := testenv.Accounts(t, st, now)
		shop, other := testenv.User(t, acc, "hookshop", "hookshop@example.hk", account.Sender), testenv.User(t, acc, "othershop", "othershop@example.hk", account.Sender)
		svc := webhooks.New(st, testenv.Secrets(t), nil, now)
		q, err := queue.New(st, queue.Config{Webhooks: svc, Poll: 20 * time.Millisecond, FirstPause: 50 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		rcv := &receiver{refuse: 3, taken: map[string]int{}, types: map[string]string{}}
		srv := httptest.NewServer(rcv)
		defer srv.Close()
		if _, _, err := svc.Register(ctx, shop.ID, account.Live, srv.URL, "", nil); err == nil {
			t.Fatal("a live endpoint on this machine over http was accepted")
		}
		ep, secret, err := svc.Register(ctx, shop.ID, account.Test, srv.URL+"/hooks", "shop's test server", []events.Type{events.ShipmentCreated, events.ShipmentCancelled})
		if err != nil {
			t.Fatal(err)
		}
		rcv.secret = secret
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer q.Stop(ctx)

		// Five labels in test mode for the shop, one cancelled; labels of another sender and of
		// the shop's live mode tell this endpoint nothing.
		var list []*shipment.Shipment
		for _, o := range []struct {
			user *account.User
			mode account.Mode
			n    int
		}{{shop, account.Test, 5}, {shop, account.Live, 2}, {other, account.Test, 2}} {
			for range o.n {
				list = append(list, &shipment.Shipment{ID: account.NewID("shp"), OwnerID: o.user.ID, Mode: o.mode, Status: shipment.Ready, Service: "EMS",
					Recipient: shipment.Address{Name: "Taro", Country: "JP"}, CreatedAt: now(), UpdatedAt: now()})
			}
		}
		if err := st.CreateShipments(ctx, list, func(string) string { return "E" }, now()); err != nil {
			t.Fatal(err)
		}
		if _, err := st.CancelShipment(ctx, shop.ID, account.Test, list[0].ID, func(*shipment.Shipment, *payment.Payment) (payment.Cancellation, error) {
			return payment.Cancellation{At: now()}, nil
		}); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(30 * time.Second)
		for {
			n, byType := rcv.count()
			if n == 6 || time.Now().After(deadline) {
				if byType["shipment.created"] != 5 || byType["shipment.cancelled"] != 1 {
					t.Errorf("taken: %v; want 5 created and 1 cancelled, each once", byType)
				}
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		time.Sleep(300 * time.Millisecond) // nothing more arrives
		rcv.mu.Lock()
		for id, n := range rcv.taken {
			if n != 1 {
				t.Errorf("event %s taken %d times", id, n)
			}
		}
		if len(rcv.bad) > 0 {
			t.Errorf("signatures refused: %v", rcv.bad)
		}
		attempts := rcv.attempts
		rcv.mu.Unlock()
		if attempts != 6+3 {
			t.Errorf("%d attempts; want 9 (6 deliveries, 3 refused first)", attempts)
		}
		// Each attempt's outcome is written just after the answer: wait for the last.
		var log []*webhooks.Delivery
		for {
			if log, err = st.Deliveries(ctx, shop.ID, account.Test, ep.ID, 50); err != nil {
				t.Fatal(err)
			}
			done := len(log) == 6
			for _, d := range log {
				done = done && d.State == "delivered"
			}
			if done || time.Now().After(deadline) {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		retried := 0
		for _, d := range log {
			if d.State != "delivered" || d.LastStatus != 204 || d.DeliveredAt == nil {
				t.Errorf("delivery %s: %s, last status %d", d.ID, d.State, d.LastStatus)
			}
			retried += d.Attempts - 1
		}
		if len(log) != 6 || retried != 3 {
			t.Errorf("the delivery log has %d deliveries with %d retries; want 6 and 3", len(log), retried)
		}
	})
}
