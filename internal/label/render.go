package label

import (
	"fmt"
	"image/png"
	"io"
	"slices"
	"time"
)

// tile is one page of one label: a ply or a sheet of its customs declaration.
type tile struct {
	label *Label
	size  PlySize
	ply   int // 1-based ply number, 0 for a customs sheet
	plies int
	sheet int // customs sheet, from 0
}

func (t tile) draw(c *canvas) error {
	if t.ply == 0 {
		c.drawCustoms(t.label, t.size.W, t.size.H, t.sheet)
	} else if err := c.drawPly(t.label, t.size, t.ply, t.plies); err != nil {
		return err
	}
	c.watermark(t.label.Watermark, t.size.W, t.size.H)
	return nil
}

// A4 sheet geometry (mm): the page, the least margin and the gap between labels.
const (
	a4W, a4H = 210.0, 297.0
	a4Margin = 3.0
	a4Gap    = 2.0
)

// Documents of more pages than this have their page content compressed.
const compressAbove = 4

// pdfEpoch dates a document whose labels carry no date, so that output stays the same.
var pdfEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// newDocument starts the PDF of a document of pages pages whose first pass drew the runes
// used: its font holds just their glyphs. Deflating a page costs about 0.15 ms, a good part
// of rendering a label, for little gain on a label's few pages (a 4-page label: 35 KB
// instead of 22 KB), so only longer documents have their pages compressed; the embedded
// font always is.
func newDocument(fonts *fontSet, used map[rune]bool, title string, created time.Time, pages int) *pdfWriter {
	runes := make([]rune, 0, len(used))
	for r := range used {
		runes = append(runes, r)
	}
	return newPDF(fonts.forRunes(runes), title, created, pages > compressAbove)
}

// Render writes labels as one PDF. With OnePerPage each ply is a page of its own size
// (PageSizes); with A4Sheet the plies fill A4 portrait pages row by row with cut lines. The
// same labels give the same bytes: the document is dated with the labels' latest date.
func Render(w io.Writer, labels []Label, layout Layout) error {
	_, err := Write(w, labels, Options{Layout: layout})
	return err
}

// Format is what Write writes.
type Format int

const (
	PDF Format = iota // one document, every page
	PNG               // one page as a grey image (Options.Page)
	ZPL               // ZPL II for Zebra thermal printers: every page, a graphic and a native ^BC barcode each
)

// PageSize is the size of the pages plies are printed on.
type PageSize int

const (
	// ServiceSize prints each ply at the size the service fixes (LBL-2).
	ServiceSize PageSize = iota
	// A6 (105 x 148 mm) and FourBySix (4 x 6 inches, thermal label printers) fit each ply onto a
	// portrait page, turned a quarter when that prints it larger, never larger than its size.
	A6
	FourBySix
)

// pageDims is a fixed page size in mm.
func (s PageSize) pageDims() (w, h float64) {
	switch s {
	case A6:
		return 105, 148
	case FourBySix:
		return 101.6, 152.4
	}
	return 0, 0
}

// Options say how Write prints. Zero values: one ply per page at the service's size, as PDF.
type Options struct {
	Layout Layout
	Format Format
	Size   PageSize
	DPI    int // PNG and ZPL: 203 (the default) or 300
	Page   int // PNG: the page to draw, from 1 (0 is 1)
}

// DPIs are the resolutions PNG and ZPL labels come in: the two of thermal label printers.
var DPIs = []int{203, 300}

// Write writes labels in o's format and answers how many pages they make (a PNG holds one of
// them). The same labels and options give the same bytes.
func Write(w io.Writer, labels []Label, o Options) (pages int, err error) {
	if len(labels) == 0 {
		return 0, fmt.Errorf("%w: no labels", ErrInvalid)
	}
	if o.Layout == A4Sheet && (o.Format != PDF || o.Size != ServiceSize) {
		return 0, fmt.Errorf("%w: A4 sheets are PDF, at the services' sizes", ErrInvalid)
	}
	if o.DPI == 0 {
		o.DPI = DPIs[0]
	}
	if o.Format != PDF && !slices.Contains(DPIs, o.DPI) {
		return 0, fmt.Errorf("%w: %d dpi: 203 or 300", ErrInvalid, o.DPI)
	}
	fonts, err := loadFonts()
	if err != nil {
		return 0, err
	}
	tiles, created, err := tilesOf(labels)
	if err != nil {
		return 0, err
	}
	pages = len(tiles)
	switch o.Format {
	case PNG:
		page := max(o.Page, 1)
		if page > pages {
			return pages, fmt.Errorf("%w: page %d of %d", ErrInvalid, page, pages)
		}
		img, err := rasterTile(fonts, tiles[page-1], o, nil)
		if err != nil {
			return pages, err
		}
		return pages, (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(w, img.img)
	case ZPL:
		return pages, writeZPL(w, fonts, tiles, o)
	}
	if o.Layout == A4Sheet {
		return writeA4(w, fonts, tiles, created)
	}
	return pages, writePDF(w, fonts, tiles, created, o.Size)
}

// tilesOf checks labels and lays them out as tiles, one per page of each; created is the
// labels' latest date.
func tilesOf(labels []Label) ([]tile, time.Time, error) {
	var tiles []tile
	created := time.Time{}
	for i := range labels {
		l := &labels[i]
		if err := validate(l); err != nil {
			return nil, created, err
		}
		if l.Created.After(created) {
			created = l.Created
		}
		for j, size := range PageSizes(*l) {
			plies := len(Size(l.Service, l.Recipient.Country))
			t := tile{label: l, size: size, plies: plies}
			if j < plies {
				t.ply = j + 1
			} else {
				t.sheet = j - plies
			}
			tiles = append(tiles, t)
		}
	}
	if created.IsZero() {
		created = pdfEpoch
	}
	return tiles, created, nil
}

// placement is where a tile goes on a page of size: the page's size and how the tile is fitted
// on it (at its own size, scale 1 at the corner, for ServiceSize).
type placement struct {
	w, h, x, y, scale float64
	turn              bool
}

func place(t tile, size PageSize) placement {
	pw, ph := size.pageDims()
	if pw == 0 {
		return placement{w: t.size.W, h: t.size.H, scale: 1}
	}
	upright := min(1, pw/t.size.W, ph/t.size.H)
	turned := min(1, pw/t.size.H, ph/t.size.W)
	p := placement{w: pw, h: ph, scale: upright}
	dw, dh := t.size.W, t.size.H
	if turned > upright {
		p.scale, p.turn, dw, dh = turned, true, t.size.H, t.size.W
	}
	p.x, p.y = (pw-dw*p.scale)/2, (ph-dh*p.scale)/2
	return p
}

// drawPlaced draws a tile on its page through the surface's fit.
func drawPlaced(c *canvas, t tile, p placement) error {
	if p.scale == 1 && !p.turn && p.x == 0 && p.y == 0 {
		return t.draw(c)
	}
	c.out.save()
	c.out.fit(p.x, p.y, p.scale, p.turn, t.size.H)
	err := t.draw(c)
	c.out.restore()
	return err
}

// recordRunes is the first pass of a PDF: which runes the tiles draw.
func recordRunes(fonts *fontSet, tiles []tile) (map[rune]bool, error) {
	rec := &canvas{fonts: fonts, used: map[rune]bool{}}
	for _, t := range tiles {
		if err := t.draw(rec); err != nil {
			return nil, err
		}
	}
	return rec.used, nil
}

// writePDF writes each tile on a page of its own.
func writePDF(w io.Writer, fonts *fontSet, tiles []tile, created time.Time, size PageSize) error {
	used, err := recordRunes(fonts, tiles)
	if err != nil {
		return err
	}
	pdf := newDocument(fonts, used, "Shipping labels", created, len(tiles))
	c := &canvas{out: pdf, fonts: fonts}
	for _, t := range tiles {
		p := place(t, size)
		pdf.addPage(p.w, p.h)
		if err := drawPlaced(c, t, p); err != nil {
			return err
		}
	}
	if err := pdf.finish(w); err != nil {
		return fmt.Errorf("label: write PDF: %w", err)
	}
	return nil
}

// writeA4 puts the tiles on A4 sheets with cut lines.
func writeA4(w io.Writer, fonts *fontSet, tiles []tile, created time.Time) (int, error) {
	used, err := recordRunes(fonts, tiles)
	if err != nil {
		return 0, err
	}
	sheets := packA4(tiles)
	pdf := newDocument(fonts, used, "Shipping labels", created, len(sheets))
	c := &canvas{out: pdf, fonts: fonts}
	for _, page := range sheets {
		pdf.addPage(a4W, a4H)
		for _, p := range page {
			c.ox, c.oy = p.x, p.y
			if err := p.tile.draw(c); err != nil {
				return 0, err
			}
			// Cut line around the label, in light grey so a slightly off cut does not show.
			c.ox, c.oy = 0, 0
			pdf.setDrawColor(170, 170, 170)
			pdf.setDash([]float64{1.5, 1}, 0)
			c.rect(p.x, p.y, p.tile.size.W, p.tile.size.H, 0.1)
			pdf.setDash(nil, 0)
			pdf.setDrawColor(0, 0, 0)
		}
	}
	if err := pdf.finish(w); err != nil {
		return 0, fmt.Errorf("label: write PDF: %w", err)
	}
	return len(sheets), nil
}

// rasterTile draws one tile on a page image at o.DPI; out, when not nil, is the surface to
// draw through (a thermal page drawing its own barcodes).
func rasterTile(fonts *fontSet, t tile, o Options, out func(*raster) surface) (*raster, error) {
	p := place(t, o.Size)
	r, err := newRaster(fonts, p.w, p.h, o.DPI)
	if err != nil {
		return nil, err
	}
	var s surface = r
	if out != nil {
		s = out(r)
	}
	return r, drawPlaced(&canvas{out: s, fonts: fonts}, t, p)
}

type placed struct {
	tile tile
	x, y float64
}

// packA4 puts tiles in rows across A4 pages, in order: a row takes tiles while they fit the
// width, a page takes rows while they fit the height; each row is centred.
func packA4(tiles []tile) [][]placed {
	var pages [][]placed
	var page []placed
	y := a4Margin
	for i := 0; i < len(tiles); {
		// The next row: as many tiles as fit side by side.
		j, rowW, rowH := i, 0.0, 0.0
		for j < len(tiles) {
			w := tiles[j].size.W
			if j > i {
				w += a4Gap
			}
			if j > i && rowW+w > a4W-2*a4Margin {
				break
			}
			rowW += w
			rowH = max(rowH, tiles[j].size.H)
			j++
		}
		if len(page) > 0 && y+rowH > a4H-a4Margin {
			pages = append(pages, page)
			page, y = nil, a4Margin
		}
		x := (a4W - rowW) / 2
		for _, t := range tiles[i:j] {
			page = append(page, placed{t, x, y})
			x += t.size.W + a4Gap
		}
		y += rowH + a4Gap
		i = j
	}
	if len(page) > 0 {
		pages = append(pages, page)
	}
	return pages
}
