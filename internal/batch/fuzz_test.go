package batch_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/ecship/ecship/internal/batch"
)

// checkRead reads data and checks what holds for any input: no panic, a *FileError or nil, at most
// MaxRows rows with increasing numbers after the header, values trimmed and never empty.
func checkRead(t *testing.T, data []byte, name string, opt batch.Options) {
	var rows []batch.Row
	h, err := batch.Read(bytes.NewReader(data), name, opt, func(r batch.Row) error {
		rows = append(rows, r)
		return nil
	})
	var fe *batch.FileError
	if err != nil && !errors.As(err, &fe) {
		t.Fatalf("error %v (%T) is not a *FileError", err, err)
	}
	if fe != nil && batch.Messages[fe.Key] == "" {
		t.Fatalf("error key %q has no message", fe.Key)
	}
	if len(rows) > opt.MaxRows {
		t.Fatalf("%d rows, limit %d", len(rows), opt.MaxRows)
	}
	last := h.Row
	for _, r := range rows {
		if r.Number <= last {
			t.Fatalf("row %d after %d", r.Number, last)
		}
		last = r.Number
		for k, v := range r.Values {
			if !batch.IsColumn(k) || v == "" || strings.TrimSpace(v) != v {
				t.Fatalf("row %d value %q=%q", r.Number, k, v)
			}
		}
	}
}

func FuzzReadCSV(f *testing.F) {
	f.Add([]byte(traditionalCSV), uint8(0))
	f.Add([]byte(simplifiedCSV), uint8(1))
	f.Add([]byte("sep=;\nservice;weight_g;recipient_name;recipient_address_1;recipient_country\nAEX;1;\"a\nb\";x;US\n"), uint8(0))
	f.Add([]byte("\xFF\xFEs\x00e\x00r\x00v\x00i\x00c\x00e\x00\n\x00"), uint8(2))
	f.Add([]byte("服務\t重量\t收件人\t地址\t國家\r\nAEX\t1\t陳\t九龍\tHK\r"), uint8(0))
	f.Add([]byte("service,weight_g,recipient_name,recipient_address_1,recipient_country\n\"unterminated,1,2"), uint8(5))
	f.Add([]byte("\xb3\xaf\xa4\x6a\xa4\xe5,\xa4\xa4\n"), uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, mode uint8) {
		opt := batch.Options{MaxRows: 20, MaxBytes: 1 << 20}
		opt.Encoding = []string{"", "", "utf-8", "utf-16", "big5", "gb18030"}[int(mode)%6]
		opt.Delimiter = []rune{0, 0, ';', '\t', ',', '|'}[int(mode/6)%6]
		checkRead(t, data, "fuzz.csv", opt)
	})
}

func FuzzReadXLSX(f *testing.F) {
	var tpl bytes.Buffer
	if err := batch.TemplateXLSX(&tpl); err != nil {
		f.Fatal(err)
	}
	f.Add(tpl.Bytes())
	f.Add(zipParts(f, xlsxParts(f, handSheet)))
	f.Add(zipParts(f, xlsxParts(f, `<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><f>A1</f></c></row>`)))
	f.Add(zipParts(f, xlsxParts(f, `<row r="0"><c r="ZZZZ1" t="s"><v>99</v></c></row><row><c r="A2" t="d"><v>2024-13-45</v></c></row>`)))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkRead(t, data, "fuzz.xlsx", batch.Options{MaxRows: 20, MaxBytes: 1 << 20, MaxUnzipped: 8 << 20})
	})
}
