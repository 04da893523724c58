package web

import (
	"html/template"

	"github.com/ecship/ecship/internal/i18n"
	"github.com/ecship/ecship/internal/money"
)

var funcs = template.FuncMap{
	"hkd":  func(c money.Cents) string { return "HK$" + c.Display() },
	"date": i18n.Date,
}
