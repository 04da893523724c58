package web

import (
	"testing"
)

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
