package api

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/metrics"
	"github.com/ecship/ecship/internal/testenv"
)

var monday = time.Date(2026, 11, 23, 10, 0, 0, 0, catalog.HongKong)

func newMux(t testing.TB) *http.ServeMux {
	t.Helper()
	mux := http.NewServeMux()
	Register(mux, &Deps{Catalog: testenv.Catalog(t), Metrics: metrics.New(), Log: slog.New(slog.DiscardHandler), Now: func() time.Time { return monday }})
	return mux
}

func do(t testing.TB, h http.Handler, method, path, body string, hdr ...string) (int, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json") // as a client sending JSON says; hdr may say otherwise
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	testenv.CheckOpenAPI(t, "openapi.json", req, rec.Code, rec.Header(), rec.Body.Bytes())
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("%s %s: body is not JSON: %v\n%s", method, path, err, rec.Body.String())
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("%s %s: Content-Type %q", method, path, ct)
	}
	return rec.Code, out
}

func TestQuoteAnswersEveryOption(t *testing.T) {
	mux := newMux(t)
	code, body := do(t, mux, "POST", "/api/v1/quotes",
		`{"destination":"JP","weight_g":20,"dimensions_mm":{"length":200,"width":100,"height":5},"insurance_value":{"amount":"100.00","currency":"HKD"}}`)
	if code != 200 {
		t.Fatalf("status %d: %v", code, body)
	}
	data := body["data"].([]any)
	if len(data) != 6 {
		t.Fatalf("%d options; want the 6 non-local services", len(data))
	}
	byCode := map[string]map[string]any{}
	for _, o := range data {
		m := o.(map[string]any)
		byCode[m["service"].(map[string]any)["code"].(string)] = m
	}
	arm := byCode["ARM"]
	if arm["total"].(map[string]any)["amount"] != "20.90" || arm["format"].(map[string]any)["code"] != "small_letter" || arm["sample"] != false {
		t.Errorf("ARM 20 g small letter to JP: %v; want 5.40 + 15.50 = 20.90, not sample", arm)
	}
	if byCode["AEX"]["sample"] != true {
		t.Errorf("e-Express+ rates are sample data: %v", byCode["AEX"]["sample"])
	}
	if d := arm["delivery"].(map[string]any); d["posting_date"] != "2026-11-23" || d["earliest"] == "" {
		t.Errorf("delivery %v", d)
	}
}

func TestQuoteBadInputNamesFields(t *testing.T) {
	mux := newMux(t)
	cases := []struct {
		body   string
		fields []string
	}{
		{`{"destination":"XX","weight_g":10}`, []string{"destination"}},
		{`{"destination":"JP","weight_g":0}`, []string{"weight_g"}},
		{`{"destination":"JP"}`, []string{"weight_g"}},
		{`{"destination":"JP","weight_g":-1}`, []string{"weight_g"}},
		{`{"destination":"JP","weight_g":9999999}`, []string{"weight_g"}},
		{`{"destination":"JP","weight_g":1.5}`, []string{"weight_g"}},
		{`{"destination":"JP","weight_g":"heavy"}`, []string{"weight_g"}},
		{`{"destination":"JP","weight_g":10,"dimensions_mm":{"length":200,"width":0,"height":-3}}`, []string{"dimensions_mm.height", "dimensions_mm.width"}},
		{`{"destination":"JP","weight_g":10,"dimensions_mm":{"length":"long"}}`, []string{"dimensions_mm.length"}},
		{`{"destination":"JP","weight_g":10,"service":"ZZZ"}`, []string{"service"}},
		{`{"destination":"JP","weight_g":10,"insurance_value":{"amount":"ten","currency":"HKD"}}`, []string{"insurance_value.amount"}},
		{`{"destination":"JP","weight_g":10,"insurance_value":{"amount":"10.00","currency":"USD"}}`, []string{"insurance_value.currency"}},
		{`{"destination":"JP","weight_g":10,"date":"tomorrow"}`, []string{"date"}},
		{`{"destination":"JP","weight_g":10,"colour":"red"}`, []string{"colour"}},
		{`{"destination":"","weight_g":0}`, []string{"destination", "weight_g"}},
	}
	for _, tc := range cases {
		code, body := do(t, mux, "POST", "/api/v1/quotes", tc.body)
		if code != 400 {
			t.Errorf("%s: status %d; want 400", tc.body, code)
			continue
		}
		e := body["error"].(map[string]any)
		var got []string
		for _, f := range e["fields"].([]any) {
			fm := f.(map[string]any)
			got = append(got, fm["field"].(string))
			if msg, _ := fm["message"].(string); msg == "" || strings.Contains(msg, "{") || strings.HasPrefix(msg, "quote.") {
				t.Errorf("%s: field %v has no readable message", tc.body, fm)
			}
		}
		sort.Strings(got)
		if e["code"] != "invalid" || strings.Join(got, ",") != strings.Join(tc.fields, ",") {
			t.Errorf("%s: error %v; want fields %v", tc.body, e, tc.fields)
		}
	}
	for _, body := range []string{``, `{`, `[1,2]`, `{"destination":"JP","weight_g":10} {}`, `null x`} {
		if code, b := do(t, mux, "POST", "/api/v1/quotes", body); code != 400 || b["error"].(map[string]any)["code"] != "invalid" {
			t.Errorf("body %q: %d %v; want 400 invalid", body, code, b)
		}
	}
	big := `{"destination":"` + strings.Repeat("x", 2<<20) + `"}`
	if code, _ := do(t, mux, "POST", "/api/v1/quotes", big); code != 400 {
		t.Errorf("2 MiB body: %d; want 400", code)
	}
}

func TestMessagesInCallersLanguage(t *testing.T) {
	mux := newMux(t)
	for _, tc := range []struct{ hdr, query, want string }{
		{"zh-HK,zh;q=0.9", "", "請"},
		{"zh-CN", "", "请"},
		{"en-GB", "?lang=zh-Hant", "請"},
		{"", "", "Enter the weight"},
	} {
		_, body := do(t, mux, "POST", "/api/v1/quotes"+tc.query, `{"destination":"JP","weight_g":0}`, "Accept-Language", tc.hdr)
		msg := body["error"].(map[string]any)["fields"].([]any)[0].(map[string]any)["message"].(string)
		if !strings.Contains(msg, tc.want) {
			t.Errorf("Accept-Language %q %s: %q; want it to contain %q", tc.hdr, tc.query, msg, tc.want)
		}
	}
	_, body := do(t, mux, "POST", "/api/v1/quotes?lang=zh-Hans", `{"destination":"MO","weight_g":100}`)
	for _, o := range body["data"].([]any) {
		m := o.(map[string]any)
		if m["available"] == false && !strings.Contains(m["reason"].(map[string]any)["message"].(string), "澳门") {
			t.Errorf("reason not in Simplified Chinese: %v", m["reason"])
		}
	}
}

func TestServicesList(t *testing.T) {
	_, body := do(t, newMux(t), "GET", "/api/v1/services", "")
	data := body["data"].([]any)
	if len(data) != 17 {
		t.Errorf("%d services; want 17", len(data))
	}
	for _, s := range data {
		m := s.(map[string]any)
		if m["code"] == "AEX" && len(m["destinations"].([]any)) != 56 {
			t.Errorf("AEX destinations %v", m["destinations"])
		}
		if m["group"] == "bulk" && m["quotable"] != false {
			t.Errorf("bulk service %v quotable", m["code"])
		}
	}
}

func TestUnknownAPIPathIsJSON404AndWrongMethod405(t *testing.T) {
	code, body := do(t, newMux(t), "GET", "/api/v1/nothing", "")
	if code != 404 || body["error"].(map[string]any)["code"] != "not_found" {
		t.Errorf("%d %v", code, body)
	}
	rec := httptest.NewRecorder()
	newMux(t).ServeHTTP(rec, httptest.NewRequest("DELETE", "/api/v1/quotes", nil))
	if rec.Code != 405 || rec.Header().Get("Allow") != "POST, OPTIONS" || !strings.Contains(rec.Body.String(), `"method_not_allowed"`) {
		t.Errorf("DELETE /api/v1/quotes: %d Allow %q %s", rec.Code, rec.Header().Get("Allow"), rec.Body)
	}
}

// The OpenAPI document describes every route the API registers, and nothing it does not.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	registered := map[string]bool{}
	for _, r := range Routes() {
		registered[r] = true
	}
	if len(registered) < 30 {
		t.Fatalf("the router registers %d routes", len(registered))
	}
	for r := range registered {
		if !documented[r] {
			t.Errorf("route %s is not in openapi.json", r)
		}
	}
	for d := range documented {
		if !registered[d] {
			t.Errorf("openapi.json documents %s, which is not registered", d)
		}
	}
	rec := httptest.NewRecorder()
	newMux(t).ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/openapi.yaml", nil))
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/yaml") {
		t.Errorf("openapi.yaml: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
}

func BenchmarkQuoteHandler(b *testing.B) {
	mux := newMux(b)
	body := `{"destination":"US","weight_g":450,"dimensions_mm":{"length":250,"width":180,"height":40}}`
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest("POST", "/api/v1/quotes", strings.NewReader(body)))
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}

// The reference at /api/v1/docs lists every operation of openapi.json, public ones marked, with no
// script and nothing from elsewhere.
func TestDocsPage(t *testing.T) {
	mux := newMux(t)
	req := httptest.NewRequest("GET", "/api/v1/docs", nil)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	testenv.CheckOpenAPI(t, "openapi.json", req, rec.Code, rec.Header(), rec.Body.Bytes())
	page := rec.Body.String()
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("HTTP %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	for _, route := range Routes() {
		method, path, _ := strings.Cut(route, " ")
		if !strings.Contains(page, `<span class="method">`+method+`</span> <code>`+path+`</code>`) {
			t.Errorf("the reference lacks %s", route)
		}
	}
	for _, bad := range []string{"<script", "http://", "https://"} {
		if strings.Contains(page, bad) {
			t.Errorf("the reference has %q", bad)
		}
	}
	if !strings.Contains(page, `<code>/api/v1/quotes</code><span class="tag">public</span>`) || !strings.Contains(page, `id="schema-Shipment"`) {
		t.Error("public operations or schemas are not shown")
	}
}

// A body not sent as JSON is a 415, whatever it holds: curl's -d sends a form type unless told.
func TestJSONBodiesMustSayJSON(t *testing.T) {
	mux := newMux(t)
	body := `{"destination":"JP","weight_g":20}`
	for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "application/xml"} {
		code, out := do(t, mux, "POST", "/api/v1/quotes", body, "Content-Type", ct)
		if code != 415 || out["error"].(map[string]any)["code"] != "unsupported_media_type" {
			t.Errorf("%s: %d %v", ct, code, out)
		}
	}
	for _, ct := range []string{"application/json", "application/json; charset=utf-8", "application/problem+json"} {
		if code, out := do(t, mux, "POST", "/api/v1/quotes", body, "Content-Type", ct); code != 200 {
			t.Errorf("%s: %d %v", ct, code, out)
		}
	}
}
