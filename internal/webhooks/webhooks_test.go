package webhooks

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/account"
)

// A signature verifies with its secret, body and time, and with nothing else.
func TestSignVerify(t *testing.T) {
	at := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	body := []byte(`{"id":"evt_1","type":"shipment.paid"}`)
	sig := Sign("whsec_a", at, body)
	if !strings.HasPrefix(sig, "t=1796299200,v1=") || len(sig) != len("t=1796299200,v1=")+64 {
		t.Fatalf("signature %q", sig)
	}
	for name, c := range map[string]struct {
		secret, header string
		body           []byte
		now            time.Time
		ok             bool
	}{
		"as sent":           {"whsec_a", sig, body, at.Add(time.Minute), true},
		"another secret":    {"whsec_b", sig, body, at, false},
		"body changed":      {"whsec_a", sig, []byte(`{"id":"evt_1","type":"shipment.cancelled"}`), at, false},
		"replayed later":    {"whsec_a", sig, body, at.Add(10 * time.Minute), false},
		"time changed":      {"whsec_a", strings.Replace(sig, "t=1796299200", "t=1796299260", 1), body, at, false},
		"no v1":             {"whsec_a", "t=1796299200", body, at, false},
		"a second v1 works": {"whsec_a", "t=1796299200,v1=00," + sig[len("t=1796299200,"):], body, at, true},
	} {
		if err := Verify(c.secret, c.header, c.body, c.now, 5*time.Minute); (err == nil) != c.ok {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// Live endpoints are https to the outside world; test endpoints may also be http on this machine.
func TestCheckURL(t *testing.T) {
	for _, c := range []struct {
		mode account.Mode
		url  string
		ok   bool
	}{
		{account.Live, "https://shop.example.com/hooks", true},
		{account.Live, "http://shop.example.com/hooks", false},
		{account.Live, "https://127.0.0.1/hooks", false},
		{account.Live, "https://10.1.2.3/hooks", false},
		{account.Live, "https://169.254.169.254/latest/meta-data", false},
		{account.Live, "https://[::1]/hooks", false},
		{account.Live, "https://user:pw@shop.example.com/", false},
		{account.Live, "ftp://shop.example.com/", false},
		{account.Test, "http://127.0.0.1:8080/hooks", true},
		{account.Test, "http://localhost:8080/hooks", true},
		{account.Test, "http://shop.example.com/hooks", false},
		{account.Test, "https://shop.example.com/hooks", true},
	} {
		if err := CheckURL(c.mode, c.url); (err == nil) != c.ok {
			t.Errorf("%s %s: %v", c.mode, c.url, err)
		}
	}
}

// A live delivery never connects to this machine, even by a name that points here, and no
// delivery follows a redirect.
func TestClientRefusesInsideAndRedirects(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://169.254.169.254/", http.StatusFound)
	}))
	defer srv.Close()
	name := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	if _, err := client(false).Post(name, "application/json", nil); err == nil || !strings.Contains(err.Error(), "not an address deliveries go to") {
		t.Errorf("a live delivery reached this machine: %v", err)
	}
	res, err := client(true).Post(srv.URL, "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound {
		t.Errorf("the redirect was followed: %d", res.StatusCode)
	}
}
