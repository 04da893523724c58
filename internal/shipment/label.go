package shipment

import (
	"bytes"
	"slices"
	"strings"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/i18n"
	"github.com/ecship/ecship/internal/label"
)

// Label is what the shipment's label prints. Postage on a paid label is the whole amount paid, so no
// stamp is needed (LBL-12); a label not paid online says what is due at the counter instead.
func (s *Shipment) Label(cat *catalog.Catalog) label.Label {
	l := label.Label{Service: s.Service, ItemNo: s.ItemNo, Postage: s.Postage + s.Fees, Insurance: s.Premium, Created: s.CreatedAt, Unpaid: s.Status != Paid,
		Reference: s.Reference, WeightG: s.WeightG, USExchange: s.USExchange,
		Sender: labelAddress(cat, s.Sender), Recipient: labelAddress(cat, s.Recipient)}
	if s.Mode == account.Test {
		l.Watermark = TestMark
	}
	if svc, ok := cat.Service(s.Service); ok {
		l.ServiceName = svc.Names.En
		l.Air = svc.Air || svc.Code == "AEX" || svc.Code == "EMS"
	}
	if c := s.Contents; c != nil && s.CustomsForm != "" {
		cu := &label.Customs{Form: s.CustomsForm, Category: c.Category, Explanation: c.Explanation, Date: s.CreatedAt, SenderSignature: s.Sender.Name}
		for _, it := range c.Items {
			cu.Items = append(cu.Items, label.Item{Description: it.Description, Quantity: it.Quantity, NetWeightG: it.WeightG, Value: it.Value,
				Currency: it.Currency, HSCode: it.HSCode, Origin: it.Origin})
			cu.TotalValue += it.Value
			cu.Currency = it.Currency
		}
		l.Customs = cu
	}
	return l
}

func labelAddress(cat *catalog.Catalog, a Address) label.Address {
	out := label.Address{Name: a.Name, Company: a.Company, Lines: a.Lines, City: a.City, State: a.State, PostalCode: a.PostalCode, Country: a.Country, Phone: a.Phone}
	if d, ok := cat.Destination(a.Country); ok {
		out.CountryName = d.Names.En
	}
	return out
}

// Printed across a label preview and across every test-mode label: neither is to be posted.
const (
	PreviewMark = "PREVIEW"
	TestMark    = "TEST"
)

// RenderLabels renders shipments' labels into one PDF: layout "a4" puts several on each A4 sheet
// (LBL-3); anything else gives each ply a page of the label's own size (LBL-2). A preview is
// marked as such across every page, since looking at it does not lock the label (LBL-9).
func RenderLabels(cat *catalog.Catalog, list []*Shipment, layout string, preview bool) ([]byte, error) {
	data, _, err := RenderLabelsAs(cat, list, preview, LabelOptions{Layout: layout})
	return data, err
}

// LabelOptions are how labels are printed: Format "pdf" (the default), "png" or "zpl" (ZPL II,
// for Zebra thermal printers); Size "service" (each ply at the service's own size, the
// default), "a6" or "4x6" (a 4 x 6 inch thermal label); DPI 203 (the default) or 300, for PNG
// and ZPL; Page, the page a PNG shows, from 1; Layout "a4" for A4 sheets of PDF labels.
type LabelOptions struct {
	Format, Size, Layout string
	DPI, Page            int
}

// Label formats, sizes and layouts as LabelOptions name them.
var (
	LabelFormats = []string{"pdf", "png", "zpl"}
	LabelSizes   = []string{"service", "a6", "4x6"}
)

// options checks o, naming the field at fault, and gives the renderer's options.
func (o LabelOptions) options() (label.Options, error) {
	var out label.Options
	var fe errs.Fields
	switch o.Format {
	case "", "pdf":
	case "png":
		out.Format = label.PNG
	case "zpl":
		out.Format = label.ZPL
	default:
		fe.Add("format", "labels.format_unknown", errs.Args{"formats": strings.Join(LabelFormats, ", ")})
	}
	switch o.Size {
	case "", "service":
	case "a6":
		out.Size = label.A6
	case "4x6":
		out.Size = label.FourBySix
	default:
		fe.Add("size", "labels.size_unknown", errs.Args{"sizes": strings.Join(LabelSizes, ", ")})
	}
	switch o.Layout {
	case "", "label":
	case "a4":
		out.Layout = label.A4Sheet
		if out.Format != label.PDF || out.Size != label.ServiceSize {
			fe.Add("layout", "labels.a4_pdf_only", nil)
		}
	default:
		fe.Add("layout", "labels.layout_unknown", nil)
	}
	if o.DPI != 0 && !slices.Contains(label.DPIs, o.DPI) {
		fe.Add("dpi", "labels.dpi", nil)
	}
	if o.Page < 0 {
		fe.Add("page", "labels.page", errs.Args{"pages": 1})
	}
	out.DPI, out.Page = o.DPI, o.Page
	return out, fe.Err()
}

// RenderLabelsAs renders shipments' labels as o asks, and says how many pages they make (a PNG
// shows one of them). A preview is marked as such across every page.
func RenderLabelsAs(cat *catalog.Catalog, list []*Shipment, preview bool, o LabelOptions) ([]byte, int, error) {
	opts, err := o.options()
	if err != nil {
		return nil, 0, err
	}
	labels := make([]label.Label, len(list))
	for i, s := range list {
		labels[i] = s.Label(cat)
		if preview {
			labels[i].Watermark = strings.TrimSpace(labels[i].Watermark + " " + PreviewMark)
		}
	}
	if err := checkPage(labels, o); err != nil {
		return nil, 0, err
	}
	var buf bytes.Buffer
	pages, err := label.Write(&buf, labels, opts)
	if err != nil {
		return nil, pages, err
	}
	return buf.Bytes(), pages, nil
}

// Unprinted reports whether any of the labels was never printed: looked at, they are a preview.
func Unprinted(list []*Shipment) bool {
	for _, s := range list {
		if s.PrintedAt == nil {
			return true
		}
	}
	return false
}

// Certificate is the certificate of posting of a posted label: the item, where and when it was
// accepted, at the weight the counter found and what its postage came to. A label not yet posted
// has none.
func (s *Shipment) Certificate(cat *catalog.Catalog, l i18n.Lang) (label.Receipt, error) {
	if s.PostedAt == nil || s.ItemNo == "" {
		return label.Receipt{}, errs.New(errs.Conflict, "shipment.not_posted", nil)
	}
	at := s.PostedAt.In(catalog.HongKong)
	r := label.Receipt{No: s.ItemNo, Certificate: true, OfficeCode: s.PostedOffice, Opened: at, Closed: at, Lang: l}
	if o, ok := cat.Office(s.PostedOffice); ok {
		r.Office, r.OfficeZh = o.Names.En, o.Names.ZhHant
		if l == i18n.SimplifiedChinese {
			r.OfficeZh = o.Names.ZhHans
		}
	}
	if s.Mode == account.Test {
		r.Watermark = TestMark
	}
	it := label.ReceiptItem{ItemNo: s.ItemNo, Service: s.Service, Destination: s.Recipient.Country, WeightG: s.WeightG, Postage: s.Total}
	if svc, ok := cat.Service(s.Service); ok {
		it.Service = svc.Names.In(l)
	}
	if d, ok := cat.Destination(s.Recipient.Country); ok {
		it.Destination = d.Names.In(l)
	}
	r.Items = []label.ReceiptItem{it}
	return r, nil
}

// Check says whether the options are ones labels can be printed with (but for a PNG's page,
// which depends on the labels), naming the field at fault.
func (o LabelOptions) Check() error {
	_, err := o.options()
	return err
}

// CheckLabelPage says whether the page a PNG is asked for is one of the labels'.
func CheckLabelPage(cat *catalog.Catalog, list []*Shipment, o LabelOptions) error {
	labels := make([]label.Label, len(list))
	for i, s := range list {
		labels[i] = s.Label(cat)
	}
	return checkPage(labels, o)
}

func checkPage(labels []label.Label, o LabelOptions) error {
	if o.Format != "png" || o.Page <= 1 {
		return nil
	}
	pages := 0
	for _, l := range labels {
		pages += len(label.PageSizes(l))
	}
	if o.Page > pages {
		return errs.Field("page", "labels.page", errs.Args{"pages": pages})
	}
	return nil
}
