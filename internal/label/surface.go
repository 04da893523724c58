package label

// surface is what a canvas draws on: a PDF page (pdfWriter), a raster image (raster) or a
// thermal printer's page (zplPage). Coordinates are millimetres from the top left of the page,
// or of the ply when fit placed one; colours are RGB.
type surface interface {
	setLineWidth(w float64)
	setDrawColor(r, g, b uint8)
	setFillColor(r, g, b uint8)
	setTextColor(r, g, b uint8)
	setAlpha(a float64)
	setDash(dash []float64, phase float64)
	// save keeps the drawing state (colours, alpha, line width, transformation); restore brings
	// back the last one kept.
	save()
	restore()
	// rotate turns what follows by deg degrees anticlockwise about (x, y), until restore.
	rotate(deg, x, y float64)
	// fit draws what follows, a ply of height plyH, scaled by s with its top left corner at
	// (x, y) on the page; turned a quarter clockwise when turn is set (its top left corner then
	// goes to (x + s*plyH, y)). Until restore.
	fit(x, y, s float64, turn bool, plyH float64)
	rect(x, y, w, h float64, fill bool)
	line(x1, y1, x2, y2 float64)
	// text draws s at size points with its baseline starting at (x, y); bold thickens it.
	text(x, y, size float64, s string, bold bool)
	// code128 draws a Code 128 symbol: bars (true for a bar module) from x, each module wide,
	// from y down h; content is what it encodes (a printer drawing its own barcodes needs it).
	code128(x, y, module, h float64, bars []bool, content string)
}

// fillBars draws bars as filled rectangles, one per run of bar modules.
func fillBars(s surface, x, y, module, h float64, bars []bool) {
	s.setFillColor(0, 0, 0)
	for i := 0; i < len(bars); {
		if !bars[i] {
			i++
			continue
		}
		j := i
		for j < len(bars) && bars[j] {
			j++
		}
		s.rect(x+float64(i)*module, y, float64(j-i)*module, h, true)
		i = j
	}
}
