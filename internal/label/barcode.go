package label

import (
	"fmt"

	"github.com/boombuler/barcode/code128"
)

// code128Bars is the item number as Code 128 modules: true for a bar.
func code128Bars(content string) ([]bool, error) {
	bc, err := code128.Encode(content)
	if err != nil {
		return nil, fmt.Errorf("label: barcode %q: %w", content, err)
	}
	b := bc.Bounds()
	bars := make([]bool, b.Dx())
	for x := range bars {
		r, _, _, _ := bc.At(b.Min.X+x, b.Min.Y).RGBA()
		bars[x] = r < 0x8000
	}
	return bars, nil
}

// Quiet zone each side of a barcode, in modules (ISO/IEC 15417 asks for 10).
const quietModules = 10

// barcode draws content as a Code 128 symbol centred in (x, w) with bars from y to y+h, and
// the number in plain text under it. The module is as wide as w allows (quiet zones included)
// up to 0.5 mm, so scanners read it easily; the caller gives at least 60 mm on big labels.
func (c *canvas) barcode(x, y, w, h float64, content string, textSize float64) error {
	bars, err := code128Bars(content)
	if err != nil {
		return err
	}
	module := min(0.5, w/float64(len(bars)+2*quietModules))
	bw := module * float64(len(bars))
	x0 := x + (w-bw)/2
	if c.out != nil {
		c.out.code128(c.ox+x0, c.oy+y, module, h, bars, content)
	}
	c.textIn(x, y+h+textSize*ptToMM*1.05, w, content, textStyle{size: textSize, min: textSize * 0.7, bold: true, align: center})
	return nil
}
