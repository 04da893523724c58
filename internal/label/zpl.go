package label

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
)

// A ZPL II label is each page drawn as a graphic field (^GF, at the printer's resolution, one
// bit a dot) with its item barcode left out of the picture and given to the printer as a
// native Code 128 field (^BC), which it draws on its own dot grid: sharp at any resolution.
// Text stays a picture, since a Zebra printer's own fonts have no Chinese, Japanese or Korean.

// zplPage draws like a raster page, but keeps barcodes for the printer to draw.
type zplPage struct {
	*raster
	barcodes []zplBarcode
}

type zplBarcode struct {
	at      pixelBars
	content string
}

func (z *zplPage) code128(x, y, module, h float64, bars []bool, content string) {
	if g, ok := z.gridBars(x, y, module, h, len(bars)); ok {
		z.barcodes = append(z.barcodes, zplBarcode{g, content})
		return
	}
	z.raster.code128(x, y, module, h, bars, content)
}

// writeZPL writes one ^XA ... ^XZ format per tile.
func writeZPL(w io.Writer, fonts *fontSet, tiles []tile, o Options) error {
	bw := bufio.NewWriter(w)
	for i, t := range tiles {
		var page *zplPage
		r, err := rasterTile(fonts, t, o, func(r *raster) surface {
			page = &zplPage{raster: r}
			return page
		})
		if err != nil {
			return err
		}
		b := r.img.Bounds()
		fmt.Fprintf(bw, "^XA\n^FX ecship %s page %d of %d, %d dpi\n^CI28^PON^LH0,0^PW%d^LL%d\n", t.label.ItemNo, i+1, len(tiles), o.DPI, b.Dx(), b.Dy())
		// ^GF takes at most 99,999 bytes of picture: the page goes as bands of whole rows.
		rowBytes := (b.Dx() + 7) / 8
		band := maxGraphicBytes / rowBytes
		for y := 0; y < b.Dy(); y += band {
			rows := min(band, b.Dy()-y)
			fmt.Fprintf(bw, "^FO0,%d^GFA,%d,%d,%d,", y, rowBytes*rows, rowBytes*rows, rowBytes)
			writeGraphic(bw, r, rowBytes, y, y+rows)
			bw.WriteString("^FS\n")
		}
		for _, bc := range page.barcodes {
			orient := "N"
			if bc.at.turned {
				orient = "R"
			}
			// ^BY: module width in dots; ^BC: height in dots, no interpretation line (the picture
			// has the number), automatic subsets (as the PDF's encoder picks them).
			fmt.Fprintf(bw, "^FO%d,%d^BY%d^BC%s,%d,N,N,N,A^FD%s^FS\n", bc.at.x, bc.at.y, bc.at.n, orient, bc.at.h, zplField(bc.content))
		}
		bw.WriteString("^XZ\n")
	}
	return bw.Flush()
}

// zplField keeps a field's data from closing or escaping it: an item number never has ^ or ~.
func zplField(s string) string {
	return strings.NewReplacer("^", "", "~", "").Replace(s)
}

// maxGraphicBytes is the most bytes of picture one ^GF field holds (ZPL II: 1 to 99,999).
const maxGraphicBytes = 99999

// writeGraphic writes the page's rows from y0 to y1 (grey darker than half is black) as ^GF's ASCII hex with
// Zebra's compression: a row the same as the one before is ":", a row's trailing zeros are
// ",", and a run of one digit is a count letter before it (G to Y for 1 to 19, g to z for 20
// to 400 in twenties, added together).
func writeGraphic(w *bufio.Writer, r *raster, rowBytes, y0, y1 int) {
	b := r.img.Bounds()
	row := make([]byte, rowBytes*2)
	var prev []byte // a band starts afresh: ":" never reaches into the one before
	for y := y0; y < y1; y++ {
		clear(row)
		line := r.img.Pix[y*r.img.Stride:]
		for i := range rowBytes {
			var v byte
			for bit := range 8 {
				x := i*8 + bit
				if x < b.Dx() && line[x] < 0x80 {
					v |= 0x80 >> bit
				}
			}
			row[2*i], row[2*i+1] = hexDigits[v>>4], hexDigits[v&15]
		}
		if prev != nil && bytes.Equal(row, prev) {
			w.WriteByte(':')
			continue
		}
		prev = append(prev[:0], row...)
		data := bytes.TrimRight(row, "0")
		for i := 0; i < len(data); {
			j := i
			for j < len(data) && data[j] == data[i] {
				j++
			}
			for n := j - i; n > 0; {
				c := min(n, 419)
				if c > 1 {
					w.WriteString(zplCount(c))
				}
				w.WriteByte(data[i])
				n -= c
			}
			i = j
		}
		if len(data) < len(row) {
			w.WriteByte(',')
		}
	}
}

// zplCount is the repeat count letters for n (2 to 419).
func zplCount(n int) string {
	var s []byte
	if n >= 20 {
		s = append(s, byte('g'+n/20-1))
	}
	if n%20 > 0 {
		s = append(s, byte('G'+n%20-1))
	}
	return string(s)
}
