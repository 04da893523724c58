package label

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
)

// ttFont is a TrueType font read once: its tables, its BMP character map and the glyph
// locations. Reading a whole font takes milliseconds (about 20 ms for the 4 MB CJK font), so
// each document embeds instead a small font cut from these holding only the glyphs that
// document uses (see subsetMerged).
type ttFont struct {
	tables      map[string][]byte
	unitsPerEm  int
	numGlyphs   int
	numHMetrics int
	loca        []uint32 // numGlyphs+1 offsets into glyf
	cmap        []uint16 // glyph of each BMP rune, 0 when the font has none
}

var be = binary.BigEndian

func parseTTF(data []byte) (*ttFont, error) {
	if len(data) < 12 {
		return nil, errors.New("ttf: file too short")
	}
	if v := be.Uint32(data); v != 0x00010000 && v != 0x74727565 {
		return nil, fmt.Errorf("ttf: not a TrueType font (version %#x)", v)
	}
	n := int(be.Uint16(data[4:]))
	if len(data) < 12+16*n {
		return nil, errors.New("ttf: table directory truncated")
	}
	f := &ttFont{tables: make(map[string][]byte, n)}
	for i := range n {
		rec := data[12+16*i:]
		off, length := int(be.Uint32(rec[8:])), int(be.Uint32(rec[12:]))
		if off < 0 || length < 0 || off+length > len(data) {
			return nil, fmt.Errorf("ttf: table %q out of range", rec[:4])
		}
		f.tables[string(rec[:4])] = data[off : off+length]
	}
	for _, tag := range []string{"head", "hhea", "maxp", "hmtx", "loca", "glyf", "cmap", "OS/2", "post"} {
		if f.tables[tag] == nil {
			return nil, fmt.Errorf("ttf: missing table %q", tag)
		}
	}
	head, hhea, maxp := f.tables["head"], f.tables["hhea"], f.tables["maxp"]
	if len(head) < 54 || len(hhea) < 36 || len(maxp) < 6 || len(f.tables["post"]) < 32 {
		return nil, errors.New("ttf: head, hhea, maxp or post too short")
	}
	f.unitsPerEm = int(be.Uint16(head[18:]))
	f.numGlyphs = int(be.Uint16(maxp[4:]))
	f.numHMetrics = int(be.Uint16(hhea[34:]))
	if f.unitsPerEm == 0 || f.numHMetrics == 0 || f.numHMetrics > f.numGlyphs ||
		len(f.tables["hmtx"]) < 4*f.numHMetrics+2*(f.numGlyphs-f.numHMetrics) {
		return nil, errors.New("ttf: bad metrics")
	}
	if err := f.readLoca(int16(be.Uint16(head[50:])) == 1); err != nil {
		return nil, err
	}
	if err := f.readCmap(); err != nil {
		return nil, err
	}
	return f, nil
}

func (f *ttFont) readLoca(long bool) error {
	loca, glyf := f.tables["loca"], f.tables["glyf"]
	f.loca = make([]uint32, f.numGlyphs+1)
	for i := range f.loca {
		var off uint32
		switch {
		case long && len(loca) >= 4*i+4:
			off = be.Uint32(loca[4*i:])
		case !long && len(loca) >= 2*i+2:
			off = 2 * uint32(be.Uint16(loca[2*i:]))
		default:
			return errors.New("ttf: loca truncated")
		}
		if int(off) > len(glyf) || (i > 0 && off < f.loca[i-1]) {
			return errors.New("ttf: bad loca offset")
		}
		f.loca[i] = off
	}
	return nil
}

// readCmap prefers the full-repertoire subtable (format 12) and falls back to the BMP one
// (format 4); only BMP runes are kept because the subsets have format 4 maps only.
func (f *ttFont) readCmap() error {
	c := f.tables["cmap"]
	if len(c) < 4 {
		return errors.New("ttf: cmap too short")
	}
	var fmt4, fmt12 []byte
	for i := range int(be.Uint16(c[2:])) {
		rec := 4 + 8*i
		if len(c) < rec+8 {
			return errors.New("ttf: cmap truncated")
		}
		platform, encoding, off := be.Uint16(c[rec:]), be.Uint16(c[rec+2:]), int(be.Uint32(c[rec+4:]))
		if off+2 > len(c) || !(platform == 0 || platform == 3 && (encoding == 1 || encoding == 10)) {
			continue
		}
		switch be.Uint16(c[off:]) {
		case 4:
			fmt4 = c[off:]
		case 12:
			fmt12 = c[off:]
		}
	}
	f.cmap = make([]uint16, 0x10000)
	switch {
	case fmt12 != nil:
		return f.readCmap12(fmt12)
	case fmt4 != nil:
		return f.readCmap4(fmt4)
	}
	return errors.New("ttf: no Unicode cmap")
}

func (f *ttFont) readCmap4(t []byte) error {
	if len(t) < 14 {
		return errors.New("ttf: cmap 4 too short")
	}
	segs := int(be.Uint16(t[6:])) / 2
	if len(t) < 16+8*segs {
		return errors.New("ttf: cmap 4 truncated")
	}
	ends, starts := t[14:], t[16+2*segs:]
	deltas, ranges := t[16+4*segs:], t[16+6*segs:]
	for s := range segs {
		start, end := int(be.Uint16(starts[2*s:])), int(be.Uint16(ends[2*s:]))
		delta, ro := be.Uint16(deltas[2*s:]), int(be.Uint16(ranges[2*s:]))
		for r := start; r <= end && r < 0xFFFF; r++ {
			var g uint16
			if ro == 0 {
				g = uint16(r) + delta
			} else {
				at := 16 + 6*segs + 2*s + ro + 2*(r-start)
				if at+2 > len(t) {
					return errors.New("ttf: cmap 4 glyph array truncated")
				}
				if g = be.Uint16(t[at:]); g != 0 {
					g += delta
				}
			}
			if int(g) < f.numGlyphs {
				f.cmap[r] = g
			}
		}
	}
	return nil
}

func (f *ttFont) readCmap12(t []byte) error {
	if len(t) < 16 {
		return errors.New("ttf: cmap 12 too short")
	}
	n := int(be.Uint32(t[12:]))
	if n < 0 || len(t) < 16+12*n {
		return errors.New("ttf: cmap 12 truncated")
	}
	for i := range n {
		g := t[16+12*i:]
		start, end, gid := be.Uint32(g), be.Uint32(g[4:]), be.Uint32(g[8:])
		for r := start; r <= end && r < 0xFFFF; r++ {
			if id := gid + (r - start); id < uint32(f.numGlyphs) {
				f.cmap[r] = uint16(id)
			}
		}
	}
	return nil
}

// has reports whether the font draws r.
func (f *ttFont) has(r rune) bool { return r > 0 && r < 0xFFFF && f.cmap[r] != 0 }

// advance is r's advance width in em (1.0 = the font size).
func (f *ttFont) advance(r rune) float64 {
	var g int
	if r > 0 && r < 0xFFFF {
		g = int(f.cmap[r])
	}
	return float64(f.hmetric(g)) / float64(f.unitsPerEm)
}

func (f *ttFont) hmetric(g int) uint16 {
	hmtx := f.tables["hmtx"]
	if g < f.numHMetrics {
		return be.Uint16(hmtx[4*g:])
	}
	return be.Uint16(hmtx[4*(f.numHMetrics-1):])
}

func (f *ttFont) lsb(g int) uint16 {
	hmtx := f.tables["hmtx"]
	if g < f.numHMetrics {
		return be.Uint16(hmtx[4*g+2:])
	}
	return be.Uint16(hmtx[4*f.numHMetrics+2*(g-f.numHMetrics):])
}

func (f *ttFont) glyph(g int) []byte {
	return f.tables["glyf"][f.loca[g]:f.loca[g+1]]
}

// Composite glyph flags (TrueType glyf table).
const (
	argsAreWords   = 0x0001
	haveScale      = 0x0008
	moreComponents = 0x0020
	haveXYScale    = 0x0040
	haveTwoByTwo   = 0x0080
)

// components calls fn with the offset of each component's glyph index in a composite glyph.
func components(data []byte, fn func(at int)) {
	if len(data) < 10 || int16(be.Uint16(data)) >= 0 {
		return
	}
	for at := 10; at+4 <= len(data); {
		flags := be.Uint16(data[at:])
		fn(at + 2)
		at += 4
		if flags&argsAreWords != 0 {
			at += 4
		} else {
			at += 2
		}
		switch {
		case flags&haveScale != 0:
			at += 2
		case flags&haveXYScale != 0:
			at += 4
		case flags&haveTwoByTwo != 0:
			at += 8
		}
		if flags&moreComponents == 0 {
			return
		}
	}
}

// glyphKey names a glyph of one of the merged fonts.
type glyphKey struct {
	font int
	gid  uint16
}

// fontSubset is a document's font: the TrueType file and what a PDF says about it.
type fontSubset struct {
	ttf        []byte
	unitsPerEm int
	glyphs     map[rune]uint16 // the glyph drawing each rune; runes no font has are absent
	advances   []uint16        // each glyph's advance width, in font units
	bbox       [4]int16        // xMin, yMin, xMax, yMax over all glyphs, in font units
	ascent     int16           // hhea ascender
	descent    int16           // hhea descender
	capHeight  int16           // OS/2 sCapHeight, or the ascender when the table has none
	weight     int             // OS/2 usWeightClass
	italic     float64         // post italicAngle, in degrees
	fixedPitch bool
}

// subsetMerged builds one TrueType font from several: the glyphs of runes (each from the
// font pick names, skipping runes it lacks) and the glyphs their composites use, numbered
// from 1 (0 is the first font's .notdef), with a format 4 cmap. The first font is the base:
// its metrics, names and hinting are kept and its glyphs copied as they are; the others'
// glyphs are scaled to its units per em and lose their hinting instructions. Layout tables,
// glyph names and long name records are dropped: they would be copied into every PDF.
func subsetMerged(fonts []*ttFont, runes []rune, pick func(rune) int) *fontSubset {
	runes = slices.Clone(runes)
	slices.Sort(runes)
	runes = slices.Compact(runes)
	base := fonts[0]

	newID := make(map[glyphKey]uint16, len(runes)+1)
	order := make([]glyphKey, 0, len(runes)+1)
	var add func(k glyphKey)
	add = func(k glyphKey) {
		f := fonts[k.font]
		if _, ok := newID[k]; ok || int(k.gid) >= f.numGlyphs {
			return
		}
		newID[k] = uint16(len(order))
		order = append(order, k)
		data := f.glyph(int(k.gid))
		components(data, func(at int) { add(glyphKey{k.font, be.Uint16(data[at:])}) })
	}
	add(glyphKey{0, 0})
	mapped := make([]rune, 0, len(runes))
	glyphOf := make(map[rune]uint16, len(runes))
	for _, r := range runes {
		i := pick(r)
		if !fonts[i].has(r) {
			continue
		}
		k := glyphKey{i, fonts[i].cmap[r]}
		add(k)
		mapped = append(mapped, r)
		glyphOf[r] = newID[k]
	}

	head := slices.Clone(base.tables["head"])
	bbox := [4]int16{int16(be.Uint16(head[36:])), int16(be.Uint16(head[38:])), int16(be.Uint16(head[40:])), int16(be.Uint16(head[42:]))}
	size := 0 // the glyphs' size as they are, which scaling changes little
	for _, k := range order {
		size += len(fonts[k.font].glyph(int(k.gid))) + 3
	}
	glyf := make([]byte, 0, size+size/8)
	loca := make([]byte, 0, 4*len(order)+4)
	hmtx := make([]byte, 0, 4*len(order))
	advances := make([]uint16, 0, len(order))
	for _, k := range order {
		f := fonts[k.font]
		scale := float64(base.unitsPerEm) / float64(f.unitsPerEm)
		loca = be.AppendUint32(loca, uint32(len(glyf)))
		remap := func(old uint16) uint16 { return newID[glyphKey{k.font, old}] }
		data := f.glyph(int(k.gid))
		if k.font == 0 {
			start := len(glyf)
			glyf = append(glyf, data...)
			components(glyf[start:], func(at int) {
				be.PutUint16(glyf[start+at:], remap(be.Uint16(glyf[start+at:])))
			})
		} else if len(data) >= 10 {
			g, err := scaleGlyph(data, scale, remap)
			if err == nil {
				glyf = append(glyf, g...)
				for i := range 4 {
					v := int16(be.Uint16(g[2+2*i:]))
					if i < 2 {
						bbox[i] = min(bbox[i], v)
					} else {
						bbox[i] = max(bbox[i], v)
					}
				}
			}
		}
		for len(glyf)%4 != 0 {
			glyf = append(glyf, 0)
		}
		adv := uint16(math.Round(float64(f.hmetric(int(k.gid))) * scale))
		advances = append(advances, adv)
		hmtx = be.AppendUint16(hmtx, adv)
		hmtx = be.AppendUint16(hmtx, uint16(int16(math.Round(float64(int16(f.lsb(int(k.gid))))*scale))))
	}
	loca = be.AppendUint32(loca, uint32(len(glyf)))

	be.PutUint32(head[8:], 0)  // checkSumAdjustment: not needed by viewers
	be.PutUint16(head[50:], 1) // long loca
	for i, v := range bbox {
		be.PutUint16(head[36+2*i:], uint16(v))
	}
	hhea := slices.Clone(base.tables["hhea"])
	be.PutUint16(hhea[34:], uint16(len(order)))
	maxp := slices.Clone(base.tables["maxp"])
	be.PutUint16(maxp[4:], uint16(len(order)))
	// The maximum points, contours, depths and so on are the largest of any font's.
	for _, f := range fonts[1:] {
		if m := f.tables["maxp"]; len(m) >= 32 && len(maxp) >= 32 {
			for at := 6; at < 32; at += 2 {
				be.PutUint16(maxp[at:], max(be.Uint16(maxp[at:]), be.Uint16(m[at:])))
			}
		}
	}
	post := slices.Clone(base.tables["post"][:32])
	be.PutUint32(post, 0x00030000) // no glyph names

	tables := map[string][]byte{
		"head": head, "hhea": hhea, "maxp": maxp, "post": post,
		"OS/2": base.tables["OS/2"], "name": base.shortName(),
		"cmap": cmap4(mapped, func(r rune) uint16 { return glyphOf[r] }),
		"glyf": glyf, "loca": loca, "hmtx": hmtx,
	}
	for _, tag := range []string{"cvt ", "fpgm", "prep", "gasp"} {
		if t := base.tables[tag]; t != nil {
			tables[tag] = t
		}
	}
	sub := &fontSubset{
		ttf:        assemble(tables),
		unitsPerEm: base.unitsPerEm,
		glyphs:     glyphOf,
		advances:   advances,
		bbox:       bbox,
		ascent:     int16(be.Uint16(hhea[4:])),
		descent:    int16(be.Uint16(hhea[6:])),
		italic:     float64(int32(be.Uint32(post[4:]))) / 65536,
		fixedPitch: be.Uint32(post[12:]) != 0,
		weight:     400,
	}
	sub.capHeight = sub.ascent
	if os2 := base.tables["OS/2"]; len(os2) >= 6 {
		sub.weight = int(be.Uint16(os2[4:]))
		if be.Uint16(os2) >= 2 && len(os2) >= 90 {
			sub.capHeight = int16(be.Uint16(os2[88:]))
		}
	}
	return sub
}

// glyphReader reads big-endian values from glyph data, remembering if it ran past the end.
type glyphReader struct {
	d   []byte
	at  int
	bad bool
}

func (r *glyphReader) u8() byte {
	if r.at+1 > len(r.d) {
		r.bad = true
		return 0
	}
	r.at++
	return r.d[r.at-1]
}

func (r *glyphReader) u16() uint16 {
	if r.at+2 > len(r.d) {
		r.bad = true
		return 0
	}
	r.at += 2
	return be.Uint16(r.d[r.at-2:])
}

func (r *glyphReader) skip(n int) {
	if r.at+n > len(r.d) {
		r.bad = true
		return
	}
	r.at += n
}

var errGlyph = errors.New("ttf: malformed glyph")

// scaleGlyph rewrites a glyph scaled by s, without hinting instructions, with composite
// components renumbered by remap.
func scaleGlyph(d []byte, s float64, remap func(uint16) uint16) ([]byte, error) {
	sc := func(v int) int16 { return int16(math.Round(float64(v) * s)) }
	r := &glyphReader{d: d}
	contours := int16(r.u16())
	out := be.AppendUint16(nil, uint16(contours))
	for range 4 { // bounding box
		out = be.AppendUint16(out, uint16(sc(int(int16(r.u16())))))
	}
	if contours < 0 {
		return scaleComposite(r, out, sc, remap)
	}
	points := 0
	for i := range int(contours) {
		end := r.u16()
		out = be.AppendUint16(out, end)
		if i == int(contours)-1 {
			points = int(end) + 1
		}
	}
	r.skip(int(r.u16())) // instructions
	out = be.AppendUint16(out, 0)
	flags := make([]byte, 0, points)
	for len(flags) < points && !r.bad {
		f := r.u8()
		flags = append(flags, f)
		if f&0x08 != 0 { // repeat
			for n := r.u8(); n > 0 && len(flags) < points; n-- {
				flags = append(flags, f)
			}
		}
	}
	coords := func(short, same byte) []int {
		vs := make([]int, len(flags))
		v := 0
		for i, f := range flags {
			switch {
			case f&short != 0:
				d := int(r.u8())
				if f&same == 0 {
					d = -d
				}
				v += d
			case f&same == 0:
				v += int(int16(r.u16()))
			}
			vs[i] = v
		}
		return vs
	}
	xs := coords(0x02, 0x10)
	ys := coords(0x04, 0x20)
	if r.bad {
		return nil, errGlyph
	}
	// Re-encode: each delta as "same", a byte with its sign in the flag, or a word.
	var fl, xb, yb []byte
	encode := func(d int, short, same byte, buf []byte) (byte, []byte) {
		switch {
		case d == 0:
			return same, buf
		case d > -256 && d < 256:
			if d > 0 {
				return short | same, append(buf, byte(d))
			}
			return short, append(buf, byte(-d))
		}
		return 0, be.AppendUint16(buf, uint16(int16(d)))
	}
	px, py := 0, 0
	for i, f := range flags {
		x, y := int(sc(xs[i])), int(sc(ys[i]))
		var fx, fy byte
		fx, xb = encode(x-px, 0x02, 0x10, xb)
		fy, yb = encode(y-py, 0x04, 0x20, yb)
		fl = append(fl, f&0x01|fx|fy)
		px, py = x, y
	}
	out = append(out, fl...)
	out = append(out, xb...)
	return append(out, yb...), nil
}

func scaleComposite(r *glyphReader, out []byte, sc func(int) int16, remap func(uint16) uint16) ([]byte, error) {
	const (
		argsAreXY        = 0x0002
		haveInstructions = 0x0100
	)
	for {
		flags := r.u16()
		gid := r.u16()
		var a1, a2 int
		if flags&argsAreWords != 0 {
			a1, a2 = int(r.u16()), int(r.u16())
		} else {
			a1, a2 = int(r.u8()), int(r.u8())
		}
		outFlags := flags &^ haveInstructions
		if flags&argsAreXY != 0 {
			if flags&argsAreWords != 0 {
				a1, a2 = int(int16(a1)), int(int16(a2))
			} else {
				a1, a2 = int(int8(a1)), int(int8(a2))
			}
			a1, a2 = int(sc(a1)), int(sc(a2))
			outFlags |= argsAreWords
		}
		out = be.AppendUint16(out, outFlags)
		out = be.AppendUint16(out, remap(gid))
		if outFlags&argsAreWords != 0 {
			out = be.AppendUint16(out, uint16(a1))
			out = be.AppendUint16(out, uint16(a2))
		} else {
			out = append(out, byte(a1), byte(a2))
		}
		n := 0
		switch {
		case flags&haveScale != 0:
			n = 2
		case flags&haveXYScale != 0:
			n = 4
		case flags&haveTwoByTwo != 0:
			n = 8
		}
		start := r.at
		r.skip(n)
		if r.bad {
			return nil, errGlyph
		}
		out = append(out, r.d[start:r.at]...)
		if flags&moreComponents == 0 {
			if r.bad {
				return nil, errGlyph
			}
			return out, nil
		}
	}
}

// shortName keeps the copyright, family, style, unique, full and PostScript names (Windows
// Unicode records) and drops the rest, e.g. DejaVu's 15 KB licence text.
func (f *ttFont) shortName() []byte {
	t := f.tables["name"]
	var keep [][4]uint16
	var strs [][]byte
	if len(t) >= 6 && be.Uint16(t) == 0 {
		count, base := int(be.Uint16(t[2:])), int(be.Uint16(t[4:]))
		for i := range count {
			r := t[6+12*i:]
			if len(r) < 12 {
				break
			}
			platform, enc, lang, id := be.Uint16(r), be.Uint16(r[2:]), be.Uint16(r[4:]), be.Uint16(r[6:])
			length, off := int(be.Uint16(r[8:])), int(be.Uint16(r[10:]))
			if platform != 3 || enc != 1 || lang != 0x409 || id > 6 || id == 5 || base+off+length > len(t) {
				continue
			}
			keep = append(keep, [4]uint16{platform, enc, lang, id})
			strs = append(strs, t[base+off:base+off+length])
		}
	}
	out := be.AppendUint16(nil, 0)
	out = be.AppendUint16(out, uint16(len(keep)))
	out = be.AppendUint16(out, uint16(6+12*len(keep)))
	off := 0
	for i, k := range keep {
		for _, v := range k {
			out = be.AppendUint16(out, v)
		}
		out = be.AppendUint16(out, uint16(len(strs[i])))
		out = be.AppendUint16(out, uint16(off))
		off += len(strs[i])
	}
	for _, s := range strs {
		out = append(out, s...)
	}
	return out
}

// cmap4 writes a cmap table with one Windows Unicode BMP subtable (format 4) mapping each
// rune (sorted, unique) to glyph(r); runs of consecutive runes and glyphs share a segment.
func cmap4(runes []rune, glyph func(rune) uint16) []byte {
	type seg struct {
		start, end rune
		delta      uint16
	}
	var segs []seg
	for _, r := range runes {
		d := glyph(r) - uint16(r)
		if n := len(segs); n > 0 && segs[n-1].end == r-1 && segs[n-1].delta == d {
			segs[n-1].end = r
			continue
		}
		segs = append(segs, seg{r, r, d})
	}
	segs = append(segs, seg{0xFFFF, 0xFFFF, 1})
	n := len(segs)
	searchRange, selector := 2, 0
	for searchRange*2 <= 2*n {
		searchRange *= 2
		selector++
	}
	sub := be.AppendUint16(nil, 4)
	sub = be.AppendUint16(sub, uint16(16+8*n))
	sub = be.AppendUint16(sub, 0) // language
	sub = be.AppendUint16(sub, uint16(2*n))
	sub = be.AppendUint16(sub, uint16(searchRange))
	sub = be.AppendUint16(sub, uint16(selector))
	sub = be.AppendUint16(sub, uint16(2*n-searchRange))
	for _, s := range segs {
		sub = be.AppendUint16(sub, uint16(s.end))
	}
	sub = be.AppendUint16(sub, 0) // reservedPad
	for _, s := range segs {
		sub = be.AppendUint16(sub, uint16(s.start))
	}
	for _, s := range segs {
		sub = be.AppendUint16(sub, s.delta)
	}
	for range segs {
		sub = be.AppendUint16(sub, 0) // idRangeOffset
	}
	out := []byte{0, 0, 0, 1, 0, 3, 0, 1, 0, 0, 0, 12}
	return append(out, sub...)
}

// assemble writes a TrueType file from its tables, in tag order, 4-byte aligned.
func assemble(tables map[string][]byte) []byte {
	tags := make([]string, 0, len(tables))
	for tag := range tables {
		tags = append(tags, tag)
	}
	sort.Strings(tags)
	n := len(tags)
	searchRange, selector := 1, 0
	for searchRange*2 <= n {
		searchRange *= 2
		selector++
	}
	out := be.AppendUint32(nil, 0x00010000)
	out = be.AppendUint16(out, uint16(n))
	out = be.AppendUint16(out, uint16(16*searchRange))
	out = be.AppendUint16(out, uint16(selector))
	out = be.AppendUint16(out, uint16(16*(n-searchRange)))
	off := 12 + 16*n
	for _, tag := range tags {
		t := tables[tag]
		out = append(out, tag...)
		out = be.AppendUint32(out, checksum(t))
		out = be.AppendUint32(out, uint32(off))
		out = be.AppendUint32(out, uint32(len(t)))
		off += (len(t) + 3) &^ 3
	}
	for _, tag := range tags {
		out = append(out, tables[tag]...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	return out
}

func checksum(t []byte) uint32 {
	var sum uint32
	for i := 0; i < len(t); i += 4 {
		var w [4]byte
		copy(w[:], t[i:])
		sum += be.Uint32(w[:])
	}
	return sum
}
