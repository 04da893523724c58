package label

import (
	"fmt"
	"strings"
	"time"

	"github.com/ecship/ecship/internal/money"
)

// A ply carries the whole label: service, sender, recipient, postage paid (LBL-12), date,
// weight, reference, the air mail impression on air services and the item number as a
// barcode (LBL-1); e-Express+ US labels add the office of exchange in large type (LBL-7).
// Plies of the 188 mm wide sizes put the sender and barcode on the left and the postage,
// recipient and details on the right; the 101 mm square US e-Express+ ply stacks them.

func (c *canvas) drawPly(l *Label, ply PlySize, n, of int) error {
	caption := fmt.Sprintf("Ply %d of %d · %s", n, of, ply.Name)
	if ply.W < 150 {
		return c.drawSquare(l, ply.W, ply.H, caption)
	}
	return c.drawWide(l, ply.W, ply.H, caption)
}

func (c *canvas) drawWide(l *Label, W, H float64, caption string) error {
	const m = 4.0
	short := H < 100 // registered mail: 81 mm
	mid := W / 2
	lw, rx := mid-m-2, mid+2
	rw := W - m - rx

	// Left: service, sender, barcode.
	serviceSize, headerH := 13.0, 16.0
	barH, numSize, fromSize := 20.0, 12.0, 9.0
	if short {
		serviceSize, headerH = 11.0, 13.5
		barH, numSize, fromSize = 12.0, 9.0, 8.0
	}
	c.textIn(m, m+2, lw, "HONGKONG POST · EC-SHIP", textStyle{size: 6, min: 5})
	c.textIn(m, m+2+serviceSize*ptToMM*1.15, lw, serviceTitle(l), textStyle{size: serviceSize, min: 8, bold: true})
	c.textIn(m, m+headerH-1.2, lw, caption, textStyle{size: 6, min: 5})
	barBlock := barH + numSize*ptToMM*1.3 + 1
	by := H - m - barBlock
	fy := m + headerH + 1
	c.textIn(m, fy+2, lw, "FROM:", textStyle{size: 6.5, bold: true})
	c.block(m, fy+3, lw, by-2-(fy+3), addressParas(l.Sender, false), fromSize, 5)
	if err := c.barcode(m, by, lw, barH, l.ItemNo, numSize); err != nil {
		return err
	}

	// Right: postage and air mail, recipient, details.
	topH, detailsH := 17.0, 15.0
	if short {
		topH, detailsH = 13.0, 10.0
	}
	pw := rw * 0.56
	c.postageBox(l, rx, m, pw, topH, short)
	c.mailBox(l, rx+pw+2, m, rw-pw-2, topH)
	ty := m + topH + 2
	th := H - m - detailsH - 1 - ty
	c.rect(rx, ty, rw, th, 0.5)
	c.textIn(rx+2, ty+2.8, rw-4, "TO:", textStyle{size: 7, bold: true})
	size := 12.0
	if short {
		size = 10
	}
	c.block(rx+2, ty+4, rw-4, th-5, addressParas(l.Recipient, true), size, 5.5)
	c.details(l, rx, H-m-detailsH, rw, detailsH, 7)
	return nil
}

func (c *canvas) drawSquare(l *Label, W, H float64, caption string) error {
	const m = 3.0
	iw := W - 2*m
	bw := 36.0 // the air mail and office of exchange boxes
	lw := iw - bw - 2

	c.textIn(m, m+2, lw, "HONGKONG POST · EC-SHIP", textStyle{size: 5.5, min: 5})
	c.textIn(m, m+6.3, lw, serviceTitle(l), textStyle{size: 10, min: 7, bold: true})
	c.textIn(m, m+9.6, lw, caption, textStyle{size: 5, min: 4.5})
	c.mailBox(l, W-m-bw, m, bw, 10)

	c.textIn(m, 16.5, lw, "FROM:", textStyle{size: 5.5, bold: true})
	c.block(m, 17.3, lw, 15.5, addressParas(l.Sender, false), 6.5, 4.5)
	c.exchangeBox(l, W-m-bw, 14, bw, 19)

	ty, th := 34.5, 31.0
	c.rect(m, ty, iw, th, 0.5)
	c.textIn(m+1.5, ty+2.6, iw-3, "TO:", textStyle{size: 6.5, bold: true})
	c.block(m+1.5, ty+3.5, iw-3, th-4.3, addressParas(l.Recipient, true), 10, 5)

	c.textIn(m, 69.3, iw*0.6, postageText(l), textStyle{size: 8, min: 6, bold: true})
	c.textIn(m+iw*0.6, 69.3, iw*0.4, "Date "+date(l.Created), textStyle{size: 6.5, min: 5, align: right})
	var more []string
	if l.Insurance > 0 {
		more = append(more, "Insurance HK$"+l.Insurance.Display())
	}
	more = append(more, "Weight "+kg(l.WeightG))
	if l.Reference != "" {
		more = append(more, "Ref. "+l.Reference)
	}
	if l.Customs != nil {
		more = append(more, "Customs: "+l.Customs.Form+" attached")
	}
	c.textIn(m, 72.6, iw, strings.Join(more, " · "), textStyle{size: 6.5, min: 4.5})
	c.line(m, 74.3, W-m, 74.3, 0.2)
	return c.barcode(m, 76, iw, 14, l.ItemNo, 10)
}

func serviceTitle(l *Label) string {
	name := clean(l.ServiceName)
	if name == "" {
		return l.Service
	}
	return name + " (" + l.Service + ")"
}

// postageText is the postage impression's line: paid, or for a label not paid online (EC-Ship lets
// a sender pay at the counter) what is due there.
func postageText(l *Label) string {
	if l.Unpaid {
		return "Postage due HK$" + l.Postage.Display()
	}
	return "Postage paid HK$" + l.Postage.Display()
}

// postageHeading is the line above it.
func postageHeading(l *Label) string {
	if l.Unpaid {
		return "HONGKONG POST · TO BE PAID AT THE COUNTER"
	}
	return "HONGKONG POST · NO STAMP REQUIRED"
}

// postageBox is the postage paid impression that stands in for stamps (LBL-12).
func (c *canvas) postageBox(l *Label, x, y, w, h float64, short bool) {
	c.rect(x, y, w, h, 0.4)
	size := 10.5
	if short {
		size = 9
	}
	c.textIn(x+1.5, y+2.6, w-3, postageHeading(l), textStyle{size: 5.5, min: 4.5})
	c.textIn(x+1.5, y+2.6+size*ptToMM*1.2, w-3, postageText(l), textStyle{size: size, min: 6, bold: true})
	if l.Insurance > 0 {
		c.textIn(x+1.5, y+h-1.3, w-3, "Insurance HK$"+l.Insurance.Display(), textStyle{size: 6.5, min: 5})
	}
}

// mailBox is the air mail impression on air services (LBL-1); surface and local services
// say how they travel instead.
func (c *canvas) mailBox(l *Label, x, y, w, h float64) {
	switch {
	case l.Air:
		c.rect(x, y, w, h, 0.8)
		if one := "BY AIR MAIL / PAR AVION"; c.width(one, 8, true) <= w-3 && h < 14 {
			c.textIn(x, y+h/2+1.2, w, one, textStyle{size: 8, bold: true, align: center})
			return
		}
		size := min(10.0, h/3/ptToMM)
		c.textIn(x+1, y+h/2-0.4, w-2, "BY AIR MAIL", textStyle{size: size, min: 5, bold: true, align: center})
		c.textIn(x+1, y+h/2+size*ptToMM+0.2, w-2, "PAR AVION", textStyle{size: size, min: 5, bold: true, align: center})
	case isLocal(l.Service):
		c.rect(x, y, w, h, 0.4)
		c.textIn(x+1, y+h/2+1.5, w-2, "LOCAL", textStyle{size: 10, min: 6, bold: true, align: center})
	default:
		c.rect(x, y, w, h, 0.4)
		c.textIn(x+1, y+h/2+1.5, w-2, "SURFACE MAIL", textStyle{size: 10, min: 6, bold: true, align: center})
	}
}

// exchangeBox shows the US office of exchange in large type so that senders can keep New
// York (JFK) items apart from the others (LBL-7).
func (c *canvas) exchangeBox(l *Label, x, y, w, h float64) {
	c.rect(x, y, w, h, 0.8)
	c.textIn(x+1, y+2.6, w-2, "US OFFICE OF EXCHANGE", textStyle{size: 5, min: 4, bold: true, align: center})
	if l.USExchange != "" {
		c.textIn(x+1, y+h-3.2, w-2, l.USExchange, textStyle{size: 30, min: 14, bold: true, align: center})
	}
}

// details is the box of date, weight, reference and customs form under the recipient.
func (c *canvas) details(l *Label, x, y, w, h, size float64) {
	c.rect(x, y, w, h, 0.3)
	cells := []string{"Date " + date(l.Created), "Weight " + kg(l.WeightG)}
	if l.Reference != "" {
		cells = append(cells, "Ref. "+l.Reference)
	}
	if l.Customs != nil {
		cells = append(cells, "Customs: "+l.Customs.Form+" attached")
	}
	lh := lineHeight(size)
	rows := min(int((h-1)/lh), (len(cells)+1)/2)
	for i, cell := range cells {
		row, col := i/2, i%2
		if row >= rows {
			break
		}
		if row == rows-1 && len(cells) > 2*rows && col == 1 {
			cell = strings.Join(cells[i:], " · ")
		}
		c.textIn(x+1.5+float64(col)*w/2, y+0.8+lh*float64(row)+lh*0.8, w/2-3, cell, textStyle{size: size, min: 4.5})
	}
}

// addressParas is an address as paragraphs: the name in bold, the country in capitals.
func addressParas(a Address, recipient bool) []para {
	big := 1.0
	if recipient {
		big = 1.1
	}
	ps := []para{{a.Name, big, true}, {a.Company, 1, false}}
	for _, line := range a.Lines {
		ps = append(ps, para{line, 1, false})
	}
	ps = append(ps, para{joinNonEmpty(" ", a.City, a.State, a.PostalCode), 1, false})
	country := strings.ToUpper(clean(a.CountryName))
	if country == "" {
		country = a.Country
	}
	ps = append(ps, para{country, big, recipient})
	if a.Phone != "" {
		ps = append(ps, para{"Tel " + a.Phone, 0.9, false})
	}
	return ps
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = clean(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

func isLocal(service string) bool {
	switch service {
	case "LRM", "LPL", "LCP", "LEG":
		return true
	}
	return false
}

func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

func kg(g int) string { return fmt.Sprintf("%d.%03d kg", g/1000, g%1000) }

func hk(c money.Cents) string { return "HK$" + c.Display() }
