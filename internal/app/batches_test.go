package app_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/batch"
	"github.com/ecship/ecship/internal/shipment"
	"github.com/ecship/ecship/internal/store/storetest"
)

const batchHeader = "service,reference,weight_g,sender_name,sender_address_1,sender_city,sender_phone,recipient_name,recipient_address_1,recipient_city,recipient_state,recipient_postal_code,recipient_country,contents_category,item_1_description,item_1_quantity,item_1_weight_g,item_1_value,item_1_currency,item_1_hs_code,item_1_origin_country\n"

func batchRow(ref, zip string) string {
	return fmt.Sprintf("AEX,%s,450,陳大文,8 Nathan Road,Kowloon,85291234567,Jane Doe,350 Fifth Avenue,New York,NY,%s,US,sale,Silk scarf,2,300,380.00,HKD,621410,HK\n", ref, zip)
}

func multipartFile(t *testing.T, name, content string) (string, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	f, err := w.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte(content)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return w.FormDataContentType(), &buf
}

// rule: BAT-1, BAT-2
func TestBatchesAPI(t *testing.T) {
	a, base := start(t, storetest.DSNs(t)["sqlite"], nil)
	key := apiKey(t, a.Accounts, "bulkapi", account.Live)
	file := batchHeader + batchRow("API-1", "10118") + batchRow("API-2", "1011")
	post := func() (int, string) {
		ct, body := multipartFile(t, "orders.csv", file)
		req := newRequest(t, "POST", base+"/api/v1/batches", body)
		req.Header.Set("Content-Type", ct)
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		return resp.StatusCode, string(readAll(t, resp.Body))
	}
	code, body := post()
	if code != 201 || !strings.Contains(body, `"status":"done"`) || !strings.Contains(body, `"rows":2`) || !strings.Contains(body, `"created":1`) ||
		!strings.Contains(body, `"incomplete":1`) || !strings.Contains(body, `{"row":3,"column":"recipient_postal_code","message":"A US ZIP code`) {
		t.Fatalf("batch: %d %s", code, body)
	}
	id := regexp.MustCompile(`"id":"(bat_[a-z0-9]+)"`).FindStringSubmatch(body)[1]
	// A retried upload: the same batch, nothing created twice.
	code, again := post()
	if code != 200 || !strings.Contains(again, id) {
		t.Errorf("retry: %d %s", code, again)
	}
	b := newClient(t, base)
	if code, _, got := b.doJSON("GET", "/api/v1/batches/"+id, "", "Authorization", "Bearer "+key); code != 200 || !strings.Contains(got, `"shipment_ids":["shp_`) {
		t.Errorf("get: %d %s", code, got)
	}
	other := apiKey(t, a.Accounts, "otherbulk", account.Live)
	if code, _, _ := b.doJSON("GET", "/api/v1/batches/"+id, "", "Authorization", "Bearer "+other); code != 404 {
		t.Errorf("another sender's batch: %d", code)
	}
	// A file whose postal code column is not recognised waits for a mapping, which the API takes.
	file = strings.Replace(batchHeader, "weight_g", "Heft Qty", 1) + batchRow("API-3", "10118")
	code, body = post()
	if code != 201 || !strings.Contains(body, `"status":"needs_mapping"`) || !strings.Contains(body, `"name":"Heft Qty"`) {
		t.Fatalf("unrecognised column: %d %s", code, body)
	}
	mid := regexp.MustCompile(`"id":"(bat_[a-z0-9]+)"`).FindStringSubmatch(body)[1]
	if code, _, got := b.doJSON("POST", "/api/v1/batches/"+mid+"/mapping", `{"mapping":{"Heft Qty":"weight_g"}}`, "Authorization", "Bearer "+key); code != 200 ||
		!strings.Contains(got, `"status":"done"`) || !strings.Contains(got, `"created":1`) {
		t.Errorf("mapping: %d %s", code, got)
	}
	if code, _, _ := b.doJSON("POST", "/api/v1/batches/"+mid+"/mapping", `{"mapping":{"Heft Qty":"weight_g"}}`, "Authorization", "Bearer "+key); code != 409 {
		t.Errorf("mapping a finished batch: %d", code)
	}
	if code, _, tpl := b.doJSON("GET", "/api/v1/templates/batch.csv", ""); code != 200 || !strings.Contains(tpl, "item_5_origin_country") {
		t.Errorf("template: %d", code)
	}
}

// The portal answers the upload at once and shows the progress, then the result.
func TestBatchPortalProgressAndResult(t *testing.T) {
	a, base := start(t, storetest.DSNs(t)["sqlite"], nil)
	b := signedIn(t, base, a.Accounts, "bulkweb")
	var sb strings.Builder
	sb.WriteString(batchHeader)
	for i := range 300 {
		sb.WriteString(batchRow(fmt.Sprintf("W-%d", i), "10118"))
	}
	ct, body := multipartFile(t, "orders.csv", sb.String())
	req := newRequest(t, "POST", base+"/batches", body)
	req.Header.Set("Content-Type", ct)
	resp, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != 303 || !strings.HasPrefix(loc, "/batches/bat_") {
		t.Fatalf("upload: %d %s", resp.StatusCode, loc)
	}
	var page string
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		_, _, page = b.do("GET", loc+"?lang=en", nil)
		if strings.Contains(page, "<progress") && !strings.Contains(page, `max="100"`) {
			t.Fatal("progress without a scale")
		}
		if strings.Contains(page, "labels ready") {
			break
		}
	}
	if !strings.Contains(page, "<strong>300</strong> labels ready") || !strings.Contains(page, `action="/labels/print"`) {
		t.Errorf("result page lacks the counts or the print form")
	}
	// A label of the batch deleted since: the others are still offered for printing.
	u0 := userByLogin(t, a, "bulkweb")
	bat, err := a.Batches.Get(context.Background(), shipmentOwner(u0), strings.TrimPrefix(loc, "/batches/"))
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Shipments.Delete(context.Background(), shipmentOwner(u0), bat.ShipmentIDs[0]); err != nil {
		t.Fatal(err)
	}
	if _, _, p := b.do("GET", loc+"?lang=en", nil); strings.Count(p, `name="id" value="shp_`) != 299 {
		t.Errorf("after deleting one label the print form offers %d", strings.Count(p, `name="id" value="shp_`))
	}
	if _, _, p := b.do("GET", "/batches/new", nil); !strings.Contains(p, "orders.csv") {
		t.Error("recent uploads do not list the file")
	}
	// A batch still being checked: the page shows how far it is and refreshes itself.
	u := userByLogin(t, a, "bulkweb")
	pending, _, err := a.Batches.Upload(context.Background(), shipmentOwner(u), "pending.csv", []byte(batchHeader+batchRow("P-1", "10118")), batchOptions())
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Store.BatchProgress(context.Background(), pending.ID, 50, 200, time.Now()); err != nil {
		t.Fatal(err)
	}
	req = newRequest(t, "GET", base+"/batches/"+pending.ID+"?lang=en", nil)
	resp, err = b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page = string(readAll(t, resp.Body))
	resp.Body.Close()
	if resp.Header.Get("Refresh") == "" || !strings.Contains(page, `<progress max="100" value="25"`) || !strings.Contains(page, "50 of 200 rows checked") {
		t.Errorf("progress page: refresh %q", resp.Header.Get("Refresh"))
	}
}

func shipmentOwner(u *account.User) shipment.Owner {
	return shipment.Owner{User: u, Mode: account.Live}
}

func batchOptions() batch.Options { return batch.Options{} }
