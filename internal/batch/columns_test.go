package batch_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/ecship/ecship/internal/batch"
	"github.com/ecship/ecship/internal/shipment"
)

// rule: BAT-3
func TestColumnsContract(t *testing.T) {
	want := []string{"service", "reference", "weight_g", "length_mm", "width_mm", "height_mm", "insurance_amount",
		"sender_name", "sender_company", "sender_address_1", "sender_address_2", "sender_address_3", "sender_city",
		"sender_phone", "sender_email", "recipient_name", "recipient_company", "recipient_address_1",
		"recipient_address_2", "recipient_address_3", "recipient_city", "recipient_state", "recipient_postal_code",
		"recipient_country", "recipient_phone", "recipient_email", "contents_category"}
	for n := 1; n <= 5; n++ {
		for _, f := range []string{"description", "quantity", "weight_g", "value", "currency", "hs_code", "origin_country"} {
			want = append(want, fmt.Sprintf("item_%d_%s", n, f))
		}
	}
	if !slices.Equal(batch.Columns, want) {
		t.Fatalf("Columns changed; it is a public contract\n got %q\nwant %q", batch.Columns, want)
	}
	for _, c := range batch.Required {
		if !batch.IsColumn(c) {
			t.Errorf("required %s is not a column", c)
		}
	}
}

func TestCanonicalLooseMatch(t *testing.T) {
	cases := map[string]string{
		"service":            "service",
		"  Service ":         "service",
		"SERVICE_CODE":       "service",
		"Weight (g)":         "weight_g",
		"weight-g":           "weight_g",
		"重量(克)":              "weight_g",
		"重量（克）":              "weight_g",
		"Recipient Name":     "recipient_name",
		"收件人姓名":              "recipient_name",
		"收件人名称":              "recipient_name",
		"收件人名稱":              "recipient_name",
		"國家":                 "recipient_country",
		"国家":                 "recipient_country",
		"國家／地區":              "recipient_country",
		"郵政編碼":               "recipient_postal_code",
		"邮编":                 "recipient_postal_code",
		"ZIP Code":           "recipient_postal_code",
		"寄件人地址":              "sender_address_1",
		"發件人姓名":              "sender_name",
		"Item 2 Description": "item_2_description",
		"物品3数量":              "item_3_quantity",
		"物品5HS編碼":            "item_5_hs_code",
		"item_4_origin":      "item_4_origin_country",
		"HS Code":            "item_1_hs_code",
		"数量":                 "item_1_quantity",
		"*收件人地址1":            "recipient_address_1",
		"Ｓｅｒｖｉｃｅ":            "service", // full-width letters
		"\ufeffservice":      "service",
		"favourite colour":   "",
	}
	for in, want := range cases {
		if got := batch.Canonical(in); got != want {
			t.Errorf("Canonical(%q) = %q, want %q", in, got, want)
		}
	}
}

// Every column's name and each of its labels must lead back to it: no alias is shadowed by another
// column's (the three languages' template labels are what users translate the header to).
func TestLabelsMatchTheirColumn(t *testing.T) {
	for _, c := range batch.Columns {
		if got := batch.Canonical(c); got != c {
			t.Errorf("Canonical(%q) = %q", c, got)
		}
	}
	for _, l := range batch.ColumnLabels() {
		if got := batch.Canonical(l.Label); got != l.Column {
			t.Errorf("label %q of %s matches %q", l.Label, l.Column, got)
		}
	}
}

func TestCategoriesMatchShipment(t *testing.T) {
	if got := batch.ContentsCategories(); !slices.Equal(got, shipment.Categories) {
		t.Fatalf("template categories %v, shipment.Categories %v", got, shipment.Categories)
	}
}
