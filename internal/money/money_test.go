package money

import "testing"

func TestParse(t *testing.T) {
	good := map[string]Cents{"0": 0, "19": 1900, "19.5": 1950, "19.50": 1950, "0.05": 5, " 7.00 ": 700, "1234567.89": 123456789}
	for in, want := range good {
		got, err := Parse(in)
		if err != nil || got != want {
			t.Errorf("Parse(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", ".", "1.", ".5", "1.234", "-1", "+1", "1,000", "1e3", "abc", "１２", "99999999999999"} {
		if _, err := Parse(in); err == nil {
			t.Errorf("Parse(%q) succeeded; want error", in)
		}
	}
}

func TestString(t *testing.T) {
	cases := map[Cents]string{0: "0.00", 5: "0.05", 1950: "19.50", -300: "-3.00", 123456789: "1234567.89"}
	for c, want := range cases {
		if got := c.String(); got != want {
			t.Errorf("%d.String() = %q; want %q", int64(c), got, want)
		}
	}
	if got := Cents(123456789).Display(); got != "1,234,567.89" {
		t.Errorf("Display = %q", got)
	}
	if got := Cents(99900).Display(); got != "999.00" {
		t.Errorf("Display = %q", got)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"19.50", "0", "1.", "abc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Parse(s)
		if err != nil {
			return
		}
		back, err := Parse(c.String())
		if err != nil || back != c {
			t.Fatalf("round trip %q -> %v -> %q -> %v, %v", s, c, c.String(), back, err)
		}
	})
}
