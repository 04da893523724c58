package label

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sort"
)

// ttFont is a TrueType font read once: its tables, its BMP character map and the glyph
// locations. Reading a whole font takes milliseconds (about 20 ms for the 4 MB CJK font), so
// each document embeds instead a small font cut from these holding only the glyphs that
// document uses (see subset).
type ttFont struct {
	name        string // the name the PDF gives it
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

// fontSubset is a document's font: the TrueType file and what a PDF says about it.
type fontSubset struct {
	name       string // the font's name, which the PDF gives with a subset tag
	ttf        []byte
	unitsPerEm int
	glyphs     map[rune]uint16 // the glyph drawing each rune; runes the font lacks are absent
	advances   []uint16        // each glyph's advance width, in font units
	bbox       [4]int16        // head xMin, yMin, xMax, yMax, in font units
	ascent     int16           // hhea ascender
	descent    int16           // hhea descender
	capHeight  int16           // OS/2 sCapHeight, or the ascender when the table has none
	weight     int             // OS/2 usWeightClass
	italic     float64         // post italicAngle, in degrees
	fixedPitch bool
}

// subset cuts from f a font of the glyphs of runes (those f has) and the glyphs their
// composites use, numbered from 1 (0 is .notdef), with a format 4 cmap. The glyphs are
// copied as they are, composites pointing at their components' new numbers; metrics, names
// and hinting are kept. Layout tables, glyph names and long name records are dropped: they
// would be copied into every PDF.
func (f *ttFont) subset(runes []rune) *fontSubset {
	runes = slices.Clone(runes)
	slices.Sort(runes)
	runes = slices.Compact(runes)

	newID := make(map[uint16]uint16, len(runes)+1)
	order := make([]uint16, 0, len(runes)+1) // old glyph ids, by new id
	var add func(g uint16)
	add = func(g uint16) {
		if _, ok := newID[g]; ok || int(g) >= f.numGlyphs {
			return
		}
		newID[g] = uint16(len(order))
		order = append(order, g)
		data := f.glyph(int(g))
		components(data, func(at int) { add(be.Uint16(data[at:])) })
	}
	add(0)
	mapped := make([]rune, 0, len(runes))
	glyphOf := make(map[rune]uint16, len(runes))
	for _, r := range runes {
		if !f.has(r) {
			continue
		}
		add(f.cmap[r])
		mapped = append(mapped, r)
		glyphOf[r] = newID[f.cmap[r]]
	}

	size := 0
	for _, g := range order {
		size += len(f.glyph(int(g))) + 3
	}
	glyf := make([]byte, 0, size)
	loca := make([]byte, 0, 4*len(order)+4)
	hmtx := make([]byte, 0, 4*len(order))
	advances := make([]uint16, 0, len(order))
	for _, g := range order {
		loca = be.AppendUint32(loca, uint32(len(glyf)))
		start := len(glyf)
		glyf = append(glyf, f.glyph(int(g))...)
		components(glyf[start:], func(at int) {
			be.PutUint16(glyf[start+at:], newID[be.Uint16(glyf[start+at:])])
		})
		for len(glyf)%4 != 0 {
			glyf = append(glyf, 0)
		}
		adv := f.hmetric(int(g))
		advances = append(advances, adv)
		hmtx = be.AppendUint16(hmtx, adv)
		hmtx = be.AppendUint16(hmtx, f.lsb(int(g)))
	}
	loca = be.AppendUint32(loca, uint32(len(glyf)))

	head := slices.Clone(f.tables["head"])
	be.PutUint32(head[8:], 0)  // checkSumAdjustment: not needed by viewers
	be.PutUint16(head[50:], 1) // long loca
	hhea := slices.Clone(f.tables["hhea"])
	be.PutUint16(hhea[34:], uint16(len(order)))
	maxp := slices.Clone(f.tables["maxp"])
	be.PutUint16(maxp[4:], uint16(len(order)))
	post := slices.Clone(f.tables["post"][:32])
	be.PutUint32(post, 0x00030000) // no glyph names

	tables := map[string][]byte{
		"head": head, "hhea": hhea, "maxp": maxp, "post": post,
		"OS/2": f.tables["OS/2"], "name": f.shortName(),
		"cmap": cmap4(mapped, func(r rune) uint16 { return glyphOf[r] }),
		"glyf": glyf, "loca": loca, "hmtx": hmtx,
	}
	for _, tag := range []string{"cvt ", "fpgm", "prep", "gasp"} {
		if t := f.tables[tag]; t != nil {
			tables[tag] = t
		}
	}
	sub := &fontSubset{
		name:       f.name,
		ttf:        assemble(tables),
		unitsPerEm: f.unitsPerEm,
		glyphs:     glyphOf,
		advances:   advances,
		bbox:       [4]int16{int16(be.Uint16(head[36:])), int16(be.Uint16(head[38:])), int16(be.Uint16(head[40:])), int16(be.Uint16(head[42:]))},
		ascent:     int16(be.Uint16(hhea[4:])),
		descent:    int16(be.Uint16(hhea[6:])),
		italic:     float64(int32(be.Uint32(post[4:]))) / 65536,
		fixedPitch: be.Uint32(post[12:]) != 0,
		weight:     400,
	}
	sub.capHeight = sub.ascent
	if os2 := f.tables["OS/2"]; len(os2) >= 6 {
		sub.weight = int(be.Uint16(os2[4:]))
		if be.Uint16(os2) >= 2 && len(os2) >= 90 {
			sub.capHeight = int16(be.Uint16(os2[88:]))
		}
	}
	return sub
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
