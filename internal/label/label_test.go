package label

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ecship/ecship/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// needTools skips the test when poppler-utils or zbar-tools are missing, except in CI, where
// they must be installed (apt-get install poppler-utils zbar-tools).
func needTools(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			testenv.Missing(t, tool, "apt-get install -y poppler-utils zbar-tools")
		}
	}
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr)
	}
	return string(out)
}

// renderFile renders labels into a PDF in the test's temp dir and returns its path.
// number is s, a number the test read out of a tool's output or a PDF (what), failing the test
// when it does not parse.
func number(tb testing.TB, what, s string) float64 {
	tb.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		tb.Fatalf("%s: %v", what, err)
	}
	return f
}

// integer is s, a whole number the test read out of a PDF (what), failing the test when it does not parse.
func integer(tb testing.TB, what, s string) int {
	tb.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		tb.Fatalf("%s: %v", what, err)
	}
	return n
}

func renderFile(t *testing.T, name string, labels []Label, layout Layout) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, labels, layout); err != nil {
		t.Fatalf("Render %s: %v", name, err)
	}
	path := filepath.Join(t.TempDir(), name+".pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

var pageSizeLine = regexp.MustCompile(`Page\s+(\d+) size:\s+([\d.]+) x ([\d.]+) pts`)

// pdfPageSizes is each page's size in millimetres, as pdfinfo reports it.
func pdfPageSizes(t *testing.T, path string) []PlySize {
	t.Helper()
	pages, err := strconv.Atoi(regexp.MustCompile(`Pages:\s+(\d+)`).FindStringSubmatch(run(t, "pdfinfo", path))[1])
	if err != nil {
		t.Fatal(err)
	}
	var sizes []PlySize
	for _, m := range pageSizeLine.FindAllStringSubmatch(run(t, "pdfinfo", "-f", "1", "-l", strconv.Itoa(pages), path), -1) {
		w, h := number(t, "page width", m[2]), number(t, "page height", m[3])
		sizes = append(sizes, PlySize{W: w / 72 * 25.4, H: h / 72 * 25.4})
	}
	if len(sizes) != pages {
		t.Fatalf("pdfinfo gave %d page sizes for %d pages", len(sizes), pages)
	}
	return sizes
}

func pdfText(t *testing.T, path string, args ...string) string {
	t.Helper()
	return run(t, "pdftotext", append(append(args, "-enc", "UTF-8"), path, "-")...)
}

// barcodes decodes the Code 128 symbols on a page rendered at 300 dpi.
func barcodes(t *testing.T, path string, page int) []string {
	t.Helper()
	prefix := filepath.Join(t.TempDir(), fmt.Sprintf("page%d", page))
	p := strconv.Itoa(page)
	run(t, "pdftoppm", "-r", "300", "-gray", "-png", "-singlefile", "-f", p, "-l", p, path, prefix)
	out, err := exec.Command("zbarimg", "-q", "--raw", "-Sdisable", "-Scode128.enable", prefix+".png").Output()
	if err != nil && len(out) == 0 {
		return nil // zbarimg exits 4 when it finds nothing
	}
	return strings.Fields(string(out))
}

// lbl2 is LBL-2's table, written out here rather than taken from Size.
func lbl2(l Label) [][2]float64 {
	switch {
	case l.Service == "EMS":
		return [][2]float64{{184, 129}, {184, 129}, {184, 129}}
	case l.Service == "AEX" && l.Recipient.Country == "US":
		return [][2]float64{{101, 101}, {101, 101}}
	case l.Service == "AEX":
		return [][2]float64{{189, 135}}
	case l.Service == "ARM" || l.Service == "SRM":
		return [][2]float64{{188, 81}}
	case l.Service == "APL" || l.Service == "SPL":
		return [][2]float64{{188, 135}, {188, 135}, {188, 137}}
	case l.Service == "LRM":
		return [][2]float64{{188, 81}}
	default: // local parcels, CourierPost, EC-GET: our choice
		return [][2]float64{{188, 135}}
	}
}

// rule: LBL-2
func TestSize(t *testing.T) {
	for _, l := range samples() {
		want := lbl2(l)
		got := Size(l.Service, l.Recipient.Country)
		if len(got) != len(want) {
			t.Fatalf("%s to %s: %d plies, want %d", l.Service, l.Recipient.Country, len(got), len(want))
		}
		for i := range got {
			if got[i].W != want[i][0] || got[i].H != want[i][1] {
				t.Errorf("%s to %s ply %d: %vx%v, want %vx%v", l.Service, l.Recipient.Country, i+1, got[i].W, got[i].H, want[i][0], want[i][1])
			}
		}
	}
	if Size("XYZ", "US") != nil {
		t.Error("unknown service has a size")
	}
}

// rule: LBL-2
func TestPageSizes(t *testing.T) {
	needTools(t, "pdfinfo")
	for _, l := range samples() {
		t.Run(l.Service+"-"+l.Recipient.Country, func(t *testing.T) {
			got := pdfPageSizes(t, renderFile(t, l.ItemNo, []Label{l}, OnePerPage))
			want := lbl2(l)
			if l.Customs != nil { // the declaration follows on pages of the first ply's size
				for range customsPages(l.Customs, want[0][0], want[0][1]) {
					want = append(want, want[0])
				}
			}
			if len(got) != len(want) {
				t.Fatalf("%d pages, want %d", len(got), len(want))
			}
			for i := range got {
				if math.Abs(got[i].W-want[i][0]) > 0.5 || math.Abs(got[i].H-want[i][1]) > 0.5 {
					t.Errorf("page %d is %.1fx%.1f mm, want %vx%v", i+1, got[i].W, got[i].H, want[i][0], want[i][1])
				}
			}
			if len(PageSizes(l)) != len(got) {
				t.Errorf("PageSizes says %d pages, the PDF has %d", len(PageSizes(l)), len(got))
			}
		})
	}
}

// rule: LBL-1
func TestBarcodeScans(t *testing.T) {
	needTools(t, "pdftoppm", "zbarimg")
	for _, l := range samples() {
		t.Run(l.Service+"-"+l.Recipient.Country, func(t *testing.T) {
			path := renderFile(t, l.ItemNo, []Label{l}, OnePerPage)
			for ply := range Size(l.Service, l.Recipient.Country) {
				got := barcodes(t, path, ply+1)
				if len(got) != 1 || got[0] != l.ItemNo {
					t.Errorf("ply %d: zbarimg read %q, want [%s]", ply+1, got, l.ItemNo)
				}
			}
		})
	}
}

// rule: LBL-1
// rule: LBL-7
// rule: LBL-12
func TestLabelText(t *testing.T) {
	needTools(t, "pdftotext")
	for _, l := range samples() {
		t.Run(l.Service+"-"+l.Recipient.Country, func(t *testing.T) {
			path := renderFile(t, l.ItemNo, []Label{l}, OnePerPage)
			first := pdfText(t, path, "-f", "1", "-l", "1")
			want := []string{
				l.ItemNo, l.ServiceName, "Postage paid HK$" + l.Postage.Display(), "2026-11-21", kg(l.WeightG),
				l.Sender.Name, l.Recipient.Name, l.Recipient.PostalCode, strings.ToUpper(l.Recipient.CountryName),
			}
			want = append(want, l.Sender.Lines...)
			want = append(want, l.Recipient.Lines...)
			if l.Reference != "" {
				want = append(want, l.Reference)
			}
			if l.Insurance > 0 {
				want = append(want, "Insurance HK$"+l.Insurance.Display())
			}
			for _, s := range want {
				if !strings.Contains(first, s) {
					t.Errorf("first ply lacks %q:\n%s", s, first)
				}
			}
			air := strings.Contains(first, "BY AIR MAIL") && strings.Contains(first, "PAR AVION")
			if air != l.Air {
				t.Errorf("air mail impression shown: %v, want %v", air, l.Air)
			}
			if l.Service == "AEX" && l.Recipient.Country == "US" {
				if !regexp.MustCompile(`(?m)^\s*` + l.USExchange + `\s*$`).MatchString(first) {
					t.Errorf("office of exchange %q not on a line of its own:\n%s", l.USExchange, first)
				}
			}
		})
	}
}

// rule: LBL-7
func TestExchangeInLargeType(t *testing.T) {
	needTools(t, "pdftotext")
	for _, l := range samples() {
		if l.USExchange == "" {
			continue
		}
		bbox := pdfText(t, renderFile(t, l.ItemNo, []Label{l}, OnePerPage), "-f", "1", "-l", "1", "-bbox")
		m := regexp.MustCompile(`yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">` + l.USExchange + `</word>`).FindStringSubmatch(bbox)
		if m == nil {
			t.Fatalf("%s not found in\n%s", l.USExchange, bbox)
		}
		yMin, yMax := number(t, "yMin", m[1]), number(t, "yMax", m[2])
		if pt := yMax - yMin; pt < 18 {
			t.Errorf("%s is %.1f pt tall, want large type (>= 18 pt)", l.USExchange, pt)
		}
	}
}

// rule: LBL-11
func TestCustomsDeclaration(t *testing.T) {
	needTools(t, "pdftotext")
	for _, l := range samples() {
		if l.Customs == nil {
			continue
		}
		t.Run(l.Service+"-"+l.Recipient.Country+"-"+l.Customs.Form, func(t *testing.T) {
			d := l.Customs
			plies := len(Size(l.Service, l.Recipient.Country))
			path := renderFile(t, l.ItemNo, []Label{l}, OnePerPage)
			text := pdfText(t, path, "-f", strconv.Itoa(plies+1), "-layout")
			want := []string{
				"CUSTOMS DECLARATION", strings.Replace(d.Form, "CN", "CN ", 1), l.ItemNo,
				"Detailed description", "Quantity", "Net weight", "Value", "HS tariff", "Country of",
				"Total gross weight (kg)", "Total value", d.Currency + " " + d.TotalValue.Display(),
				"Date and sender's signature", d.SenderSignature, "2026-11-21",
			}
			for _, c := range categories {
				box := "☐ "
				if c.key == d.Category {
					box = "☒ "
				}
				want = append(want, box+c.text)
			}
			for _, it := range d.Items {
				want = append(want, it.Description, it.Currency+" "+it.Value.Display(), it.HSCode, it.Origin,
					strings.TrimSuffix(kg(it.NetWeightG), " kg"), strconv.Itoa(it.Quantity))
			}
			if d.Form == CN23 {
				want = append(want, "Invoice no. (14): "+d.InvoiceNo, "Postal charges/fees (9): HK$"+l.Postage.Display(),
					"Comments (11): "+d.Explanation, "Sender's customs reference: "+l.Reference, "Importer reference",
					"Office of origin / date of posting", "Licence no(s).", "Certificate no(s).", l.Recipient.Name)
			}
			for _, s := range want {
				if s != "" && !strings.Contains(text, s) {
					t.Errorf("declaration lacks %q:\n%s", s, text)
				}
			}
			// Each article is one row: description, quantity, weight, value, HS code, origin.
			for _, it := range d.Items {
				row := regexp.MustCompile(regexp.QuoteMeta(it.Description) + `\s+` + strconv.Itoa(it.Quantity) + `\s+` +
					regexp.QuoteMeta(strings.TrimSuffix(kg(it.NetWeightG), " kg")) + `\s+` + regexp.QuoteMeta(it.Currency+" "+it.Value.Display()) +
					`\s+` + it.HSCode + `\s+` + it.Origin)
				if !row.MatchString(text) {
					t.Errorf("no row for %q in:\n%s", it.Description, text)
				}
			}
			if !strings.Contains(pdfText(t, path, "-f", "1", "-l", "1"), "Customs: "+d.Form+" attached") {
				t.Errorf("the label does not say a %s is attached", d.Form)
			}
		})
	}
}

// rule: LBL-11
func TestCustomsContinues(t *testing.T) {
	l := samples()[4] // Air Registered Mail, 188x81
	for i := range 20 {
		l.Customs.Items = append(l.Customs.Items, Item{Description: fmt.Sprintf("Article %d", i+1), Quantity: 1, NetWeightG: 10, Value: 100, Currency: "HKD", HSCode: "490900", Origin: "HK"})
	}
	pages := PageSizes(l)
	sheets := len(pages) - 1
	if sheets < 2 {
		t.Fatalf("21 articles on 188x81 take %d sheet(s), want a continuation", sheets)
	}
	needTools(t, "pdftotext")
	text := pdfText(t, renderFile(t, "long", []Label{l}, OnePerPage))
	for _, it := range l.Customs.Items {
		if !strings.Contains(text, it.Description+" ") && !strings.Contains(text, it.Description+"\n") {
			t.Errorf("article %q missing", it.Description)
		}
	}
	if !strings.Contains(text, fmt.Sprintf("Sheet %d of %d", sheets, sheets)) {
		t.Errorf("no \"Sheet %d of %d\"", sheets, sheets)
	}
}

// rule: LBL-1
// rule: LBL-11
// rule: LBL-12
func TestGolden(t *testing.T) {
	needTools(t, "pdftotext")
	all := samples()
	for _, tc := range []struct {
		name  string
		label Label
	}{
		{"aex-us-jfk-cn22", all[1]},
		{"apl-tw-cn23", all[6]},
		{"lrm-local", all[8]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := pdfText(t, renderFile(t, tc.name, []Label{tc.label}, OnePerPage), "-layout")
			golden := filepath.Join("testdata", tc.name+".txt")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("text differs from %s (go test -update rewrites it); got:\n%s", golden, got)
			}
		})
	}
}

// rule: LBL-1
func TestChineseLabelIsSmall(t *testing.T) {
	for _, i := range []int{1, 6, 8} { // Chinese sender or recipient, with and without customs
		l := samples()[i]
		var buf bytes.Buffer
		if err := Render(&buf, []Label{l}, OnePerPage); err != nil {
			t.Fatal(err)
		}
		if buf.Len() >= 60_000 {
			t.Errorf("%s: %d bytes, want < 60 KB", l.ItemNo, buf.Len())
		}
	}
}

func TestDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	if err := Render(&a, samples(), OnePerPage); err != nil {
		t.Fatal(err)
	}
	if err := Render(&b, samples(), OnePerPage); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("the same labels gave different PDFs")
	}
	if !bytes.Contains(a.Bytes(), []byte("/CreationDate (D:20261121")) {
		t.Error("the PDF is not dated with the labels' date")
	}
}

// rule: LBL-3
func TestPackA4(t *testing.T) {
	perPage := func(service, country string) int {
		l := Label{Service: service, Recipient: Address{Country: country}}
		var tiles []tile
		for range 12 {
			for _, s := range Size(l.Service, l.Recipient.Country) {
				tiles = append(tiles, tile{label: &l, size: s, ply: 1})
			}
		}
		pages := packA4(tiles)
		for _, page := range pages {
			for _, p := range page {
				if p.x < a4Margin-0.01 || p.y < a4Margin-0.01 || p.x+p.tile.size.W > a4W-a4Margin+0.01 || p.y+p.tile.size.H > a4H-a4Margin+0.01 {
					t.Errorf("%s: tile at %.1f,%.1f (%vx%v) is off the sheet", service, p.x, p.y, p.tile.size.W, p.tile.size.H)
				}
			}
		}
		return len(pages[0])
	}
	for _, tc := range []struct {
		service, country string
		want             int
	}{
		{"ARM", "GB", 3}, {"APL", "TW", 2}, {"AEX", "US", 4}, {"EMS", "JP", 2}, {"AEX", "JP", 2}, {"LPL", "HK", 2},
	} {
		if got := perPage(tc.service, tc.country); got != tc.want {
			t.Errorf("%s to %s: %d plies per A4 page, want %d", tc.service, tc.country, got, tc.want)
		}
	}
}

// rule: LBL-3
func TestA4Sheet(t *testing.T) {
	needTools(t, "pdfinfo", "pdftoppm", "zbarimg")
	var labels []Label
	for i := range 3 {
		l := samples()[5] // Surface Registered Mail, 188x81, no customs: three per sheet
		l.ItemNo = s10("RS", 500+i)
		labels = append(labels, l)
	}
	for i := range 4 {
		l := samples()[1] // e-Express+ to the US, 101x101
		l.ItemNo = s10("LA", 600+i)
		l.Customs = nil
		labels = append(labels, l)
	}
	path := renderFile(t, "a4", labels, A4Sheet)
	sizes := pdfPageSizes(t, path)
	if len(sizes) != 3 { // 3 registered; 4 plies of 101x101; 4 more
		t.Errorf("%d A4 pages, want 3", len(sizes))
	}
	for i, s := range sizes {
		if math.Abs(s.W-210) > 0.5 || math.Abs(s.H-297) > 0.5 {
			t.Errorf("page %d is %.1fx%.1f mm, not A4", i+1, s.W, s.H)
		}
	}
	got := barcodes(t, path, 1)
	slices.Sort(got)
	want := []string{labels[0].ItemNo, labels[1].ItemNo, labels[2].ItemNo}
	if !slices.Equal(got, want) {
		t.Errorf("page 1 barcodes %q, want %q", got, want)
	}
	// Two plies of each label side by side: zbarimg reports a symbol it sees twice once.
	got = barcodes(t, path, 2)
	slices.Sort(got)
	got = slices.Compact(got)
	want = []string{labels[3].ItemNo, labels[4].ItemNo}
	if !slices.Equal(got, want) {
		t.Errorf("page 2 barcodes %q, want %q", got, want)
	}
}

// rule: LBL-7
func TestRenderRefuses(t *testing.T) {
	good := samples()[1]
	for name, change := range map[string]func(*Label){
		"unknown service":        func(l *Label) { l.Service = "XYZ" },
		"US without exchange":    func(l *Label) { l.USExchange = "" },
		"US with other exchange": func(l *Label) { l.USExchange = "LAX" },
		"no item number":         func(l *Label) { l.ItemNo = "" },
		"non-ASCII item number":  func(l *Label) { l.ItemNo = "LA00000001４HK" },
		"bad customs form":       func(l *Label) { l.Customs.Form = "CN24" },
		"bad customs category":   func(l *Label) { l.Customs.Category = "bribe" },
	} {
		l := good
		c := *good.Customs
		l.Customs = &c
		change(&l)
		if err := Render(&bytes.Buffer{}, []Label{l}, OnePerPage); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: Render gave %v, want ErrInvalid", name, err)
		}
	}
	if err := Render(&bytes.Buffer{}, nil, OnePerPage); !errors.Is(err, ErrInvalid) {
		t.Errorf("no labels: %v, want ErrInvalid", err)
	}
}

// rule: LBL-1
func TestLongAddressesFit(t *testing.T) {
	l := samples()[1]
	l.Recipient.Lines = []string{
		strings.Repeat("Very long street name ", 8),
		strings.Repeat("很長的地址", 15),
		"Line three", "Line four", "Line five", "Line six", "Line seven", "Line eight",
	}
	l.Recipient.Name = strings.Repeat("Name ", 20)
	if err := Render(&bytes.Buffer{}, []Label{l}, OnePerPage); err != nil {
		t.Fatal(err)
	}
	needTools(t, "pdftoppm", "zbarimg")
	path := renderFile(t, "long", []Label{l}, OnePerPage)
	if got := barcodes(t, path, 1); len(got) != 1 || got[0] != l.ItemNo {
		t.Errorf("barcode %q, want %s: long text must not cover it", got, l.ItemNo)
	}
}

// A preview says so across every page, customs sheets included, and a long explanation is cut
// to fit without taking time in proportion to its square.
//
// rule: LBL-9
func TestPreviewWatermark(t *testing.T) {
	needTools(t, "pdftotext")
	l := samples()[1]
	plain := renderFile(t, "plain", []Label{l}, OnePerPage)
	if strings.Contains(pdfText(t, plain), "PREVIEW") {
		t.Fatal("a printed label must not say PREVIEW")
	}
	l.Watermark = "PREVIEW"
	path := renderFile(t, "preview", []Label{l}, OnePerPage)
	pages := len(pdfPageSizes(t, path))
	for p := 1; p <= pages; p++ {
		if txt := pdfText(t, path, "-raw", "-f", fmt.Sprint(p), "-l", fmt.Sprint(p)); !strings.Contains(txt, "PREVIEW") {
			t.Errorf("page %d of %d lacks PREVIEW:\n%s", p, pages, txt)
		}
	}
}

// A very long text is cut to its box with an ellipsis (its speed is BenchmarkCut's).
func TestCutLongText(t *testing.T) {
	fonts, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	c := &canvas{fonts: fonts, used: map[rune]bool{}}
	got := c.cut(strings.Repeat("long explanation ", 20000), 50, 8, false)
	if c.width(got, 8, false) > 50 || !strings.HasSuffix(got, "…") || len(got) < 10 {
		t.Errorf("cut to %q", got)
	}
}

// Cutting 340,000 characters to a 50 mm box (a test once limited this to 200 ms by the clock).
func BenchmarkCut(b *testing.B) {
	fonts, err := loadFonts()
	if err != nil {
		b.Fatal(err)
	}
	c := &canvas{fonts: fonts, used: map[rune]bool{}}
	s := strings.Repeat("long explanation ", 20000)
	for b.Loop() {
		c.cut(s, 50, 8, false)
	}
}
