package label

import (
	"io"
	"testing"
)

// BenchmarkRenderOne renders one label per PDF: a one-page Latin label, a one-page Chinese
// label, and a Chinese Air Parcel label with a CN23 of 3 articles (3 plies + 1 page).
func BenchmarkRenderOne(b *testing.B) {
	if _, err := loadFonts(); err != nil {
		b.Fatal(err)
	}
	all := samples()
	for _, bc := range []struct {
		name  string
		label Label
	}{{"SRM-latin-1page", all[5]}, {"LRM-chinese-1page", all[8]}, {"APL-chinese-CN23-4pages", all[6]}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := Render(io.Discard, []Label{bc.label}, OnePerPage); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRender500A4 renders 500 labels of every service into one A4 PDF.
func BenchmarkRender500A4(b *testing.B) {
	all := samples()
	labels := make([]Label, 500)
	for i := range labels {
		labels[i] = all[i%len(all)]
		labels[i].ItemNo = s10(labels[i].ItemNo[:2], 1000+i)
	}
	if _, err := loadFonts(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := Render(io.Discard, labels, A4Sheet); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkThermal renders the first page of a Chinese e-Express+ label on a 4x6 inch label, as
// a PNG and as ZPL (each page of the label), at 203 and 300 dpi.
func BenchmarkThermal(b *testing.B) {
	if _, err := loadRasterFaces(); err != nil {
		b.Fatal(err)
	}
	l := samples()[1]
	for _, bc := range []struct {
		name string
		o    Options
	}{
		{"PNG-203dpi", Options{Format: PNG, Size: FourBySix, DPI: 203}},
		{"PNG-300dpi", Options{Format: PNG, Size: FourBySix, DPI: 300}},
		{"ZPL-203dpi-3pages", Options{Format: ZPL, Size: FourBySix, DPI: 203}},
		{"PDF-4x6-3pages", Options{Size: FourBySix}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Write(io.Discard, []Label{l}, bc.o); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
