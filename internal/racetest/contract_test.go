package racetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/store/storetest"
	"github.com/ecship/ecship/internal/testenv"
)

// contract walks the REST API of running ecship processes: every call's answer is held to the
// OpenAPI document, and the routes called are counted against the document's.
type contract struct {
	t      *testing.T
	h      *harness
	called map[string]int // "METHOD /api/v1/pattern" -> calls
	n      int            // calls so far: they alternate between the two servers
}

// call sends a request to one of the servers (in turn) with a key ("" for none) and a body (JSON,
// or multipart when contentType says so), checks the answer against the document and that its
// status is one of want, and answers the body. route is the document's path for it.
func (c *contract) call(route, key, method, path, contentType string, body []byte, want ...int) []byte {
	c.t.Helper()
	base := c.h.servers[c.n%2].base
	c.n++
	req, err := http.NewRequestWithContext(c.t.Context(), method, base+path, bytes.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if len(body) > 0 {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	testenv.CheckOpenAPI(c.t, "../api/openapi.json", req, resp.StatusCode, resp.Header, data)
	ok := false
	for _, w := range want {
		ok = ok || resp.StatusCode == w
	}
	if !ok {
		c.t.Fatalf("%s %s: HTTP %d, want %v: %s", method, path, resp.StatusCode, want, data)
	}
	c.called[method+" "+route]++
	return data
}

func (c *contract) json(route, key, method, path, body string, want ...int) []byte {
	c.t.Helper()
	return c.call(route, key, method, path, "application/json", []byte(body), want...)
}

// field reads a string field (the first of its name) from a JSON answer.
func (c *contract) field(data []byte, name string) string {
	c.t.Helper()
	m := regexp.MustCompile(`"` + name + `":"([^"]+)"`).FindSubmatch(data)
	if m == nil {
		c.t.Fatalf("no %q in %s", name, data)
	}
	return string(m[1])
}

// TestContractOutOfProcess calls every route of the REST API on two `ecship serve` processes
// (the race harness's, on PostgreSQL), as an integrator would, through a whole day of a shop:
// quotes, shipments bought from rates, labels in every format, payments, the settlement,
// refunds and their vetting, a batch file, a deposit account, a counter visit, tracking, the
// address book. Every answer is held to the OpenAPI document, and every route the document
// names must have been called.
func TestContractOutOfProcess(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	if dsn == "" {
		t.Skipf("%s is not set: the out-of-process run uses the race harness on PostgreSQL", storetest.EnvPostgres)
	}
	if testing.Short() {
		t.Skip("builds ecship and runs two servers: not in -short mode")
	}
	h := newHarness(t, dsn)
	c := &contract{t: t, h: h, called: map[string]int{}}
	ctx := t.Context()
	sender, clerk, admin := h.sender[0].key, h.clerk[0].key, h.admins[0][0].key
	shipment := func(ref string) string {
		b, err := json.Marshal(label(ref, lightG))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	cardJSON := func(i int) string {
		b, err := json.Marshal(card(i))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}

	// Open routes.
	c.call("/api/v1/services", "", "GET", "/api/v1/services", "", nil, 200)
	c.json("/api/v1/quotes", "", "POST", "/api/v1/quotes", `{"destination":"JP","weight_g":450}`, 200)
	c.json("/api/v1/quotes", "", "POST", "/api/v1/quotes", `{"destination":"JP"}`, 400)
	for _, p := range []string{"/api/v1/templates/batch.csv", "/api/v1/templates/batch.xlsx", "/api/v1/openapi.json", "/api/v1/openapi.yaml", "/api/v1/docs"} {
		c.call(p, "", "GET", p, "", nil, 200)
	}
	c.call("/api/v1/account", "", "GET", "/api/v1/account", "", nil, 401)
	c.call("/api/v1/account", sender, "GET", "/api/v1/account", "", nil, 200)

	// Shipments: one with its service, one bought from its rates, edited, looked at, printed.
	a := c.field(c.json("/api/v1/shipments", sender, "POST", "/api/v1/shipments", shipment("CONTRACT-A"), 201), "id")
	unrated := strings.Replace(shipment("CONTRACT-B"), `"service":"LRM",`, "", 1)
	bData := c.json("/api/v1/shipments", sender, "POST", "/api/v1/shipments", unrated, 201)
	if !bytes.Contains(bData, []byte(`"rates":[`)) {
		t.Fatalf("no rates: %s", bData)
	}
	b := c.field(bData, "id")
	c.json("/api/v1/shipments/{id}/buy", sender, "POST", "/api/v1/shipments/"+b+"/buy", `{"service":"LRM"}`, 200)
	c.json("/api/v1/shipments", sender, "POST", "/api/v1/shipments", `{"shipments":[]}`, 400)
	c.call("/api/v1/shipments", sender, "GET", "/api/v1/shipments?limit=5&status=ready", "", nil, 200)
	c.call("/api/v1/shipments/{id}", sender, "GET", "/api/v1/shipments/"+a, "", nil, 200)
	c.call("/api/v1/shipments/{id}", sender, "GET", "/api/v1/shipments/shp_none", "", nil, 404)
	c.json("/api/v1/shipments/{id}", sender, "PUT", "/api/v1/shipments/"+a, strings.Replace(shipment("CONTRACT-A2"), `"weight_g":500`, `"weight_g":600`, 1), 200)
	for _, q := range []string{"", "?format=png&size=4x6", "?format=zpl&dpi=300", "?layout=a4"} {
		c.call("/api/v1/shipments/{id}/label", sender, "GET", "/api/v1/shipments/"+a+"/label"+q, "", nil, 200)
	}
	c.call("/api/v1/shipments/{id}/label", sender, "GET", "/api/v1/shipments/"+a+"/label?format=gif", "", nil, 400)
	c.call("/api/v1/shipments/{id}/print", sender, "POST", "/api/v1/shipments/"+a+"/print?format=zpl&size=4x6", "", nil, 200)
	c.json("/api/v1/labels", sender, "POST", "/api/v1/labels", fmt.Sprintf(`{"shipment_ids":[%q],"format":"png"}`, b), 200)
	gone := c.field(c.json("/api/v1/shipments", sender, "POST", "/api/v1/shipments", shipment("CONTRACT-GONE"), 201), "id")
	c.call("/api/v1/shipments/{id}", sender, "DELETE", "/api/v1/shipments/"+gone, "", nil, 204)

	// Payments, the settlement, refunds: one approved, one rejected.
	d := c.field(c.json("/api/v1/shipments", sender, "POST", "/api/v1/shipments", shipment("CONTRACT-D"), 201), "id")
	pay := c.field(c.json("/api/v1/payments", sender, "POST", "/api/v1/payments", fmt.Sprintf(`{"shipment_ids":[%q,%q],"method":"card","card":%s}`, a, d, cardJSON(0)), 201), "id")
	c.call("/api/v1/payments/{id}", sender, "GET", "/api/v1/payments/"+pay, "", nil, 200)
	c.call("/api/v1/shipments/{id}/cancel", sender, "POST", "/api/v1/shipments/"+b+"/cancel", "", nil, 200)
	if _, err := h.settle(ctx); err != nil {
		t.Fatal(err)
	}
	refundA := c.field(c.json("/api/v1/refunds", sender, "POST", "/api/v1/refunds", fmt.Sprintf(`{"shipment_id":%q}`, a), 201), "id")
	refundD := c.field(c.json("/api/v1/refunds", sender, "POST", "/api/v1/refunds", fmt.Sprintf(`{"shipment_id":%q}`, d), 201), "id")
	c.call("/api/v1/refunds", sender, "GET", "/api/v1/refunds?status=submitted&limit=1", "", nil, 200)
	c.json("/api/v1/refunds/{id}/approve", sender, "POST", "/api/v1/refunds/"+refundA+"/approve", `{}`, 403)
	c.json("/api/v1/refunds/{id}/approve", admin, "POST", "/api/v1/refunds/"+refundA+"/approve", `{"note":"contract"}`, 200)
	c.json("/api/v1/refunds/{id}/reject", admin, "POST", "/api/v1/refunds/"+refundD+"/reject", `{"note":"contract"}`, 200)

	// A batch file, and one whose column waits for a mapping.
	upload := func(file string, want int) []byte {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		f, err := w.CreateFormFile("file", "orders.csv")
		if err == nil {
			_, err = f.Write([]byte(file))
		}
		if err == nil {
			err = w.Close()
		}
		if err != nil {
			t.Fatal(err)
		}
		return c.call("/api/v1/batches", sender, "POST", "/api/v1/batches", w.FormDataContentType(), buf.Bytes(), want)
	}
	const header = "service,reference,weight_g,sender_name,sender_address_1,sender_phone,recipient_name,recipient_address_1,recipient_country\n"
	const row = "LRM,CSV-1,500,Chan Tai Man,8 Nathan Road,91234567,Lee Siu Ming,1 Queen's Road Central,HK\n"
	batch := c.field(upload(header+row, 201), "id")
	c.call("/api/v1/batches/{id}", sender, "GET", "/api/v1/batches/"+batch, "", nil, 200)
	waiting := c.field(upload(strings.Replace(header, "weight_g", "Heft", 1)+strings.Replace(row, "CSV-1", "CSV-2", 1), 201), "id")
	c.json("/api/v1/batches/{id}/mapping", sender, "POST", "/api/v1/batches/"+waiting+"/mapping", `{"mapping":{"Heft":"weight_g"}}`, 200)

	// A deposit account opened by operations.
	dep, err := h.ecship(ctx, "deposit", "open", "--db", dsn, "--user", senderEmail, "--name", "Permit 1")
	if err != nil {
		t.Fatal(err)
	}
	c.call("/api/v1/deposits", sender, "GET", "/api/v1/deposits", "", nil, 200)
	c.call("/api/v1/deposits/{id}", sender, "GET", "/api/v1/deposits/"+dep, "", nil, 200)

	// A counter visit: a paid item, an unpaid one taken back, one paid at the counter.
	paidLabel := c.json("/api/v1/shipments", sender, "POST", "/api/v1/shipments", shipment("CONTRACT-E"), 201)
	e, eItem := c.field(paidLabel, "id"), c.field(paidLabel, "item_no")
	c.json("/api/v1/payments", sender, "POST", "/api/v1/payments", fmt.Sprintf(`{"shipment_ids":[%q],"method":"card","card":%s}`, e, cardJSON(1)), 201)
	fItem := c.field(c.json("/api/v1/shipments", sender, "POST", "/api/v1/shipments", shipment("CONTRACT-F"), 201), "item_no")
	gItem := c.field(c.json("/api/v1/shipments", sender, "POST", "/api/v1/shipments", shipment("CONTRACT-G"), 201), "item_no")
	c.json("/api/v1/counter/sessions", sender, "POST", "/api/v1/counter/sessions", `{"office":"GPO"}`, 403)
	sess := c.field(c.json("/api/v1/counter/sessions", clerk, "POST", "/api/v1/counter/sessions", `{"office":"GPO"}`, 201), "id")
	items := "/api/v1/counter/sessions/" + sess + "/items"
	for _, it := range []string{eItem, fItem, gItem} {
		c.json("/api/v1/counter/sessions/{id}/items", clerk, "POST", items, fmt.Sprintf(`{"item_no":%q,"weight_g":%d}`, it, lightG), 200)
	}
	c.call("/api/v1/counter/sessions/{id}/items/{itemNo}", clerk, "DELETE", items+"/"+fItem, "", nil, 200)
	due := c.field(c.call("/api/v1/counter/sessions/{id}", clerk, "GET", "/api/v1/counter/sessions/"+sess, "", nil, 200), "amount")
	c.json("/api/v1/counter/sessions/{id}/payments", clerk, "POST", "/api/v1/counter/sessions/"+sess+"/payments",
		fmt.Sprintf(`{"method":"cash","amount":{"amount":%q,"currency":"HKD"}}`, due), 200)
	c.call("/api/v1/counter/sessions/{id}/close", clerk, "POST", "/api/v1/counter/sessions/"+sess+"/close", "", nil, 200)
	c.call("/api/v1/counter/sessions/{id}/receipt", clerk, "GET", "/api/v1/counter/sessions/"+sess+"/receipt", "", nil, 200)

	// Tracking: an event posted by operations, read one by one and in a list.
	c.json("/api/v1/tracking/events", admin, "POST", "/api/v1/tracking/events",
		fmt.Sprintf(`{"events":[{"item_no":%q,"code":"EMC","time":%q,"country":"HK","office":"GPO"}]}`, eItem, time.Now().Format(time.RFC3339)), 200)
	c.call("/api/v1/tracking/{itemNo}", sender, "GET", "/api/v1/tracking/"+eItem, "", nil, 200)
	c.call("/api/v1/tracking", sender, "GET", "/api/v1/tracking?item_no="+eItem+","+fItem, "", nil, 200)

	// The address book.
	c.json("/api/v1/addresses/check", sender, "POST", "/api/v1/addresses/check", `{"address":{"name":"Jane","address_lines":["350 Fifth Avenue"],"city":"New York","state":"ny","postal_code":"10118","country":"US"}}`, 200)
	addr := c.field(c.json("/api/v1/addresses", sender, "POST", "/api/v1/addresses", `{"kind":"recipient","address":{"name":"Taro","address_lines":["1-1 Marunouchi"],"city":"Tokyo","postal_code":"100-0005","country":"JP"}}`, 201), "id")
	c.call("/api/v1/addresses", sender, "GET", "/api/v1/addresses?kind=recipient", "", nil, 200)
	c.call("/api/v1/addresses/{id}", sender, "GET", "/api/v1/addresses/"+addr, "", nil, 200)
	c.json("/api/v1/addresses/{id}", sender, "PUT", "/api/v1/addresses/"+addr, `{"kind":"recipient","address":{"name":"Taro","address_lines":["2-2 Marunouchi"],"city":"Tokyo","postal_code":"1000005","country":"JP"}}`, 200)
	c.call("/api/v1/addresses/{id}", sender, "DELETE", "/api/v1/addresses/"+addr, "", nil, 204)

	// Webhooks: a live endpoint must be https to a public address; its secret is shown once.
	c.json("/api/v1/webhooks", sender, "POST", "/api/v1/webhooks", `{"url":"http://127.0.0.1:9/hooks"}`, 400)
	hookData := c.json("/api/v1/webhooks", sender, "POST", "/api/v1/webhooks", `{"url":"https://hooks.example.com/ecship","events":["shipment.cancelled","tracking.delivered"]}`, 201)
	if !bytes.Contains(hookData, []byte(`"secret":"whsec_`)) {
		t.Errorf("no secret in %s", hookData)
	}
	hook := c.field(hookData, "id")
	if list := c.call("/api/v1/webhooks", sender, "GET", "/api/v1/webhooks", "", nil, 200); bytes.Contains(list, []byte("whsec_")) {
		t.Errorf("the list shows a secret: %s", list)
	}
	c.call("/api/v1/webhooks/{id}/deliveries", sender, "GET", "/api/v1/webhooks/"+hook+"/deliveries?limit=10", "", nil, 200)
	c.call("/api/v1/webhooks/{id}/deliveries/{delivery}/resend", sender, "POST", "/api/v1/webhooks/"+hook+"/deliveries/whd_none/resend", "", nil, 404)
	c.call("/api/v1/webhooks/{id}", sender, "DELETE", "/api/v1/webhooks/"+hook, "", nil, 204)
	c.call("/api/v1/webhooks/{id}", sender, "DELETE", "/api/v1/webhooks/"+hook, "", nil, 404)

	// What the document does not have: a JSON 404 and a 405 with Allow.
	c.call("/api/v1/nothing", sender, "GET", "/api/v1/nothing", "", nil, 404)
	c.call("/api/v1/services", "", "DELETE", "/api/v1/services", "", nil, 405)

	var missed []string
	for _, r := range testenv.OpenAPIRoutes(t, "../api/openapi.json") {
		if c.called[r] == 0 {
			missed = append(missed, r)
		}
	}
	if len(missed) > 0 {
		t.Errorf("routes of the document never called: %s", strings.Join(missed, ", "))
	}
	t.Logf("%d calls on two servers, every answer held to the document; %d routes covered", c.n, len(testenv.OpenAPIRoutes(t, "../api/openapi.json"))-len(missed))
}
