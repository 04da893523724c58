package app_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/payment"
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
	for query, field := range map[string]string{"status=bogus": "status", "cursor=bm90LWEtY3Vyc29y": "cursor", "limit=101": "limit", "limit=0": "limit", "created_after=yesterday": "created_after", "created_after=" + hour(1) + "&created_before=" + hour(-1): "created_before"} {
		if code, _, out := b.doJSON("GET", "/api/v1/shipments?"+query, "", hdr...); code != 400 || !strings.Contains(out, `"field":"`+field+`"`) {
			t.Errorf("%s: %d %s", query, code, out)
		}
	}
}

// Every other change counts once under its Idempotency-Key: a refund application and a batch
// upload (its multipart boundary drawn anew for each try) retried ten times at once make one
// refund and one batch, every retry answered the first answer, marked replayed; a kept refusal
// is answered again; the key with another body is a conflict. On both databases.
func TestChangesIdempotencyKey(t *testing.T) {
	for name, dsn := range storetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			a, base := start(t, dsn, nil)
			key := apiKey(t, a.Accounts, "keyedshop", account.Live)
			sender := shipment.Owner{User: userByLogin(t, a, "keyedshop"), Mode: account.Live}
			paid := counterParcel(t, a, sender.User, 500, true)
			if _, _, _, err := a.Payments.Settle(context.Background(), time.Now().Add(48*time.Hour)); err != nil {
				t.Fatal(err)
			}
			auth := []string{"Authorization", "Bearer " + key}

			type answer struct {
				code     int
				replayed bool
				body     string
			}
			parallel := func(tries int, send func() *http.Response) []answer {
				out := make([]answer, tries)
				var wg sync.WaitGroup
				for i := range tries {
					wg.Go(func() {
						resp := send()
						out[i] = answer{resp.StatusCode, resp.Header.Get("Idempotent-Replayed") == "true", string(readAll(t, resp.Body))}
					})
				}
				wg.Wait()
				return out
			}
			sameAnswers := func(what string, list []answer, code int) {
				t.Helper()
				replays := 0
				for i, an := range list {
					if an.code != code || an.body != list[0].body {
						t.Errorf("%s, try %d: %d %s; first answer %d %s", what, i, an.code, an.body, list[0].code, list[0].body)
					}
					if an.replayed {
						replays++
					}
				}
				if replays != len(list)-1 {
					t.Errorf("%s: %d answers marked replayed; want %d", what, replays, len(list)-1)
				}
			}
			send := func(method, path, contentType string, body func() io.Reader, hdr ...string) func() *http.Response {
				return func() *http.Response {
					req := newRequest(t, method, base+path, body())
					req.Header.Set("Content-Type", contentType)
					for j := 0; j+1 < len(hdr); j += 2 {
						req.Header.Set(hdr[j], hdr[j+1])
					}
					resp, err := http.DefaultClient.Do(req)
					if err != nil {
						t.Fatal(err)
					}
					t.Cleanup(func() { resp.Body.Close() })
					return resp
				}
			}
			jsonBody := func(s string) func() io.Reader { return func() io.Reader { return strings.NewReader(s) } }

			refund := fmt.Sprintf(`{"shipment_id":%q}`, paid.ID)
			list := parallel(10, send("POST", "/api/v1/refunds", "application/json", jsonBody(refund), append(auth, "Idempotency-Key", "refund-1")...))
			sameAnswers("refund", list, 201)
			refunds, _, err := a.Refunds.Page(context.Background(), sender, payment.RefundFilter{Limit: 100})
			if err != nil || len(refunds) != 1 {
				t.Errorf("%d refunds after ten tries (%v); want 1", len(refunds), err)
			}
			code, _, text := newClient(t, base).doJSON("POST", "/api/v1/refunds", `{"shipment_id":"shp_other"}`, append(auth, "Idempotency-Key", "refund-1")...)
			if code != 409 || !strings.Contains(text, `"code":"idempotency_mismatch"`) {
				t.Errorf("the key with another body: %d %s", code, text)
			}
			// A refusal is an answer too: the retry is told the same.
			missing := jsonBody(`{"shipment_id":"shp_missing"}`)
			list = parallel(3, send("POST", "/api/v1/refunds", "application/json", missing, append(auth, "Idempotency-Key", "refund-2")...))
			sameAnswers("refund of a missing label", list, 404)

			file := batchHeader + batchRow("KEY-1", "10118") + batchRow("KEY-2", "10118")
			// Each try draws its own multipart boundary, as an HTTP client does.
			list = parallel(10, func() *http.Response {
				ct, body := multipartFile(t, "orders.csv", file)
				return send("POST", "/api/v1/batches", ct, func() io.Reader { return body }, append(auth, "Idempotency-Key", "upload-1")...)()
			})
			sameAnswers("batch", list, 201)
			if ids := regexp.MustCompile(`"id":"bat_[a-z0-9]+"`).FindAllString(list[0].body, -1); len(ids) != 1 {
				t.Errorf("batch answer: %s", list[0].body)
			}
			shipments, _, err := a.Shipments.List(context.Background(), sender, shipment.Filter{Limit: 100})
			if err != nil || len(shipments) != 3 { // the counter parcel and the batch's two
				t.Errorf("%d labels after ten uploads (%v); want 3", len(shipments), err)
			}
		})
	}
}

// GET /api/v1/refunds filters by status and time and pages with an opaque cursor.
func TestListRefundsFilters(t *testing.T) {
	a, base := start(t, storetest.DSNs(t)["sqlite"], nil)
	key := apiKey(t, a.Accounts, "refundlist", account.Live)
	sender := userByLogin(t, a, "refundlist")
	first, second := counterParcel(t, a, sender, 500, true), counterParcel(t, a, sender, 600, true)
	if _, _, _, err := a.Payments.Settle(context.Background(), time.Now().Add(48*time.Hour)); err != nil {
		t.Fatal(err)
	}
	b := newClient(t, base)
	hdr := []string{"Authorization", "Bearer " + key}
	for _, sh := range []string{first.ID, second.ID} {
		if code, _, out := b.doJSON("POST", "/api/v1/refunds", fmt.Sprintf(`{"shipment_id":%q}`, sh), hdr...); code != 201 {
			t.Fatalf("refund: %d %s", code, out)
		}
	}
	hour := func(h int) string {
		return url.QueryEscape(time.Now().Add(time.Duration(h) * time.Hour).Format(time.RFC3339))
	}
	code, _, out := b.doJSON("GET", "/api/v1/refunds?limit=1&status=submitted,approved&created_after="+hour(-1), "", hdr...)
	cursor := regexp.MustCompile(`"next_cursor":"([^"]+)"`).FindStringSubmatch(out)
	if code != 200 || strings.Count(out, `"id":"ref_`) != 1 || cursor == nil {
		t.Fatalf("first page: %d %s", code, out)
	}
	code, _, out = b.doJSON("GET", "/api/v1/refunds?limit=1&status=submitted,approved&created_after="+hour(-1)+"&cursor="+cursor[1], "", hdr...)
	if code != 200 || strings.Count(out, `"id":"ref_`) != 1 || !strings.Contains(out, `"next_cursor":""`) {
		t.Errorf("second page: %d %s", code, out)
	}
	for query, n := range map[string]int{"status=refunded": 0, "created_before=" + hour(-1): 0, "created_before=" + hour(1): 2} {
		if code, _, out := b.doJSON("GET", "/api/v1/refunds?"+query, "", hdr...); code != 200 || strings.Count(out, `"id":"ref_`) != n {
			t.Errorf("%s: %d, want %d: %.300s", query, code, n, out)
		}
	}
	for query, field := range map[string]string{"status=paid": "status", "cursor=x": "cursor", "limit=0": "limit", "created_after=today": "created_after"} {
		if code, _, out := b.doJSON("GET", "/api/v1/refunds?"+query, "", hdr...); code != 400 || !strings.Contains(out, `"field":"`+field+`"`) {
			t.Errorf("%s: %d %s", query, code, out)
		}
	}
}
