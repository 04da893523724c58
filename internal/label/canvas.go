package label

import (
	"strings"
	"unicode"
)

const ptToMM = 25.4 / 72

// canvas draws in millimetres relative to the ply being drawn (origin ox, oy on the page).
// A PDF is drawn twice: first with no surface, only recording which runes it draws so that
// it can embed just those glyphs, then for real. Widths come from the parsed fonts, so both
// passes lay out the same, and so does a raster or thermal page.
type canvas struct {
	out    surface // nil in the recording pass
	fonts  *fontSet
	used   map[rune]bool
	ox, oy float64
}

// Bold is drawn by also stroking the glyph outlines of the regular fonts (0.05 em wide): a bold
// font would be one more font in every document.
const boldStroke = 0.05 // outline stroke width for bold, in em

// clean makes s printable on one line: control characters become spaces, runs of spaces
// shrink to one and runes outside the BMP (which the fonts are not read for) become U+FFFD.
func clean(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.TrimSpace(s) {
		switch {
		case unicode.IsSpace(r) || unicode.IsControl(r):
			space = true
			continue
		case r > 0xFFFF:
			r = '\uFFFD'
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (c *canvas) runeWidth(r rune, size float64, bold bool) float64 {
	return c.fonts.advance(r) * size * ptToMM
}

// width is the width of s in millimetres at size points.
func (c *canvas) width(s string, size float64, bold bool) float64 {
	w := 0.0
	for _, r := range s {
		w += c.runeWidth(r, size, bold)
	}
	return w
}

// text draws s with its baseline at y, starting at x.
func (c *canvas) text(x, y float64, s string, size float64, bold bool) {
	if c.out == nil {
		for _, r := range s {
			c.used[r] = true
		}
		return
	}
	c.out.text(c.ox+x, c.oy+y, size, s, bold)
}

type align int

const (
	left align = iota
	center
	right
)

// textStyle is how textIn draws: at size points, shrinking down to min (0: never) before
// cutting the text short, bold or not, aligned in its width.
type textStyle struct {
	size, min float64
	bold      bool
	align     align
}

// textIn draws s on one line in the width w starting at x, shrinking it down to st.min and
// then cutting it short with an ellipsis if it is still too long.
func (c *canvas) textIn(x, y, w float64, s string, st textStyle) {
	s = clean(s)
	if s == "" {
		return
	}
	size, bold := st.size, st.bold
	tw := c.width(s, size, bold)
	if tw > w && st.min > 0 && st.min < size {
		size = max(st.min, size*w/tw*0.999)
		tw = c.width(s, size, bold)
	}
	if tw > w {
		s = c.cut(s, w, size, bold)
		tw = c.width(s, size, bold)
	}
	switch st.align {
	case center:
		x += (w - tw) / 2
	case right:
		x += w - tw
	}
	c.text(x, y, s, size, bold)
}

// cut shortens s to fit w, ending it with an ellipsis.
func (c *canvas) cut(s string, w, size float64, bold bool) string {
	rs := []rune(s)
	ell := c.width("…", size, bold)
	// Binary search for the longest prefix that fits: width grows with length.
	lo, hi := 0, len(rs)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if c.width(string(rs[:mid]), size, bold)+ell <= w {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return strings.TrimRight(string(rs[:lo]), " ") + "…"
}

// isWide reports whether r is a CJK character, which lines may break before or after.
// Korean puts spaces between words, so Hangul breaks at spaces like Latin.
func isWide(r rune) bool {
	return r >= 0x2E80 && r <= 0x9FFF && !isHangul(r) || r >= 0xF900 && r <= 0xFAFF || r >= 0xFF00 && r <= 0xFFEF
}

// wrap breaks s into lines no wider than w: at spaces, around CJK characters, and inside a
// word only when the word alone is too wide.
func (c *canvas) wrap(s string, w, size float64, bold bool) []string {
	rs := []rune(clean(s))
	var lines []string
	for len(rs) > 0 {
		for len(rs) > 0 && rs[0] == ' ' {
			rs = rs[1:]
		}
		used, end, brk := 0.0, 0, -1
		for end < len(rs) {
			rw := c.runeWidth(rs[end], size, bold)
			if used+rw > w && end > 0 {
				break
			}
			used += rw
			end++
			if end < len(rs) && (rs[end] == ' ' || isWide(rs[end]) || isWide(rs[end-1])) {
				brk = end
			}
		}
		if end == len(rs) {
			lines = append(lines, string(rs))
			break
		}
		if brk > 0 {
			end = brk
		}
		lines = append(lines, strings.TrimRight(string(rs[:end]), " "))
		rs = rs[end:]
	}
	return lines
}

// para is a paragraph of a text block: its size relative to the block's and its weight.
type para struct {
	text string
	rel  float64
	bold bool
}

func lineHeight(size float64) float64 { return size * 1.2 * ptToMM }

// block draws paragraphs wrapped into the box (x, y, w, h) at the largest size from size down
// to minSize at which they fit; at minSize what does not fit is cut off with an ellipsis.
func (c *canvas) block(x, y, w, h float64, paras []para, size, minSize float64) {
	type line struct {
		text string
		size float64
		bold bool
	}
	layout := func(size float64) ([]line, float64) {
		var out []line
		total := 0.0
		for _, p := range paras {
			if clean(p.text) == "" {
				continue
			}
			s := size * p.rel
			for _, l := range c.wrap(p.text, w, s, p.bold) {
				out = append(out, line{l, s, p.bold})
				total += lineHeight(s)
			}
		}
		return out, total
	}
	lines, total := layout(size)
	for total > h && size > minSize {
		size = max(minSize, size-0.5)
		lines, total = layout(size)
	}
	bottom := y + h + 0.01
	for i, l := range lines {
		lh := lineHeight(l.size)
		if y+lh > bottom {
			break
		}
		text := l.text
		if i+1 < len(lines) && y+lh+lineHeight(lines[i+1].size) > bottom {
			text = c.cut(text+" ", w, l.size, l.bold)
		}
		c.text(x, y+lh*0.8, text, l.size, l.bold)
		y += lh
	}
}

func (c *canvas) rect(x, y, w, h, lineWidth float64) {
	if c.out == nil {
		return
	}
	c.out.setLineWidth(lineWidth)
	c.out.rect(c.ox+x, c.oy+y, w, h, false)
}

func (c *canvas) fill(x, y, w, h float64) {
	if c.out == nil {
		return
	}
	c.out.rect(c.ox+x, c.oy+y, w, h, true)
}

func (c *canvas) line(x1, y1, x2, y2, lineWidth float64) {
	if c.out == nil {
		return
	}
	c.out.setLineWidth(lineWidth)
	c.out.line(c.ox+x1, c.oy+y1, c.ox+x2, c.oy+y2)
}

// watermark draws s large, light and at an angle across a W×H ply: a preview is for looking
// at, not for posting (LBL-9).
func (c *canvas) watermark(s string, W, H float64) {
	s = clean(s)
	if s == "" {
		return
	}
	size := 0.6 * W / c.width(s, 1, true)
	if size > 72 {
		size = 72
	}
	tw := c.width(s, size, true)
	if c.out == nil {
		c.text(0, 0, s, size, true)
		return
	}
	cx, cy := c.ox+W/2, c.oy+H/2
	c.out.setAlpha(0.3)
	c.out.setTextColor(200, 0, 0)
	c.out.setDrawColor(200, 0, 0)
	c.out.save()
	c.out.rotate(30, cx, cy)
	c.text(W/2-tw/2, H/2+size*ptToMM/3, s, size, true)
	c.out.restore()
	c.out.setTextColor(0, 0, 0)
	c.out.setDrawColor(0, 0, 0)
	c.out.setAlpha(1)
}
