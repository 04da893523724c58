package web

import (
	"html/template"
	"time"

	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/i18n"
	"github.com/ecship/ecship/internal/money"
)

var funcs = template.FuncMap{
	"hkd":  func(c money.Cents) string { return "HK$" + c.Display() },
	"date": i18n.Date,
	// when writes a moment in Hong Kong time.
	"when": func(t time.Time) string { return t.In(catalog.HongKong).Format("2006-01-02 15:04") },
	"inc":  func(i int) int { return i + 1 },
	"list": func(s ...string) []string { return s },
	// dict passes several values to a template: {{template "field" dict "name" "email" ...}}.
	"dict": func(kv ...any) map[string]any {
		m := make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	},
}

// catalogFuncs are the template functions that name things of the portal's catalogue in a language:
// {{destName .Lang "JP"}}, {{serviceName .Lang "EMS"}} (the code itself when the catalogue has none).
func (p *Portal) catalogFuncs() template.FuncMap {
	return template.FuncMap{
		"destName": func(l i18n.Lang, code string) string {
			if d, ok := p.Catalog.Destination(code); ok {
				return d.Names.In(l)
			}
			return code
		},
		"serviceName": func(l i18n.Lang, code string) string {
			if s, ok := p.Catalog.Service(code); ok {
				return s.Names.In(l)
			}
			return code
		},
	}
}
