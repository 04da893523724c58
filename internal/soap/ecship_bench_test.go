package soap_test

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/soap"
	"github.com/ecship/ecship/internal/store/storetest"
)

// BenchmarkECShipOrderAndPack is a shop's createOrder followed by getAddressPack for the item, end
// to end through the SOAP handler (read, parse, credential, token, checks, storage, label PDF,
// answer) on SQLite, without the network; each call signs a fresh token. It reports each call's p50
// and p99 (budgets: createOrder p99 under 20 ms; the label PDF itself under 5 ms).
func BenchmarkECShipOrderAndPack(b *testing.B) {
	st := storetest.Open(b, "sqlite:"+filepath.Join(b.TempDir(), "ecship.db"))
	e := newECEnv(b, st, monday)
	var create, pack []time.Duration
	send := func(lat *[]time.Duration, op, body string) ecReturn {
		r := httptest.NewRequest(http.MethodPost, soap.ECShipLivePath+"/Posting", strings.NewReader(body))
		w := httptest.NewRecorder()
		start := time.Now()
		e.mux.ServeHTTP(w, r)
		*lat = append(*lat, time.Since(start))
		return readReturn(b, op, w.Body.String())
	}
	who := []kv{{name: "ecshipUsername", value: "shop"}, {name: "integratorUsername", value: e.shopLive.Username}}
	n := 0
	b.ResetTimer()
	for b.Loop() {
		n++
		body := ecRequest(prefixed, newToken(e.shopLive, e.c.Now()), "createOrder", "api02Req", append(who, usOrder("BENCH-"+strconv.Itoa(n))...))
		r := send(&create, "createOrder", body)
		if r.status() != "0" {
			b.Fatalf("createOrder: %s %q", r.status(), r.fields["errMessage"])
		}
		body = ecRequest(prefixed, newToken(e.shopLive, e.c.Now()), "getAddressPack", "api11Req", append(who, kv{name: "itemNo", items: []string{r.fields["itemNo"]}}))
		p := send(&pack, "getAddressPack", body)
		if p.status() != "0" || len(p.fields["ap"]) < 1000 {
			b.Fatalf("getAddressPack: %s %q", p.status(), p.fields["errMessage"])
		}
	}
	b.StopTimer()
	for _, m := range []struct {
		name string
		lat  []time.Duration
	}{{"createOrder", create}, {"getAddressPack", pack}} {
		slices.Sort(m.lat)
		b.ReportMetric(float64(m.lat[len(m.lat)/2].Microseconds())/1000, m.name+"-p50-ms")
		b.ReportMetric(float64(m.lat[len(m.lat)*99/100].Microseconds())/1000, m.name+"-p99-ms")
	}
}

// BenchmarkECShipQuote answers getTotalPostage from parallel clients sending one token again (as
// within a credential's reuse window), through the whole handler on SQLite, without the network.
func BenchmarkECShipQuote(b *testing.B) {
	st := storetest.Open(b, "sqlite:"+filepath.Join(b.TempDir(), "ecship.db"))
	e := newECEnv(b, st, monday)
	body := ecRequest(prefixed, newToken(e.shopLive, e.c.Now()), "getTotalPostage", "api01Req", []kv{
		{name: "ecshipUsername", value: "shop"}, {name: "integratorUsername", value: e.shopLive.Username},
		{name: "countryCode", value: "USB"}, {name: "shipCode", value: "AEP"}, {name: "weight", value: "0.55"}})
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r := httptest.NewRequest(http.MethodPost, soap.ECShipLivePath+"/Calculator", strings.NewReader(body))
			w := &sink{header: http.Header{}}
			e.mux.ServeHTTP(w, r)
			if !strings.Contains(string(w.head), "<o:status>0</o:status>") {
				b.Errorf("answer: %s", w.head)
				return
			}
		}
	})
}
