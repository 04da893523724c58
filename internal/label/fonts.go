package label

import (
	_ "embed"
	"fmt"
	"sync"
)

// The fonts are embedded so that ecship stays one self-contained binary (about 5.4 MB of
// fonts; see fonts/README.md for their sources and licences). None of them covers every
// script a label meets, so each rune is drawn from the first font that has it: DejaVu Sans
// Condensed for Latin, Greek and Cyrillic, Droid Sans Fallback for Chinese and Japanese, and
// Nanum Square for Korean (Droid Sans Fallback has no Hangul syllables). A document embeds a
// subset of each font it draws with, holding only the glyphs it uses (see ttFont.subset).
var (
	//go:embed fonts/DejaVuSansCondensed.ttf
	dejaVuTTF []byte
	//go:embed fonts/DroidSansFallbackFull.ttf
	droidTTF []byte
	//go:embed fonts/NanumSquareR.ttf
	nanumTTF []byte
)

// Indexes into fontSet.fonts, in the order pick tries them.
const (
	fontLatin = iota
	fontCJK
	fontHangul
)

type fontSet struct {
	fonts []*ttFont
}

// loadFonts parses the embedded fonts once per process.
var loadFonts = sync.OnceValues(func() (*fontSet, error) {
	fs := &fontSet{}
	for _, f := range []struct {
		name string
		data []byte
	}{{"DejaVuSansCondensed", dejaVuTTF}, {"DroidSansFallbackFull", droidTTF}, {"NanumSquareR", nanumTTF}} {
		t, err := parseTTF(f.data)
		if err != nil {
			return nil, fmt.Errorf("label: font %s: %w", f.name, err)
		}
		t.name = f.name
		fs.fonts = append(fs.fonts, t)
	}
	return fs, nil
})

// pick is the font that draws r: Hangul from the Korean font, anything the Latin font has
// from it, then the CJK font; a rune no font has is drawn (as a box) by the Latin font.
func (fs *fontSet) pick(r rune) int {
	if isHangul(r) && fs.fonts[fontHangul].has(r) {
		return fontHangul
	}
	for i, f := range fs.fonts {
		if f.has(r) {
			return i
		}
	}
	return fontLatin
}

// advance is r's advance width in em.
func (fs *fontSet) advance(r rune) float64 { return fs.fonts[fs.pick(r)].advance(r) }

// docFonts are a document's fonts: a subset of each embedded font it draws with (nil for one
// it does not use) and the choice of font for each rune.
type docFonts struct {
	subsets []*fontSubset // by index into fontSet.fonts
	pick    func(rune) int
}

// forRunes gives the fonts of a document that draws runes: each rune in the font pick
// chooses, each font cut down to the runes it draws.
func (fs *fontSet) forRunes(runes []rune) *docFonts {
	byFont := make([][]rune, len(fs.fonts))
	for _, r := range runes {
		i := fs.pick(r)
		byFont[i] = append(byFont[i], r)
	}
	d := &docFonts{subsets: make([]*fontSubset, len(fs.fonts)), pick: fs.pick}
	for i, rs := range byFont {
		if len(rs) > 0 {
			d.subsets[i] = fs.fonts[i].subset(rs)
		}
	}
	return d
}

func isHangul(r rune) bool {
	return r >= 0x1100 && r <= 0x11FF || r >= 0x3130 && r <= 0x318F || r >= 0xA960 && r <= 0xA97F ||
		r >= 0xAC00 && r <= 0xD7FF
}
