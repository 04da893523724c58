package batch_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ecship/ecship/internal/batch"
)

// A workbook as a sender's spreadsheet tool saves it (made by openpyxl, not by this package): a
// header in three languages, a date typed in the reference column, a weight shown rounded, a text
// ZIP code with a leading zero and a numeric one formatted "00000", a phone number typed as a number,
// an amount shown with a thousands separator, a formula, a blank row and a row of spaces.
const workbookScript = `
import sys, datetime, openpyxl
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "出貨 Shipments"
ws.append(["service", "reference", "重量（克）", "收件人姓名", "收件人地址1", "收件人城市", "郵政編碼", "國家",
           "收件人電話", "insurance_amount", "item_1_description", "item_1_quantity", "item_1_weight_g",
           "item_1_value", "物品1HS編碼"])
ws.append(["AEX", datetime.date(2024, 3, 15), 450.6, "王小明", "北京市朝阳区建国路88号", "北京", "01234", "CN",
           85291234567, 1380, "Silk scarf", 2, "=C2/2", 0.1 + 0.2, "0101"])
ws["B2"].number_format = "yyyy-mm-dd"
ws["C2"].number_format = "0"
ws["J2"].number_format = "#,##0.00"
ws.append([])
ws.append(["ARM", "ORDER-2", 120, "Jane Doe", "350 Fifth Avenue", "New York", 2345, "US",
           "+1 212 555 0100", None, "Book", 1, 100, 50, 490199])
ws["G4"].number_format = "00000"
ws.append(["  ", None, "   "])
ws.append(["EMS", "ORDER-3", 900, "陳大文", "九龍彌敦道8號", "香港", None, "HK"])
notes = wb.create_sheet("Notes")
notes["A1"] = "not shipments"
wb.save(sys.argv[1])
`

// rule: BAT-3
func TestXLSXFromOtherSoftware(t *testing.T) {
	data := runPython(t, workbookScript)
	h, rows := mustRead(t, data, "orders.xlsx", batch.Options{})
	if h.Format != batch.FormatXLSX || h.Sheet != "出貨 Shipments" || !slices.Equal(h.Sheets, []string{"出貨 Shipments", "Notes"}) {
		t.Errorf("header %+v", h)
	}
	if len(h.Unknown) != 0 {
		t.Errorf("unknown %q", h.Unknown)
	}
	var nums []int
	for _, r := range rows {
		nums = append(nums, r.Number)
	}
	if !slices.Equal(nums, []int{2, 4, 6}) {
		t.Fatalf("row numbers %v, want [2 4 6] (blank and space-only rows skipped)", nums)
	}
	want := map[string]string{
		"service": "AEX", "reference": "2024-03-15", "weight_g": "450.6", "recipient_name": "王小明",
		"recipient_address_1": "北京市朝阳区建国路88号", "recipient_city": "北京", "recipient_postal_code": "01234",
		"recipient_country": "CN", "recipient_phone": "85291234567", "insurance_amount": "1380",
		"item_1_description": "Silk scarf", "item_1_quantity": "2", "item_1_value": "0.3", "item_1_hs_code": "0101",
	}
	if !equalValues(rows[0].Values, want) {
		t.Errorf("row 2 = %v\nwant %v", rows[0].Values, want)
	}
	// openpyxl saves no result for the formula: it is not calculated, the cell reads empty, and noted.
	if !slices.Equal(rows[0].Formulas, []string{"item_1_weight_g"}) {
		t.Errorf("formulas %v", rows[0].Formulas)
	}
	if v := rows[1].Values; v["recipient_postal_code"] != "02345" || v["item_1_hs_code"] != "490199" || v["recipient_phone"] != "+1 212 555 0100" {
		t.Errorf("row 4 = %v", v)
	}
	if v := rows[2].Values; v["recipient_name"] != "陳大文" || len(rows[2].Formulas) != 0 {
		t.Errorf("row 6 = %v", v)
	}

	_, _, err := readAll(t, data, "orders.xlsx", batch.Options{Sheet: "notes"})
	fileError(t, err, batch.KeyMissingColumn)
	_, _, err = readAll(t, data, "orders.xlsx", batch.Options{Sheet: "Sheet9"})
	if fe := fileError(t, err, batch.KeySheetNotFound); !strings.Contains(fe.Error(), "出貨 Shipments, Notes") {
		t.Errorf("message %q", fe.Error())
	}
	// The content decides, not the name.
	mustRead(t, data, "upload.csv", batch.Options{})
}

// rule: BAT-1
func TestXLSXMaxRows(t *testing.T) {
	script := `
import sys, openpyxl
n = int(sys.argv[1].split("-")[-1].split(".")[0]) if False else %d
wb = openpyxl.Workbook()
ws = wb.active
ws.append(["service", "weight_g", "recipient_name", "recipient_address_1", "recipient_postal_code", "recipient_country"])
for i in range(n):
    ws.append(["AEX", 100 + i, "Recipient %%d" %% i, "%%d Main Street" %% i, "0%%04d" %% i, "US"])
wb.save(sys.argv[1])
`
	data := runPython(t, fmt.Sprintf(script, 500))
	_, rows := mustRead(t, data, "500.xlsx", batch.Options{})
	if len(rows) != 500 || rows[499].Number != 501 || rows[7].Values["recipient_postal_code"] != "00007" {
		t.Fatalf("%d rows, last %+v", len(rows), rows[len(rows)-1])
	}
	data = runPython(t, fmt.Sprintf(script, 501))
	_, rows, err := readAll(t, data, "501.xlsx", batch.Options{})
	if fe := fileError(t, err, batch.KeyTooManyRows); fe.Row != 502 || len(rows) != 500 {
		t.Errorf("error %+v after %d rows", fe, len(rows))
	}
}

// xlsxParts writes a workbook by hand, part by part, as a minimal spreadsheet producer would.
func xlsxParts(t testing.TB, sheetData string) map[string]string {
	t.Helper()
	return map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/data.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
		"_rels/.rels": `<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml": `<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Upload" sheetId="1" r:id="rId7"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/data.xml"/></Relationships>`,
		"xl/worksheets/data.xml": `<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` + sheetData + `</sheetData></worksheet>`,
	}
}

func zipParts(t testing.TB, parts map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	names := make([]string, 0, len(parts))
	for n := range parts {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(parts[n])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const handSheet = `<row r="1">` + `<c r="A1" t="inlineStr"><is><t>service</t></is></c><c r="B1" t="inlineStr"><is><t>weight_g</t></is></c>` +
	`<c r="C1" t="inlineStr"><is><t>recipient_name</t></is></c><c r="D1" t="inlineStr"><is><t>recipient_address_1</t></is></c>` +
	`<c r="E1" t="inlineStr"><is><t>recipient_country</t></is></c><c r="F1" t="inlineStr"><is><t>item_1_value</t></is></c></row>` +
	`<row r="2"><c r="A2" t="inlineStr"><is><t>AEX</t></is></c><c r="B2"><f>200+250</f><v>450</v></c>` +
	`<c r="C2" t="str"><f>"Jane"&amp;" Doe"</f><v>Jane Doe</v></c><c r="D2" t="inlineStr"><is><t>350 Fifth Avenue</t></is></c>` +
	`<c r="E2" t="inlineStr"><is><t>US</t></is></c><c r="F2"><f>SUM(1,2)</f></c></row>` +
	`<row><c t="inlineStr"><is><t>ARM</t></is></c><c><v>120</v></c><c t="inlineStr"><is><t>陳大文</t></is></c>` +
	`<c t="inlineStr"><is><t>九龍</t></is></c><c t="inlineStr"><is><t>HK</t></is></c><c/></row>` +
	`<row r="9"><c r="A9" t="inlineStr"><is><t>EMS</t></is></c><c r="B9"><v>9.0000000000000002E-1</v></c>` +
	`<c r="C9" t="inlineStr"><is><t>X</t></is></c><c r="D9" t="inlineStr"><is><t>Y</t></is></c><c r="E9" t="inlineStr"><is><t>JP</t></is></c></row>`

// Formulas are never evaluated: the saved result is taken and the column noted.
func TestXLSXFormulasAndSparseRows(t *testing.T) {
	data := zipParts(t, xlsxParts(t, handSheet))
	h, rows := mustRead(t, data, "hand.xlsx", batch.Options{})
	if h.Sheet != "Upload" || len(rows) != 3 {
		t.Fatalf("header %+v rows %+v", h, rows)
	}
	r := rows[0]
	if r.Number != 2 || r.Values["weight_g"] != "450" || r.Values["recipient_name"] != "Jane Doe" || r.Values["item_1_value"] != "" {
		t.Errorf("row 2 = %+v", r)
	}
	if !slices.Equal(r.Formulas, []string{"weight_g", "recipient_name", "item_1_value"}) {
		t.Errorf("formulas %v", r.Formulas)
	}
	if r := rows[1]; r.Number != 3 || r.Values["recipient_name"] != "陳大文" || r.Values["weight_g"] != "120" || r.Formulas != nil {
		t.Errorf("row 3 = %+v", r)
	}
	if r := rows[2]; r.Number != 9 || r.Values["weight_g"] != "0.9" {
		t.Errorf("row 9 = %+v", r)
	}
}

func TestXLSXSizeLimits(t *testing.T) {
	data := zipParts(t, xlsxParts(t, handSheet))
	_, _, err := readAll(t, data, "x.xlsx", batch.Options{MaxBytes: int64(len(data) - 1)})
	fileError(t, err, batch.KeyTooLarge)

	// A zip bomb: 40 MiB of spaces in the sheet pack into a few dozen KB.
	bomb := xlsxParts(t, handSheet+strings.Repeat(" ", 40<<20))
	data = zipParts(t, bomb)
	if len(data) > 1<<20 {
		t.Fatalf("bomb is %d bytes", len(data))
	}
	_, _, err = readAll(t, data, "bomb.xlsx", batch.Options{})
	if fe := fileError(t, err, batch.KeyUnzippedTooLarge); !strings.Contains(fe.Error(), "32 MB") {
		t.Errorf("message %q", fe.Error())
	}
	// Under a lower limit a small workbook is refused too.
	_, _, err = readAll(t, zipParts(t, xlsxParts(t, handSheet)), "x.xlsx", batch.Options{MaxUnzipped: 1000})
	fileError(t, err, batch.KeyUnzippedTooLarge)

	// A bomb that lies about its unpacked size is refused when read.
	parts := xlsxParts(t, handSheet)
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, body := range parts {
		if name == "xl/worksheets/data.xml" {
			continue
		}
		w, err := zw.Create(name)
		must(t, "zip "+name, err)
		_, err = w.Write([]byte(body))
		must(t, "zip "+name, err)
	}
	var packed bytes.Buffer
	fw, err := flate.NewWriter(&packed, flate.BestCompression)
	must(t, "deflate", err)
	_, err = fw.Write([]byte(parts["xl/worksheets/data.xml"]))
	must(t, "deflate the sheet", err)
	_, err = fw.Write(bytes.Repeat([]byte(" "), 40<<20))
	must(t, "deflate the padding", err)
	must(t, "deflate", fw.Close())
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/data.xml", Method: zip.Deflate,
		CompressedSize64: uint64(packed.Len()), UncompressedSize64: 2000})
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.Write(packed.Bytes())
	must(t, "zip the packed sheet", err)
	must(t, "zip", zw.Close())
	_, _, err = readAll(t, b.Bytes(), "liar.xlsx", batch.Options{})
	fileError(t, err, batch.KeyNotASpreadsheet)

	// Thousands of parts.
	many := xlsxParts(t, handSheet)
	for i := range 10001 {
		many[fmt.Sprintf("xl/media/p%d.bin", i)] = ""
	}
	_, _, err = readAll(t, zipParts(t, many), "many.xlsx", batch.Options{})
	fileError(t, err, batch.KeyUnzippedTooLarge)
}
