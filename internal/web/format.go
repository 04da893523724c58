package web

import (
	"fmt"
	"html/template"
	"time"

	"github.com/ecship/ecship/internal/i18n"
	"github.com/ecship/ecship/internal/money"
)

var funcs = template.FuncMap{
	"hkd":  func(c money.Cents) string { return "HK$" + c.Display() },
	"date": formatDate,
}

var zhWeekdays = [...]string{"日", "一", "二", "三", "四", "五", "六"}

// formatDate writes a date the way each language writes it: "Wed 30 Dec", "12月30日（三）".
func formatDate(l i18n.Lang, t time.Time) string {
	if l == i18n.English {
		return t.Format("Mon 2 Jan")
	}
	return fmt.Sprintf("%d月%d日（%s）", t.Month(), t.Day(), zhWeekdays[t.Weekday()])
}
