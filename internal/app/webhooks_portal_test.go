package app_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/app"
	"github.com/ecship/ecship/internal/shipment"
	"github.com/ecship/ecship/internal/store/storetest"
)

// A sender adds a test-mode endpoint in the portal, sees its secret once, reads its delivery
// log as deliveries arrive, sends one again, and removes the endpoint.
func TestPortalWebhooks(t *testing.T) {
	a, base := start(t, storetest.DSNs(t)["sqlite"], nil)
	b := signedIn(t, base, a.Accounts, "hookportal")
	var got atomic.Int32
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		got.Add(1)
	}))
	defer rcv.Close()
	if code, _, page := b.do("POST", "/webhooks?lang=en", url.Values{"url": {"http://shop.example.com/hooks"}, "mode": {"live"}}); code != 400 || !strings.Contains(page, "must use https") {
		t.Errorf("a live http endpoint: %d", code)
	}
	code, _, page := b.do("POST", "/webhooks?lang=en", url.Values{"url": {rcv.URL}, "mode": {"test"}, "description": {"my test server"}, "event:shipment.created": {"1"}})
	secret := regexp.MustCompile(`id="new-webhook-secret">(whsec_[0-9a-f]+)<`).FindStringSubmatch(page)
	if code != 201 || secret == nil {
		t.Fatalf("add: %d, no secret shown", code)
	}
	_, _, page = b.do("GET", "/webhooks?lang=en", nil)
	id := regexp.MustCompile(`href="/webhooks/(whe_[a-z0-9]+)"`).FindStringSubmatch(page)
	if id == nil || strings.Contains(page, secret[1]) || !strings.Contains(page, "shipment.created") {
		t.Fatalf("the list: no endpoint, or the secret shown again")
	}
	u := userByLogin(t, a, "hookportal")
	testModeLabel(t, a, u)
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, _, page = b.do("GET", "/webhooks/"+id[1]+"?lang=en", nil)
		if strings.Contains(page, "Delivered") || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	resend := regexp.MustCompile(`action="(/webhooks/whe_[a-z0-9]+/deliveries/whd_[a-z0-9]+/resend)"`).FindStringSubmatch(page)
	if !strings.Contains(page, "Delivered") || !strings.Contains(page, "HTTP 200") || resend == nil || got.Load() != 1 {
		t.Fatalf("the delivery log does not show the delivery (%d received)", got.Load())
	}
	if code, _, _ := b.do("POST", resend[1], url.Values{}); code != 303 {
		t.Errorf("resend: %d", code)
	}
	for got.Load() < 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if got.Load() != 2 {
		t.Errorf("sent again: %d received", got.Load())
	}
	if code, _, _ := b.do("POST", "/webhooks/"+id[1]+"/delete", url.Values{}); code != 303 {
		t.Errorf("remove: %d", code)
	}
	if _, _, page = b.do("GET", "/webhooks?lang=en", nil); strings.Contains(page, id[1]) {
		t.Errorf("the endpoint is still listed")
	}
}

// testModeLabel makes a ready label in test mode for u.
func testModeLabel(t *testing.T, a *app.App, u *account.User) {
	t.Helper()
	s := &shipment.Shipment{Service: "LPL", Reference: "HOOK-1", WeightG: 500,
		Sender:    shipment.Address{Name: "陳大文", Lines: []string{"8 Nathan Road"}, City: "Kowloon", Country: "HK", Phone: "85291234567"},
		Recipient: shipment.Address{Name: "李小明", Lines: []string{"1 Queen's Road Central"}, City: "Central", Country: "HK"}}
	if err := a.Shipments.Create(context.Background(), shipment.Owner{User: u, Mode: account.Test}, []*shipment.Shipment{s}, false); err != nil {
		t.Fatal(err)
	}
}
