package label

import (
	"strings"
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

func TestSubset(t *testing.T) {
	fs, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	runes := []rune("Aé陳김 A")
	doc := fs.forRunes(runes)
	want := map[int]string{fontLatin: "Aé A", fontCJK: "陳", fontHangul: "김"}
	for i, f := range doc.subsets {
		sub, err := parseTTF(f.ttf)
		if err != nil {
			t.Fatalf("font %d: the subset does not parse: %v", i, err)
		}
		orig := fs.fonts[i]
		if sub.unitsPerEm != orig.unitsPerEm {
			t.Errorf("font %d: units per em %d, want the font's own %d", i, sub.unitsPerEm, orig.unitsPerEm)
		}
		if sub.numGlyphs > 8 { // .notdef, the runes' glyphs and their components

			t.Errorf("font %d: %d glyphs for %q", i, sub.numGlyphs, want[i])
		}
		for _, r := range want[i] {
			if !sub.has(r) {
				t.Errorf("font %d: subset lacks %q", i, r)
				continue
			}
			// Glyphs and advances are copied as they are.
			if got, want := sub.advance(r), orig.advance(r); got != want {
				t.Errorf("font %d: %q advance %.4f em, want %.4f", i, r, got, want)
			}
			got, want := sub.glyph(int(sub.cmap[r])), orig.glyph(int(orig.cmap[r]))
			composite := false
			components(want, func(int) { composite = true })
			if !composite && (len(got) < len(want) || string(got[:len(want)]) != string(want)) {
				t.Errorf("font %d: %q glyph differs from the font's", i, r)
			}
		}
		for _, r := range runes {
			if sub.has(r) && !strings.ContainsRune(want[i], r) {
				t.Errorf("font %d: subset has %q, which another font draws", i, r)
			}
		}
		// Composite glyphs point at components inside the subset.
		for g := range sub.numGlyphs {
			components(sub.glyph(g), func(at int) {
				c := int(be.Uint16(sub.glyph(g)[at:]))
				if c == 0 || c >= sub.numGlyphs || len(sub.glyph(c)) == 0 {
					t.Errorf("font %d: glyph %d uses component %d, which the subset lacks", i, g, c)
				}
			})
		}
	}
	if latin := fs.forRunes([]rune("Hello")); latin.subsets[fontCJK] != nil || latin.subsets[fontHangul] != nil {
		t.Error("a Latin-only document embeds the CJK or Korean font")
	}
}

// A composite glyph (Å is A and a ring in DejaVu) brings its components into the subset.
func TestSubsetComposite(t *testing.T) {
	fs, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	latin := fs.fonts[fontLatin]
	composite := false
	components(latin.glyph(int(latin.cmap['Å'])), func(int) { composite = true })
	if !composite {
		t.Skip("Å is not a composite glyph in this font")
	}
	sub, err := parseTTF(latin.subset([]rune("Å")).ttf)
	if err != nil {
		t.Fatal(err)
	}
	if sub.numGlyphs < 3 {
		t.Errorf("%d glyphs: the components of Å are missing", sub.numGlyphs)
	}
}

func TestParseTTFRefusesJunk(t *testing.T) {
	for _, data := range [][]byte{nil, []byte("not a font at all"), dejaVuTTF[:100]} {
		if _, err := parseTTF(data); err == nil {
			t.Errorf("parsed %d bytes of junk", len(data))
		}
	}
}
