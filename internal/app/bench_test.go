package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/s10"
	"github.com/ecship/ecship/internal/shipment"
	"github.com/ecship/ecship/internal/store/storetest"
	"github.com/ecship/ecship/internal/testenv"
	"github.com/ecship/ecship/internal/tracking"
)

// BenchmarkPortalPages renders the heaviest pages as a signed-in admin on SQLite, server side.
func BenchmarkPortalPages(b *testing.B) {
	a, _ := start(b, storetest.DSNs(b)["sqlite"], nil)
	ctx := context.Background()
	admin := testenv.User(b, a.Accounts, "benchadmin", "bench@example.hk", account.Admin)
	for i := range 50 { // a user list worth rendering
		testenv.User(b, a.Accounts, "user"+string(rune('a'+i%26))+string(rune('a'+i/26)), "u"+string(rune('a'+i%26))+string(rune('a'+i/26))+"@example.hk", account.Sender)
	}
	newAPIKey(b, a.Accounts, admin, "bench", account.Test)
	secret, err := a.Accounts.StartSession(ctx, admin, "", account.Client{})
	if err != nil {
		b.Fatal(err)
	}
	h := a.Handler()
	for _, path := range []string{"/", "/?to=US&weight=450&insure=1000", "/register", "/upgrade", "/account", "/admin", "/admin/audit", "/admin/outbox"} {
		signedIn := path != "/register" && path != "/upgrade"
		b.Run(path, func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest("GET", path, nil)
				if signedIn {
					req.AddCookie(&http.Cookie{Name: "ecship_session", Value: secret})
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatalf("%s: %d", path, rec.Code)
				}
			}
		})
	}
}

// BenchmarkPortalPagesLargeHistory renders a sender's pages with 10,000 labels over six months
// and 100,000 tracking events on them (SQLite), and reports each page's p50 and p99 server time.
func BenchmarkPortalPagesLargeHistory(b *testing.B) {
	a, _ := start(b, storetest.DSNs(b)["sqlite"], nil)
	ctx := context.Background()
	u := testenv.User(b, a.Accounts, "bigshop", "bigshop@example.hk", account.Sender)
	now := a.Now()
	const labels, eventsPer = 10000, 10
	statuses := []shipment.Status{shipment.Ready, shipment.Paid, shipment.Posted, shipment.InTransit, shipment.Delivered}
	var list []*shipment.Shipment
	var events []tracking.Event
	for i := range labels {
		created := now.Add(-time.Duration(i) * 25 * time.Minute) // about six months
		st := statuses[i%len(statuses)]
		sh := &shipment.Shipment{ID: account.NewID("shp"), OwnerID: u.ID, Mode: account.Live, Status: st, Service: "EMS",
			ItemNo: s10.Format("EE", 10000000+i, "HK"), Reference: fmt.Sprintf("BIG-%05d", i), WeightG: 500, Total: 12300,
			Recipient: shipment.Address{Name: "Recipient", Lines: []string{"1 Main St"}, City: "Tokyo", Country: "JP"},
			CreatedAt: created, UpdatedAt: created}
		list = append(list, sh)
		for j := range eventsPer {
			events = append(events, tracking.Event{ItemNo: sh.ItemNo, Code: []string{"EMA", "EMB", "EMC", "EMD", "EME"}[j%5],
				At: created.Add(time.Duration(j) * time.Hour), Country: "HK", TimeZone: "Asia/Hong_Kong", Source: "bench"})
		}
		if len(list) == 500 {
			if err := a.Store.CreateShipments(ctx, list, func(string) string { return "EE" }, now); err != nil {
				b.Fatal(err)
			}
			list = nil
		}
	}
	for i := 0; i < len(events); i += 5000 {
		if _, _, err := a.Store.AddEvents(ctx, events[i:min(len(events), i+5000)]); err != nil {
			b.Fatal(err)
		}
	}
	secret, err := a.Accounts.StartSession(ctx, u, "", account.Client{})
	if err != nil {
		b.Fatal(err)
	}
	h := a.Handler()
	item := s10.Format("EE", 10000000+labels/2, "HK")
	some, _, err := a.Shipments.List(ctx, shipment.Owner{User: u, Mode: account.Live}, shipment.Filter{Statuses: []shipment.Status{shipment.InTransit}, Limit: 1})
	if err != nil || len(some) == 0 {
		b.Fatal(err)
	}
	for _, path := range []string{"/", "/labels", "/labels?tab=posted", "/labels?tab=pending&q=BIG-0999", "/history", "/labels/" + some[0].ID, "/track?item_no=" + item} {
		b.Run(path, func(b *testing.B) {
			var took []time.Duration
			for b.Loop() {
				req := httptest.NewRequest("GET", path, nil)
				req.AddCookie(&http.Cookie{Name: "ecship_session", Value: secret})
				rec := httptest.NewRecorder()
				start := time.Now()
				h.ServeHTTP(rec, req)
				took = append(took, time.Since(start))
				if rec.Code != 200 {
					b.Fatalf("%s: %d", path, rec.Code)
				}
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}
