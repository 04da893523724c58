package batch_test

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/ecship/ecship/internal/batch"
)

// The example row of both templates: the e-Express+ silk scarf to New York.
var exampleRow = map[string]string{
	"service": "AEX", "reference": "ORDER-1001", "weight_g": "450", "length_mm": "250", "width_mm": "180",
	"height_mm": "40", "insurance_amount": "1000.00", "sender_name": "陳大文",
	"sender_address_1": "Flat A, 12/F, 8 Nathan Road", "sender_city": "Kowloon", "sender_phone": "85291234567",
	"recipient_name": "Jane Doe", "recipient_address_1": "350 Fifth Avenue", "recipient_city": "New York",
	"recipient_state": "NY", "recipient_postal_code": "10118", "recipient_country": "US",
	"contents_category": "sale", "item_1_description": "Silk scarf", "item_1_quantity": "2",
	"item_1_weight_g": "300", "item_1_value": "380.00", "item_1_currency": "HKD", "item_1_hs_code": "621410",
	"item_1_origin_country": "HK",
}

// rule: BAT-3
func TestTemplateCSV(t *testing.T) {
	var b bytes.Buffer
	if err := batch.TemplateCSV(&b); err != nil {
		t.Fatal(err)
	}
	data := b.Bytes()
	if !bytes.HasPrefix(data, []byte("\xEF\xBB\xBFservice,reference,weight_g,")) {
		t.Errorf("starts %q", data[:40])
	}
	if !bytes.Contains(data, []byte(`"Flat A, 12/F, 8 Nathan Road"`)) {
		t.Errorf("address not quoted: %s", data)
	}
	h, rows := mustRead(t, data, "template.csv", batch.Options{})
	if len(h.Columns) != len(batch.Columns) || len(h.Unknown) != 0 || h.Encoding != batch.UTF8 {
		t.Errorf("header %+v", h)
	}
	if len(rows) != 1 || rows[0].Number != 2 || !equalValues(rows[0].Values, exampleRow) {
		t.Errorf("example row %+v\nwant %v", rows, exampleRow)
	}
}

// rule: BAT-3
func TestTemplateXLSX(t *testing.T) {
	var b bytes.Buffer
	if err := batch.TemplateXLSX(&b); err != nil {
		t.Fatal(err)
	}
	data := b.Bytes()
	h, rows := mustRead(t, data, "template.xlsx", batch.Options{})
	if h.Sheet != batch.TemplateSheet || !slices.Equal(h.Sheets, []string{batch.TemplateSheet, batch.InstructionsSheet}) {
		t.Errorf("sheets %q %q", h.Sheet, h.Sheets)
	}
	for i, c := range h.Columns {
		if c.Name != batch.Columns[i] || c.Canonical != batch.Columns[i] {
			t.Errorf("header %d = %+v", i, c)
		}
	}
	// Amounts are numbers in the workbook: the stored number is read, "1000" for 1000.00.
	want := map[string]string{}
	for k, v := range exampleRow {
		want[k] = strings.TrimSuffix(v, ".00")
	}
	if len(rows) != 1 || !equalValues(rows[0].Values, want) {
		t.Errorf("example row %+v\nwant %v", rows, want)
	}

	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	panes, err := f.GetPanes(batch.TemplateSheet)
	if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
		t.Errorf("panes %+v %v", panes, err)
	}
	for _, col := range []string{"recipient_postal_code", "item_1_hs_code", "item_5_hs_code", "sender_phone"} {
		name, err := excelize.ColumnNumberToName(slices.Index(batch.Columns, col) + 1)
		must(t, "column "+col, err)
		id, err := f.GetColStyle(batch.TemplateSheet, name)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil || st.NumFmt != 49 {
			t.Errorf("column %s (%s) style %+v, want text (49)", col, name, st)
		}
	}
	comments, err := f.GetComments(batch.TemplateSheet)
	if err != nil || len(comments) != len(batch.Columns) || !strings.Contains(comments[0].Text, "服務") {
		t.Errorf("%d header notes, first %+v, %v", len(comments), comments[0], err)
	}
	instr, err := f.GetRows(batch.InstructionsSheet)
	if err != nil {
		t.Fatal(err)
	}
	all := ""
	for _, r := range instr {
		all += strings.Join(r, "|") + "\n"
	}
	for _, s := range []string{"At most 500 shipments", "每個檔案最多 500 件", "每个文件最多 500 件",
		"empty to use the address in your profile", "所有寄件人欄位留空", "所有寄件人栏位留空",
		"AEX|", "e-Express+", "sale|", "documents|", "item_5_origin_country|", "recipient_postal_code|"} {
		if !strings.Contains(all, s) {
			t.Errorf("instructions lack %q", s)
		}
	}
	for _, c := range batch.Columns {
		if !strings.Contains(all, "\n"+c+"|") {
			t.Errorf("instructions do not explain %s", c)
		}
	}
}

// Another program opens the Excel template: openpyxl sees the sheets, the frozen header, the text
// format of the ZIP column and the example values.
func TestTemplateXLSXOpensInOpenpyxl(t *testing.T) {
	py := openpyxl(t)
	var b bytes.Buffer
	if err := batch.TemplateXLSX(&b); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := dir + "/template.xlsx"
	if err := writeFile(path, b.Bytes()); err != nil {
		t.Fatal(err)
	}
	script := `
import sys, json, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["Shipments"]
head = [c.value for c in ws[1]]
zip_col = head.index("recipient_postal_code") + 1
print(json.dumps({
  "sheets": wb.sheetnames, "freeze": ws.freeze_panes, "header": head,
  "zip": ws.cell(2, zip_col).value, "zip_format": ws.cell(2, zip_col).number_format,
  "sender": ws.cell(2, head.index("sender_name") + 1).value,
}))
`
	out := runScript(t, py, script, path)
	var got struct {
		Sheets    []string
		Freeze    string
		Header    []string
		Zip       string
		ZipFormat string `json:"zip_format"`
		Sender    string
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if !slices.Equal(got.Sheets, []string{"Shipments", "Instructions"}) || got.Freeze != "A2" ||
		!slices.Equal(got.Header, batch.Columns) || got.Zip != "10118" || got.ZipFormat != "@" || got.Sender != "陳大文" {
		t.Errorf("openpyxl sees %+v", got)
	}
}
