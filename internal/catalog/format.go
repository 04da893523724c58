package catalog

import (
	"strconv"
	"strings"
)

// FormatWeight writes grams for people: "500 g", "2 kg", "1.25 kg".
func FormatWeight(g int) string {
	if g < 1000 {
		return strconv.Itoa(g) + " g"
	}
	kg := strconv.FormatFloat(float64(g)/1000, 'f', 3, 64)
	kg = strings.TrimRight(strings.TrimRight(kg, "0"), ".")
	return kg + " kg"
}

func sidesText(mm [3]int) string {
	parts := make([]string, 0, 3)
	for _, v := range mm {
		if v > 0 {
			parts = append(parts, strconv.Itoa(v))
		}
	}
	return strings.Join(parts, " × ") + " mm"
}
