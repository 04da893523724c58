package web

import (
	"testing"
	"time"

	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/shipment"
)

// rule: SVC-8
func TestLatePostingWarningForTwentyOrMore(t *testing.T) {
	many := func(service string, n int) []*shipment.Shipment {
		var out []*shipment.Shipment
		for range n {
			out = append(out, &shipment.Shipment{Service: service})
		}
		return out
	}
	at := func(h, m int) time.Time { return time.Date(2026, 11, 23, h, m, 0, 0, catalog.HongKong) }
	cases := []struct {
		list []*shipment.Shipment
		now  time.Time
		want bool
	}{
		{many("AEX", 20), at(16, 0), true},
		{many("ARM", 25), at(18, 30), true},
		{many("AEX", 20), at(15, 59), false},
		{many("AEX", 19), at(17, 0), false},
		{many("EMS", 20), at(17, 0), false}, // Speedpost's time varies by destination
		{append(many("AEX", 10), many("ARM", 10)...), at(17, 0), false},
	}
	for i, tc := range cases {
		if got := lateForBulk(tc.list, tc.now); got != tc.want {
			t.Errorf("case %d: %v; want %v", i, got, tc.want)
		}
	}
}

func TestLabelFormInputsForFieldPaths(t *testing.T) {
	f := newLabelForm(3)
	cases := map[string]string{
		"shipments[2].recipient.postal_code":            "r2_postal",
		"shipments[1].contents.items[0].hs_code":        "r1_a0_hs",
		"shipments[0].contents.items[2].value.currency": "r0_a2_currency",
		"recipient.address_lines[1]":                    "r0_line2",
		"recipient.address_lines":                       "r0_line1",
		"sender.phone":                                  "sender_phone",
		"sender.address_lines":                          "sender_line1",
		"recipient.country":                             "country",
		"weight_g":                                      "r0_weight",
		"dimensions_mm":                                 "r0_l",
		"insurance":                                     "r0_insure",
		"contents":                                      "r0_category",
		"service":                                       "service",
	}
	for path, want := range cases {
		if got := f.inputFor(path); got != want {
			t.Errorf("%s -> %q; want %q", path, got, want)
		}
	}
}
