package app_test

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/config"
	"github.com/ecship/ecship/internal/store/storetest"
)

// keyed sends a request with a bearer key and answers the response, its body read and closed.
func keyed(t *testing.T, method, url, key, body string) *http.Response {
	t.Helper()
	req := newRequest(t, method, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// Issue 12, finding 3: integrators behind one address (one NAT) do not share the anonymous 20
// requests a second. Under the default settings, 8 workers creating 50 shipments each with a valid
// key get no 429, and every keyed answer says where the key stands.
func TestKeyedRequestsAreLimitedPerKey(t *testing.T) {
	a, base := start(t, storetest.DSNs(t)["sqlite"], func(c *config.Config) {
		d := config.Defaults()
		c.PublicRateLimit, c.APIRateLimit = d.PublicRateLimit, d.APIRateLimit
	})
	key := apiKey(t, a.Accounts, "busyshop", account.Live)
	var limited, other atomic.Int64
	var noHeaders atomic.Int64
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				resp := keyed(t, "POST", base+"/api/v1/shipments", key, localParcel("NAT"))
				switch {
				case resp.StatusCode == 429:
					limited.Add(1)
				case resp.StatusCode != 201:
					other.Add(1)
				}
				if resp.Header.Get("RateLimit-Limit") == "" || resp.Header.Get("RateLimit-Remaining") == "" || resp.Header.Get("RateLimit-Reset") == "" {
					noHeaders.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if limited.Load() != 0 || other.Load() != 0 || noHeaders.Load() != 0 {
		t.Errorf("8 × 50 keyed creates: %d refused with 429, %d other failures, %d answers without RateLimit headers", limited.Load(), other.Load(), noHeaders.Load())
	}
	// Anonymous callers at that address are still limited on their own (burst: 40).
	codes := map[int]int{}
	for range 60 {
		resp, _ := post(t, base+"/api/v1/quotes", `{"destination":"JP","weight_g":20}`)
		codes[resp.StatusCode]++
	}
	if codes[429] == 0 {
		t.Errorf("anonymous quotes after the keyed burst: %v; want some 429", codes)
	}
}

// Over its own allowance a key gets 429 with Retry-After; another key is not affected; a key that is
// not one counts against its address's anonymous limit.
func TestOverTheKeyLimit(t *testing.T) {
	a, base := start(t, storetest.DSNs(t)["sqlite"], func(c *config.Config) { c.APIRateLimit, c.PublicRateLimit = 1, 1 }) // bursts of 5 and 2
	one, two := apiKey(t, a.Accounts, "shopone", account.Live), apiKey(t, a.Accounts, "shoptwo", account.Live)
	var last *http.Response
	for i := range 6 {
		last = keyed(t, "GET", base+"/api/v1/account", one, "")
		if i < 5 && last.StatusCode != 200 {
			t.Fatalf("request %d within the burst: %d", i+1, last.StatusCode)
		}
	}
	if last.StatusCode != 429 || last.Header.Get("Retry-After") == "" || last.Header.Get("RateLimit-Remaining") != "0" || last.Header.Get("RateLimit-Limit") != "5" {
		t.Errorf("over the key's limit: %d %v", last.StatusCode, last.Header)
	}
	if reset, err := strconv.Atoi(last.Header.Get("RateLimit-Reset")); err != nil || reset < 1 || reset > 5 {
		t.Errorf("RateLimit-Reset %q", last.Header.Get("RateLimit-Reset"))
	}
	if resp := keyed(t, "GET", base+"/api/v1/account", two, ""); resp.StatusCode != 200 {
		t.Errorf("another key: %d", resp.StatusCode)
	}
	codes := []int{}
	for range 3 {
		codes = append(codes, keyed(t, "GET", base+"/api/v1/account", "ek_live_madeup", "").StatusCode)
	}
	if codes[0] != 401 || codes[2] != 429 {
		t.Errorf("made-up keys: %v; want 401 first and 429 once the address's burst is spent", codes)
	}
	// A made-up key on an open route earns nothing either.
	if resp := keyed(t, "POST", base+"/api/v1/quotes", "ek_live_madeup", `{"destination":"JP","weight_g":20}`); resp.StatusCode != 429 {
		t.Errorf("a made-up key on an open route: %d; want 429", resp.StatusCode)
	}
}

// Issue 12, finding 5: behind an https base URL every answer tells browsers to come back over https
// only; over plain http it would mean nothing and is not sent.
func TestHSTSWhenTheBaseURLIsHTTPS(t *testing.T) {
	for base, want := range map[string]bool{"https://ecship.example.hk": true, "": false} {
		_, url := start(t, storetest.DSNs(t)["sqlite"], func(c *config.Config) { c.BaseURL = base })
		resp, err := http.Get(url + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Strict-Transport-Security") != ""; got != want {
			t.Errorf("base URL %q: Strict-Transport-Security %q", base, resp.Header.Get("Strict-Transport-Security"))
		}
	}
}
