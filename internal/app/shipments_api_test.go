package app_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/s10"
	"github.com/ecship/ecship/internal/store/storetest"
	"github.com/ecship/ecship/internal/testenv"
)

// The labels issue's example request, as integrators will send it.
const exampleShipment = `{"service":"AEX","reference":"ORDER-1001","weight_g":450,
 "dimensions_mm":{"length":250,"width":180,"height":40},
 "sender":{"name":"陳大文","company":"","address_lines":["Flat A, 12/F, 8 Nathan Road"],"city":"Kowloon",
           "state":"","postal_code":"","country":"HK","phone":"85291234567","email":"tm@example.hk"},
 "recipient":{"name":"Jane Doe","company":"","address_lines":["350 Fifth Avenue"],"city":"New York",
              "state":"NY","postal_code":"%s","country":"US","phone":"12125551234","email":""},
 "contents":{"category":"sale","items":[{"description":"Silk scarf","quantity":2,"weight_g":300,
             "value":{"amount":"380.00","currency":"HKD"},"hs_code":"621410","origin_country":"HK"}]},
 "insurance":{"amount":"1000.00","currency":"HKD"}}`

// apiKey makes a sender and an API key of theirs in mode, and answers its secret.
func apiKey(t *testing.T, svc *account.Service, login string, mode account.Mode) string {
	t.Helper()
	return userKey(t, svc, login, account.Sender, "test", mode)
}

// rule: LBL-4, LBL-5, LBL-7, LBL-10
func TestShipmentsAPI(t *testing.T) {
	for name, dsn := range storetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			a, base := start(t, dsn, nil)
			keyA := apiKey(t, a.Accounts, "shopa", account.Live)
			keyB := apiKey(t, a.Accounts, "shopb", account.Live)
			b := newClient(t, base)
			auth := func(k string) []string {
				return []string{"Authorization", "Bearer " + k, "Content-Type", "application/json"}
			}

			code, _, body := b.doJSON("POST", "/api/v1/shipments", fmt.Sprintf(exampleShipment, "10118"), auth(keyA)...)
			if code != 201 {
				t.Fatalf("create: %d %s", code, body)
			}
			var s struct {
				ID, ItemNo, Status, ExpiresAt, LabelURL, USExchange, CustomsForm string
				Postage, Total                                                   struct{ Amount, Currency string }
			}
			if err := json.Unmarshal([]byte(jsonRename(body)), &s); err != nil {
				t.Fatalf("answer: %v\n%s", err, body)
			}
			if _, err := s10.Parse(s.ItemNo); err != nil || !strings.HasPrefix(s.ItemNo, "L") || s.Status != "ready" || s.ExpiresAt == "" ||
				s.LabelURL != base+"/api/v1/shipments/"+s.ID+"/label" || s.USExchange != "JFK" || s.CustomsForm != "CN22" || s.Total.Currency != "HKD" {
				t.Errorf("answer: %+v\n%s", s, body)
			}
			// The label's barcode scans back to the item number.
			if code, _, pdf := b.doJSON("GET", strings.TrimPrefix(s.LabelURL, base), "", auth(keyA)...); code != 200 || !strings.HasPrefix(pdf, "%PDF") {
				t.Errorf("label: %d", code)
			} else if got := scanBarcode(t, []byte(pdf)); got != "" && got != s.ItemNo {
				t.Errorf("barcode reads %q; want %q", got, s.ItemNo)
			}
			if code, _, _ := b.doJSON("GET", "/api/v1/shipments/"+s.ID, "", auth(keyA)...); code != 200 {
				t.Errorf("get own: %d", code)
			}
			// Another sender guessing the id gets 404, not 403.
			if code, _, _ := b.doJSON("GET", "/api/v1/shipments/"+s.ID, "", auth(keyB)...); code != 404 {
				t.Errorf("get another's: %d; want 404", code)
			}
			if code, _, _ := b.doJSON("POST", "/api/v1/shipments/"+s.ID+"/cancel", "", auth(keyB)...); code != 404 {
				t.Errorf("cancel another's: %d; want 404", code)
			}
			// Field names on errors.
			code, _, body = b.doJSON("POST", "/api/v1/shipments", fmt.Sprintf(exampleShipment, "ABCDE"), auth(keyA)...)
			if code != 400 || !strings.Contains(body, `"field":"recipient.postal_code"`) {
				t.Errorf("bad ZIP: %d %s", code, body)
			}
			// 20 in one call; the 21st refused with the rule.
			var items []string
			for range 21 {
				items = append(items, fmt.Sprintf(exampleShipment, "90210"))
			}
			code, _, body = b.doJSON("POST", "/api/v1/shipments", `{"shipments":[`+strings.Join(items, ",")+`]}`, auth(keyA)...)
			if code != 400 || !strings.Contains(body, "At most 20 labels") {
				t.Errorf("21 in one call: %d %s", code, body)
			}
			code, _, body = b.doJSON("POST", "/api/v1/shipments", `{"shipments":[`+strings.Join(items[:20], ",")+`]}`, auth(keyA)...)
			if code != 201 || strings.Count(body, `"item_no":"L`) != 20 {
				t.Errorf("20 in one call: %d", code)
			}
			code, _, body = b.doJSON("GET", "/api/v1/shipments?limit=5", "", auth(keyA)...)
			cursor := regexp.MustCompile(`"next_cursor":"([A-Za-z0-9_-]+)"`).FindStringSubmatch(body)
			if code != 200 || strings.Count(body, `"id":"shp_`) != 5 || cursor == nil {
				t.Fatalf("list: %d %s", code, body[:min(len(body), 300)])
			}
			code, _, next := b.doJSON("GET", "/api/v1/shipments?limit=5&cursor="+cursor[1], "", auth(keyA)...)
			firstIDs, nextIDs := shipmentIDs.FindAllString(body, -1), shipmentIDs.FindAllString(next, -1)
			if code != 200 || len(nextIDs) != 5 || slices.ContainsFunc(nextIDs, func(id string) bool { return slices.Contains(firstIDs, id) }) {
				t.Errorf("the next page: %d %v after %v", code, nextIDs, firstIDs)
			}
			if code, _, body = b.doJSON("GET", "/api/v1/shipments", "", auth(keyB)...); code != 200 || !strings.Contains(body, `"data":[]`) {
				t.Errorf("B's list is not empty: %d %s", code, body)
			}
			// A draft with problems is kept incomplete, problems named.
			code, _, body = b.doJSON("POST", "/api/v1/shipments", `{"service":"ARM","recipient":{"name":"Taro","country":"JP"},"draft":true}`, auth(keyA)...)
			if code != 201 || !strings.Contains(body, `"status":"incomplete"`) || !strings.Contains(body, `"field":"weight_g"`) {
				t.Errorf("draft: %d %s", code, body)
			}
		})
	}
}

// jsonRename maps the snake_case answer onto the test's struct fields.
func jsonRename(s string) string {
	return strings.NewReplacer(`"item_no"`, `"ItemNo"`, `"expires_at"`, `"ExpiresAt"`, `"label_url"`, `"LabelURL"`,
		`"us_office_of_exchange"`, `"USExchange"`, `"customs_form"`, `"CustomsForm"`).Replace(s)
}

// scanBarcode renders the first page of a PDF at 300 dpi and reads its barcode with zbarimg, as a
// scanner at the counter would. Without the tools it skips the check (CI installs them).
func scanBarcode(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("zbarimg"); err != nil {
		if testenv.InCI() {
			t.Fatal("zbarimg missing: scripts/test.sh installs zbar-tools")
		}
		return ""
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "l.pdf"), pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pdftoppm", "-r", "300", "-f", "1", "-l", "1", "-png", filepath.Join(dir, "l.pdf"), filepath.Join(dir, "p")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	pngs, err := filepath.Glob(filepath.Join(dir, "p*.png"))
	if err != nil || len(pngs) == 0 {
		t.Fatalf("pdftoppm wrote no page: %v %v", pngs, err)
	}
	out, err := exec.Command("zbarimg", "--quiet", "--raw", pngs[0]).Output()
	if err != nil {
		t.Fatalf("zbarimg read nothing: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// rule: SVC-8
// Twenty e-Express+ labels prepared over the API after 4 p.m. Hong Kong time are made, with a
// warning that they go out on the next working day; before 4 p.m., no warning.
func TestLatePostingWarningOverREST(t *testing.T) {
	a, base := start(t, storetest.DSNs(t)["sqlite"], nil)
	key := apiKey(t, a.Accounts, "lateshop", account.Live)
	b := newClient(t, base)
	items := make([]string, 20)
	for i := range items {
		items[i] = fmt.Sprintf(exampleShipment, "10118")
	}
	batch := `{"shipments":[` + strings.Join(items, ",") + `]}`
	for _, c := range []struct {
		hour int
		late bool
	}{{15, false}, {17, true}} {
		at := time.Date(2026, 11, 23, c.hour, 30, 0, 0, catalog.HongKong)
		a.Now = func() time.Time { return at }
		code, _, body := b.doJSON("POST", "/api/v1/shipments?lang=en", batch, "Authorization", "Bearer "+key, "Content-Type", "application/json")
		if code != 201 {
			t.Fatalf("%d:30: %d %s", c.hour, code, body[:min(300, len(body))])
		}
		warned := strings.Contains(body, `"warnings":[{"code":"late_posting","services":["AEX"],"message":"Prepared after the latest posting time`)
		if warned != c.late {
			t.Errorf("at %d:30 warned %v; want %v", c.hour, warned, c.late)
		}
	}
}
