package label

import (
	"fmt"
	"io"
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
	if len(labels) == 0 {
		return fmt.Errorf("%w: no labels", ErrInvalid)
	}
	fonts, err := loadFonts()
	if err != nil {
		return err
	}
	var tiles []tile
	created := time.Time{}
	for i := range labels {
		l := &labels[i]
		if err := validate(l); err != nil {
			return err
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

	// First pass: which runes each face draws.
	rec := &canvas{fonts: fonts, used: map[rune]bool{}}
	for _, t := range tiles {
		if err := t.draw(rec); err != nil {
			return err
		}
	}

	pages := len(tiles)
	var sheets [][]placed
	if layout == A4Sheet {
		sheets = packA4(tiles)
		pages = len(sheets)
	}
	pdf := newDocument(fonts, rec.used, "Shipping labels", created, pages)
	c := &canvas{out: pdf, fonts: fonts}
	switch layout {
	case A4Sheet:
		for _, page := range sheets {
			pdf.addPage(a4W, a4H)
			for _, p := range page {
				c.ox, c.oy = p.x, p.y
				if err := p.tile.draw(c); err != nil {
					return err
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
	default:
		for _, t := range tiles {
			pdf.addPage(t.size.W, t.size.H)
			if err := t.draw(c); err != nil {
				return err
			}
		}
	}
	if err := pdf.finish(w); err != nil {
		return fmt.Errorf("label: write PDF: %w", err)
	}
	return nil
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
