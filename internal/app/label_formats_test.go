package app_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/store/storetest"
	"github.com/ecship/ecship/internal/testenv"
)

// call sends a request with a bearer key and answers the response's status, header and body,
// held to the OpenAPI document.
func call(t *testing.T, base, key, method, path, body string, hdr ...string) (int, http.Header, []byte) {
	t.Helper()
	req := newRequest(t, method, base+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+key)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data := readAll(t, resp.Body)
	testenv.CheckOpenAPI(t, "../api/openapi.json", req, resp.StatusCode, resp.Header, data)
	return resp.StatusCode, resp.Header, data
}

var bcField = regexp.MustCompile(`\^BC[NR],\d+,N,N,N,A\^FD([A-Z0-9]+)\^FS`)

// A label comes as PDF, PNG or ZPL, chosen by ?format= or by the Accept header, on the service's
// size, A6 or 4x6 inch labels, at 203 or 300 dpi; the PNG's barcode scans as the item number and
// the ZPL carries it as a native barcode; what is not offered is a 406 and bad options a 400
// naming the field, printing nothing. label_url is absolute.
//
// rule: LBL-1
func TestLabelFormats(t *testing.T) {
	a, base := start(t, storetest.DSNs(t)["sqlite"], nil)
	key := apiKey(t, a.Accounts, "thermalshop", account.Live)
	code, _, body := call(t, base, key, "POST", "/api/v1/shipments", fmt.Sprintf(exampleShipment, "10118"))
	m := regexp.MustCompile(`"id":"(shp_[a-z0-9]+)","item_no":"([A-Z0-9]+)"`).FindStringSubmatch(string(body))
	if code != 201 || m == nil {
		t.Fatalf("create: %d %s", code, body)
	}
	id, itemNo := m[1], m[2]
	if !strings.Contains(string(body), `"label_url":"`+base+`/api/v1/shipments/`+id+`/label"`) {
		t.Errorf("label_url is not %s/api/v1/shipments/%s/label: %s", base, id, body)
	}
	path := "/api/v1/shipments/" + id + "/label"

	for _, c := range []struct {
		query, accept, contentType string
	}{
		{"", "", "application/pdf"},
		{"?format=png", "", "image/png"},
		{"?format=png&dpi=300&size=4x6", "", "image/png"},
		{"", "image/png", "image/png"},
		{"", "application/zpl", "application/zpl"},
		{"?size=4x6", "application/zpl;q=0.9, image/png;q=0.5", "application/zpl"},
		{"", "text/html, */*;q=0.1", "application/pdf"},
		{"?format=pdf", "application/json", "application/pdf"}, // format wins over Accept
	} {
		code, h, data := call(t, base, key, "GET", path+c.query, "", "Accept", c.accept)
		if code != 200 || h.Get("Content-Type") != c.contentType || h.Get("Label-Pages") != "3" {
			t.Errorf("%s Accept %q: %d %s, %s pages", c.query, c.accept, code, h.Get("Content-Type"), h.Get("Label-Pages"))
			continue
		}
		switch c.contentType {
		case "image/png":
			if got := testenv.ImageBarcodes(t, data); len(got) != 1 || got[0] != itemNo {
				t.Errorf("%s: PNG barcodes %q", c.query, got)
			}
		case "application/zpl":
			if got := bcField.FindAllStringSubmatch(string(data), -1); len(got) != 2 || got[0][1] != itemNo || strings.Count(string(data), "^XA") != 3 {
				t.Errorf("%s: ZPL barcodes %q in %d formats", c.query, got, strings.Count(string(data), "^XA"))
			}
		default:
			if got := testenv.Barcodes(t, data, 1); len(got) != 1 || got[0] != itemNo {
				t.Errorf("%s: PDF barcodes %q", c.query, got)
			}
		}
	}
	if code, _, data := call(t, base, key, "GET", path, "", "Accept", "application/json"); code != 406 || !strings.Contains(string(data), `"code":"not_acceptable"`) {
		t.Errorf("Accept: application/json: %d %s", code, data)
	}
	for query, field := range map[string]string{"?format=bmp": "format", "?size=letter": "size", "?format=png&dpi=250": "dpi", "?format=png&page=4": "page",
		"?format=png&page=0": "page", "?format=zpl&layout=a4": "layout", "?size=4x6&layout=a4": "layout"} {
		if code, _, data := call(t, base, key, "GET", path+query, ""); code != 400 || !strings.Contains(string(data), `"field":"`+field+`"`) {
			t.Errorf("%s: %d %s", query, code, data)
		}
	}
	// Printing with options that cannot be answered prints nothing.
	if code, _, _ := call(t, base, key, "POST", "/api/v1/shipments/"+id+"/print?format=png&page=9", ""); code != 400 {
		t.Errorf("print page 9: %d", code)
	}
	if s := shipmentByID(t, a, id); s.PrintedAt != nil {
		t.Errorf("a refused print printed the label")
	}
	code, h, data := call(t, base, key, "POST", "/api/v1/shipments/"+id+"/print?format=zpl&size=4x6&dpi=300", "")
	if code != 200 || h.Get("Content-Type") != "application/zpl" || !strings.Contains(string(data), "^FD"+itemNo+"^FS") || !strings.Contains(string(data), "^PW1200^LL1800") {
		t.Errorf("print as ZPL: %d %s %.300s", code, h.Get("Content-Type"), data)
	}
	// Printed again under a key: the same format replayed with its page count; the key with another
	// Accept (so another format) is another request.
	body = []byte(fmt.Sprintf(`{"shipment_ids":[%q]}`, id))
	for i := range 2 {
		code, h, _ := call(t, base, key, "POST", "/api/v1/labels", string(body), "Accept", "image/png", "Idempotency-Key", "print-again")
		if code != 200 || h.Get("Content-Type") != "image/png" || h.Get("Label-Pages") != "3" || (h.Get("Idempotent-Replayed") == "true") != (i == 1) {
			t.Errorf("keyed print %d: %d %s pages %q replayed %q", i, code, h.Get("Content-Type"), h.Get("Label-Pages"), h.Get("Idempotent-Replayed"))
		}
	}
	if code, _, data := call(t, base, key, "POST", "/api/v1/labels", string(body), "Accept", "application/zpl", "Idempotency-Key", "print-again"); code != 409 ||
		!strings.Contains(string(data), "idempotency_mismatch") {
		t.Errorf("the key with another Accept: %d %s", code, data)
	}
	code, h, data = call(t, base, key, "POST", "/api/v1/labels", fmt.Sprintf(`{"shipment_ids":[%q],"format":"png","page":2}`, id))
	if code != 200 || h.Get("Content-Type") != "image/png" || h.Get("Label-Pages") != "3" {
		t.Errorf("labels as PNG page 2: %d %s", code, h.Get("Content-Type"))
	} else if got := testenv.ImageBarcodes(t, data); len(got) != 1 || got[0] != itemNo {
		t.Errorf("page 2 (the sender's copy) barcodes %q", got)
	}
}
