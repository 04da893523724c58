package label

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"sync"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// raster draws a page into a grey image at a resolution in dots per inch, for PNG labels and
// thermal printers. Shapes and glyph outlines (read with x/image's sfnt from the same fonts the
// PDF embeds, and laid out with the same advances) are filled by x/image's vector rasterizer,
// each in a rasterizer the size of its own bounds, so a glyph costs what its pixels cost.
type raster struct {
	img   *image.Gray
	fonts *fontSet
	faces *rasterFaces
	k     float64 // pixels per millimetre
	st    rasterState
	stack []rasterState
	rz    vector.Rasterizer
	buf   sfnt.Buffer
}

type rasterState struct {
	m                affine // ply millimetres to pixels
	draw, fill, text color.Gray
	alpha, lineWidth float64
}

// affine maps (x, y) to (a*x + c*y + e, b*x + d*y + f).
type affine struct{ a, b, c, d, e, f float64 }

func (m affine) apply(x, y float64) (float64, float64) {
	return m.a*x + m.c*y + m.e, m.b*x + m.d*y + m.f
}

// compose returns the map p -> m(n(p)): n is applied first.
func (m affine) compose(n affine) affine {
	return affine{
		a: m.a*n.a + m.c*n.b, b: m.b*n.a + m.d*n.b,
		c: m.a*n.c + m.c*n.d, d: m.b*n.c + m.d*n.d,
		e: m.a*n.e + m.c*n.f + m.e, f: m.b*n.e + m.d*n.f + m.f,
	}
}

// rasterFaces are the label fonts parsed by sfnt, in fontSet's order.
type rasterFaces struct {
	fonts []*sfnt.Font
	upem  []float64
}

var loadRasterFaces = sync.OnceValues(func() (*rasterFaces, error) {
	rf := &rasterFaces{}
	for _, data := range [][]byte{dejaVuTTF, droidTTF, nanumTTF} { // fontLatin, fontCJK, fontHangul
		f, err := sfnt.Parse(data)
		if err != nil {
			return nil, fmt.Errorf("label: font for raster: %w", err)
		}
		rf.fonts = append(rf.fonts, f)
		rf.upem = append(rf.upem, float64(f.UnitsPerEm()))
	}
	return rf, nil
})

// newRaster is a white page of w x h mm at dpi.
func newRaster(fonts *fontSet, w, h float64, dpi int) (*raster, error) {
	faces, err := loadRasterFaces()
	if err != nil {
		return nil, err
	}
	k := float64(dpi) / 25.4
	img := image.NewGray(image.Rect(0, 0, int(math.Round(w*k)), int(math.Round(h*k))))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	return &raster{img: img, fonts: fonts, faces: faces, k: k,
		st: rasterState{m: affine{a: k, d: k}, alpha: 1, lineWidth: 0.2}}, nil
}

func gray(r, g, b uint8) color.Gray {
	return color.GrayModel.Convert(color.RGBA{r, g, b, 0xff}).(color.Gray)
}

func (p *raster) setLineWidth(w float64)                { p.st.lineWidth = w }
func (p *raster) setDrawColor(r, g, b uint8)            { p.st.draw = gray(r, g, b) }
func (p *raster) setFillColor(r, g, b uint8)            { p.st.fill = gray(r, g, b) }
func (p *raster) setTextColor(r, g, b uint8)            { p.st.text = gray(r, g, b) }
func (p *raster) setAlpha(a float64)                    { p.st.alpha = a }
func (p *raster) setDash(dash []float64, phase float64) {} // cut lines of A4 sheets only: PDF only
func (p *raster) save()                                 { p.stack = append(p.stack, p.st) }

func (p *raster) restore() {
	if n := len(p.stack); n > 0 {
		p.st, p.stack = p.stack[n-1], p.stack[:n-1]
	}
}

func (p *raster) rotate(deg, x, y float64) {
	t := deg * math.Pi / 180
	cos, sin := math.Cos(t), math.Sin(t)
	// Anticlockwise as seen, with y growing downwards.
	r := affine{a: cos, b: -sin, c: sin, d: cos, e: x - cos*x - sin*y, f: y + sin*x - cos*y}
	p.st.m = p.st.m.compose(r)
}

func (p *raster) fit(x, y, s float64, turn bool, plyH float64) {
	f := affine{a: s, d: s, e: x, f: y}
	if turn {
		f = affine{b: s, c: -s, e: x + s*plyH, f: y}
	}
	p.st.m = p.st.m.compose(f)
}

func (p *raster) rect(x, y, w, h float64, fill bool) {
	if fill {
		p.polygon(p.st.fill, [][2]float64{{x, y}, {x + w, y}, {x + w, y + h}, {x, y + h}})
		return
	}
	lw := p.st.lineWidth
	for _, r := range [][4]float64{{x - lw/2, y - lw/2, w + lw, lw}, {x - lw/2, y + h - lw/2, w + lw, lw}, {x - lw/2, y, lw, h}, {x + w - lw/2, y, lw, h}} {
		p.polygon(p.st.draw, [][2]float64{{r[0], r[1]}, {r[0] + r[2], r[1]}, {r[0] + r[2], r[1] + r[3]}, {r[0], r[1] + r[3]}})
	}
}

func (p *raster) line(x1, y1, x2, y2 float64) {
	dx, dy := x2-x1, y2-y1
	n := math.Hypot(dx, dy)
	if n == 0 {
		return
	}
	ox, oy := -dy/n*p.st.lineWidth/2, dx/n*p.st.lineWidth/2
	p.polygon(p.st.draw, [][2]float64{{x1 + ox, y1 + oy}, {x2 + ox, y2 + oy}, {x2 - ox, y2 - oy}, {x1 - ox, y1 - oy}})
}

// code128 draws the bars on whole pixels, each module the same whole number of them (the
// module rounded), about the same centre: bars a scanner reads, without grey edges. A barcode
// turned by other than a quarter (none is) is drawn as shapes.
func (p *raster) code128(x, y, module, h float64, bars []bool, _ string) {
	g, ok := p.gridBars(x, y, module, h, len(bars))
	if !ok {
		fillBars(p, x, y, module, h, bars)
		return
	}
	for i, bar := range bars {
		if !bar {
			continue
		}
		r := g.module(i)
		draw.Draw(p.img, r.Intersect(p.img.Bounds()), image.NewUniform(p.st.fill), image.Point{}, draw.Src)
	}
}

// pixelBars is a barcode laid on the pixel grid: from (x, y), modules of n pixels along the
// x axis (or down the y axis when turned), bars h pixels long.
type pixelBars struct {
	x, y, n, h int
	turned     bool
}

func (g pixelBars) module(i int) image.Rectangle {
	if g.turned {
		return image.Rect(g.x, g.y+i*g.n, g.x+g.h, g.y+(i+1)*g.n)
	}
	return image.Rect(g.x+i*g.n, g.y, g.x+(i+1)*g.n, g.y+g.h)
}

// gridBars places a barcode of count modules on the pixel grid, if the drawing is not rotated
// other than by quarters.
func (p *raster) gridBars(x, y, module, h float64, count int) (pixelBars, bool) {
	m := p.st.m
	w := module * float64(count)
	x0, y0 := m.apply(x, y)
	x1, y1 := m.apply(x+w, y+h)
	var g pixelBars
	switch {
	case math.Abs(m.b) < 1e-9 && math.Abs(m.c) < 1e-9:
		n := max(1, int(math.Round(module*m.a)))
		cx := (x0 + x1) / 2
		g = pixelBars{x: int(math.Round(cx - float64(n*count)/2)), y: int(math.Round(min(y0, y1))), n: n, h: int(math.Round(math.Abs(y1 - y0)))}
	case math.Abs(m.a) < 1e-9 && math.Abs(m.d) < 1e-9:
		n := max(1, int(math.Round(module*math.Abs(m.b))))
		cy := (y0 + y1) / 2
		g = pixelBars{x: int(math.Round(min(x0, x1))), y: int(math.Round(cy - float64(n*count)/2)), n: n, h: int(math.Round(math.Abs(x1 - x0))), turned: true}
	default:
		return g, false
	}
	return g, true
}

// polygon fills a closed polygon given in ply millimetres.
func (p *raster) polygon(c color.Gray, pts [][2]float64) {
	px := make([][2]float64, len(pts))
	for i, q := range pts {
		px[i][0], px[i][1] = p.st.m.apply(q[0], q[1])
	}
	p.paint(c, func(dx, dy float64) {
		for i, q := range px {
			if i == 0 {
				p.rz.MoveTo(float32(q[0]-dx), float32(q[1]-dy))
			} else {
				p.rz.LineTo(float32(q[0]-dx), float32(q[1]-dy))
			}
		}
		p.rz.ClosePath()
	}, bounds(px))
}

// bounds is the pixel rectangle holding points.
func bounds(pts [][2]float64) image.Rectangle {
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, q := range pts {
		minX, maxX = min(minX, q[0]), max(maxX, q[0])
		minY, maxY = min(minY, q[1]), max(maxY, q[1])
	}
	return image.Rect(int(math.Floor(minX)), int(math.Floor(minY)), int(math.Ceil(maxX))+1, int(math.Ceil(maxY))+1)
}

// paint rasterizes a path drawn by path (in pixels less the offset it is given) inside the
// rectangle r of the page, and lays it over the page in colour c at the current alpha.
func (p *raster) paint(c color.Gray, path func(dx, dy float64), r image.Rectangle) {
	r = r.Intersect(p.img.Bounds())
	if r.Empty() {
		return
	}
	p.rz.Reset(r.Dx(), r.Dy())
	path(float64(r.Min.X), float64(r.Min.Y))
	var src image.Image = image.NewUniform(c)
	if p.st.alpha < 1 {
		a := uint8(math.Round(p.st.alpha * 255))
		src = image.NewUniform(color.NRGBA{c.Y, c.Y, c.Y, a})
	}
	p.rz.DrawOp = draw.Over
	p.rz.Draw(p.img, r, src, image.Point{})
}

// text draws glyph outlines along the same advances the PDF uses. Bold is the glyph drawn a
// second and third time, offset by half the PDF's outline stroke each way.
func (p *raster) text(x, y, size float64, s string, bold bool) {
	em := size * ptToMM // mm per em
	pen := x
	for _, r := range s {
		fi := p.fonts.pick(r)
		offsets := [][2]float64{{0, 0}}
		if bold {
			d := boldStroke * em / 2
			offsets = [][2]float64{{-d / 2, 0}, {d / 2, 0}, {0, -d / 2}}
		}
		for _, o := range offsets {
			p.glyph(fi, r, pen+o[0], y+o[1], em)
		}
		pen += p.fonts.advance(r) * em
	}
}

// glyph draws rune r of font fi with its origin at (x, y), em millimetres to the em.
func (p *raster) glyph(fi int, r rune, x, y, em float64) {
	f := p.faces.fonts[fi]
	gi, err := f.GlyphIndex(&p.buf, r)
	if err != nil || gi == 0 {
		return // no glyph: drawn as nothing
	}
	upem := p.faces.upem[fi]
	segs, err := f.LoadGlyph(&p.buf, gi, fixed.I(int(upem)), nil)
	if err != nil || len(segs) == 0 {
		return
	}
	// Font units (y down, as sfnt gives them) to ply millimetres, then to pixels.
	u := em / upem
	m := p.st.m.compose(affine{a: u, d: u, e: x, f: y})
	var pts [][2]float64
	tr := func(v fixed.Point26_6) [2]float64 {
		px, py := m.apply(float64(v.X)/64, float64(v.Y)/64)
		return [2]float64{px, py}
	}
	for _, sg := range segs {
		for i := range sg.Args {
			pts = append(pts, tr(sg.Args[i]))
		}
	}
	p.paint(p.st.text, func(dx, dy float64) {
		at := func(v fixed.Point26_6) (float32, float32) {
			q := tr(v)
			return float32(q[0] - dx), float32(q[1] - dy)
		}
		for i, sg := range segs {
			switch sg.Op {
			case sfnt.SegmentOpMoveTo:
				if i > 0 {
					p.rz.ClosePath() // the rasterizer's MoveTo leaves the contour before open
				}
				p.rz.MoveTo(at(sg.Args[0]))
			case sfnt.SegmentOpLineTo:
				p.rz.LineTo(at(sg.Args[0]))
			case sfnt.SegmentOpQuadTo:
				x1, y1 := at(sg.Args[0])
				x2, y2 := at(sg.Args[1])
				p.rz.QuadTo(x1, y1, x2, y2)
			case sfnt.SegmentOpCubeTo:
				x1, y1 := at(sg.Args[0])
				x2, y2 := at(sg.Args[1])
				x3, y3 := at(sg.Args[2])
				p.rz.CubeTo(x1, y1, x2, y2, x3, y3)
			}
		}
		p.rz.ClosePath()
	}, bounds(pts))
}
