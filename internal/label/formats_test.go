package label

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/boombuler/barcode/code128"

	"github.com/ecship/ecship/internal/testenv"
)

// scanImage decodes the Code 128 symbols of an image with zbarimg.
func scanImage(t *testing.T, img image.Image) []string {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return testenv.ImageBarcodes(t, buf.Bytes())
}

func writeAs(t *testing.T, labels []Label, o Options) ([]byte, int) {
	t.Helper()
	var buf bytes.Buffer
	pages, err := Write(&buf, labels, o)
	if err != nil {
		t.Fatalf("Write %+v: %v", o, err)
	}
	return buf.Bytes(), pages
}

// dots is a length in mm at dpi, in whole dots.
func dots(mm float64, dpi int) int { return int(math.Round(mm * float64(dpi) / 25.4)) }

// formatCases are the label, size and resolution combinations the tests print: every service
// on 4x6 inch labels at 203 dpi, and three of them at each other size and resolution.
func formatCases() []struct {
	label Label
	size  PageSize
	dpi   int
} {
	type c = struct {
		label Label
		size  PageSize
		dpi   int
	}
	var out []c
	for i, l := range samples() {
		out = append(out, c{l, FourBySix, 203})
		if i < 3 {
			out = append(out, c{l, FourBySix, 300}, c{l, ServiceSize, 203}, c{l, ServiceSize, 300})
		}
	}
	return out
}

// A PNG label is the page at the resolution asked, and its barcode scans as the item number:
// every service, at the service's size and on 4x6 inch labels, at 203 and 300 dpi.
//
// rule: LBL-1, LBL-2
func TestPNGLabels(t *testing.T) {
	needTools(t, "zbarimg")
	for _, fc := range formatCases() {
		l, size, dpi := fc.label, fc.size, fc.dpi
		data, pages := writeAs(t, []Label{l}, Options{Format: PNG, Size: size, DPI: dpi})
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		w, h := Size(l.Service, l.Recipient.Country)[0].W, Size(l.Service, l.Recipient.Country)[0].H
		if size == FourBySix {
			w, h = 101.6, 152.4
		}
		if b := img.Bounds(); b.Dx() != dots(w, dpi) || b.Dy() != dots(h, dpi) {
			t.Errorf("%s %v at %d dpi: %dx%d pixels, want %dx%d", l.ItemNo, size, dpi, b.Dx(), b.Dy(), dots(w, dpi), dots(h, dpi))
		}
		if pages != len(PageSizes(l)) {
			t.Errorf("%s: %d pages, want %d", l.ItemNo, pages, len(PageSizes(l)))
		}
		if got := scanImage(t, img); len(got) != 1 || got[0] != l.ItemNo {
			t.Errorf("%s %v at %d dpi: barcodes %q", l.ItemNo, size, dpi, got)
		}
	}
}

// zplFormat is one ^XA ... ^XZ label as the test reads it back.
type zplFormat struct {
	width, height int
	graphic       *image.Gray // the ^GF field, white where no dot
	barcodes      []zplBarcodeField
}

type zplBarcodeField struct {
	x, y, module, height int
	orient, data         string
}

var (
	zplPW      = regexp.MustCompile(`\^PW(\d+)`)
	zplLL      = regexp.MustCompile(`\^LL(\d+)`)
	zplGF      = regexp.MustCompile(`\^FO0,(\d+)\^GFA,(\d+),(\d+),(\d+),([^\^]*)\^FS`)
	zplBC      = regexp.MustCompile(`\^FO(\d+),(\d+)\^BY(\d+)\^BC([NR]),(\d+),N,N,N,A\^FD([^\^]*)\^FS`)
	zplCommand = regexp.MustCompile(`[\^~][A-Z@][A-Z0-9@]?`)
)

// parseZPL reads the formats the label writer makes, decompressing their graphics as a printer
// does, and fails on any command it does not know.
func parseZPL(t *testing.T, zpl string) []zplFormat {
	t.Helper()
	known := map[string]bool{"^XA": true, "^XZ": true, "^FX": true, "^CI": true, "^PO": true, "^LH": true, "^PW": true, "^LL": true,
		"^FO": true, "^GF": true, "^FS": true, "^BY": true, "^BC": true, "^FD": true}
	var out []zplFormat
	for _, part := range strings.Split(zpl, "^XZ")[:strings.Count(zpl, "^XZ")] {
		part = part[strings.Index(part, "^XA"):]
		// Commands outside the graphic's data and comments.
		code := zplGF.ReplaceAllString(part, "^FO0,0^GF^FS")
		code = regexp.MustCompile(`\^FX[^\n]*`).ReplaceAllString(code, "^FX")
		code = regexp.MustCompile(`\^FD[^\^]*`).ReplaceAllString(code, "^FD")
		for _, c := range zplCommand.FindAllString(code, -1) {
			if !known[c[:3]] && !known[c[:2]] {
				t.Fatalf("unknown ZPL command %s in %s", c, code)
			}
		}
		var f zplFormat
		f.width, _ = strconv.Atoi(zplPW.FindStringSubmatch(part)[1])
		f.height, _ = strconv.Atoi(zplLL.FindStringSubmatch(part)[1])
		// The picture comes in bands of whole rows, each at most 99,999 bytes, top to bottom.
		f.graphic = image.NewGray(image.Rect(0, 0, f.width, f.height))
		next := 0
		for _, gf := range zplGF.FindAllStringSubmatch(part, -1) {
			y, _ := strconv.Atoi(gf[1])
			total, _ := strconv.Atoi(gf[2])
			rowBytes, _ := strconv.Atoi(gf[4])
			rows := total / rowBytes
			if y != next || total%rowBytes != 0 || total > 99999 || rowBytes != (f.width+7)/8 || y+rows > f.height {
				t.Fatalf("^GF band at row %d of %d bytes, %d a row, after row %d of %dx%d dots", y, total, rowBytes, next, f.width, f.height)
			}
			band := decodeGraphic(t, gf[5], rowBytes, f.width, rows)
			copy(f.graphic.Pix[y*f.graphic.Stride:], band.Pix)
			next = y + rows
		}
		if next != f.height {
			t.Fatalf("the ^GF bands cover %d of %d rows", next, f.height)
		}
		for _, m := range zplBC.FindAllStringSubmatch(part, -1) {
			var b zplBarcodeField
			b.x, _ = strconv.Atoi(m[1])
			b.y, _ = strconv.Atoi(m[2])
			b.module, _ = strconv.Atoi(m[3])
			b.orient = m[4]
			b.height, _ = strconv.Atoi(m[5])
			b.data = m[6]
			f.barcodes = append(f.barcodes, b)
		}
		out = append(out, f)
	}
	return out
}

// decodeGraphic expands ^GF ASCII hex with Zebra's compression into an image.
func decodeGraphic(t *testing.T, data string, rowBytes, w, h int) *image.Gray {
	t.Helper()
	var rows [][]byte
	var row []byte
	count := 0
	flush := func() {
		for len(row) < 2*rowBytes {
			row = append(row, '0')
		}
		rows = append(rows, row)
		row = nil
	}
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case c == '\n' || c == '\r':
		case c >= 'G' && c <= 'Y':
			count += int(c-'G') + 1
		case c >= 'g' && c <= 'z':
			count += 20 * (int(c-'g') + 1)
		case c == ',':
			flush()
		case c == ':':
			if len(row) != 0 {
				t.Fatalf("':' inside a row")
			}
			rows = append(rows, append([]byte(nil), rows[len(rows)-1]...))
		case strings.IndexByte(hexDigits, c) >= 0:
			n := max(count, 1)
			count = 0
			for range n {
				row = append(row, c)
			}
			if len(row) > 2*rowBytes {
				t.Fatalf("row %d runs over %d bytes", len(rows), rowBytes)
			}
			if len(row) == 2*rowBytes {
				flush()
			}
		default:
			t.Fatalf("%q in ^GF data", c)
		}
	}
	if len(rows) != h {
		t.Fatalf("^GF has %d rows, want %d", len(rows), h)
	}
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y, r := range rows {
		for x := range w {
			v, _ := strconv.ParseUint(string(r[x/8*2:x/8*2+2]), 16, 8)
			if v&(0x80>>(x%8)) != 0 {
				img.SetGray(x, y, color.Gray{0})
			} else {
				img.SetGray(x, y, color.Gray{0xff})
			}
		}
	}
	return img
}

// print draws the format as a printer would: the graphic, then each ^BC barcode on its dots.
func (f zplFormat) print(t *testing.T) *image.Gray {
	t.Helper()
	img := image.NewGray(f.graphic.Bounds())
	copy(img.Pix, f.graphic.Pix)
	for _, b := range f.barcodes {
		bc, err := code128.Encode(b.data)
		if err != nil {
			t.Fatal(err)
		}
		n := bc.Bounds().Dx()
		for i := range n {
			if r, _, _, _ := bc.At(i, 0).RGBA(); r >= 0x8000 {
				continue
			}
			for d := range b.module {
				for l := range b.height {
					x, y := b.x+i*b.module+d, b.y+l
					if b.orient == "R" { // turned a quarter clockwise: the symbol reads downwards
						x, y = b.x+b.height-1-l, b.y+i*b.module+d
					}
					img.SetGray(x, y, color.Gray{0})
				}
			}
		}
	}
	return img
}

// A ZPL label holds every page at the printer's resolution: its picture is the PNG's dots,
// its barcode a native ^BC field of the item number, and printed (the picture with the barcode
// drawn where ^FO puts it) it scans as the item number. Every service, 4x6 inches and the
// service's size, 203 and 300 dpi.
//
// rule: LBL-1
func TestZPLLabels(t *testing.T) {
	needTools(t, "zbarimg")
	for _, fc := range formatCases() {
		l, size, dpi := fc.label, fc.size, fc.dpi
		data, pages := writeAs(t, []Label{l}, Options{Format: ZPL, Size: size, DPI: dpi})
		formats := parseZPL(t, string(data))
		if len(formats) != pages || pages != len(PageSizes(l)) {
			t.Fatalf("%s: %d formats, %d pages; want %d", l.ItemNo, len(formats), pages, len(PageSizes(l)))
		}
		first := formats[0]
		if size == FourBySix && (first.width != dots(101.6, dpi) || first.height != dots(152.4, dpi)) {
			t.Errorf("%s at %d dpi: %dx%d dots", l.ItemNo, dpi, first.width, first.height)
		}
		if len(first.barcodes) != 1 || first.barcodes[0].data != l.ItemNo {
			t.Fatalf("%s: barcodes %+v", l.ItemNo, first.barcodes)
		}
		if got := scanImage(t, first.graphic); len(got) != 0 {
			t.Errorf("%s: the picture itself has barcodes %q", l.ItemNo, got)
		}
		if got := scanImage(t, first.print(t)); len(got) != 1 || got[0] != l.ItemNo {
			t.Errorf("%s %v at %d dpi: printed, barcodes %q", l.ItemNo, size, dpi, got)
		}
		// The picture is the PNG page's dots, but for the barcode.
		pngData, _ := writeAs(t, []Label{l}, Options{Format: PNG, Size: size, DPI: dpi})
		img, err := png.Decode(bytes.NewReader(pngData))
		if err != nil {
			t.Fatal(err)
		}
		gray, ok := img.(*image.Gray)
		if !ok {
			t.Fatalf("the PNG is %T, not grey", img)
		}
		printed, differ := first.print(t), 0
		for i, v := range gray.Pix {
			if (v < 0x80) != (printed.Pix[i] == 0) {
				differ++
			}
		}
		// The printer's barcode may differ from the PNG's by its encoding's last modules.
		if limit := first.width * first.height / 500; differ > limit {
			t.Errorf("%s %v at %d dpi: %d dots differ from the PNG (at most %d)", l.ItemNo, size, dpi, differ, limit)
		}
	}
}

// A 4x6 inch PDF has every page 4 by 6 inches, each ply turned and scaled to fit when it is
// bigger, and its barcode still scans.
func TestFourBySixPDF(t *testing.T) {
	needTools(t, "pdfinfo", "pdftoppm", "zbarimg")
	for _, l := range samples()[:3] {
		data, pages := writeAs(t, []Label{l}, Options{Size: FourBySix})
		path := filepath.Join(t.TempDir(), "label.pdf")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		sizes := pdfPageSizes(t, path)
		if len(sizes) != pages {
			t.Errorf("%s: %d pages, said %d", l.ItemNo, len(sizes), pages)
		}
		for i, s := range sizes {
			if math.Abs(s.W-101.6) > 0.1 || math.Abs(s.H-152.4) > 0.1 {
				t.Errorf("%s page %d: %.1f x %.1f mm", l.ItemNo, i+1, s.W, s.H)
			}
		}
		if got := barcodes(t, path, 1); len(got) != 1 || got[0] != l.ItemNo {
			t.Errorf("%s: barcodes %q", l.ItemNo, got)
		}
		if !strings.Contains(pdfText(t, path, "-f", "1", "-l", "1"), "Postage paid") {
			t.Errorf("%s: no postage text on page 1", l.ItemNo)
		}
	}
}

// What cannot be printed is refused by name.
func TestWriteRefuses(t *testing.T) {
	l := samples()[:1]
	for _, o := range []Options{
		{Format: PNG, Layout: A4Sheet}, {Layout: A4Sheet, Size: FourBySix}, {Format: ZPL, DPI: 600}, {Format: PNG, Page: 9},
	} {
		if _, err := Write(&bytes.Buffer{}, l, o); !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: %v", o, err)
		}
	}
	if _, err := Write(&bytes.Buffer{}, l, Options{Format: PNG, Page: 4}); err != nil {
		t.Errorf("the last page: %v", err)
	}
}

// The fit of a ply on a fixed page: turned when that prints it larger, centred, never enlarged.
func TestPlace(t *testing.T) {
	for _, c := range []struct {
		w, h  float64
		size  PageSize
		scale float64
		turn  bool
	}{
		{188, 135, FourBySix, 101.6 / 135, true},
		{101, 101, FourBySix, 1, false},
		{188, 81, A6, 148.0 / 188, true},
		{184, 129, A6, math.Min(105/129.0, 148/184.0), true},
		{188, 81, ServiceSize, 1, false},
	} {
		p := place(tile{size: PlySize{W: c.w, H: c.h}}, c.size)
		if math.Abs(p.scale-c.scale) > 1e-9 || p.turn != c.turn {
			t.Errorf("%vx%v on %v: scale %.4f turned %v; want %.4f %v", c.w, c.h, c.size, p.scale, p.turn, c.scale, c.turn)
		}
		dw, dh := c.w*p.scale, c.h*p.scale
		if p.turn {
			dw, dh = dh, dw
		}
		if math.Abs(p.x*2+dw-p.w) > 1e-9 || math.Abs(p.y*2+dh-p.h) > 1e-9 {
			t.Errorf("%vx%v on %v: not centred: %+v", c.w, c.h, c.size, p)
		}
	}
}
