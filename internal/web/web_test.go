package web

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/i18n"
	"github.com/ecship/ecship/internal/metrics"
	"github.com/ecship/ecship/internal/testenv"
	"github.com/ecship/ecship/internal/tracking"
)

var monday = time.Date(2026, 11, 23, 10, 0, 0, 0, catalog.HongKong)

func newPortal(t testing.TB) http.Handler {
	t.Helper()
	p, err := New(&Deps{Catalog: testenv.Catalog(t), Metrics: metrics.New(), Log: slog.New(slog.DiscardHandler), Now: func() time.Time { return monday }})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	p.Register(mux)
	return mux
}

func get(t testing.TB, h http.Handler, url string, hdr ...string) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	b, err := io.ReadAll(rec.Result().Body)
	if err != nil {
		t.Fatalf("GET %s: reading the body: %v", url, err)
	}
	return rec.Result(), string(b)
}

// rule: ACC-6
func TestHomeInThreeLanguages(t *testing.T) {
	h := newPortal(t)
	for lang, want := range map[string][]string{
		"en":      {`<html lang="en">`, "Which service, and what does it cost?", "Japan (JP)"},
		"zh-Hant": {`<html lang="zh-Hant">`, "用哪種服務？要多少郵費？", "日本 (JP)", "中國內地 (CN)"},
		"zh-Hans": {`<html lang="zh-Hans">`, "用哪种服务？要多少邮费？", "日本 (JP)", "中国内地 (CN)"},
	} {
		resp, body := get(t, h, "/?lang="+lang)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", lang, resp.StatusCode)
		}
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("%s page lacks %q", lang, w)
			}
		}
		if n := strings.Count(body, "<option value="); n < 249 {
			t.Errorf("%s: %d destination choices; want all 249", lang, n)
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
			t.Errorf("CSP %q", csp)
		}
	}
}

func TestLanguageIsRemembered(t *testing.T) {
	h := newPortal(t)
	resp, _ := get(t, h, "/?lang=zh-Hans")
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "lang" {
			cookie = c
		}
	}
	if cookie == nil || cookie.Value != "zh-Hans" || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode {
		t.Fatalf("lang cookie %+v", cookie)
	}
	_, body := get(t, h, "/", "Cookie", "lang=zh-Hans", "Accept-Language", "en")
	if !strings.Contains(body, `<html lang="zh-Hans">`) {
		t.Error("cookie language not used")
	}
	_, body = get(t, h, "/", "Accept-Language", "zh-TW,zh;q=0.8")
	if !strings.Contains(body, `<html lang="zh-Hant">`) {
		t.Error("Accept-Language not used")
	}
}

// rule: SVC-2
func TestComparisonTable(t *testing.T) {
	h := newPortal(t)
	resp, body := get(t, h, "/?to=Japan+(JP)&weight=20&l=200&w=100&h=5&insure=100")
	if resp.StatusCode != 200 {
		t.Fatalf("%d", resp.StatusCode)
	}
	rows := regexp.MustCompile(`<tr data-service="([A-Z0-9]+)">`).FindAllStringSubmatch(body, -1)
	if len(rows) != 6 {
		t.Fatalf("%d rows; want 6 services", len(rows))
	}
	for _, want := range []string{"HK$20.90", "Small letter", "Cheapest", "Fastest", "sample", "HK$11.00 to insure HK$100.00", "Air Registered Mail offers no extra insurance."} {
		if !strings.Contains(body, want) {
			t.Errorf("table lacks %q", want)
		}
	}
	// Macao: no air mail; the page says so under the services that cannot take it.
	_, body = get(t, h, "/?to=MO&weight=100&lang=zh-Hant")
	if !strings.Contains(body, `<li data-service="ARM"><strong>空郵掛號</strong>: 沒有空郵寄往澳門。</li>`) {
		t.Errorf("Macao page lacks the air-mail reason")
	}
	// Local services for Hong Kong; weight in kg.
	_, body = get(t, h, "/?to=HK&weight=2.5&unit=kg")
	if !strings.Contains(body, `data-service="LPL"`) || strings.Contains(body, `data-service="ARM"`) || !strings.Contains(body, "2500 g") {
		t.Errorf("Hong Kong quote should list local services for 2500 g")
	}
}

func TestFormErrorsNextToFields(t *testing.T) {
	h := newPortal(t)
	resp, body := get(t, h, "/?to=Atlantis&weight=heavy&l=10&w=x&h=5&insure=lots&lang=en")
	if resp.StatusCode != 400 {
		t.Errorf("status %d; want 400", resp.StatusCode)
	}
	for _, want := range []string{
		`id="to-error">&#34;Atlantis&#34; is not a country or territory we know`,
		`id="weight-error">Enter the weight as a number of grams`,
		`Width: Enter whole millimetres, such as 250.`,
		`id="insure-error">Enter the value to insure`,
		`value="Atlantis"`, `aria-invalid="true"`, `role="alert"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("error page lacks %q", want)
		}
	}
	if strings.Contains(body, "<table") {
		t.Error("a table was shown for bad input")
	}
	// "1,000" g is a thousand grams, not one.
	if _, body := get(t, h, "/?to=JP&weight=1,000"); !strings.Contains(body, "1000 g") {
		t.Error("1,000 g not read as a thousand grams")
	}
}

func TestNotFoundAndStatic(t *testing.T) {
	h := newPortal(t)
	if resp, body := get(t, h, "/no/such/page?lang=zh-Hant"); resp.StatusCode != 404 || !strings.Contains(body, "找不到網頁") {
		t.Errorf("404 page: %d", resp.StatusCode)
	}
	resp, body := get(t, h, "/static/style.css")
	if resp.StatusCode != 200 || !strings.Contains(body, ":root") || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
		t.Errorf("style.css: %d %s", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
}

func BenchmarkHomeWithQuote(b *testing.B) {
	h := newPortal(b)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/?to=US&weight=450&insure=1000", nil))
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}

// After signing in, a person goes back only to a page of this site.
func TestSafeNext(t *testing.T) {
	for next, want := range map[string]string{
		"/labels?page=2":        "/labels?page=2",
		"":                      "/home",
		"https://evil.example/": "/home",
		"//evil.example/":       "/home",
		"/\\evil.example/":      "/home",
		"/\t/evil.example/":     "/home",
		"/%0a/evil":             "/%0a/evil",
		"/x\r\nSet-Cookie: a=b": "/home",
		"javascript:alert(1)":   "/home",
		"/ok#frag":              "/ok#frag",
	} {
		if got := safeNext(next, "/home"); got != want {
			t.Errorf("safeNext(%q) = %q; want %q", next, got, want)
		}
	}
}

// A problem's field is named in the form's words, not the API's.
func TestFieldName(t *testing.T) {
	for field, want := range map[string]string{
		"recipient.address_lines":   "Recipient · Address",
		"weight_g":                  "Weight (g)",
		"contents.items[1].hs_code": "Customs declaration · Article 2 · HS code",
		"unknown_thing":             "unknown_thing",
	} {
		if got := fieldName(i18n.English, field); got != want {
			t.Errorf("%s: %q, want %q", field, got, want)
		}
	}
	if got := fieldName(i18n.TraditionalChinese, "recipient.city"); got != "收件人 · 城市" {
		t.Errorf("in Chinese: %q", got)
	}
}

// An item within Hong Kong is never shown leaving Hong Kong or arriving abroad; one abroad is.
func TestLocalJourney(t *testing.T) {
	p, err := New(&Deps{Catalog: testenv.Catalog(t), Metrics: metrics.New(), Log: slog.New(slog.DiscardHandler), Now: func() time.Time { return monday }})
	if err != nil {
		t.Fatal(err)
	}
	posted := monday.Add(-time.Hour)
	for dest, want := range map[string][]string{
		"HK": {"Posted", "Out for delivery", "Delivered"},
		"JP": {"Posted", "Left Hong Kong", "Arrived at the destination", "Out for delivery", "Delivered"},
	} {
		v := p.timeline(i18n.English, &tracking.Item{ItemNo: "CL000042439HK", Destination: dest}, &posted, "GPO")
		var got []string
		for _, s := range v.Steps {
			got = append(got, s.Name)
		}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s: steps %q, want %q", dest, got, want)
		}
	}
}
