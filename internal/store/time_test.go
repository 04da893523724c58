package store

import (
	"testing"
	"time"
)

func TestParseTSMatchesTheLayout(t *testing.T) {
	for _, want := range []time.Time{
		time.Date(2026, 11, 23, 14, 5, 9, 123456000, time.UTC),
		time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 2, 28, 23, 59, 59, 999999000, time.UTC),
	} {
		got, err := parseTS(want.Format(tsLayout))
		if err != nil || !got.Equal(want) {
			t.Errorf("parseTS(%q) = %v, %v; want %v", want.Format(tsLayout), got, err, want)
		}
	}
	if got, err := parseTS("2026-11-23T14:05:00+08:00"); err != nil || !got.Equal(time.Date(2026, 11, 23, 6, 5, 0, 0, time.UTC)) {
		t.Errorf("RFC 3339 fallback: %v %v", got, err)
	}
	for _, bad := range []string{"2026-13-23 14:05:09.000000+00:00", "2026-11-23 14:05:0x.000000+00:00", "nonsense"} {
		if _, err := parseTS(bad); err == nil {
			t.Errorf("parseTS(%q) read a time", bad)
		}
	}
}
