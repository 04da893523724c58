package batch_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/ecship/ecship/internal/batch"
)

// fullRow is a shipment with every column filled, the worst case for reading.
func fullRow(i int) []string {
	row := make([]string, len(batch.Columns))
	for j, c := range batch.Columns {
		switch c {
		case "service":
			row[j] = "AEX"
		case "weight_g", "item_1_weight_g", "item_2_weight_g", "item_3_weight_g", "item_4_weight_g", "item_5_weight_g":
			row[j] = strconv.Itoa(100 + i%900)
		case "recipient_country":
			row[j] = "US"
		case "recipient_postal_code":
			row[j] = fmt.Sprintf("%05d", i)
		default:
			row[j] = fmt.Sprintf("%s 第%d行 value", c, i)
		}
	}
	return row
}

func csv500(b *testing.B) []byte {
	b.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	must(b, "CSV header", w.Write(batch.Columns))
	for i := range 500 {
		must(b, "CSV row", w.Write(fullRow(i)))
	}
	w.Flush()
	must(b, "CSV", w.Error())
	return buf.Bytes()
}

// xlsx500 is a 500-row workbook written by excelize (shared strings, as Excel writes them).
func xlsx500(b *testing.B) []byte { return xlsxRows(b, 500) }

// xlsxRows is a workbook of n full rows.
func xlsxRows(b *testing.B, n int) []byte {
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	header := make([]any, len(batch.Columns))
	for i, c := range batch.Columns {
		header[i] = c
	}
	if err := f.SetSheetRow("Sheet1", "A1", &header); err != nil {
		b.Fatal(err)
	}
	for i := range n {
		r := fullRow(i)
		row := make([]any, len(r))
		for j, v := range r {
			if n, err := strconv.Atoi(v); err == nil && batch.Columns[j] != "recipient_postal_code" {
				row[j] = n
			} else {
				row[j] = v
			}
		}
		if err := f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+2), &row); err != nil {
			b.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

func benchRead(b *testing.B, data []byte, name string) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		_, err := batch.Read(bytes.NewReader(data), name, batch.Options{}, func(batch.Row) error {
			n++
			return nil
		})
		if err != nil || n != 500 {
			b.Fatalf("%d rows, %v", n, err)
		}
	}
}

// Target: well under 0.5 s for 500 rows (validation and storage come on top).
func BenchmarkRead500CSV(b *testing.B) { benchRead(b, csv500(b), "500.csv") }

// Target: well under 1 s for 500 rows.
func BenchmarkRead500XLSX(b *testing.B) { benchRead(b, xlsx500(b), "500.xlsx") }

// BenchmarkXLSXCellAPI measures the alternative to readXLSX's own pass over the sheet XML (which
// finds formulas and stored numbers while excelize streams the formatted values): asking excelize
// per cell with GetCellFormula, GetCellType and GetCellValue(RawCellValue). Those load the whole
// worksheet into excelize's model, so besides the per-cell cost they parse every row of a sheet
// that the streaming reader refuses after its 501st row. Compare with BenchmarkRead500XLSX and
// BenchmarkReadTooManyRowsXLSX.
func BenchmarkXLSXCellAPI(b *testing.B) {
	for _, bc := range []struct {
		name string
		data []byte
	}{{"500rows", xlsx500(b)}, {"3000rows", xlsxRows(b, 3000)}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.data)))
			b.ReportAllocs()
			for b.Loop() {
				f, err := excelize.OpenReader(bytes.NewReader(bc.data))
				if err != nil {
					b.Fatal(err)
				}
				rows, err := f.Rows("Sheet1")
				if err != nil {
					b.Fatal(err)
				}
				formulas, n := 0, 0
				for rows.Next() && n <= 500 {
					n++
					cells, err := rows.Columns()
					if err != nil {
						b.Fatal(err)
					}
					for c := range cells {
						ref, err := excelize.CoordinatesToCellName(c+1, n)
						if err != nil {
							b.Fatal(err)
						}
						fm, err := f.GetCellFormula("Sheet1", ref)
						if err != nil {
							b.Fatal(err)
						}
						if fm != "" {
							formulas++
						}
						t, err := f.GetCellType("Sheet1", ref)
						if err != nil {
							b.Fatal(err)
						}
						if t == excelize.CellTypeNumber || t == excelize.CellTypeUnset {
							if _, err := f.GetCellValue("Sheet1", ref, excelize.Options{RawCellValue: true}); err != nil {
								b.Fatal(err)
							}
						}
					}
				}
				if err := rows.Close(); err != nil {
					b.Fatal(err)
				}
				if err := f.Close(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkReadTooManyRowsXLSX reads a 3,000-row workbook, refused at its 501st shipment row.
func BenchmarkReadTooManyRowsXLSX(b *testing.B) {
	data := xlsxRows(b, 3000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		_, err := batch.Read(bytes.NewReader(data), "big.xlsx", batch.Options{}, func(batch.Row) error { return nil })
		var fe *batch.FileError
		if !errors.As(err, &fe) || fe.Key != batch.KeyTooManyRows {
			b.Fatalf("a 3,000-row file: %v, want too many rows", err)
		}
	}
}
