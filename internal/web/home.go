package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/ecship/ecship/internal/account"

	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/i18n"
	"github.com/ecship/ecship/internal/money"
)

// quoteForm is the comparison form as typed, so it can be shown again with its errors.
type quoteForm struct {
	To, Weight, Unit, Length, Width, Height, Insure string
}

type homePage struct {
	page
	Form         quoteForm
	Errors       map[string]string // field -> message
	Destinations template.HTML     // the <option>s of the destination type-ahead
	Dest         *catalog.Destination
	WeightG      int
	Options      []optionView
	Unavailable  []optionView
	AnySample    bool
	Dash         *dashView // a signed-in sender's dashboard, above the comparison
}

type optionView struct {
	catalog.Option
	Name, FormatName, Reason, InsuranceText string
	Bar                                     int // width of the price bar, 0 to 100
	Cheapest, Fastest                       bool
}

// home is the postage comparison: the form, and for a filled-in form every service's price and
// delivery, cheapest first, then the services that cannot take the item and why (rule SVC-2).
func (p *Portal) home(w http.ResponseWriter, r *http.Request) {
	pg := &homePage{page: p.page(w, r, "home.title"), Errors: map[string]string{}}
	q := r.URL.Query()
	pg.Form = quoteForm{To: q.Get("to"), Weight: q.Get("weight"), Unit: q.Get("unit"), Length: q.Get("l"),
		Width: q.Get("w"), Height: q.Get("h"), Insure: q.Get("insure")}
	if pg.Form.Unit != "kg" {
		pg.Form.Unit = "g"
	}
	pg.Destinations = p.datalists[pg.Lang]
	status := http.StatusOK
	if pg.Form.To != "" || pg.Form.Weight != "" {
		if err := p.compare(pg); err != nil {
			e := errs.As(err)
			if e.Code != errs.Invalid {
				p.Log.Error("quote", "err", err)
				http.Error(w, i18n.T(pg.Lang, "error.internal", nil), http.StatusInternalServerError)
				return
			}
			for _, f := range e.Fields {
				if _, seen := pg.Errors[f.Field]; !seen {
					pg.Errors[f.Field] = i18n.T(pg.Lang, f.Key, f.Args)
				}
			}
			status = http.StatusBadRequest
		}
	}
	if u := currentUser(r); u != nil && u.Role == account.Sender && pg.Form.To == "" && pg.Form.Weight == "" {
		var err error
		if pg.Dash, err = p.dashboard(r.Context(), pg.Lang, owner(r)); err != nil {
			p.fail(w, r, err)
			return
		}
	}
	p.render(w, r, status, "home", pg)
}

// compare reads the form and fills in the options, or returns the fields at fault.
func (p *Portal) compare(pg *homePage) error {
	f := pg.Form
	req := catalog.QuoteRequest{Destination: f.To, At: p.Now()}
	var fe errs.Fields
	if strings.TrimSpace(f.Weight) == "" {
		fe.Add("weight_g", "quote.weight.positive", nil)
	} else if g, err := catalog.ParseWeight(f.Weight, f.Unit); err != nil {
		fe = append(fe, errs.As(err).Fields...)
	} else {
		req.WeightG = g
	}
	if f.Length != "" || f.Width != "" || f.Height != "" {
		d := &catalog.Dimensions{}
		for _, side := range []struct {
			field, text string
			dst         *int
		}{{"length", f.Length, &d.Length}, {"width", f.Width, &d.Width}, {"height", f.Height, &d.Height}} {
			n, err := strconv.Atoi(strings.TrimSpace(side.text))
			switch {
			case err != nil:
				fe.Add("dimensions_mm."+side.field, "quote.size.whole_mm", nil)
			case n <= 0:
				fe.Add("dimensions_mm."+side.field, "quote.size.range", errs.Args{"max": catalog.MaxInputSideMM})
			}
			*side.dst = n
		}
		req.Dimensions = d
	}
	if v := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(f.Insure), "HK$")); v != "" {
		c, err := money.Parse(strings.ReplaceAll(v, ",", ""))
		if err != nil {
			fe.Add("insurance_value", "quote.insurance.syntax", nil)
		}
		req.Insurance = c
	}
	// The catalogue's own checks run too, so every mistake shows at once.
	if _, err := p.Catalog.Check(&req); err != nil {
		for _, e := range errs.As(err).Fields {
			fe = append(fe, e)
		}
	}
	if err := fe.First().Err(); err != nil {
		p.Metrics.CountQuote("web", false)
		return err
	}
	opts, err := p.Catalog.Quote(req)
	if err != nil {
		p.Metrics.CountQuote("web", false)
		return err
	}
	p.Metrics.CountQuote("web", true)
	pg.Dest, _ = p.Catalog.Destination(req.Destination)
	pg.Form.To = pg.Dest.Names.In(pg.Lang) + " (" + pg.Dest.Code + ")" // in the page's language after a switch
	pg.WeightG = req.WeightG
	var maxTotal money.Cents
	fastest := -1
	for _, o := range opts {
		if o.Available && o.Total > maxTotal {
			maxTotal = o.Total
		}
	}
	for _, o := range opts {
		v := optionView{Option: o, Name: o.Service.Names.In(pg.Lang)}
		if !o.Available {
			v.Reason = i18n.T(pg.Lang, o.Reason.Key, o.Reason.Args)
			pg.Unavailable = append(pg.Unavailable, v)
			continue
		}
		v.FormatName = o.Format.Names.In(pg.Lang)
		v.Bar = int(o.Total * 100 / max(maxTotal, 1))
		v.Bar = max(v.Bar, 2)
		v.InsuranceText = insuranceText(pg.Lang, o.Insurance)
		v.Cheapest = len(pg.Options) == 0
		pg.AnySample = pg.AnySample || o.PriceSample || (o.Delivery != nil && o.Delivery.Sample)
		if o.Delivery != nil && (fastest < 0 || o.Delivery.MaxDays < pg.Options[fastest].Delivery.MaxDays) {
			fastest = len(pg.Options)
		}
		pg.Options = append(pg.Options, v)
	}
	if fastest >= 0 {
		pg.Options[fastest].Fastest = true
	}
	return nil
}

func insuranceText(l i18n.Lang, in *catalog.InsuranceQuote) string {
	switch {
	case in == nil:
		return i18n.T(l, "home.insurance.none", nil)
	case !in.Available:
		return i18n.T(l, in.Reason.Key, in.Reason.Args)
	case in.Value > 0 && in.TotalLoss:
		return i18n.T(l, "home.insurance.premium", map[string]any{"premium": in.Premium.Display(), "value": in.Value.Display()}) + " " + i18n.T(l, "home.insurance.total_loss", nil)
	case in.Value > 0:
		return i18n.T(l, "home.insurance.premium", map[string]any{"premium": in.Premium.Display(), "value": in.Value.Display()})
	case in.Flat && in.TotalLoss:
		return i18n.T(l, "home.insurance.flat", map[string]any{"premium": in.Premium.Display(), "max": in.MaxCover.Display()}) + " " + i18n.T(l, "home.insurance.total_loss", nil)
	case in.Flat:
		return i18n.T(l, "home.insurance.flat", map[string]any{"premium": in.Premium.Display(), "max": in.MaxCover.Display()})
	}
	return i18n.T(l, "home.insurance.upto", map[string]any{"max": in.MaxCover.Display()})
}
