package catalog

import (
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/ecship/ecship/internal/errs"
)

// ParseWeight reads a weight as people type it: "350", "350g", "1.2kg", "1,2 kg". A bare number is in
// defaultUnit ("g" or "kg"). The result is whole grams, rounded up (the scale never rounds down).
func ParseWeight(s, defaultUnit string) (int, error) {
	v, unit, err := splitUnit(s)
	if err != nil {
		return 0, errs.Field("weight_g", "quote.weight.syntax", nil)
	}
	if unit == "" {
		unit = defaultUnit
	}
	var g float64
	switch unit {
	case "g":
		g = v
	case "kg":
		g = v * 1000
	default:
		return 0, errs.Field("weight_g", "quote.weight.syntax", nil)
	}
	if g > MaxInputWeightG*10 {
		return 0, errs.Field("weight_g", "quote.weight.too_large", errs.Args{"max": MaxInputWeightG})
	}
	n := int(g)
	if float64(n) < g-1e-9 {
		n++
	}
	return n, nil
}

// ParseDimensions reads "200x100x5", "200x100x5mm", "20 x 10 x 0.5 cm" or "200×100×5" into millimetres.
func ParseDimensions(s string) (Dimensions, error) {
	bad := errs.Field("dimensions_mm", "quote.size.syntax", nil)
	s = strings.ToLower(strings.TrimSpace(s))
	scale := 1.0
	switch {
	case strings.HasSuffix(s, "mm"):
		s = strings.TrimSuffix(s, "mm")
	case strings.HasSuffix(s, "cm"):
		s, scale = strings.TrimSuffix(s, "cm"), 10
	case strings.HasSuffix(s, "m"):
		s, scale = strings.TrimSuffix(s, "m"), 1000
	}
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == 'x' || r == '×' || r == '*' })
	if len(parts) != 3 {
		return Dimensions{}, bad
	}
	var mm [3]int
	for i, p := range parts {
		v, err := strconv.ParseFloat(decimalComma(strings.TrimSpace(p)), 64)
		if err != nil || !(v > 0) || v*scale > MaxInputSideMM*10 {
			return Dimensions{}, bad
		}
		mm[i] = int(v*scale + 0.999999)
	}
	return Dimensions{Length: mm[0], Width: mm[1], Height: mm[2]}, nil
}

func splitUnit(s string) (float64, string, error) {
	s = strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	i := strings.IndexFunc(s, func(r rune) bool { return r >= 'a' && r <= 'z' })
	num, unit := s, ""
	if i >= 0 {
		num, unit = s[:i], s[i:]
	}
	num = decimalComma(num)
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || v != v || v < 0 || math.IsInf(v, 0) {
		return 0, "", strconv.ErrSyntax
	}
	return v, unit, nil
}

var thousands = regexp.MustCompile(`^[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$`)

// decimalComma reads commas as people mean them: "1,000" and "1,500.5" group thousands; a lone comma
// elsewhere, as in "1,2", is a decimal comma.
func decimalComma(s string) string {
	if thousands.MatchString(s) {
		return strings.ReplaceAll(s, ",", "")
	}
	if strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
		return strings.Replace(s, ",", ".", 1)
	}
	return s
}
