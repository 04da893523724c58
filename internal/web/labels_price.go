package web

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/i18n"
)

// labelPrice is what the label form's script asks as the sender types: what one label of the
// form's service would cost to its destination at the weight, size and value to insure typed
// (GET /labels/price?service=&country=&weight=&l=&w=&h=&insure=), read as the form reads them.
// The answer is JSON: the sentence to show and, when it could be priced, the price. Without
// script, "Check price" posts the form and shows the same.
func (p *Portal) labelPrice(w http.ResponseWriter, r *http.Request) {
	q, l := r.URL.Query(), Lang(r)
	f := newLabelForm(1)
	f.Values["service"], f.Values["country"] = q.Get("service"), q.Get("country")
	for _, k := range []string{"weight", "l", "w", "h", "insure"} {
		f.Values[f.In(0, k)] = q.Get(k)
	}
	sh := f.shipments()[0]
	var answer struct {
		Text   string `json:"text"`
		Price  string `json:"price,omitempty"`
		Sample bool   `json:"sample,omitempty"`
	}
	answer.Text = i18n.T(l, "labels.price_unknown", nil)
	for _, k := range []string{"weight", "l", "w", "h", "insure"} { // typed, but not a number
		if key := f.Errors[f.In(0, k)]; key != "" {
			answer.Text = i18n.T(l, key, nil)
		}
	}
	if len(f.Errors) == 0 && sh.Service != "" && sh.Recipient.Country != "" && sh.WeightG > 0 {
		opts, err := p.Catalog.Quote(catalog.QuoteRequest{Destination: sh.Recipient.Country, Service: sh.Service, WeightG: sh.WeightG,
			Dimensions: sh.Dimensions, Insurance: sh.Insurance, At: p.Now()})
		var fe *errs.Error
		switch {
		case errors.As(err, &fe) && len(fe.Fields) > 0:
			answer.Text = i18n.T(l, fe.Fields[0].Key, fe.Fields[0].Args)
		case err != nil:
			p.fail(w, r, err)
			return
		case len(opts) == 1 && opts[0].Available:
			answer.Price, answer.Sample = "HK$"+opts[0].Total.Display(), opts[0].PriceSample
			answer.Text = i18n.T(l, "labels.price_now", nil) + " " + answer.Price
			if answer.Sample {
				answer.Text += " (" + i18n.T(l, "home.sample", nil) + ")"
			}
		case len(opts) == 1 && opts[0].Reason != nil:
			answer.Text = i18n.T(l, opts[0].Reason.Key, opts[0].Reason.Args)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(answer)
}
