package soap_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/store/storetest"
	"github.com/ecship/ecship/internal/tracking"
)

// BenchmarkMailTrack30 answers getItemDeliveryStatus for 30 posted items of six events each, lang A,
// on SQLite, from parallel clients: the whole handler (read, parse, credential, the shared request
// count, look-up, response) without the network. It reports the 99th percentile latency too.
// The daily count stays on (a limit no run reaches), so every request writes its count.
func BenchmarkMailTrack30(b *testing.B) {
	st := storetest.Open(b, "sqlite:"+filepath.Join(b.TempDir(), "ecship.db"))
	e := newEnv(b, st, monday)
	items := make([]string, 30)
	for i := range items {
		items[i] = e.ship(b, e.shop, account.Live, "EE", "JP", monday.Add(-72*time.Hour), "GPO")
		e.events(b, items[i],
			tracking.Input{Code: "EMB", Time: local(b, monday.Add(-70*time.Hour), "Asia/Hong_Kong"), Country: "HK"},
			tracking.Input{Code: "EMC", Time: local(b, monday.Add(-60*time.Hour), "Asia/Hong_Kong"), Country: "HK"},
			tracking.Input{Code: "EMD", Time: local(b, monday.Add(-50*time.Hour), "Asia/Tokyo"), Country: "JP"},
			tracking.Input{Code: "EDG", Time: local(b, monday.Add(-26*time.Hour), "Asia/Tokyo"), Country: "JP"},
			tracking.Input{Code: "EMI", Time: local(b, monday.Add(-24*time.Hour), "Asia/Tokyo"), Country: "JP"},
		)
	}
	// The same bytes every time: a credential allowed to send its password in clear, over https.
	e.m = e.secure()
	e.m.DailyLimit = 1 << 30
	body := call{cred: e.plain, text: true, items: items}.xml(monday)
	if r := decode(b, post(b, e.m, body, "")); r.Status != 0 || r.ItemCount != 30 || len(r.Results[29].Events) != 6 || r.Results[29].Status != 0 {
		b.Fatalf("not a full answer: %d, %d items", r.Status, r.ItemCount)
	}
	var mu sync.Mutex
	var lat []time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		for pb.Next() {
			start := time.Now()
			r := httptest.NewRequest(http.MethodPost, "/HKP_MailTrack_API/services", strings.NewReader(body))
			w := &sink{header: http.Header{}}
			e.m.ServeHTTP(w, r)
			if w.status != http.StatusOK || !bytes.Contains(w.head, []byte("<status>0</status>")) || w.n < 80_000 {
				b.Errorf("answer of %d bytes: %s", w.n, w.head)
				return
			}
			mine = append(mine, time.Since(start))
		}
		mu.Lock()
		lat = append(lat, mine...)
		mu.Unlock()
	})
	b.StopTimer()
	if len(lat) > 0 {
		slices.Sort(lat)
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(len(lat))/b.Elapsed().Seconds(), "req/s")
	}
}

// sink is a ResponseWriter that keeps the answer's first bytes and its length, as a server's
// connection would send it on without keeping it.
type sink struct {
	header http.Header
	status int
	head   []byte
	n      int
}

func (s *sink) Header() http.Header { return s.header }
func (s *sink) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
}
func (s *sink) Write(b []byte) (int, error) {
	s.WriteHeader(http.StatusOK)
	if len(s.head) < 400 {
		s.head = append(s.head, b[:min(len(b), 400-len(s.head))]...)
	}
	s.n += len(b)
	return len(b), nil
}
