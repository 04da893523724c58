package label

import (
	"math"
	"testing"
)

func TestFontsCoverScripts(t *testing.T) {
	fs, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		r    rune
		font int
	}{
		{'A', fontLatin}, {'é', fontLatin}, {'Ж', fontLatin}, {'☒', fontLatin}, {'…', fontLatin},
		{'陳', fontCJK}, {'龍', fontCJK}, {'の', fontCJK}, {'カ', fontCJK}, {'，', fontCJK},
		{'김', fontHangul}, {'가', fontHangul}, {'특', fontHangul},
	} {
		if got := fs.pick(tc.r); got != tc.font {
			t.Errorf("%q drawn by font %d, want %d", tc.r, got, tc.font)
		}
		if !fs.fonts[tc.font].has(tc.r) {
			t.Errorf("font %d lacks %q", tc.font, tc.r)
		}
	}
}

func TestSubsetMerged(t *testing.T) {
	fs, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	runes := []rune("Aé陳김 A")
	sub, err := parseTTF(fs.subsetFont(runes).ttf)
	if err != nil {
		t.Fatalf("the subset does not parse: %v", err)
	}
	if sub.numGlyphs > 12 {
		t.Errorf("%d glyphs for 5 runes", sub.numGlyphs)
	}
	if sub.unitsPerEm != fs.fonts[fontLatin].unitsPerEm {
		t.Errorf("units per em %d, want the base font's %d", sub.unitsPerEm, fs.fonts[fontLatin].unitsPerEm)
	}
	for _, r := range runes {
		if !sub.has(r) {
			t.Errorf("subset lacks %q", r)
			continue
		}
		// Advances survive the scaling to the base font's units per em.
		if got, want := sub.advance(r), fs.advance(r); math.Abs(got-want) > 0.002 {
			t.Errorf("%q advance %.4f em, want %.4f", r, got, want)
		}
		if g := sub.glyph(int(sub.cmap[r])); len(g) < 10 && r != ' ' {
			t.Errorf("%q has an empty glyph", r)
		}
	}
	if sub.has('B') {
		t.Error("subset has a rune it was not asked for")
	}
	// Composite glyphs point at components inside the subset.
	for g := range sub.numGlyphs {
		components(sub.glyph(g), func(at int) {
			c := int(be.Uint16(sub.glyph(g)[at:]))
			if c == 0 || c >= sub.numGlyphs || len(sub.glyph(c)) == 0 {
				t.Errorf("glyph %d uses component %d, which the subset lacks", g, c)
			}
		})
	}
}

func TestScaleGlyph(t *testing.T) {
	fs, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	droid := fs.fonts[fontCJK]
	orig := droid.glyph(int(droid.cmap['陳']))
	scaled, err := scaleGlyph(orig, 8, func(g uint16) uint16 { return g })
	if err != nil {
		t.Fatal(err)
	}
	for i := range 4 { // bounding box
		o, s := int16(be.Uint16(orig[2+2*i:])), int16(be.Uint16(scaled[2+2*i:]))
		if int(s) != 8*int(o) {
			t.Errorf("bbox[%d] = %d, want %d", i, s, 8*o)
		}
	}
	// Scaling by 1 keeps every point: re-scaling the result changes nothing.
	once, err := scaleGlyph(orig, 1, func(g uint16) uint16 { return g })
	if err != nil {
		t.Fatal(err)
	}
	twice, err := scaleGlyph(once, 1, func(g uint16) uint16 { return g })
	if err != nil || string(once) != string(twice) {
		t.Errorf("scaling by 1 is not stable (err %v)", err)
	}
	if _, err := scaleGlyph(orig[:len(orig)/2], 2, func(g uint16) uint16 { return g }); err == nil {
		t.Error("a truncated glyph scaled without error")
	}
}

func TestParseTTFRefusesJunk(t *testing.T) {
	for _, data := range [][]byte{nil, []byte("not a font at all"), dejaVuTTF[:100]} {
		if _, err := parseTTF(data); err == nil {
			t.Errorf("parsed %d bytes of junk", len(data))
		}
	}
}
