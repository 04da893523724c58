package app_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/app"
	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/config"
	"github.com/ecship/ecship/internal/store/storetest"
)

// start runs a real ecship on a free loopback port until the test ends and returns its base URL.
func start(t testing.TB, dsn string, tweak func(*config.Config)) (*app.App, string) {
	t.Helper()
	cfg := config.Defaults()
	cfg.Addr, cfg.DB, cfg.DataDir, cfg.MetricsAddr = "127.0.0.1:0", dsn, t.TempDir(), "127.0.0.1:0"
	cfg.PublicRateLimit = 0
	if tweak != nil {
		tweak(&cfg)
	}
	if err := cfg.Finish(); err != nil {
		t.Fatal(err)
	}
	a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx, func(addr net.Addr) { addrc <- addr }) }()
	var base string
	select {
	case addr := <-addrc:
		base = "http://" + addr.String()
	case err := <-done:
		t.Fatalf("server did not start: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("shutdown: %v", err)
		}
		a.Close()
	})
	return a, base
}

func post(t testing.TB, url, body string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	return resp, readAll(t, resp.Body)
}

// The same quote, weather day included, on SQLite and on PostgreSQL.
func TestSameQuotesOnEveryDatabase(t *testing.T) {
	bodies := map[string][]byte{}
	for name, dsn := range storetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			a, base := start(t, dsn, nil)
			before := quoteEarliest(t, base)
			if err := a.Store.AddWeatherDay(context.Background(), catalog.WeatherDay{Date: "2026-11-24", Signal: "T8"}); err != nil {
				t.Fatal(err)
			}
			if err := a.LoadWeatherDays(context.Background()); err != nil {
				t.Fatal(err)
			}
			after := quoteEarliest(t, base)
			if before != "2026-11-24" || after != "2026-11-25" {
				t.Errorf("Speedpost earliest delivery %s then %s with a T8 day; want 2026-11-24 then 2026-11-25 (Speedpost to the Mainland: 1 to 3 working days)", before, after)
			}
			resp, b := post(t, base+"/api/v1/quotes", `{"destination":"US","weight_g":450,"date":"2026-11-23","insurance_value":{"amount":"500.00","currency":"HKD"}}`)
			if resp.StatusCode != 200 {
				t.Fatalf("%d %s", resp.StatusCode, b)
			}
			bodies[name] = b
		})
	}
	if pg, ok := bodies["postgres"]; ok && !bytes.Equal(pg, bodies["sqlite"]) {
		t.Errorf("quotes differ:\nsqlite:   %s\npostgres: %s", bodies["sqlite"], pg)
	}
}

func quoteEarliest(t *testing.T, base string) string {
	t.Helper()
	resp, b := post(t, base+"/api/v1/quotes", `{"destination":"CN","weight_g":300,"service":"EMS","date":"2026-11-23"}`)
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	var q struct {
		Data []struct {
			Delivery struct{ Earliest string } `json:"delivery"`
		} `json:"data"`
	}
	if err := json.Unmarshal(b, &q); err != nil || len(q.Data) == 0 {
		t.Fatalf("quote: %v\n%s", err, b)
	}
	return q.Data[0].Delivery.Earliest
}

func TestAnonymousRateLimitPerIP(t *testing.T) {
	dsn := storetest.DSNs(t)["sqlite"]
	_, base := start(t, dsn, func(c *config.Config) { c.PublicRateLimit = 1 }) // burst of 2
	codes := []int{}
	var last *http.Response
	var lastBody []byte
	for range 3 {
		last, lastBody = post(t, base+"/api/v1/quotes", `{"destination":"JP","weight_g":20}`)
		codes = append(codes, last.StatusCode)
	}
	if codes[0] != 200 || codes[1] != 200 || codes[2] != 429 {
		t.Fatalf("status codes %v; want 200 200 429", codes)
	}
	// An Authorization header that nothing has verified earns no exemption.
	req := newRequest(t, "POST", base+"/api/v1/quotes", strings.NewReader(`{"destination":"JP","weight_g":20}`))
	req.Header.Set("Authorization", "Bearer made-up")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 429 {
		t.Errorf("made-up Authorization header bypassed the limit: %v %v", resp.StatusCode, err)
	}
	if last.Header.Get("Retry-After") == "" || !strings.Contains(string(lastBody), `"code":"rate_limited"`) {
		t.Errorf("429 without Retry-After or JSON error: %v %s", last.Header, lastBody)
	}
	resp, err := http.Get(base + "/?lang=zh-Hant")
	if err != nil {
		t.Fatal(err)
	}
	b := readAll(t, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 429 || !strings.Contains(string(b), "請求過於頻密") {
		t.Errorf("portal over the limit: %d %s", resp.StatusCode, b)
	}
	for _, path := range []string{"/healthz", "/readyz"} {
		if resp, err := http.Get(base + path); err != nil || resp.StatusCode != 200 {
			t.Errorf("%s is limited: %v %v", path, resp.StatusCode, err)
		} else {
			resp.Body.Close()
		}
	}
}

func TestRateLimitOff(t *testing.T) {
	_, base := start(t, storetest.DSNs(t)["sqlite"], func(c *config.Config) { c.PublicRateLimit = 0 })
	for i := range 50 {
		if resp, b := post(t, base+"/api/v1/quotes", `{"destination":"JP","weight_g":20}`); resp.StatusCode != 200 {
			t.Fatalf("request %d: %d %s", i, resp.StatusCode, b)
		}
	}
}

// Finding 8 of issue 11: ready means the database answers with the schema this binary needs. One
// restored from an older backup, or emptied, answers but every request would fail: not ready.
func TestReadyOnlyWithThisBinarysSchema(t *testing.T) {
	for name, dsn := range storetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			_, base := start(t, dsn, nil)
			ready := func() int {
				resp, err := http.Get(base + "/readyz")
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				return resp.StatusCode
			}
			if code := ready(); code != 200 {
				t.Fatalf("readyz %d", code)
			}
			driver, source := "pgx", dsn
			if strings.HasPrefix(dsn, "sqlite:") {
				driver, source = "sqlite", strings.TrimPrefix(dsn, "sqlite:")
			}
			db, err := sql.Open(driver, source)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Exec(`DELETE FROM goose_db_version WHERE version_id = (SELECT MAX(version_id) FROM goose_db_version)`); err != nil {
				t.Fatal(err)
			}
			if code := ready(); code != 503 {
				t.Errorf("readyz with the schema one migration behind: %d; want 503", code)
			}
			if _, err := db.Exec(`DROP TABLE goose_db_version`); err != nil {
				t.Fatal(err)
			}
			if code := ready(); code != 503 {
				t.Errorf("readyz with no schema: %d; want 503", code)
			}
		})
	}
}

func TestHealthReadinessAndMetrics(t *testing.T) {
	a, base := start(t, storetest.DSNs(t)["sqlite"], nil)
	post(t, base+"/api/v1/quotes", `{"destination":"JP","weight_g":20}`)
	post(t, base+"/api/v1/quotes", `{"destination":"JP","weight_g":0}`)
	statusOf(t, base+"/?to=JP&weight=20")
	// Metrics are the operator's: not on the public listener, on a listener of their own.
	if resp, err := http.Get(base + "/metrics"); err != nil || resp.StatusCode != 404 {
		t.Errorf("/metrics on the public listener: %v %v; want 404", resp.StatusCode, err)
	}
	for i := 0; a.MetricsURL() == "" && i < 100; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	resp, err := http.Get(a.MetricsURL())
	if err != nil {
		t.Fatal(err)
	}
	b := readAll(t, resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`ecship_quotes_total{channel="api",outcome="ok"} 1`,
		`ecship_quotes_total{channel="api",outcome="invalid"} 1`,
		`ecship_quotes_total{channel="web",outcome="ok"} 1`,
		`ecship_http_requests_total{code="200",method="POST",route="POST /api/v1/quotes"} 1`,
		`ecship_http_request_duration_seconds_bucket{method="POST",route="POST /api/v1/quotes"`,
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if code := statusOf(t, base+"/readyz"); code != 200 {
		t.Errorf("readyz %d", code)
	}
	a.Store.Close() // the database goes away: not ready, though alive
	if code := statusOf(t, base+"/readyz"); code != 503 {
		t.Errorf("readyz with the database closed: %d; want 503", code)
	}
	if code := statusOf(t, base+"/healthz"); code != 200 {
		t.Errorf("healthz %d", code)
	}
}

// Requests under way when shutdown begins still get their answers.
func TestGracefulShutdownFinishesRequests(t *testing.T) {
	cfg := config.Defaults()
	cfg.Addr, cfg.DB, cfg.PublicRateLimit, cfg.DataDir = "127.0.0.1:0", storetest.DSNs(t)["sqlite"], 0, t.TempDir()
	if err := cfg.Finish(); err != nil {
		t.Fatal(err)
	}
	a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx, func(addr net.Addr) { addrc <- addr }) }()
	base := "http://" + (<-addrc).String()
	var wg sync.WaitGroup
	var failures int
	var mu sync.Mutex
	for range 20 {
		wg.Go(func() {
			resp, err := http.Post(base+"/api/v1/quotes", "application/json", strings.NewReader(`{"destination":"JP","weight_g":20}`))
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				failures++ // refused after shutdown began: fine
				return
			}
			if resp.StatusCode != 200 {
				t.Errorf("status %d during shutdown", resp.StatusCode)
			}
			resp.Body.Close()
		})
	}
	time.Sleep(5 * time.Millisecond)
	cancel()
	wg.Wait()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("server did not stop")
	}
}
