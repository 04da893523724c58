package soap

import (
	"slices"
	"strings"
	"testing"
)

func TestAddressLines(t *testing.T) {
	long := "Room 1203, 12/F, Tower 2, Harbour Centre, 25 Harbour Road, Wan Chai, Hong Kong"
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"Flat A, 8/F, 8 Nathan Road, Tsim Sha Tsui", []string{"Flat A, 8/F, 8 Nathan Road, Tsim Sha Tsui"}},
		{"350 Fifth Avenue\nApt 5", []string{"350 Fifth Avenue", "Apt 5"}},
		{long, []string{"Room 1203, 12/F, Tower 2, Harbour Centre, 25 Harbour Road", "Wan Chai, Hong Kong"}},
		{"  ,, ", nil},
		{strings.Repeat("x", 70), []string{strings.Repeat("x", 60), strings.Repeat("x", 10)}},
		{"a\nb\nc\nd", []string{"a", "b", "c, d"}},
		{strings.Repeat("x", 1001), []string{strings.Repeat("x", 1001)}},
	} {
		if got := addressLines(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("addressLines(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
