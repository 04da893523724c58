package batch

// LabelOf is one name (label or alias) that should lead to Column.
type LabelOf struct{ Column, Label string }

// ColumnLabels lists every column's labels and aliases, for the tests.
func ColumnLabels() []LabelOf {
	var out []LabelOf
	for _, c := range columnList {
		for _, l := range c.Label {
			out = append(out, LabelOf{c.Name, l})
		}
		for _, a := range c.Aliases {
			out = append(out, LabelOf{c.Name, a})
		}
	}
	return out
}

// ContentsCategories lists the categories the template offers.
func ContentsCategories() []string {
	out := make([]string, len(contentsCategories))
	for i, c := range contentsCategories {
		out[i] = c.Value
	}
	return out
}
