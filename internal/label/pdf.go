package label

import (
	"compress/zlib"
	"hash/crc32"
	"io"
	"math"
	"slices"
	"strconv"
	"sync"
	"time"
	"unicode/utf16"
)

// pdfWriter writes the labels' PDF documents: pages of lines, rectangles and text in the
// document's embedded fonts (docFonts), with colours, dash patterns, transparency and rotation; just
// what the canvas draws. Coordinates are in millimetres from the top left corner of the page;
// the writer turns them into points from the bottom left. The same calls give the same bytes:
// objects are numbered in the order they are made and nothing depends on the clock.
//
// The document is built in memory (objects may come in any order: the cross-reference table
// says where each is) and handed to the io.Writer by finish. The fonts are written first, each
// page's content stream when the next page starts, the page tree and the rest at the end.
type pdfWriter struct {
	fonts    *docFonts
	fontObjs []int // each subset's Type 0 font object, 0 for a font the document does not use
	title    string
	date     time.Time
	compress bool // deflate page content

	out     []byte // the file so far
	offsets []int  // where each object starts in out, by object number - 1
	pages   []pdfPage
	content []byte  // the current page's content stream
	pageH   float64 // the current page's height, mm
	open    bool    // a page is being drawn
	zbuf    appender
	bufs    *pdfBufs // where out, content and zbuf came from

	cur       gstate   // the graphics state the content stream is in
	stack     []gstate // states saved by save
	textColor rgb
	alphas    []pdfAlpha // ExtGState objects made so far
}

// pdfPage is a finished page: its size in points and its content stream object.
type pdfPage struct {
	w, h     float64
	contents int
}

type pdfAlpha struct {
	alpha float64
	obj   int
}

type rgb struct{ r, g, b uint8 }

// gstate is the part of the PDF graphics state the writer changes. Setting a value it
// already has writes nothing.
type gstate struct {
	lineWidth  float64 // mm
	draw, fill rgb
	alpha      float64
	dash       string  // the operands of d, "" for solid lines
	font       int     // the font drawing text, as 1 + its index in docFonts; 0 before any text
	size       float64 // the font size, points; 0 before any text
}

// pdfDefaults is the graphics state a content stream starts in.
var pdfDefaults = gstate{lineWidth: 25.4 / 72, alpha: 1}

// Objects with fixed numbers, which the dictionaries below refer to ("2 0 R" is the page
// tree, "4 0 R" the resources); the rest, from the fonts on, are numbered as they come.
const (
	objCatalog = 1 + iota
	objPages
	objInfo
	objResources
	objFixed = objResources
)

// mmToPt converts millimetres to PDF points.
const mmToPt = 72 / 25.4

// newPDF starts a document titled title, dated date, drawing text in fonts. With compress
// page content is deflated; the fonts always are.
func newPDF(fonts *docFonts, title string, date time.Time, compress bool) *pdfWriter {
	bufs := pdfBuffers.Get().(*pdfBufs)
	p := &pdfWriter{
		fonts:    fonts,
		fontObjs: make([]int, len(fonts.subsets)),
		title:    title,
		date:     date,
		compress: compress,
		bufs:     bufs,
		out:      bufs.out[:0],
		offsets:  make([]int, objFixed, 32),
		cur:      pdfDefaults,
		content:  bufs.content[:0],
		zbuf:     appender{bufs.zbuf[:0]},
	}
	p.out = append(p.out, "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"...)
	for i, f := range fonts.subsets {
		if f != nil {
			p.fontObjs[i] = p.putFont(f)
		}
	}
	return p
}

// beginObj starts object n (0: a new number) and returns its number.
func (p *pdfWriter) beginObj(n int) int {
	if n == 0 {
		p.offsets = append(p.offsets, 0)
		n = len(p.offsets)
	}
	p.offsets[n-1] = len(p.out)
	p.out = strconv.AppendInt(p.out, int64(n), 10)
	p.out = append(p.out, " 0 obj\n"...)
	return n
}

func (p *pdfWriter) endObj() { p.out = append(p.out, "\nendobj\n"...) }

// putStream writes object n (0: a new number) as a stream of data, with the extra entries
// dict (each starting with a space) in its dictionary; deflated if deflate.
func (p *pdfWriter) putStream(n int, dict string, data []byte, deflate bool) int {
	if deflate {
		data = p.deflate(data)
		dict += " /Filter /FlateDecode"
	}
	n = p.beginObj(n)
	p.out = append(p.out, "<< /Length "...)
	p.out = strconv.AppendInt(p.out, int64(len(data)), 10)
	p.out = append(p.out, dict...)
	p.out = append(p.out, " >>\nstream\n"...)
	p.out = append(p.out, data...)
	p.out = append(p.out, "\nendstream"...)
	p.endObj()
	return n
}

// appender is an io.Writer appending to a slice.
type appender struct{ b []byte }

func (a *appender) Write(b []byte) (int, error) {
	a.b = append(a.b, b...)
	return len(b), nil
}

// pdfBufs are a writer's buffers, reused by the next document unless they grew large.
type pdfBufs struct{ out, content, zbuf []byte }

var pdfBuffers = sync.Pool{New: func() any {
	return &pdfBufs{out: make([]byte, 0, 64<<10), content: make([]byte, 0, 16<<10)}
}}

// release hands the writer's buffers back for another document; the writer is done.
func (p *pdfWriter) release() {
	const keep = 1 << 20
	if p.bufs == nil || cap(p.out) > keep || cap(p.content) > keep || cap(p.zbuf.b) > keep {
		return
	}
	*p.bufs = pdfBufs{p.out[:0], p.content[:0], p.zbuf.b[:0]}
	pdfBuffers.Put(p.bufs)
	p.bufs, p.out, p.content, p.zbuf.b = nil, nil, nil, nil
}

// Building a zlib writer allocates about a megabyte; reset ones are reused.
var zlibWriters = sync.Pool{New: func() any {
	zw, _ := zlib.NewWriterLevel(nil, zlib.BestSpeed)
	return zw
}}

// deflate is data zlib-compressed, in a buffer the writer reuses.
func (p *pdfWriter) deflate(data []byte) []byte {
	zw := zlibWriters.Get().(*zlib.Writer)
	p.zbuf.b = p.zbuf.b[:0]
	zw.Reset(&p.zbuf)
	zw.Write(data) // an appender does not fail
	zw.Close()
	zw.Reset(nil)
	zlibWriters.Put(zw)
	return p.zbuf.b
}

// addPage starts a page w×h mm. The graphics state carries over from the page before.
func (p *pdfWriter) addPage(w, h float64) {
	p.endPage()
	p.pages = append(p.pages, pdfPage{w: w * mmToPt, h: h * mmToPt})
	p.pageH = h
	p.open = true
	want := p.cur
	p.cur = pdfDefaults
	p.setLineWidth(want.lineWidth)
	p.setDrawColor(want.draw.r, want.draw.g, want.draw.b)
	p.setFillColor(want.fill.r, want.fill.g, want.fill.b)
	p.setAlpha(want.alpha)
	p.putDash(want.dash)
}

// endPage writes the page being drawn, if any, as its content stream.
func (p *pdfWriter) endPage() {
	if !p.open {
		return
	}
	for len(p.stack) > 0 {
		p.restore()
	}
	p.pages[len(p.pages)-1].contents = p.putStream(0, "", p.content, p.compress)
	p.content = p.content[:0]
	p.open = false
}

// num appends v rounded to prec decimals, without trailing zeros.
func num(b []byte, v float64, prec int) []byte {
	start := len(b)
	b = strconv.AppendFloat(b, v, 'f', prec, 64)
	for b[len(b)-1] == '0' {
		b = b[:len(b)-1]
	}
	if b[len(b)-1] == '.' {
		b = b[:len(b)-1]
	}
	if string(b[start:]) == "-0" {
		b = append(b[:start], '0')
	}
	return b
}

// xy appends the point (x, y) mm from the top left in points from the bottom left.
func (p *pdfWriter) xy(b []byte, x, y float64) []byte {
	b = num(b, x*mmToPt, 2)
	b = append(b, ' ')
	return num(b, (p.pageH-y)*mmToPt, 2)
}

func (p *pdfWriter) op(s string) {
	p.content = append(p.content, s...)
	p.content = append(p.content, '\n')
}

// setLineWidth sets the width of lines, in mm.
func (p *pdfWriter) setLineWidth(w float64) {
	if w == p.cur.lineWidth {
		return
	}
	p.cur.lineWidth = w
	p.content = num(p.content, w*mmToPt, 2)
	p.op(" w")
}

// appendColor appends an RGB colour and its operator: gray (G or g) when r = g = b.
func appendColor(b []byte, c rgb, gray, color string) []byte {
	if c.r == c.g && c.g == c.b {
		b = num(b, float64(c.r)/255, 3)
		b = append(b, ' ')
		return append(b, gray...)
	}
	for _, v := range []uint8{c.r, c.g, c.b} {
		b = num(b, float64(v)/255, 3)
		b = append(b, ' ')
	}
	return append(b, color...)
}

// setDrawColor sets the colour of lines and of the outlines of bold text.
func (p *pdfWriter) setDrawColor(r, g, b uint8) {
	c := rgb{r, g, b}
	if c == p.cur.draw {
		return
	}
	p.cur.draw = c
	p.content = appendColor(p.content, c, "G", "RG")
	p.content = append(p.content, '\n')
}

// setFillColor sets the colour of filled rectangles.
func (p *pdfWriter) setFillColor(r, g, b uint8) {
	c := rgb{r, g, b}
	if c == p.cur.fill {
		return
	}
	p.cur.fill = c
	p.content = appendColor(p.content, c, "g", "rg")
	p.content = append(p.content, '\n')
}

// setTextColor sets the colour text is filled with.
func (p *pdfWriter) setTextColor(r, g, b uint8) { p.textColor = rgb{r, g, b} }

// setAlpha sets the opacity of what follows, from 0 (invisible) to 1, through an ExtGState
// for each value the document uses.
func (p *pdfWriter) setAlpha(a float64) {
	if a == p.cur.alpha {
		return
	}
	p.cur.alpha = a
	i := slices.IndexFunc(p.alphas, func(x pdfAlpha) bool { return x.alpha == a })
	if i < 0 {
		i = len(p.alphas)
		n := p.beginObj(0)
		p.out = append(p.out, "<< /Type /ExtGState /ca "...)
		p.out = num(p.out, a, 3)
		p.out = append(p.out, " /CA "...)
		p.out = num(p.out, a, 3)
		p.out = append(p.out, " /BM /Normal >>"...)
		p.endObj()
		p.alphas = append(p.alphas, pdfAlpha{a, n})
	}
	p.content = append(p.content, "/GS"...)
	p.content = strconv.AppendInt(p.content, int64(i+1), 10)
	p.op(" gs")
}

// setDash makes lines dashed: dash lengths and the phase in mm; nil dash for solid lines.
func (p *pdfWriter) setDash(dash []float64, phase float64) {
	if len(dash) == 0 {
		p.putDash("")
		return
	}
	b := []byte{'['}
	for i, d := range dash {
		if i > 0 {
			b = append(b, ' ')
		}
		b = num(b, d*mmToPt, 2)
	}
	b = append(b, "] "...)
	p.putDash(string(num(b, phase*mmToPt, 2)))
}

func (p *pdfWriter) putDash(dash string) {
	if dash == p.cur.dash {
		return
	}
	p.cur.dash = dash
	if dash == "" {
		p.op("[] 0 d")
	} else {
		p.op(dash + " d")
	}
}

// save saves the graphics state (q), restore brings it back (Q).
func (p *pdfWriter) save() {
	p.stack = append(p.stack, p.cur)
	p.op("q")
}

func (p *pdfWriter) restore() {
	if len(p.stack) == 0 {
		return
	}
	p.cur = p.stack[len(p.stack)-1]
	p.stack = p.stack[:len(p.stack)-1]
	p.op("Q")
}

// rotate turns what follows by deg degrees anticlockwise about (x, y), until restore.
func (p *pdfWriter) rotate(deg, x, y float64) {
	a := deg * math.Pi / 180
	cos, sin := math.Cos(a), math.Sin(a)
	x, y = x*mmToPt, (p.pageH-y)*mmToPt
	b := p.content
	for _, v := range []float64{cos, sin, -sin, cos, x + sin*y - cos*x, y - cos*y - sin*x} {
		b = num(b, v, 5)
		b = append(b, ' ')
	}
	p.content = b
	p.op("cm")
}

// fit places a ply on the page (see surface.fit) with the transformation matrix: page point
// (X, Y) in mm from the top left is (x + s*px, y + s*py) for ply point (px, py), or
// (x + s*(plyH - py), y + s*px) turned; the content stream's points are in pt from the bottom.
func (p *pdfWriter) fit(x, y, s float64, turn bool, plyH float64) {
	k, h := mmToPt, p.pageH
	m := []float64{s, 0, 0, s, k * x, k * (h - y - s*h)}
	if turn {
		m = []float64{0, -s, s, 0, k * (x + s*plyH - s*h), k * (h - y)}
	}
	b := p.content
	for _, v := range m {
		b = num(b, v, 5)
		b = append(b, ' ')
	}
	p.content = b
	p.op("cm")
}

// code128 draws the bars as filled rectangles.
func (p *pdfWriter) code128(x, y, module, h float64, bars []bool, _ string) {
	fillBars(p, x, y, module, h, bars)
}

// rect draws the rectangle x, y (its top left corner), w, h: filled or outlined.
func (p *pdfWriter) rect(x, y, w, h float64, fill bool) {
	b := p.xy(p.content, x, y)
	b = append(b, ' ')
	b = num(b, w*mmToPt, 2)
	b = append(b, ' ')
	b = num(b, -h*mmToPt, 2)
	p.content = b
	if fill {
		p.op(" re f")
	} else {
		p.op(" re S")
	}
}

// line draws a line from (x1, y1) to (x2, y2).
func (p *pdfWriter) line(x1, y1, x2, y2 float64) {
	b := p.xy(p.content, x1, y1)
	b = append(b, " m "...)
	b = p.xy(b, x2, y2)
	p.content = b
	p.op(" l S")
}

const hexDigits = "0123456789ABCDEF"

// text draws s at size points with its baseline starting at (x, y), in the text colour;
// bold also strokes the glyphs' outlines (text render mode 2). Each rune is drawn by the font
// docFonts picks for it, in runs that switch font where the script changes; runes that font
// lacks are drawn as its .notdef glyph.
func (p *pdfWriter) text(x, y, size float64, s string, bold bool) {
	if s == "" {
		return
	}
	if bold {
		p.setLineWidth(boldStroke * size * ptToMM)
		p.op("2 Tr")
		defer p.op("0 Tr")
	}
	colored := p.textColor != p.cur.fill
	if colored {
		p.save()
		p.setFillColor(p.textColor.r, p.textColor.g, p.textColor.b)
	}
	b := append(p.content, "BT "...)
	started := false // the first run has been positioned
	for _, r := range s {
		i := p.fonts.pick(r)
		if i+1 != p.cur.font || size != p.cur.size {
			if started {
				b = append(b, "> Tj "...)
			}
			p.cur.font, p.cur.size = i+1, size
			b = append(b, "/F"...)
			b = strconv.AppendInt(b, int64(i+1), 10)
			b = append(b, ' ')
			b = num(b, size, 2)
			b = append(b, " Tf "...)
			if started {
				b = append(b, '<')
			}
		}
		if !started {
			b = p.xy(b, x, y)
			b = append(b, " Td <"...)
			started = true
		}
		g := p.fonts.subsets[i].glyphs[r]
		b = append(b, hexDigits[g>>12], hexDigits[g>>8&15], hexDigits[g>>4&15], hexDigits[g&15])
	}
	p.content = b
	p.op("> Tj ET")
	if colored {
		p.restore()
	}
}

// finish ends the document and writes it to w; the writer is done with.
func (p *pdfWriter) finish(w io.Writer) error {
	p.endPage()
	p.putResources()

	p.beginObj(objPages)
	p.out = append(p.out, "<< /Type /Pages /Count "...)
	p.out = strconv.AppendInt(p.out, int64(len(p.pages)), 10)
	p.out = append(p.out, " /Kids ["...)
	kids := len(p.offsets) + 1 // the pages are the next objects
	for i := range p.pages {
		if i > 0 {
			p.out = append(p.out, ' ')
		}
		p.out = strconv.AppendInt(p.out, int64(kids+i), 10)
		p.out = append(p.out, " 0 R"...)
	}
	p.out = append(p.out, "] >>"...)
	p.endObj()
	for _, pg := range p.pages {
		p.beginObj(0)
		p.out = append(p.out, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 "...)
		p.out = num(p.out, pg.w, 2)
		p.out = append(p.out, ' ')
		p.out = num(p.out, pg.h, 2)
		p.out = append(p.out, "] /Resources 4 0 R /Contents "...)
		p.out = strconv.AppendInt(p.out, int64(pg.contents), 10)
		p.out = append(p.out, " 0 R >>"...)
		p.endObj()
	}

	p.beginObj(objCatalog)
	p.out = append(p.out, "<< /Type /Catalog /Pages 2 0 R >>"...)
	p.endObj()

	date := p.date.UTC().Format("D:20060102150405Z")
	p.beginObj(objInfo)
	p.out = append(p.out, "<< /Title "...)
	p.out = appendText(p.out, p.title)
	p.out = append(p.out, " /Producer (ecship) /Creator (ecship) /CreationDate ("...)
	p.out = append(p.out, date...)
	p.out = append(p.out, ") /ModDate ("...)
	p.out = append(p.out, date...)
	p.out = append(p.out, ") >>"...)
	p.endObj()

	xref := len(p.out)
	p.out = append(p.out, "xref\n0 "...)
	p.out = strconv.AppendInt(p.out, int64(len(p.offsets)+1), 10)
	p.out = append(p.out, "\n0000000000 65535 f\r\n"...)
	for _, off := range p.offsets {
		var d [10]byte
		for i := range d {
			d[9-i] = byte('0' + off%10)
			off /= 10
		}
		p.out = append(append(p.out, d[:]...), " 00000 n\r\n"...)
	}
	p.out = append(p.out, "trailer\n<< /Size "...)
	p.out = strconv.AppendInt(p.out, int64(len(p.offsets)+1), 10)
	p.out = append(p.out, " /Root 1 0 R /Info 3 0 R >>\nstartxref\n"...)
	p.out = strconv.AppendInt(p.out, int64(xref), 10)
	p.out = append(p.out, "\n%%EOF\n"...)
	_, err := w.Write(p.out)
	p.release()
	return err
}

// putResources writes the resources every page shares: the fonts and the ExtGStates.
func (p *pdfWriter) putResources() {
	p.beginObj(objResources)
	p.out = append(p.out, "<< /ProcSet [/PDF /Text] /Font <<"...)
	for i, obj := range p.fontObjs {
		if obj != 0 {
			p.out = append(p.out, " /F"...)
			p.out = strconv.AppendInt(p.out, int64(i+1), 10)
			p.out = append(p.out, ' ')
			p.out = strconv.AppendInt(p.out, int64(obj), 10)
			p.out = append(p.out, " 0 R"...)
		}
	}
	p.out = append(p.out, " >>"...)
	if len(p.alphas) > 0 {
		p.out = append(p.out, " /ExtGState <<"...)
		for i, a := range p.alphas {
			p.out = append(p.out, " /GS"...)
			p.out = strconv.AppendInt(p.out, int64(i+1), 10)
			p.out = append(p.out, ' ')
			p.out = strconv.AppendInt(p.out, int64(a.obj), 10)
			p.out = append(p.out, " 0 R"...)
		}
		p.out = append(p.out, " >>"...)
	}
	p.out = append(p.out, " >>"...)
	p.endObj()
}

// appendText appends s as a PDF text string: literal when it is printable ASCII, else
// UTF-16BE with a byte order mark.
func appendText(b []byte, s string) []byte {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			ascii = false
			break
		}
	}
	if !ascii {
		b = append(b, "<FEFF"...)
		for _, u := range utf16.Encode([]rune(s)) {
			b = append(b, hexDigits[u>>12], hexDigits[u>>8&15], hexDigits[u>>4&15], hexDigits[u&15])
		}
		return append(b, '>')
	}
	b = append(b, '(')
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '(' || c == ')' || c == '\\' {
			b = append(b, '\\')
		}
		b = append(b, s[i])
	}
	return append(b, ')')
}

// putFont writes f and returns its object number: a Type 0 font with Identity-H encoding
// over a CIDFontType2 whose CIDs are the subset's glyph ids, with the TrueType file, the
// glyphs' widths and a ToUnicode map so that text can be copied and searched. Its five
// objects are numbered in a row: the Type 0 font, the CID font, the descriptor, the file and
// the map.
func (p *pdfWriter) putFont(f *fontSubset) int {
	em := func(v int) int { return int(math.Round(float64(v) * 1000 / float64(f.unitsPerEm))) }
	// PDF font metrics in thousandths of an em, truncated.
	trunc := func(v int16) int64 { return int64(float64(v) * 1000 / float64(f.unitsPerEm)) }
	ref := func(b []byte, n int) []byte { return append(strconv.AppendInt(b, int64(n), 10), " 0 R"...) }

	// A subset's name starts with a tag of six capital letters, here from its contents.
	sum := crc32.ChecksumIEEE(f.ttf)
	var tag [7]byte
	for i := range 6 {
		tag[i] = 'A' + byte(sum%26)
		sum /= 26
	}
	tag[6] = '+'
	name := string(tag[:]) + f.name

	font := p.beginObj(0)
	cid, descriptor, file, toUni := font+1, font+2, font+3, font+4
	p.out = append(p.out, "<< /Type /Font /Subtype /Type0 /BaseFont /"...)
	p.out = append(p.out, name...)
	p.out = append(p.out, " /Encoding /Identity-H /DescendantFonts ["...)
	p.out = ref(p.out, cid)
	p.out = append(p.out, "] /ToUnicode "...)
	p.out = ref(p.out, toUni)
	p.out = append(p.out, " >>"...)
	p.endObj()

	p.beginObj(0)
	p.out = append(p.out, "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /"...)
	p.out = append(p.out, name...)
	p.out = append(p.out, " /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>"...)
	p.out = append(p.out, " /FontDescriptor "...)
	p.out = ref(p.out, descriptor)
	p.out = append(p.out, " /CIDToGIDMap /Identity /DW "...)
	p.out = strconv.AppendInt(p.out, int64(em(int(f.advances[0]))), 10)
	if len(f.advances) > 1 {
		p.out = append(p.out, "\n/W [1 ["...)
		for i, a := range f.advances[1:] {
			if i > 0 {
				p.out = append(p.out, ' ')
			}
			if i%16 == 15 {
				p.out[len(p.out)-1] = '\n'
			}
			p.out = strconv.AppendInt(p.out, int64(em(int(a))), 10)
		}
		p.out = append(p.out, "]]"...)
	}
	p.out = append(p.out, " >>"...)
	p.endObj()

	flags := 4 // symbolic: glyphs outside the standard Latin set
	if f.fixedPitch {
		flags |= 1
	}
	if f.italic != 0 {
		flags |= 64
	}
	p.beginObj(0)
	p.out = append(p.out, "<< /Type /FontDescriptor /FontName /"...)
	p.out = append(p.out, name...)
	p.out = append(p.out, " /Flags "...)
	p.out = strconv.AppendInt(p.out, int64(flags), 10)
	p.out = append(p.out, " /FontBBox ["...)
	for i, v := range f.bbox {
		if i > 0 {
			p.out = append(p.out, ' ')
		}
		p.out = strconv.AppendInt(p.out, trunc(v), 10)
	}
	p.out = append(p.out, "] /ItalicAngle "...)
	p.out = num(p.out, f.italic, 2)
	p.out = append(p.out, " /Ascent "...)
	p.out = strconv.AppendInt(p.out, trunc(f.ascent), 10)
	p.out = append(p.out, " /Descent "...)
	p.out = strconv.AppendInt(p.out, trunc(f.descent), 10)
	p.out = append(p.out, " /CapHeight "...)
	p.out = strconv.AppendInt(p.out, trunc(f.capHeight), 10)
	p.out = append(p.out, " /StemV "...)
	p.out = strconv.AppendInt(p.out, int64(50+int(math.Pow(float64(f.weight)/65, 2))), 10)
	p.out = append(p.out, " /FontFile2 "...)
	p.out = ref(p.out, file)
	p.out = append(p.out, " >>"...)
	p.endObj()

	p.putStream(0, " /Length1 "+strconv.Itoa(len(f.ttf)), f.ttf, true)
	p.putStream(0, "", toUnicode(f.glyphs), p.compress)
	return font
}

// toUnicode is a CMap from glyph ids (2-byte codes) to the runes they draw, in UTF-16BE. A
// glyph two runes share (the fonts map some look-alikes to one glyph) gives the lower rune.
func toUnicode(glyphs map[rune]uint16) []byte {
	type pair struct {
		g uint16
		r rune
	}
	pairs := make([]pair, 0, len(glyphs))
	for r, g := range glyphs {
		if g != 0 {
			pairs = append(pairs, pair{g, r})
		}
	}
	slices.SortFunc(pairs, func(a, b pair) int {
		if a.g != b.g {
			return int(a.g) - int(b.g)
		}
		return int(a.r - b.r)
	})
	pairs = slices.CompactFunc(pairs, func(a, b pair) bool { return a.g == b.g })

	// Runs of consecutive glyphs drawing consecutive BMP runes are ranges, as long as only
	// the last byte of the glyph id and of the rune changes; the rest are single mappings.
	type run struct {
		g0, g1 uint16
		r      rune
	}
	var ranges, singles []run
	for i := 0; i < len(pairs); {
		j := i + 1
		for j < len(pairs) && pairs[j].g == pairs[j-1].g+1 && pairs[j].r == pairs[j-1].r+1 &&
			pairs[j].g>>8 == pairs[i].g>>8 && pairs[j].r>>8 == pairs[i].r>>8 && pairs[j].r <= 0xFFFF {
			j++
		}
		rn := run{pairs[i].g, pairs[j-1].g, pairs[i].r}
		if j-i > 1 {
			ranges = append(ranges, rn)
		} else {
			singles = append(singles, rn)
		}
		i = j
	}

	hex4 := func(b []byte, v uint16) []byte {
		return append(b, hexDigits[v>>12], hexDigits[v>>8&15], hexDigits[v>>4&15], hexDigits[v&15])
	}
	utf16BE := func(b []byte, r rune) []byte {
		b = append(b, '<')
		if r > 0xFFFF {
			r1, r2 := utf16.EncodeRune(r)
			b = hex4(hex4(b, uint16(r1)), uint16(r2))
		} else {
			b = hex4(b, uint16(r))
		}
		return append(b, '>')
	}
	b := []byte("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n" +
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n" +
		"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	// At most 100 mappings to a block.
	for len(ranges) > 0 {
		n := min(len(ranges), 100)
		b = strconv.AppendInt(b, int64(n), 10)
		b = append(b, " beginbfrange\n"...)
		for _, rn := range ranges[:n] {
			b = hex4(append(b, '<'), rn.g0)
			b = hex4(append(b, "> <"...), rn.g1)
			b = utf16BE(append(b, "> "...), rn.r)
			b = append(b, '\n')
		}
		b = append(b, "endbfrange\n"...)
		ranges = ranges[n:]
	}
	for len(singles) > 0 {
		n := min(len(singles), 100)
		b = strconv.AppendInt(b, int64(n), 10)
		b = append(b, " beginbfchar\n"...)
		for _, rn := range singles[:n] {
			b = hex4(append(b, '<'), rn.g0)
			b = utf16BE(append(b, "> "...), rn.r)
			b = append(b, '\n')
		}
		b = append(b, "endbfchar\n"...)
		singles = singles[n:]
	}
	return append(b, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"...)
}
