package catalog

import "testing"

func TestParseWeight(t *testing.T) {
	good := map[string]int{"1,000": 1000, "1,500g": 1500, "1,500.5 g": 1501, "350": 350, "350g": 350, "350 g": 350, "1.2kg": 1200, "1,2 kg": 1200, "0.0004kg": 1, "20G": 20, "2.5": 3}
	for in, want := range good {
		if got, err := ParseWeight(in, "g"); err != nil || got != want {
			t.Errorf("ParseWeight(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	if got, err := ParseWeight("1.5", "kg"); err != nil || got != 1500 {
		t.Errorf("bare number in kg: %d, %v", got, err)
	}
	for _, in := range []string{"", "heavy", "1.2lb", "-5", "1e9kg", "NaN", "kg", "Inf", "1,2,3"} {
		if _, err := ParseWeight(in, "g"); err == nil {
			t.Errorf("ParseWeight(%q) succeeded", in)
		}
	}
}

func TestParseDimensions(t *testing.T) {
	good := map[string]Dimensions{
		"200x100x5":        {200, 100, 5},
		"200x100x5mm":      {200, 100, 5},
		"20 x 10 x 0.5 cm": {200, 100, 5},
		"200×100×5":        {200, 100, 5},
		"0.3x0.2x0.1m":     {300, 200, 100},
	}
	for in, want := range good {
		if got, err := ParseDimensions(in); err != nil || got != want {
			t.Errorf("ParseDimensions(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "200x100", "axbxc", "200x0x5", "200x-1x5", "1x1x1x1", "nanxnanxnan", "infx1x1"} {
		if _, err := ParseDimensions(in); err == nil {
			t.Errorf("ParseDimensions(%q) succeeded", in)
		}
	}
}

func FuzzParseWeight(f *testing.F) {
	for _, s := range []string{"350", "1.2kg", "1,2 kg", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		g, err := ParseWeight(s, "g")
		if err == nil && (g < 0 || g > MaxInputWeightG*10) {
			t.Fatalf("ParseWeight(%q) = %d", s, g)
		}
	})
}

func FuzzParseDimensions(f *testing.F) {
	for _, s := range []string{"200x100x5mm", "20x10x0.5cm", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDimensions(s)
		if err == nil && (d.Length <= 0 || d.Width <= 0 || d.Height <= 0) {
			t.Fatalf("ParseDimensions(%q) = %v", s, d)
		}
	})
}
