package label

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ecship/ecship/internal/testenv"
)

// samplePDF draws a little of everything the writer does into a two-page document.
func samplePDF(t *testing.T) []byte {
	t.Helper()
	fonts, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	p := newPDF(fonts.forRunes([]rune("Hello, 陳김 (test)")), "Sample (1)", time.Date(2026, 11, 21, 14, 5, 0, 0, hkt), false)
	p.addPage(100, 50)
	p.setLineWidth(0.3)
	p.rect(5, 5, 90, 40, false)
	p.setFillColor(230, 230, 230)
	p.rect(10, 10, 20, 5, true)
	p.setFillColor(0, 0, 0)
	p.line(5, 25, 95, 25)
	p.text(10, 20, 9, "Hello, 陳김", false)
	p.text(10, 30, 12.25, "(test)", true)
	p.addPage(50, 100)
	p.setDrawColor(170, 170, 170)
	p.setDash([]float64{1.5, 1}, 0)
	p.rect(1, 1, 48, 98, false)
	p.setDash(nil, 0)
	p.setAlpha(0.3)
	p.setTextColor(200, 0, 0)
	p.save()
	p.rotate(30, 25, 50)
	p.text(10, 50, 20, "test", false)
	p.restore()
	p.setAlpha(1)
	var buf bytes.Buffer
	if err := p.finish(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestPDFDeterministic(t *testing.T) {
	a, b := samplePDF(t), samplePDF(t)
	if !bytes.Equal(a, b) {
		t.Fatal("the same drawing gave different PDFs")
	}
	for _, want := range []string{
		"%PDF-1.4\n", "/CreationDate (D:20261121060500Z)", "/Title (Sample \\(1\\))",
		"/Encoding /Identity-H", "/CIDToGIDMap /Identity", "/FontFile2 8 0 R",
		"/MediaBox [0 0 283.46 141.73]", "/MediaBox [0 0 141.73 283.46]",
		"/ca 0.3 /CA 0.3 /BM /Normal", "/ca 1 /CA 1 /BM /Normal",
		"[4.25 2.83] 0 d", "[] 0 d", "0.667 G", "0.902 g",
		"q\n0.784 0 0 rg\nBT /F1 20 Tf", "0.86603 0.5 -0.5 0.86603 ",
		"BT /F1 12.25 Tf ", "2 Tr\n", "%%EOF\n",
	} {
		if !bytes.Contains(a, []byte(want)) {
			t.Errorf("the PDF lacks %q", want)
		}
	}

	// The cross-reference table points at each object and startxref at the table.
	m := regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n$`).FindSubmatch(a)
	if m == nil {
		t.Fatal("no startxref at the end")
	}
	xref := integer(t, "startxref", string(m[1]))
	if !bytes.HasPrefix(a[xref:], []byte("xref\n0 ")) {
		t.Fatalf("startxref %d does not point at the xref table", xref)
	}
	lines := strings.Split(string(a[xref:]), "\n")
	n := integer(t, "xref size", strings.Fields(lines[1])[1])
	if n < 10 {
		t.Fatalf("%d objects", n)
	}
	for i := 1; i < n; i++ {
		entry := lines[2+i]
		if len(entry) != 19 || !strings.HasSuffix(entry, " 00000 n\r") {
			t.Fatalf("xref entry %d is %q", i, entry)
		}
		off := integer(t, "xref entry", entry[:10])
		if obj := strconv.Itoa(i) + " 0 obj\n"; !bytes.HasPrefix(a[off:], []byte(obj)) {
			t.Errorf("xref entry %d points at %q", i, a[off:min(len(a), off+20)])
		}
	}
	if !bytes.Contains(a, []byte("trailer\n<< /Size "+strconv.Itoa(n)+" /Root 1 0 R /Info 3 0 R >>")) {
		t.Error("the trailer does not give the size")
	}
}

func TestPDFNumbers(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		prec int
		want string
	}{
		{5.5, 2, "5.5"}, {12, 2, "12"}, {-0.001, 2, "0"}, {0.125, 3, "0.125"}, {283.46456, 2, "283.46"},
		{-52.396386, 5, "-52.39639"}, {1e-7, 5, "0"}, {0, 2, "0"}, {100, 2, "100"},
	} {
		if got := string(num(nil, tc.v, tc.prec)); got != tc.want {
			t.Errorf("num(%v, %d) = %q, want %q", tc.v, tc.prec, got, tc.want)
		}
	}
	if got := string(appendText(nil, "Posting receipt R1")); got != "(Posting receipt R1)" {
		t.Errorf("ASCII title %s", got)
	}
	if got := string(appendText(nil, "郵件")); got != "<FEFF90F54EF6>" {
		t.Errorf("Chinese title %s", got)
	}
}

func TestToUnicode(t *testing.T) {
	// A, B and C are consecutive glyphs for consecutive runes: one range. Omega and the ohm
	// sign share a glyph, which maps to the lower rune; 陳 is a single mapping.
	cmap := string(toUnicode(map[rune]uint16{'A': 1, 'B': 2, 'C': 3, '陳': 4, '\u2126': 5, '\u03a9': 5, 'x': 0}))
	for _, want := range []string{
		"1 beginbfrange\n<0001> <0003> <0041>\nendbfrange", "2 beginbfchar\n<0004> <9673>\n<0005> <03A9>\nendbfchar",
		"<0000> <FFFF>\nendcodespacerange",
	} {
		if !strings.Contains(cmap, want) {
			t.Errorf("the CMap lacks %q:\n%s", want, cmap)
		}
	}
}

// qpdf finds no errors or warnings in labels, a customs declaration, an A4 sheet and a
// receipt. It is not among the tools CI installs, so without it the test is skipped:
// apt-get install -y qpdf.
func TestPDFQpdfCheck(t *testing.T) {
	if _, err := exec.LookPath("qpdf"); err != nil {
		testenv.Missing(t, "qpdf", "apt-get install -y qpdf")
	}
	all := samples()
	var twenty []Label
	for i := range 20 {
		l := all[i%len(all)]
		if i == 3 {
			l.Watermark = "TEST"
		}
		twenty = append(twenty, l)
	}
	preview := all[1]
	preview.Watermark = "PREVIEW"
	receipt := sampleReceipt()
	receipt.Watermark = "TEST - NOT A RECEIPT"
	docs := map[string]func(*bytes.Buffer) error{
		"latin":    func(b *bytes.Buffer) error { return Render(b, []Label{all[5]}, OnePerPage) },
		"cn23":     func(b *bytes.Buffer) error { return Render(b, []Label{all[6]}, OnePerPage) },
		"preview":  func(b *bytes.Buffer) error { return Render(b, []Label{preview}, OnePerPage) },
		"a4":       func(b *bytes.Buffer) error { return Render(b, twenty, A4Sheet) },
		"receipt":  func(b *bytes.Buffer) error { return RenderReceipt(b, receipt) },
		"receipts": func(b *bytes.Buffer) error { return RenderReceipt(b, manyItems(150)) },
	}
	for name, render := range docs {
		var buf bytes.Buffer
		if err := render(&buf); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		path := filepath.Join(t.TempDir(), name+".pdf")
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("qpdf", "--check", path).CombinedOutput()
		if err != nil || bytes.Contains(bytes.ToLower(out), []byte("warning")) || bytes.Contains(bytes.ToLower(out), []byte("error:")) {
			t.Errorf("qpdf --check %s: %v\n%s", name, err, out)
		}
	}
}
