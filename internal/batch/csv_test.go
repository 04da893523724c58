package batch_test

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ecship/ecship/internal/batch"
)

// Traditional Chinese text: it must survive Big5 (Hong Kong spreadsheet tools) and every Unicode form.
const traditionalCSV = "service,reference,weight_g,sender_name,sender_address_1,sender_city,recipient_name,recipient_address_1,recipient_city,recipient_postal_code,recipient_country\r\n" +
	"AEX,ORDER-1001,450,陳大文,九龍旺角彌敦道8號12樓A室,九龍,林美玲,台北市信義區松仁路100號,台北,00110,TW\r\n" +
	"ARM,ORDER-1002,120,陳大文,香港灣仔軒尼詩道123號,香港,張偉強,澳門新馬路12號,澳門,,MO\r\n"

// Simplified Chinese text: it must survive GB18030 (Mainland tools).
const simplifiedCSV = "service,reference,weight_g,sender_name,sender_address_1,recipient_name,recipient_address_1,recipient_city,recipient_postal_code,recipient_country\r\n" +
	"AEX,订单-1,450,陈大文,香港九龙弥敦道8号,王小明,北京市朝阳区建国路88号,北京,100022,CN\r\n" +
	"EMS,订单-2,900,陈大文,香港九龙弥敦道8号,刘丽华,上海市黄浦区南京东路100号,上海,200001,CN\r\n"

// rule: BAT-3
func TestCSVEncodings(t *testing.T) {
	cases := []struct {
		name, text, enc, wantEnc string
		prefix                   []byte
	}{
		{"utf-8", traditionalCSV, "", batch.UTF8, nil},
		{"utf-8 with BOM", traditionalCSV, "", batch.UTF8, []byte{0xEF, 0xBB, 0xBF}},
		{"utf-8 simplified", simplifiedCSV, "", batch.UTF8, nil},
		{"utf-16le with BOM", traditionalCSV, "utf-16le", batch.UTF16LE, []byte{0xFF, 0xFE}},
		{"utf-16be with BOM", simplifiedCSV, "utf-16be", batch.UTF16BE, []byte{0xFE, 0xFF}},
		{"utf-16le without BOM", traditionalCSV, "utf-16le", batch.UTF16LE, nil},
		{"big5", traditionalCSV, "big5", batch.Big5, nil},
		{"gb18030", simplifiedCSV, "gb18030", batch.GB18030, nil},
		{"gb18030 traditional text", traditionalCSV, "gb18030", batch.GB18030, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := append([]byte(nil), c.prefix...)
			if c.enc == "" {
				data = append(data, c.text...)
			} else {
				data = append(data, encodeText(t, c.text, c.enc)...)
			}
			if enc, delim := batch.Detect(data); enc != c.wantEnc || delim != ',' {
				t.Errorf("Detect = %s %q, want %s ','", enc, delim, c.wantEnc)
			}
			h, rows := mustRead(t, data, "upload.csv", batch.Options{})
			if h.Encoding != c.wantEnc || h.Format != batch.FormatCSV {
				t.Errorf("header encoding %s format %s", h.Encoding, h.Format)
			}
			if h.Columns[0].Name != "service" || h.Columns[0].Canonical != "service" {
				t.Errorf("first header %+v (a BOM must not stick to it)", h.Columns[0])
			}
			want := expectRows(t, c.text)
			if len(rows) != len(want) {
				t.Fatalf("%d rows, want %d", len(rows), len(want))
			}
			for i := range want {
				if !equalValues(rows[i].Values, want[i]) {
					t.Errorf("row %d = %v\nwant %v", i, rows[i].Values, want[i])
				}
				if rows[i].Number != i+2 {
					t.Errorf("row %d numbered %d", i, rows[i].Number)
				}
			}
		})
	}
}

// expectRows splits the UTF-8 source text the simple way (no quotes in it) into canonical values.
func expectRows(t *testing.T, text string) []map[string]string {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(text), "\r\n")
	head := strings.Split(lines[0], ",")
	var out []map[string]string
	for _, l := range lines[1:] {
		m := map[string]string{}
		for i, v := range strings.Split(l, ",") {
			if v != "" {
				m[head[i]] = v
			}
		}
		out = append(out, m)
	}
	return out
}

func equalValues(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestEncodingChosenByUser(t *testing.T) {
	data := encodeText(t, traditionalCSV, "big5")
	_, rows := mustRead(t, data, "x.csv", batch.Options{Encoding: "Big5-HKSCS"})
	if got := rows[0].Values["recipient_name"]; got != "林美玲" {
		t.Errorf("recipient_name = %q", got)
	}
	// Read as GB18030 although it is Big5: the text is wrong but the user chose it; read as UTF-8
	// it is not valid, and the error names the row and column.
	_, _, err := readAll(t, data, "x.csv", batch.Options{Encoding: "utf-8"})
	fe := fileError(t, err, batch.KeyBadEncoding)
	if fe.Row != 2 || fe.Column != "sender_name" {
		t.Errorf("bad encoding at row %d column %q, want 2 sender_name", fe.Row, fe.Column)
	}
	_, _, err = readAll(t, data, "x.csv", batch.Options{Encoding: "latin-9"})
	fileError(t, err, batch.KeyUnknownEncoding)
}

// Detection on little text: a name or two, as in a file whose other columns are English.
func TestDetectShortChinese(t *testing.T) {
	for _, s := range []string{"陳大文", "黃志明,李嘉欣", "九龍灣", "香港中環皇后大道中1號", "荃灣", "梁美玲 先生"} {
		if enc, _ := batch.Detect(encodeText(t, "name,city\n"+s+",HK\n", "big5")); enc != batch.Big5 {
			t.Errorf("Big5 %s detected as %s", s, enc)
		}
	}
	for _, s := range []string{"陈大文", "黄志明,李嘉欣", "深圳市南山区", "广州市天河区", "张伟", "刘丽华 女士"} {
		if enc, _ := batch.Detect(encodeText(t, "name,city\n"+s+",CN\n", "gb18030")); enc != batch.GB18030 {
			t.Errorf("GB18030 %s detected as %s", s, enc)
		}
	}
}

func TestDelimiters(t *testing.T) {
	for _, d := range []string{";", "\t", ","} {
		text := strings.ReplaceAll(traditionalCSV, ",", d)
		data := encodeText(t, text, "big5")
		if _, delim := batch.Detect(data); string(delim) != d {
			t.Errorf("Detect delimiter %q, want %q", delim, d)
		}
		h, rows := mustRead(t, data, "export.txt", batch.Options{})
		if string(h.Delimiter) != d || len(rows) != 2 || rows[1].Values["recipient_name"] != "張偉強" {
			t.Errorf("delimiter %q: header %q, rows %v", d, h.Delimiter, rows)
		}
	}
	// Excel's "sep=;" line is not a row; the header below it is row 1.
	_, rows := mustRead(t, []byte("sep=;\r\nservice;weight_g;recipient_name;recipient_address_1;recipient_country\r\nAEX;450;A, B;1 Road;US\r\n"), "x.csv", batch.Options{})
	if len(rows) != 1 || rows[0].Number != 2 || rows[0].Values["recipient_name"] != "A, B" {
		t.Errorf("sep line: %+v", rows)
	}
	// A delimiter chosen by the user wins over detection.
	h, _, err := readAll(t, []byte("service;weight_g,recipient_name\r\n"), "x.csv", batch.Options{Delimiter: ','})
	if h.Delimiter != ',' || err == nil {
		t.Errorf("chosen delimiter %q, err %v", h.Delimiter, err)
	}
}

func TestChineseHeadersAndMapping(t *testing.T) {
	text := "服務,參考編號,重量（克）,收件人姓名,收件人地址,國家,郵政編碼,Parcel Wt,Notes,Phone,最喜歡的顏色\n" +
		"AEX,A-1,450,Jane Doe,350 Fifth Avenue,US,01234,451,fragile,85291234567,藍\n"
	h, rows := mustRead(t, []byte(text), "x.csv", batch.Options{})
	wantCanon := []string{"service", "reference", "weight_g", "recipient_name", "recipient_address_1", "recipient_country", "recipient_postal_code", "", "", "recipient_phone", ""}
	for i, c := range h.Columns {
		if c.Canonical != wantCanon[i] || c.Index != i {
			t.Errorf("column %d %q -> %q, want %q", i, c.Name, c.Canonical, wantCanon[i])
		}
	}
	if !slices.Equal(h.Unknown, []string{"Parcel Wt", "Notes", "最喜歡的顏色"}) {
		t.Errorf("unknown %q", h.Unknown)
	}
	if v := rows[0].Values; v["recipient_postal_code"] != "01234" || v["weight_g"] != "450" || v["recipient_phone"] != "85291234567" {
		t.Errorf("values %v", v)
	}

	// The user's saved mapping: an unknown column mapped, an automatic match overridden, a column
	// ignored, loose keys and values.
	m := h.Mapping()
	m["Parcel Wt"] = "weight_g"
	m["重量（克）"] = ""
	m["Notes"] = ""
	delete(m, "Phone")
	m["phone"] = "Sender Phone"
	delete(m, "最喜歡的顏色") // Mapping gives "" for it: saved like that, it would be ignored
	h2, rows := mustRead(t, []byte(text), "x.csv", batch.Options{Mapping: m})
	if v := rows[0].Values; v["weight_g"] != "451" || v["sender_phone"] != "85291234567" || v["recipient_phone"] != "" {
		t.Errorf("mapped values %v", v)
	}
	if !slices.Equal(h2.Unknown, []string{"最喜歡的顏色"}) {
		t.Errorf("unknown after mapping %q", h2.Unknown)
	}

	_, _, err := readAll(t, []byte(text), "x.csv", batch.Options{Mapping: map[string]string{"Notes": "colour"}})
	fileError(t, err, batch.KeyBadMapping)
}

func TestHeaderErrors(t *testing.T) {
	h, _, err := readAll(t, []byte("service,重量,recipient,address\nAEX,1,x,y\n"), "x.csv", batch.Options{})
	fe := fileError(t, err, batch.KeyMissingColumn)
	if fe.Column != "recipient_country" || fe.Row != 1 || !strings.Contains(fe.Error(), "recipient_country") {
		t.Errorf("missing column error %+v: %v", fe, fe)
	}
	if len(h.Columns) != 4 {
		t.Errorf("the header is returned with the error: %+v", h)
	}
	_, _, err = readAll(t, []byte("service,weight_g,recipient_name,收件人姓名,recipient_address_1,recipient_country\n"), "x.csv", batch.Options{})
	if fe := fileError(t, err, batch.KeyDuplicateColumn); fe.Column != "recipient_name" {
		t.Errorf("duplicate %+v", fe)
	}
	_, _, err = readAll(t, []byte("\n , ,\n\n"), "x.csv", batch.Options{})
	fileError(t, err, batch.KeyEmpty)
	_, _, err = readAll(t, nil, "x.csv", batch.Options{})
	fileError(t, err, batch.KeyEmpty)
	_, _, err = readAll(t, []byte("service,weight_g,recipient_name,recipient_address_1,recipient_country\n,,,,\n"), "x.csv", batch.Options{})
	fileError(t, err, batch.KeyNoRows)
}

// Row numbers are those the spreadsheet shows: blank lines count, a quoted multi-line cell is one
// row, empty rows are skipped.
func TestRowNumbersAndEmptyRows(t *testing.T) {
	text := "\n" + // row 1 blank: the header is row 2
		"service,weight_g,recipient_name,recipient_address_1,recipient_country\r\n" +
		"AEX,1,A,a,US\r\n" + // 3
		"\r\n" + // 4
		",,,,\r\n" + // 5
		"AEX,2,\"B\r\nline two\",b,US\r\n" + // 6 (two lines)
		"AEX,3,C,\"c,\"\"quoted\"\"\",US\r" + // 7, old Mac line end
		"AEX,4,D,d,US" // 8, no final line end
	h, rows := mustRead(t, []byte(text), "x.csv", batch.Options{})
	if h.Row != 2 {
		t.Errorf("header row %d", h.Row)
	}
	var nums []int
	for _, r := range rows {
		nums = append(nums, r.Number)
	}
	if !slices.Equal(nums, []int{3, 6, 7, 8}) {
		t.Errorf("row numbers %v, want [3 6 7 8]", nums)
	}
	if rows[1].Values["recipient_name"] != "B\nline two" || rows[2].Values["recipient_address_1"] != `c,"quoted"` {
		t.Errorf("values %v %v", rows[1].Values, rows[2].Values)
	}
}

// rule: BAT-1
func TestMaxRows(t *testing.T) {
	build := func(n int) []byte {
		var b bytes.Buffer
		b.WriteString("service,weight_g,recipient_name,recipient_address_1,recipient_country\n")
		for i := 1; i <= n; i++ {
			fmt.Fprintf(&b, "AEX,%d,收件人 %d,%d Main Street,US\n", 100+i, i, i)
		}
		return b.Bytes()
	}
	_, rows := mustRead(t, build(500), "x.csv", batch.Options{})
	if len(rows) != 500 || rows[499].Number != 501 {
		t.Fatalf("500 rows: got %d", len(rows))
	}
	h, rows, err := readAll(t, build(501), "x.csv", batch.Options{})
	fe := fileError(t, err, batch.KeyTooManyRows)
	if fe.Row != 502 || fe.Args["max"] != 500 || len(rows) != 500 || h.Row != 1 {
		t.Errorf("501 rows: error %+v after %d rows", fe, len(rows))
	}
	if msg := fe.Error(); !strings.Contains(msg, "more than 500 shipments") || !strings.Contains(msg, "nothing was created") {
		t.Errorf("message %q", msg)
	}
	_, _, err = readAll(t, build(11), "x.csv", batch.Options{MaxRows: 10})
	fileError(t, err, batch.KeyTooManyRows)
}

func TestSizeLimit(t *testing.T) {
	head := "service,weight_g,recipient_name,recipient_address_1,recipient_country\n"
	row := "AEX,450,Jane Doe,350 Fifth Avenue with a long padding text to grow the file quickly,US\n"
	var b bytes.Buffer
	b.WriteString(head)
	for b.Len() <= batch.DefaultMaxBytes {
		b.WriteString(row)
	}
	_, _, err := readAll(t, b.Bytes(), "big.csv", batch.Options{MaxRows: 1 << 20})
	fe := fileError(t, err, batch.KeyTooLarge)
	if !strings.Contains(fe.Error(), "5 MB") {
		t.Errorf("message %q", fe.Error())
	}
	// Exactly at the limit is fine.
	small := []byte(head + row)
	mustRead(t, small, "x.csv", batch.Options{MaxBytes: int64(len(small))})
	_, _, err = readAll(t, small, "x.csv", batch.Options{MaxBytes: int64(len(small)) - 1})
	fileError(t, err, batch.KeyTooLarge)
}

func TestEachErrorStops(t *testing.T) {
	stop := errors.New("stop")
	calls := 0
	_, err := batch.Read(strings.NewReader(traditionalCSV), "x.csv", batch.Options{}, func(batch.Row) error {
		calls++
		return stop
	})
	if err != stop || calls != 1 {
		t.Errorf("err %v after %d calls", err, calls)
	}
}

func TestNotASpreadsheet(t *testing.T) {
	for name, data := range map[string][]byte{
		"old.xls":   []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest of an OLE file"),
		"fake.xlsx": []byte("service,weight_g\n"),
		"text.xls":  []byte("service\tweight_g\nAEX\t1\n"), // read as text: the required columns are missing

		"image.csv":  []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"),
		"broken.zip": []byte("PK\x03\x04 not really a zip"),
	} {
		_, _, err := readAll(t, data, name, batch.Options{})
		var fe *batch.FileError
		if !errors.As(err, &fe) || (fe.Key != batch.KeyNotASpreadsheet && fe.Key != batch.KeyOldExcel && fe.Key != batch.KeyMissingColumn) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestFileErrorMessage(t *testing.T) {
	fe := &batch.FileError{Row: 7, Column: "sender_name", Key: batch.KeyBadEncoding, Args: map[string]any{"encoding": "UTF-8"}}
	if got := fe.Error(); got != "Row 7, column sender_name: the text is not valid UTF-8. Choose the file's encoding (UTF-8, UTF-16, Big5 or GB18030) and upload it again." {
		t.Errorf("message %q", got)
	}
	for k, v := range batch.Messages {
		if !strings.HasPrefix(k, "batch.") || v == "" {
			t.Errorf("message %s = %q", k, v)
		}
	}
}
