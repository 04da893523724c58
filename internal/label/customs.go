package label

import (
	"fmt"
	"strconv"
	"strings"
)

// The CN22/CN23 customs declaration (LBL-11) is printed on pages of the label's first ply
// size, after the plies. Every page is a whole form (header, parties, category, articles,
// totals, declaration, date and signature); articles that do not fit one page continue on the
// next, each page saying "Sheet n of m".

// customsGeom is the layout of a declaration page: the fixed parts' heights in millimetres
// and how many article rows fit.
type customsGeom struct {
	m, size, lh    float64 // margin, base font size (pt), line height
	wide           bool
	header         float64
	parties        float64 // CN23 only
	categories     float64
	tableHead, row float64
	totals, extra  float64 // extra: CN23 invoice, licence, certificate, office of origin
	declaration    float64
	signature      float64
	rows           int
}

func newCustomsGeom(form string, W, H float64) customsGeom {
	g := customsGeom{m: 3, size: 5.5, wide: W >= 150}
	switch {
	case g.wide && H >= 120:
		g.m, g.size = 4, 7.5
	case g.wide:
		g.m, g.size = 4, 6.5
	}
	g.lh = lineHeight(g.size)
	g.header = 4 + 2*g.lh + 1
	if form == CN23 {
		g.parties = 3*g.lh + 1.5
		g.extra = 2*g.lh + 0.5
	}
	catLines := 2.0 // boxes, explanation
	if !g.wide {
		catLines = 3
	}
	g.categories = catLines*g.lh + 1
	g.tableHead = 2*g.lh + 0.6
	g.row = g.lh + 0.6
	g.totals = g.lh + 1.2
	if !g.wide {
		g.totals = 2*g.lh + 1.2
	}
	declLines := 2.0
	if !g.wide {
		declLines = 5
	}
	g.declaration = declLines*lineHeight(g.size-1) + 1
	g.signature = 1.8 * g.lh
	fixed := g.header + g.parties + g.categories + g.tableHead + g.totals + g.extra + g.declaration + g.signature
	g.rows = max(1, int((H-2*g.m-fixed)/g.row))
	return g
}

// customsPages is how many pages the declaration takes on pages of W x H.
func customsPages(c *Customs, W, H float64) int {
	g := newCustomsGeom(c.Form, W, H)
	return max(1, (len(c.Items)+g.rows-1)/g.rows)
}

var categories = []struct{ key, text string }{
	{CategoryGift, "Gift"},
	{CategoryDocuments, "Documents"},
	{CategorySample, "Commercial sample"},
	{CategoryReturned, "Returned goods"},
	{CategorySale, "Sale of goods"},
	{CategoryOther, "Other"},
}

const (
	declarationCN22 = "I, the undersigned, whose name and address are given on the item, certify that the particulars given in this declaration are correct and that this item does not contain any dangerous article or articles prohibited by legislation or by postal or customs regulations."
	declarationCN23 = "I certify that the particulars given in this customs declaration are correct and that this item does not contain any dangerous article or articles prohibited by legislation or by postal or customs regulations. I have met all applicable export filing requirements under the applicable rules."
)

// drawCustoms draws sheet (from 0) of the declaration on a page of W x H.
func (c *canvas) drawCustoms(l *Label, W, H float64, sheet int) {
	d := l.Customs
	p := &customsPly{c: c, l: l, d: d, cn23: d.Form == CN23, g: newCustomsGeom(d.Form, W, H)}
	p.fs, p.lh = p.g.size, p.g.lh
	p.x, p.iw, p.W = p.g.m, W-2*p.g.m, W
	y := p.header(p.g.m, sheet, customsPages(d, W, H))
	if p.cn23 {
		y = p.parties(y)
	}
	y = p.categories(y)
	y = p.articles(y, sheet)
	y = p.totals(y)
	if p.cn23 {
		y = p.references(y)
	}
	p.signature(p.declaration(y))
}

// customsPly draws a CN22 or CN23 declaration, section by section from the top; each section
// answers where the next begins.
type customsPly struct {
	c        *canvas
	l        *Label
	d        *Customs
	g        customsGeom
	cn23     bool
	fs, lh   float64 // font size and line height
	x, iw, W float64 // left margin, inner width, ply width
}

// n is a box's number on the form: CN22 and CN23 number their boxes differently.
func (p *customsPly) n(cn22, cn23 int) string {
	if p.cn23 {
		return "(" + strconv.Itoa(cn23) + ")"
	}
	return "(" + strconv.Itoa(cn22) + ")"
}

// header: title, form, operator, item number and sheet.
func (p *customsPly) header(y float64, sheet, sheets int) float64 {
	c, x, iw, fs, lh := p.c, p.x, p.iw, p.fs, p.lh
	formW := iw * 0.3
	c.textIn(x, y+3, iw-formW, "CUSTOMS DECLARATION", textStyle{size: fs + 3, min: fs, bold: true})
	c.textIn(x+iw-formW, y+4, formW, strings.Replace(p.d.Form, "CN", "CN ", 1), textStyle{size: fs + 9, min: fs + 2, bold: true, align: right})
	c.textIn(x, y+3.5+lh, iw-formW, "Designated operator: Hongkong Post · May be opened officially", textStyle{size: fs, min: fs - 1.5})
	c.textIn(x, y+3.5+2*lh, iw-formW, fmt.Sprintf("Item no. %s · Sheet %d of %d", p.l.ItemNo, sheet+1, sheets), textStyle{size: fs, min: fs - 1.5, bold: true})
	y += p.g.header
	c.line(p.g.m, y-0.6, p.W-p.g.m, y-0.6, 0.3)
	return y
}

// parties (CN23): sender and addressee with the references customs ask for.
func (p *customsPly) parties(y float64) float64 {
	c, x, iw, fs, lh := p.c, p.x, p.iw, p.fs, p.lh
	half := iw/2 - 1
	s, r := p.l.Sender, p.l.Recipient
	left3 := []string{
		"From: " + joinNonEmpty(", ", s.Name, s.Company),
		joinNonEmpty(", ", append(append([]string{}, s.Lines...), s.City, s.CountryName)...),
		"Sender's customs reference: " + p.l.Reference,
	}
	right3 := []string{
		"To: " + joinNonEmpty(", ", r.Name, r.Company),
		joinNonEmpty(", ", append(append([]string{}, r.Lines...), r.City, r.State, r.PostalCode, r.CountryName)...),
		"Importer reference / contact: " + joinNonEmpty(" ", "Tel", r.Phone),
	}
	for i := range 3 {
		c.textIn(x, y+lh*(float64(i)+0.8), half, left3[i], textStyle{size: fs, min: fs - 1.5, bold: i == 0})
		c.textIn(x+iw/2+1, y+lh*(float64(i)+0.8), half, right3[i], textStyle{size: fs, min: fs - 1.5, bold: i == 0})
	}
	y += p.g.parties
	c.line(p.g.m, y-0.7, p.W-p.g.m, y-0.7, 0.2)
	return y
}

// categories: the tick boxes; the explanation serves as the CN23's comments (11).
func (p *customsPly) categories(y float64) float64 {
	c, x, iw, fs, lh, d := p.c, p.x, p.iw, p.fs, p.lh, p.d
	perLine := len(categories)
	if !p.g.wide {
		perLine = 3
	}
	cw := iw / float64(perLine)
	for i, cat := range categories {
		box := "☐ "
		if cat.key == d.Category {
			box = "☒ "
		}
		col, row := i%perLine, i/perLine
		c.textIn(x+float64(col)*cw, y+lh*(float64(row)+0.8), cw-1, box+cat.text, textStyle{size: fs, min: fs - 1.5, bold: cat.key == d.Category})
	}
	explain := "Explanation: "
	if p.cn23 {
		explain = "Comments (11): "
	}
	catRows := float64((len(categories) + perLine - 1) / perLine)
	c.textIn(x, y+lh*(catRows+0.8), iw, explain+d.Explanation, textStyle{size: fs, min: fs - 1.5})
	return y + p.g.categories
}

// articles: the table of contents, this sheet's share of the articles.
func (p *customsPly) articles(y float64, sheet int) float64 {
	c, x, iw, fs, lh, d, g, n := p.c, p.x, p.iw, p.fs, p.lh, p.d, p.g, p.n
	type column struct {
		frac  float64
		head  [2]string
		align align
	}
	cols := []column{
		{0.37, [2]string{"Detailed description", "of contents " + n(1, 1)}, left},
		{0.08, [2]string{"Quantity", n(1, 2)}, right},
		{0.12, [2]string{"Net weight", "(kg) " + n(2, 3)}, right},
		{0.16, [2]string{"Value", n(3, 5)}, right},
		{0.15, [2]string{"HS tariff", "number " + n(4, 7)}, left},
		{0.12, [2]string{"Country of", "origin " + n(5, 8)}, left},
	}
	colX := make([]float64, len(cols))
	cx := x
	for i, col := range cols {
		colX[i] = cx
		cx += col.frac * iw
	}
	cell := func(i int, yy float64, s string, bold bool) {
		w := cols[i].frac * iw
		c.textIn(colX[i]+0.8, yy, w-1.6, s, textStyle{size: fs, min: fs - 2.5, bold: bold, align: cols[i].align})
	}
	c.rect(x, y, iw, g.tableHead+float64(g.rows)*g.row, 0.3)
	for i := range cols {
		cell(i, y+lh*0.8+0.2, cols[i].head[0], true)
		cell(i, y+lh*1.8+0.2, cols[i].head[1], true)
		if i > 0 {
			c.line(colX[i], y, colX[i], y+g.tableHead+float64(g.rows)*g.row, 0.2)
		}
	}
	y += g.tableHead
	c.line(x, y, x+iw, y, 0.2)
	first := sheet * g.rows
	for r := range g.rows {
		if first+r >= len(d.Items) {
			break
		}
		it := d.Items[first+r]
		yy := y + float64(r)*g.row + lh*0.8 + 0.3
		cell(0, yy, it.Description, false)
		cell(1, yy, strconv.Itoa(it.Quantity), false)
		cell(2, yy, strings.TrimSuffix(kg(it.NetWeightG), " kg"), false)
		cell(3, yy, joinNonEmpty(" ", it.Currency, it.Value.Display()), false)
		cell(4, yy, it.HSCode, false)
		cell(5, yy, it.Origin, false)
	}
	return y + float64(g.rows)*g.row + 0.4
}

// totals: gross weight and value, and for a CN23 the postal charges.
func (p *customsPly) totals(y float64) float64 {
	c, x, iw, fs, lh, d, l, n := p.c, p.x, p.iw, p.fs, p.lh, p.d, p.l, p.n
	currency := d.Currency
	if currency == "" && len(d.Items) > 0 {
		currency = d.Items[0].Currency
	}
	gross := l.WeightG
	if gross == 0 {
		for _, it := range d.Items {
			gross += it.NetWeightG
		}
	}
	totals := []string{
		"Total gross weight (kg) " + n(6, 4) + ": " + strings.TrimSuffix(kg(gross), " kg"),
		"Total value " + n(7, 6) + ": " + joinNonEmpty(" ", currency, d.TotalValue.Display()),
	}
	if p.cn23 {
		totals = append(totals, "Postal charges/fees (9): "+hk(l.Postage))
	}
	if p.g.wide {
		tw := iw / float64(len(totals))
		for i, t := range totals {
			c.textIn(x+float64(i)*tw, y+lh*0.8+0.3, tw-1, t, textStyle{size: fs, min: fs - 1.5, bold: true})
		}
	} else {
		c.textIn(x, y+lh*0.8+0.3, iw, totals[0], textStyle{size: fs, min: fs - 1.5, bold: true})
		c.textIn(x, y+lh*1.8+0.3, iw, strings.Join(totals[1:], " · "), textStyle{size: fs, min: fs - 1.5, bold: true})
	}
	return y + p.g.totals
}

// references (CN23): invoice, licences and certificates, office and date of posting.
func (p *customsPly) references(y float64) float64 {
	c, x, iw, fs, lh := p.c, p.x, p.iw, p.fs, p.lh
	c.textIn(x, y+lh*0.8, iw/2-1, "Invoice no. (14): "+p.d.InvoiceNo, textStyle{size: fs, min: fs - 1.5})
	c.textIn(x+iw/2, y+lh*0.8, iw/2, "Licence no(s). (12): none · Certificate no(s). (13): none", textStyle{size: fs, min: fs - 1.5})
	c.textIn(x, y+lh*1.8, iw, "Office of origin / date of posting: Hong Kong "+date(p.l.Created), textStyle{size: fs, min: fs - 1.5})
	return y + p.g.extra
}

// declaration: the sender's declaration of the form.
func (p *customsPly) declaration(y float64) float64 {
	decl := declarationCN22
	if p.cn23 {
		decl = declarationCN23
	}
	p.c.block(p.x, y, p.iw, p.g.declaration-0.5, []para{{decl, 1, false}}, p.fs-1, p.fs-2.5)
	return y + p.g.declaration
}

// signature: the date and the sender's signature.
func (p *customsPly) signature(y float64) {
	signed := p.d.Date
	if signed.IsZero() {
		signed = p.l.Created
	}
	p.c.textIn(p.x, y+p.lh*0.9, p.iw, "Date and sender's signature "+p.n(8, 15)+": "+joinNonEmpty("   ", date(signed), p.d.SenderSignature), textStyle{size: p.fs + 0.5, min: p.fs - 1, bold: true})
	p.c.line(p.x, y+p.lh*1.3, p.x+p.iw, y+p.lh*1.3, 0.2)
}
