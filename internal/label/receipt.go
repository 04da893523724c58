package label

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/ecship/ecship/internal/i18n"
	"github.com/ecship/ecship/internal/money"
)

// Each counter visit ends with one consolidated posting receipt (CTR-5): an A4 document with
// the receipt number (also as a Code 128 barcode), the office, the session's times and
// officer, a table of the accepted items with what each cost, what was paid before and at the
// counter and what is refundable (CTR-4), the Speedpost bonus points (PAY-7), totals, and the
// payments taken at the counter. Items that do not fit a page continue on the next, under a
// repeated table header.

// Receipt is one counter visit's consolidated posting receipt (CTR-5).
type Receipt struct {
	No            string    // receipt number, printed in text and as a Code 128 barcode, e.g. "R20261121GPO0001"
	OfficeCode    string    // e.g. "GPO"
	Office        string    // office name in English, e.g. "General Post Office"
	OfficeZh      string    // in Traditional Chinese, e.g. "郵政總局"
	Staff         string    // the counter officer's login
	Opened        time.Time // when the session opened; printed in Hong Kong time (use its own Location as given)
	Closed        time.Time // when it closed: the receipt's date
	SpeedpostCard string    // Speedpost authorisation card shown, "" if none (PAY-7)
	Watermark     string    // e.g. "TEST - NOT A RECEIPT" for test-mode sessions; "" for none
	Lang          i18n.Lang // the language it is printed in (rule ACC-6); "" is English
	// Certificate makes it a certificate of posting: titled so, numbered by No (the item number),
	// dated Closed (the posting), its items without the payments.
	Certificate bool
	Items       []ReceiptItem
	Payments    []ReceiptPayment
}

// ReceiptItem is one accepted item.
type ReceiptItem struct {
	ItemNo      string
	Service     string      // service name, e.g. "e-Express+"
	Destination string      // country name in English
	WeightG     int         // the scale's weight
	Postage     money.Cents // the postage due at the scale's weight (incl. fees and insurance premium)
	PaidBefore  money.Cents // what was paid online before the visit
	PaidHere    money.Cents // what was paid at this counter for it
	Refundable  money.Cents // overpayment that becomes refundable through the portal (CTR-4)
	BonusPoints int         // Speedpost bonus points earned (PAY-7)
}

// ReceiptPayment is one payment taken at the counter.
type ReceiptPayment struct {
	Method string // cash, eps, octopus, fps, card, ewallet
	Amount money.Cents
	At     time.Time
}

// Receipt page geometry (mm) and type sizes (pt).
const (
	rcptMargin    = 15.0 // left and right
	rcptTop       = 14.0
	rcptBottom    = 14.0
	rcptFirstBody = 67.0 // where the table starts on the first page, under the full header
	rcptNextBody  = 33.0 // on continuation pages, under the short header
	rcptFooterH   = 9.0  // rule and footer line above the bottom margin
	rcptHeadH     = 6.5  // the items table's header row
	rcptRowH      = 5.0  // an item or payment row
	rcptTotalH    = 6.5  // the totals row
	rcptSize      = 8.0  // table text
	rcptMinSize   = 6.0  // table text squeezed into its column
	rcptBarH      = 16.0
)

// receiptColumn is a column of the items table: width, heading (a message key) and alignment.
type receiptColumn struct {
	w     float64
	head  string
	align align
}

// The items table fills the 180 mm between the margins.
var receiptColumns = []receiptColumn{
	{7, "receipt.col.seq", right},
	{25, "receipt.col.item_no", left},
	{28, "receipt.col.service", left},
	{22, "receipt.col.destination", left},
	{15, "receipt.col.weight", right},
	{18, "receipt.col.postage", right},
	{18, "receipt.col.paid_before", right},
	{18, "receipt.col.paid_here", right},
	{18, "receipt.col.refundable", right},
	{11, "receipt.col.points", right},
}

// t is a message in the receipt's language.
func (r *Receipt) t(key string, args map[string]any) string { return i18n.T(r.lang(), key, args) }

// key is the message key of a heading: the receipt's, or the certificate of posting's.
func (r *Receipt) key(name string) string {
	if r.Certificate {
		return "receipt.cop_" + name
	}
	return "receipt." + name
}

func (r *Receipt) lang() i18n.Lang {
	if r.Lang == "" {
		return i18n.English
	}
	return r.Lang
}

// methodName is how a payment method is printed ("change:cash" is change given back in cash);
// an unknown method as given.
func (r *Receipt) methodName(method string) string {
	if m, ok := strings.CutPrefix(method, "change:"); ok {
		return r.t("receipt.change", map[string]any{"method": r.methodName(m)})
	}
	key := "counter.method." + strings.ToLower(strings.TrimSpace(method))
	if name := r.t(key, nil); name != key {
		return name
	}
	return method
}

// stamp is a date and time as the receipt prints it, in t's own location: "21 Nov 2026 14:05",
// or "2026年11月21日 14:05" in Chinese.
func (r *Receipt) stamp(t time.Time) string {
	switch {
	case t.IsZero():
		return ""
	case r.lang() == i18n.English:
		return t.Format("2 Jan 2006 15:04")
	}
	return fmt.Sprintf("%d年%d月%d日 %s", t.Year(), t.Month(), t.Day(), t.Format("15:04"))
}

// receiptRow is one row of the receipt's body, drawn at y (its top) on whatever page it falls.
type receiptRow struct {
	h     float64
	table bool // a row of the items table: the table header comes first on every page
	keep  bool // keep with the next row on the same page
	draw  func(c *canvas, y float64)
}

type placedRow struct {
	row *receiptRow
	y   float64
}

// receiptPage is one page of the receipt: where its items table header goes (if it has one)
// and the rows on it.
type receiptPage struct {
	headY float64 // < 0: no table on this page
	rows  []placedRow
}

// paginate places rows on pages: the first page's body starts under the full header, the
// others' under the short one, and a page takes rows while they fit above the footer.
func paginate(rows []receiptRow) []receiptPage {
	bottom := a4H - rcptBottom - rcptFooterH
	page := receiptPage{headY: -1}
	y := rcptFirstBody
	var pages []receiptPage
	for i := range rows {
		r := &rows[i]
		need := r.h
		if r.table && page.headY < 0 {
			need += rcptHeadH
		}
		if r.keep && i+1 < len(rows) {
			need += rows[i+1].h
		}
		if y+need > bottom && len(page.rows) > 0 {
			pages = append(pages, page)
			page = receiptPage{headY: -1}
			y = rcptNextBody
		}
		if r.table && page.headY < 0 {
			page.headY = y
			y += rcptHeadH
		}
		page.rows = append(page.rows, placedRow{r, y})
		y += r.h
	}
	return append(pages, page)
}

// validateReceipt checks what RenderReceipt cannot print: the receipt number must be there
// and be something a Code 128 barcode carries.
func validateReceipt(r *Receipt) error {
	if r.No == "" || len(r.No) > 40 {
		return fmt.Errorf("%w: receipt number must be 1 to 40 characters", ErrInvalid)
	}
	for _, c := range r.No {
		if c < 0x20 || c > 0x7e {
			return fmt.Errorf("%w: receipt %q: number must be printable ASCII", ErrInvalid, r.No)
		}
	}
	return nil
}

// RenderReceipt writes the receipt as an A4 PDF (more pages when the items do not fit), deterministic: the same receipt gives the same bytes (dated with Closed).
func RenderReceipt(w io.Writer, r Receipt) error {
	if err := validateReceipt(&r); err != nil {
		return err
	}
	fonts, err := loadFonts()
	if err != nil {
		return err
	}
	pages := paginate(receiptRows(&r))

	// First pass: which runes the receipt draws.
	rec := &canvas{fonts: fonts, used: map[rune]bool{}}
	for i, p := range pages {
		if err := drawReceiptPage(rec, &r, p, i, len(pages)); err != nil {
			return err
		}
	}

	created := r.Closed
	if created.IsZero() {
		created = pdfEpoch
	}
	pdf := newDocument(fonts, rec.used, r.t(r.key("title_short"), nil)+" "+r.No, created, len(pages))
	c := &canvas{out: pdf, fonts: fonts}
	for i, p := range pages {
		pdf.addPage(a4W, a4H)
		if err := drawReceiptPage(c, &r, p, i, len(pages)); err != nil {
			return err
		}
	}
	if err := pdf.finish(w); err != nil {
		return fmt.Errorf("label: write receipt PDF: %w", err)
	}
	return nil
}

// drawReceiptPage draws page n (from 0) of of: header, items table header, rows, footer and
// the watermark.
func drawReceiptPage(c *canvas, r *Receipt, p receiptPage, n, of int) error {
	if err := c.receiptHeader(r, n == 0); err != nil {
		return err
	}
	if p.headY >= 0 {
		c.receiptTableHead(r, p.headY)
	}
	for _, pr := range p.rows {
		pr.row.draw(c, pr.y)
	}
	const m = rcptMargin
	fy := a4H - rcptBottom - rcptFooterH + 2
	c.line(m, fy, a4W-m, fy, 0.3)
	c.textIn(m, fy+5, a4W-2*m-25, r.t(r.key("footer"), nil), textStyle{size: 8, min: 6.5})
	c.textIn(a4W-m-25, fy+5, 25, fmt.Sprintf("%d / %d", n+1, of), textStyle{size: 8, align: right})
	c.watermark(r.Watermark, a4W, a4H)
	return nil
}

// receiptHeader is the title and, on the first page, the receipt number and barcode, office,
// session times, officer and Speedpost card; later pages say whose receipt they continue.
func (c *canvas) receiptHeader(r *Receipt, first bool) error {
	const m = rcptMargin
	iw := a4W - 2*m
	// The title in the receipt's language, and the other language's beside it.
	other := i18n.TraditionalChinese
	if r.lang() != i18n.English {
		other = i18n.English
	}
	c.textIn(m, rcptTop+6, iw*0.72, r.t(r.key("title"), nil), textStyle{size: 16, min: 11, bold: true})
	c.textIn(m+iw*0.72, rcptTop+6, iw*0.28, i18n.T(other, r.key("title_short"), nil), textStyle{size: 16, min: 11, bold: true, align: right})
	c.line(m, rcptTop+9, a4W-m, rcptTop+9, 0.4)
	office := r.Office
	if code := clean(r.OfficeCode); code != "" {
		office = joinNonEmpty(" ", r.Office, "("+code+")")
	}
	if !first {
		c.textIn(m, rcptTop+14, iw, joinNonEmpty(" · ", r.t(r.key("no"), nil)+" "+r.No, office, r.OfficeZh, r.t("receipt.continued", nil)), textStyle{size: 9, min: 7})
		return nil
	}

	// Label and value pairs on the left, the barcode on the right.
	type field struct {
		label, value string
		bold         bool
	}
	fields := []field{
		{r.t(r.key("no"), nil), r.No, true},
		{r.t("receipt.office", nil), office, false},
		{"", r.OfficeZh, false},
		{r.t("receipt.opened", nil), r.stamp(r.Opened), false},
		{r.t("receipt.closed", nil), r.stamp(r.Closed), false},
		{r.t("receipt.officer", nil), r.Staff, false},
	}
	if r.Certificate {
		fields = []field{{r.t(r.key("no"), nil), r.No, true}, {r.t("receipt.office", nil), office, false}, {"", r.OfficeZh, false},
			{r.t("receipt.cop_posted", nil), r.stamp(r.Closed), false}}
	}
	if card := clean(r.SpeedpostCard); card != "" {
		fields = append(fields, field{r.t("receipt.card", nil), card, true})
	}
	const labelW, valueW = 30.0, 75.0
	y := rcptTop + 15
	for _, f := range fields {
		if clean(f.value) == "" && f.label == "" {
			continue
		}
		c.textIn(m, y, labelW-1, f.label, textStyle{size: 8.5, min: 7})
		size := 9.5
		if f.bold {
			size = 10.5
		}
		c.textIn(m+labelW, y, valueW, f.value, textStyle{size: size, min: 7, bold: f.bold})
		y += 5.2
	}
	bx := m + labelW + valueW + 3
	if err := c.barcode(bx, rcptTop+13, a4W-m-bx, rcptBarH, r.No, 10); err != nil {
		return err
	}
	c.line(m, rcptFirstBody-3, a4W-m, rcptFirstBody-3, 0.3)
	return nil
}

// receiptCells draws one row of the items table's cells from the top y of a row h high.
func (c *canvas) receiptCells(y, h float64, cells []string, bold bool) {
	base := y + h/2 + 1.0
	x := rcptMargin
	for i, col := range receiptColumns {
		if i < len(cells) {
			c.textIn(x+0.8, base, col.w-1.6, cells[i], textStyle{size: rcptSize, min: rcptMinSize, bold: bold, align: col.align})
		}
		x += col.w
	}
}

// receiptTableHead is the items table's header row on a light grey band.
func (c *canvas) receiptTableHead(r *Receipt, y float64) {
	iw := a4W - 2*rcptMargin
	if c.out != nil {
		c.out.setFillColor(230, 230, 230)
		c.fill(rcptMargin, y, iw, rcptHeadH)
		c.out.setFillColor(0, 0, 0)
	}
	heads := make([]string, len(receiptColumns))
	for i, col := range receiptColumns {
		heads[i] = r.t(col.head, nil)
	}
	c.receiptCells(y, rcptHeadH, heads, true)
	c.line(rcptMargin, y, rcptMargin+iw, y, 0.3)
	c.line(rcptMargin, y+rcptHeadH, rcptMargin+iw, y+rcptHeadH, 0.3)
}

// receiptRows is the receipt's body: the items, their totals, the payments taken at the
// counter.
func receiptRows(r *Receipt) []receiptRow {
	const m = rcptMargin
	iw := a4W - 2*m
	var rows []receiptRow

	// Items.
	var weight, points int
	var postage, before, here, refundable money.Cents
	for i := range r.Items {
		it := r.Items[i]
		weight += it.WeightG
		points += it.BonusPoints
		postage += it.Postage
		before += it.PaidBefore
		here += it.PaidHere
		refundable += it.Refundable
		cells := []string{
			strconv.Itoa(i + 1), it.ItemNo, it.Service, it.Destination, kg(it.WeightG),
			hk(it.Postage), hk(it.PaidBefore), hk(it.PaidHere), hk(it.Refundable), strconv.Itoa(it.BonusPoints),
		}
		rows = append(rows, receiptRow{h: rcptRowH, table: true, draw: func(c *canvas, y float64) {
			c.receiptCells(y, rcptRowH, cells, false)
			c.line(m, y+rcptRowH, m+iw, y+rcptRowH, 0.1)
		}})
	}
	if len(r.Items) == 0 {
		rows = append(rows, receiptRow{h: rcptRowH + 2, table: true, draw: func(c *canvas, y float64) {
			c.textIn(m+1, y+(rcptRowH+2)/2+1, iw-2, r.t("receipt.no_items", nil), textStyle{size: 9, min: 7})
		}})
	}
	count := r.t("receipt.items", map[string]any{"n": len(r.Items)})
	if len(r.Items) == 1 {
		count = r.t("receipt.item", nil)
	}
	rows = append(rows, receiptRow{h: rcptTotalH, table: true, draw: func(c *canvas, y float64) {
		c.line(m, y, m+iw, y, 0.4)
		span := 0.0
		for _, col := range receiptColumns[:4] {
			span += col.w
		}
		base := y + rcptTotalH/2 + 1.0
		c.textIn(m+0.8, base, span-1.6, r.t("receipt.total", map[string]any{"count": count}), textStyle{size: rcptSize, min: rcptMinSize, bold: true})
		c.receiptCells(y, rcptTotalH, []string{"", "", "", "", kg(weight),
			hk(postage), hk(before), hk(here), hk(refundable), strconv.Itoa(points)}, true)
		c.line(m, y+rcptTotalH, m+iw, y+rcptTotalH, 0.4)
	}})

	if r.Certificate {
		return rows
	}
	// Payments taken at the counter: when, how, how much; then by method (when a method was
	// taken more than once among others) and in total.
	const timeW, methodW, amountW = 45.0, 45.0, 35.0
	payCells := func(c *canvas, y, h float64, when, method, amount string, size float64, bold bool) {
		base := y + h/2 + 1.0
		c.textIn(m+0.8, base, timeW-1.6, when, textStyle{size: size, min: rcptMinSize, bold: bold})
		c.textIn(m+timeW+0.8, base, methodW-1.6, method, textStyle{size: size, min: rcptMinSize, bold: bold})
		c.textIn(m+timeW+methodW+0.8, base, amountW-1.6, amount, textStyle{size: size, min: rcptMinSize, bold: bold, align: right})
	}
	payW := timeW + methodW + amountW
	const headingH = 14.0
	rows = append(rows, receiptRow{h: headingH, keep: true, draw: func(c *canvas, y float64) {
		c.textIn(m, y+headingH-6.5, iw, r.t("receipt.payments", nil), textStyle{size: 10.5, min: 8, bold: true})
		if len(r.Payments) > 0 {
			payCells(c, y+headingH-rcptRowH, rcptRowH, r.t("receipt.time", nil), r.t("receipt.method", nil), r.t("receipt.amount", nil), rcptSize, true)
			c.line(m, y+headingH, m+payW, y+headingH, 0.3)
		}
	}})
	if len(r.Payments) == 0 {
		rows = append(rows, receiptRow{h: rcptRowH + 1, draw: func(c *canvas, y float64) {
			c.textIn(m+0.8, y+(rcptRowH+1)/2+1, iw, r.t("receipt.no_payments", nil), textStyle{size: 9, min: 7})
		}})
		return rows
	}
	var paid money.Cents
	byMethod := map[string]money.Cents{}
	var methods []string
	for _, p := range r.Payments {
		paid += p.Amount
		name := r.methodName(p.Method)
		if _, ok := byMethod[name]; !ok {
			methods = append(methods, name)
		}
		byMethod[name] += p.Amount
		when, method, amount := r.stamp(p.At), name, hk(p.Amount)
		rows = append(rows, receiptRow{h: rcptRowH, draw: func(c *canvas, y float64) {
			payCells(c, y, rcptRowH, when, method, amount, rcptSize, false)
			c.line(m, y+rcptRowH, m+payW, y+rcptRowH, 0.1)
		}})
	}
	if len(methods) > 1 && len(methods) < len(r.Payments) { // some method taken more than once
		for _, name := range methods {
			sub := hk(byMethod[name])
			rows = append(rows, receiptRow{h: rcptRowH, draw: func(c *canvas, y float64) {
				payCells(c, y, rcptRowH, r.t("receipt.subtotal", nil), name, sub, rcptSize, false)
			}})
		}
	}
	total := hk(paid)
	rows = append(rows, receiptRow{h: rcptTotalH, draw: func(c *canvas, y float64) {
		c.line(m, y, m+payW, y, 0.4)
		base := y + rcptTotalH/2 + 1.0
		c.textIn(m+0.8, base, timeW+methodW-1.6, r.t("receipt.total_paid", nil), textStyle{size: rcptSize + 0.5, min: rcptMinSize, bold: true})
		c.textIn(m+timeW+methodW+0.8, base, amountW-1.6, total, textStyle{size: rcptSize + 0.5, min: rcptMinSize, bold: true, align: right})
	}})
	return rows
}
