package tracking_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/s10"
	"github.com/ecship/ecship/internal/store/storetest"
	"github.com/ecship/ecship/internal/tracking"
)

// BenchmarkLookup30 looks up 30 items on SQLite holding ECSHIP_BENCH_EVENTS events (default
// 1,000,000: eight a journey). Seeding takes a while; the figure is per 30-item look-up.
func BenchmarkLookup30(b *testing.B) {
	total := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("ECSHIP_BENCH_EVENTS")); err == nil && v > 0 {
		total = v
	}
	st := storetest.Open(b, storetest.DSNs(b)["sqlite"])
	s := service(b, st)
	journey := []struct {
		code, country string
		after         time.Duration
	}{{"EMA", "HK", 0}, {"EMB", "HK", 3 * time.Hour}, {"EMC", "HK", 10 * time.Hour}, {"EMD", "JP", 30 * time.Hour},
		{"EDC", "JP", 40 * time.Hour}, {"EMG", "JP", 50 * time.Hour}, {"EDG", "JP", 60 * time.Hour}, {"EMI", "JP", 64 * time.Hour}}
	items := total / len(journey)
	start := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	batch := make([]tracking.Event, 0, 8000)
	seeded := time.Now()
	for i := range items {
		no := s10.Format("EA", i, "HK")
		at := start.Add(time.Duration(i) * time.Minute)
		for _, j := range journey {
			zone := tracking.ZoneOf(j.country)
			batch = append(batch, tracking.Event{ID: fmt.Sprintf("evt_%d_%s", i, j.code), ItemNo: no, Code: j.code, At: at.Add(j.after),
				Country: j.country, TimeZone: zone, Source: tracking.FromDemo, CreatedAt: at})
		}
		if len(batch) >= 8000 || i == items-1 {
			if _, _, err := st.AddEvents(ctx, batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	b.Logf("seeded %d events for %d items in %s", items*len(journey), items, time.Since(seeded).Round(time.Millisecond))
	nos := make([]string, 30)
	b.ResetTimer()
	for b.Loop() {
		for k := range nos {
			nos[k] = s10.Format("EA", rand.IntN(items), "HK")
		}
		got, err := s.Lookup(ctx, nos)
		if err != nil || len(got[0].Events) != len(journey) || got[0].Milestone() != "delivered" {
			b.Fatalf("look-up: %v %+v", err, got[0])
		}
	}
}
