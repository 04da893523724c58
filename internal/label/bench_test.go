package label

import (
	"io"
	"testing"
)

// BenchmarkRenderOne renders one label with Chinese text and a CN23 (4 pages) per PDF.
func BenchmarkRenderOne(b *testing.B) {
	l := samples()[6] // Air Parcel to Taiwan: Chinese addresses, CN23 with 3 articles
	if _, err := loadFonts(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := Render(io.Discard, []Label{l}, OnePerPage); err != nil {
			b.Fatal(err)
		}
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
