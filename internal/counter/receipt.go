package counter

import (
	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/i18n"
	"github.com/ecship/ecship/internal/label"
)

// ReceiptOf is what the consolidated posting receipt of a closed session prints (CTR-5): every
// item accepted and every payment taken, with times in Hong Kong, in the language l (ACC-6; the
// office is named in English and Chinese either way).
func ReceiptOf(cat *catalog.Catalog, s *Session, l i18n.Lang) label.Receipt {
	r := label.Receipt{No: s.ReceiptNo, OfficeCode: s.Office, Staff: s.StaffLogin, Opened: s.OpenedAt.In(catalog.HongKong),
		SpeedpostCard: s.SpeedpostCard, Lang: l}
	if o, ok := cat.Office(s.Office); ok {
		r.Office, r.OfficeZh = o.Names.En, o.Names.ZhHant
		if l == i18n.SimplifiedChinese {
			r.OfficeZh = o.Names.ZhHans
		}
	}
	if s.ClosedAt != nil {
		r.Closed = s.ClosedAt.In(catalog.HongKong)
	}
	if s.Mode == account.Test {
		r.Watermark = "TEST - NOT A RECEIPT"
	}
	for _, it := range s.Items {
		ri := label.ReceiptItem{ItemNo: it.ItemNo, Service: it.Service, Destination: it.Destination, WeightG: it.WeightG, Postage: it.Postage,
			PaidBefore: it.PaidBefore, PaidHere: it.PaidHere, Refundable: it.Refundable, BonusPoints: it.BonusPoints}
		if svc, ok := cat.Service(it.Service); ok {
			ri.Service = svc.Names.In(l)
		}
		if d, ok := cat.Destination(it.Destination); ok {
			ri.Destination = d.Names.In(l)
		}
		r.Items = append(r.Items, ri)
	}
	for _, p := range s.Payments {
		method := p.Method
		if p.Amount < 0 {
			method = "change:" + method
		}
		r.Payments = append(r.Payments, label.ReceiptPayment{Method: method, Amount: p.Amount, At: p.At.In(catalog.HongKong)})
	}
	return r
}
