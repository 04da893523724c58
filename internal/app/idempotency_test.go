package app_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/shipment"
	"github.com/ecship/ecship/internal/store/storetest"
)

var shipmentIDs = regexp.MustCompile(`"id":"shp_[a-z0-9]+"`)

// POST /api/v1/shipments with an Idempotency-Key creates once: a 20-label request retried ten times
// at once makes 20 labels, every retry answering the same ones, marked replayed; the key with
// another body is a conflict.
func TestCreateShipmentsIdempotencyKey(t *testing.T) {
	for name, dsn := range storetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			a, base := start(t, dsn, nil)
			key := apiKey(t, a.Accounts, "keyshop", account.Live)
			parts := make([]string, 20)
			for i := range parts {
				parts[i] = fmt.Sprintf(exampleShipment, fmt.Sprintf("1%04d", 100+i))
			}
			body := `{"shipments":[` + strings.Join(parts, ",") + `]}`
			hdr := []string{"Authorization", "Bearer " + key, "Content-Type", "application/json", "Idempotency-Key", "order-batch-77"}

			const tries = 10
			type answer struct {
				code     int
				replayed bool
				ids      string
			}
			answers := make([]answer, tries)
			var wg sync.WaitGroup
			for i := range tries {
				wg.Add(1)
				go func() {
					defer wg.Done()
					b := newClient(t, base)
					req := newRequest(t, "POST", base+"/api/v1/shipments", strings.NewReader(body))
					for j := 0; j+1 < len(hdr); j += 2 {
						req.Header.Set(hdr[j], hdr[j+1])
					}
					resp, err := b.c.Do(req)
					if err != nil {
						t.Error(err)
						return
					}
					text := string(readAll(t, resp.Body))
					answers[i] = answer{resp.StatusCode, resp.Header.Get("Idempotent-Replayed") == "true", strings.Join(shipmentIDs.FindAllString(text, -1), ",")}
				}()
			}
			wg.Wait()
			replays := 0
			for i, an := range answers {
				if an.code != 201 || an.ids != answers[0].ids || strings.Count(an.ids, "shp_") != 20 {
					t.Errorf("try %d: %d, ids %q", i, an.code, an.ids)
				}
				if an.replayed {
					replays++
				}
			}
			if replays != tries-1 {
				t.Errorf("%d answers marked replayed; want %d", replays, tries-1)
			}
			list, _, err := a.Shipments.List(context.Background(), shipment.Owner{User: userByLogin(t, a, "keyshop"), Mode: account.Live}, shipment.Filter{Limit: 100})
			if err != nil || len(list) != 20 {
				t.Errorf("%d labels made by %d tries (%v); want 20", len(list), tries, err)
			}
			code, _, text := newClient(t, base).doJSON("POST", "/api/v1/shipments", fmt.Sprintf(exampleShipment, "10118"), hdr...)
			if code != 409 || !strings.Contains(text, `"code":"idempotency_mismatch"`) {
				t.Errorf("the key with another body: %d %s", code, text)
			}
		})
	}
}

// GET /api/v1/shipments filters by creation time.
func TestListShipmentsByCreationTime(t *testing.T) {
	a, base := start(t, storetest.DSNs(t)["sqlite"], nil)
	key := apiKey(t, a.Accounts, "timeshop", account.Live)
	b := newClient(t, base)
	hdr := []string{"Authorization", "Bearer " + key}
	if code, _, out := b.doJSON("POST", "/api/v1/shipments", fmt.Sprintf(exampleShipment, "10118"), hdr...); code != 201 {
		t.Fatalf("create: %d %s", code, out)
	}
	hour := func(h int) string {
		return url.QueryEscape(a.Now().Add(time.Duration(h) * time.Hour).Format(time.RFC3339))
	}
	for _, c := range []struct {
		query string
		n     int
	}{{"created_after=" + hour(-1), 1}, {"created_after=" + hour(1), 0}, {"created_before=" + hour(1), 1}, {"created_after=" + hour(-2) + "&created_before=" + hour(-1), 0}} {
		code, _, out := b.doJSON("GET", "/api/v1/shipments?"+c.query, "", hdr...)
		if code != 200 || strings.Count(out, `"id":"shp_`) != c.n {
			t.Errorf("%s: %d, want %d shipments: %.200s", c.query, code, c.n, out)
		}
	}
	for query, field := range map[string]string{"limit=101": "limit", "limit=0": "limit", "created_after=yesterday": "created_after", "created_after=" + hour(1) + "&created_before=" + hour(-1): "created_before"} {
		if code, _, out := b.doJSON("GET", "/api/v1/shipments?"+query, "", hdr...); code != 400 || !strings.Contains(out, `"field":"`+field+`"`) {
			t.Errorf("%s: %d %s", query, code, out)
		}
	}
}
