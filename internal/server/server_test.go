package server

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/metrics"
)

func TestClientIP(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	cases := []struct {
		remote, xff, want string
	}{
		{"203.0.113.7:5555", "", "203.0.113.7"},
		{"203.0.113.7:5555", "1.2.3.4", "203.0.113.7"},             // untrusted peer: header ignored
		{"10.0.0.2:5555", "1.2.3.4", "1.2.3.4"},                    // trusted proxy
		{"10.0.0.2:5555", "6.6.6.6, 1.2.3.4, 10.0.0.9", "1.2.3.4"}, // right-most untrusted hop
		{"10.0.0.2:5555", "garbage", "10.0.0.2"},
		{"[::ffff:203.0.113.7]:1", "", "203.0.113.7"},
	}
	for _, tc := range cases {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.remote
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		if got := ClientIP(r, trusted); got.String() != tc.want {
			t.Errorf("%s + %q: %s; want %s", tc.remote, tc.xff, got, tc.want)
		}
	}
}

func TestPerIPBucketsRefillAndAreSeparate(t *testing.T) {
	l := NewPerIP(2, nil, nil) // 2/s, burst 4
	a, b := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("192.0.2.2")
	now := time.Unix(1_800_000_000, 0)
	for i := range 4 {
		if ok, _ := l.Allow(a, now); !ok {
			t.Fatalf("request %d refused within the burst", i+1)
		}
	}
	ok, wait := l.Allow(a, now)
	if ok || wait <= 0 || wait > time.Second {
		t.Errorf("5th request: ok %v wait %v; want refused with a wait up to 1s", ok, wait)
	}
	if ok, _ := l.Allow(b, now); !ok {
		t.Error("another address shares the bucket")
	}
	if ok, _ := l.Allow(a, now.Add(600*time.Millisecond)); !ok {
		t.Error("bucket did not refill")
	}
	// Idle buckets are swept after a minute.
	l.Allow(b, now.Add(3*time.Minute))
	l.buckets.mu.Lock()
	n := len(l.buckets.buckets)
	l.buckets.mu.Unlock()
	if n != 1 {
		t.Errorf("%d buckets after sweeping; want 1", n)
	}
	if NewPerIP(0, nil, nil) != nil {
		t.Error("a limit of 0 should turn limiting off")
	}
}

func TestObserveRecoversAndLogs(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /boom", func(http.ResponseWriter, *http.Request) { panic("kaboom") })
	h := Observe(mux, log, metrics.New())
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/boom", nil))
	if rec.Code != 500 || rec.Header().Get("X-Request-Id") == "" {
		t.Errorf("panic answered %d, request id %q", rec.Code, rec.Header().Get("X-Request-Id"))
	}
	if s := logs.String(); !strings.Contains(s, "kaboom") || !strings.Contains(s, `req.route="GET /boom"`) || !strings.Contains(s, "status=500") {
		t.Errorf("log:\n%s", s)
	}
}
