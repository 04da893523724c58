package app_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/store/storetest"
	"github.com/ecship/ecship/internal/webhooks"
)

// A sender registers a test-mode webhook over the REST API and receives, from the running
// server's job queue, its label's creation and cancellation, signed with the secret it was
// given; the delivery log says so.
func TestWebhooksOverREST(t *testing.T) {
	a, base := start(t, storetest.DSNs(t)["sqlite"], nil)
	key := apiKey(t, a.Accounts, "hooked", account.Test)
	b := newClient(t, base)
	auth := []string{"Authorization", "Bearer " + key}
	var mu sync.Mutex
	var secret string
	got := map[string]string{} // type -> shipment id
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		if err := webhooks.Verify(secret, r.Header.Get(webhooks.SignatureHeader), body, time.Now(), time.Minute); err != nil {
			t.Errorf("delivery: %v", err)
			w.WriteHeader(400)
			return
		}
		var e struct {
			Type string
			Data struct{ ID string }
		}
		json.Unmarshal(body, &e)
		got[e.Type] = e.Data.ID
	}))
	defer rcv.Close()

	code, _, body := b.doJSON("POST", "/api/v1/webhooks", fmt.Sprintf(`{"url":%q,"events":["shipment.created","shipment.cancelled"],"description":"my shop"}`, rcv.URL), auth...)
	var hook struct{ ID, Secret string }
	if json.Unmarshal([]byte(body), &hook); code != 201 || hook.Secret == "" {
		t.Fatalf("register: %d %s", code, body)
	}
	mu.Lock()
	secret = hook.Secret
	mu.Unlock()
	if code, _, body := b.doJSON("POST", "/api/v1/webhooks", `{"url":"http://127.0.0.1/x","events":["shipment.lost"]}`, auth...); code != 400 {
		t.Errorf("an unknown event type: %d %s", code, body)
	}
	code, _, body = b.doJSON("POST", "/api/v1/shipments", fmt.Sprintf(exampleShipment, "10118"), auth...)
	var s struct{ ID string }
	if json.Unmarshal([]byte(body), &s); code != 201 {
		t.Fatalf("create: %d %s", code, body)
	}
	if code, _, body := b.doJSON("POST", "/api/v1/shipments/"+s.ID+"/cancel", "", auth...); code != 200 {
		t.Fatalf("cancel: %d %s", code, body)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n == 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	mu.Lock()
	if got["shipment.created"] != s.ID || got["shipment.cancelled"] != s.ID {
		t.Errorf("received %v; want the creation and cancellation of %s", got, s.ID)
	}
	mu.Unlock()
	// The log is written just after each answer: wait for it too.
	for {
		_, _, body = b.doJSON("GET", "/api/v1/webhooks/"+hook.ID+"/deliveries", "", auth...)
		var log struct{ Data []struct{ State string } }
		json.Unmarshal([]byte(body), &log)
		done := len(log.Data) == 2 && log.Data[0].State == "delivered" && log.Data[1].State == "delivered"
		if done || time.Now().After(deadline) {
			if !done {
				t.Errorf("delivery log: %s", body)
			}
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	// A delivered one sent again arrives again; one that does not exist is a 404.
	var log struct {
		Data []struct{ ID, EventID string }
	}
	json.Unmarshal([]byte(body), &log)
	mu.Lock()
	delete(got, "shipment.created")
	delete(got, "shipment.cancelled")
	mu.Unlock()
	if code, _, body := b.doJSON("POST", "/api/v1/webhooks/"+hook.ID+"/deliveries/"+log.Data[0].ID+"/resend", "", auth...); code != 202 {
		t.Fatalf("resend: %d %s", code, body)
	}
	if code, _, _ := b.doJSON("POST", "/api/v1/webhooks/"+hook.ID+"/deliveries/whd_none/resend", "", auth...); code != 404 {
		t.Errorf("resend of nothing: %d", code)
	}
	for {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n == 1 || time.Now().After(deadline) {
			if n != 1 {
				t.Errorf("the delivery sent again did not arrive")
			}
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
}
