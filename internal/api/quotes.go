package api

import (
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/i18n"
	"github.com/ecship/ecship/internal/money"
)

type quoteRequest struct {
	Destination    string    `json:"destination"`
	WeightG        *int      `json:"weight_g"`
	Dimensions     *dimsJSON `json:"dimensions_mm"`
	InsuranceValue *Money    `json:"insurance_value"`
	Format         string    `json:"format"`
	Service        string    `json:"service"`
	Date           string    `json:"date"` // posting date, 2006-01-02 or RFC 3339; default now
}

type dimsJSON struct {
	Length int `json:"length"`
	Width  int `json:"width"`
	Height int `json:"height"`
}

type optionJSON struct {
	Service   serviceRef     `json:"service"`
	Available bool           `json:"available"`
	Reason    *reasonJSON    `json:"reason,omitempty"`
	Format    *formatRef     `json:"format,omitempty"`
	Postage   *Money         `json:"postage,omitempty"`
	Fees      []feeJSON      `json:"fees,omitempty"`
	Insurance *insuranceJSON `json:"insurance,omitempty"`
	Total     *Money         `json:"total,omitempty"`
	Sample    bool           `json:"sample"`
	RatesFrom string         `json:"rates_effective_from,omitempty"`
	Delivery  *deliveryJSON  `json:"delivery,omitempty"`
	Latest    *latestPosting `json:"latest_posting,omitempty"`
}

type serviceRef struct {
	Code  string        `json:"code"`
	Name  string        `json:"name"`
	Group catalog.Group `json:"group"`
}

type formatRef struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

type reasonJSON struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

type feeJSON struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Amount *Money `json:"amount"`
}

type insuranceJSON struct {
	Available bool        `json:"available"`
	Reason    *reasonJSON `json:"reason,omitempty"`
	Value     *Money      `json:"value,omitempty"`
	Premium   *Money      `json:"premium,omitempty"`
	MaxCover  *Money      `json:"max_cover,omitempty"`
	TotalLoss bool        `json:"total_loss_only,omitempty"`
	Sample    bool        `json:"sample,omitempty"`
}

type deliveryJSON struct {
	MinWorkingDays int    `json:"min_working_days"`
	MaxWorkingDays int    `json:"max_working_days"`
	PostingDate    string `json:"posting_date"`
	Earliest       string `json:"earliest"`
	Latest         string `json:"latest"`
	Sample         bool   `json:"sample"`
}

type destinationJSON struct {
	Code string       `json:"code"`
	Name string       `json:"name"`
	Zone catalog.Zone `json:"zone"`
}

func reason(m *errs.Message, prefix string, l i18n.Lang) *reasonJSON {
	if m == nil {
		return nil
	}
	return &reasonJSON{Code: strings.TrimPrefix(m.Key, prefix), Message: i18n.T(l, m.Key, m.Args)}
}

// parseDate reads a posting date: "2026-12-01" (Hong Kong) or an RFC 3339 time.
func parseDate(s string) (time.Time, bool) {
	if t, err := time.ParseInLocation(time.DateOnly, s, catalog.HongKong); err == nil {
		return t.Add(9 * time.Hour), true // a working morning, before any latest posting time
	}
	t, err := time.Parse(time.RFC3339, s)
	return t, err == nil
}

// ToQuoteRequest turns the JSON request into the catalogue's, checking what only the wire can get wrong.
func (q *quoteRequest) toCatalog(now time.Time) (catalog.QuoteRequest, error) {
	req := catalog.QuoteRequest{Destination: q.Destination, Format: q.Format, Service: q.Service, At: now}
	var fe errs.Fields
	if q.WeightG == nil {
		fe.Add("weight_g", "quote.weight.positive", nil)
	} else {
		req.WeightG = *q.WeightG
	}
	if q.Dimensions != nil {
		req.Dimensions = &catalog.Dimensions{Length: q.Dimensions.Length, Width: q.Dimensions.Width, Height: q.Dimensions.Height}
	}
	if v := q.InsuranceValue; v != nil {
		c, err := money.Parse(v.Amount)
		switch {
		case err != nil:
			fe.Add("insurance_value.amount", "quote.insurance.syntax", nil)
		case v.Currency != "" && v.Currency != "HKD":
			fe.Add("insurance_value.currency", "quote.insurance.currency", nil)
		}
		req.Insurance = c
	}
	if q.Date != "" {
		t, ok := parseDate(q.Date)
		if !ok {
			fe.Add("date", "quote.date.syntax", nil)
		}
		req.At = t
	}
	return req, fe.Err()
}

func (d *Deps) createQuote(w http.ResponseWriter, r *http.Request) {
	var q quoteRequest
	if err := decode(w, r, &q); err != nil {
		d.Metrics.CountQuote("api", false)
		WriteError(w, r, err)
		return
	}
	req, err := q.toCatalog(d.Now())
	var opts []catalog.Option
	if err == nil {
		opts, err = d.Catalog.Quote(req)
	}
	if err != nil {
		// Report the wire's mistakes and the catalogue's together, so one round trip shows them all.
		if e := errs.As(err); e.Code == errs.Invalid {
			if _, cerr := d.Catalog.Check(&req); cerr != nil && len(e.Fields) > 0 {
				err = mergeFields(e, errs.As(cerr))
			}
		}
		d.Metrics.CountQuote("api", false)
		WriteError(w, r, err)
		return
	}
	d.Metrics.CountQuote("api", true)
	dest, _ := d.Catalog.Destination(req.Destination)
	w.Header().Set("Vary", "Accept-Language")
	writeJSON(w, http.StatusOK, QuoteJSON(dest, req.WeightG, opts, Lang(r)))
}

// QuoteJSON is the answer to a quote, as the API sends it (the command line's --json prints the same).
func QuoteJSON(dest *catalog.Destination, weightG int, opts []catalog.Option, l i18n.Lang) any {
	out := make([]optionJSON, 0, len(opts))
	for i := range opts {
		out = append(out, optionOf(&opts[i], l))
	}
	return struct {
		Destination destinationJSON `json:"destination"`
		WeightG     int             `json:"weight_g"`
		Data        []optionJSON    `json:"data"`
	}{destinationJSON{Code: dest.Code, Name: dest.Names.In(l), Zone: dest.Zone}, weightG, out}
}

// mergeFields joins two invalid-input errors, each field once.
func mergeFields(a, b *errs.Error) *errs.Error {
	all := append(append(errs.Fields(nil), a.Fields...), b.Fields...)
	return errs.As(all.First().Err())
}

func optionOf(o *catalog.Option, l i18n.Lang) optionJSON {
	s := o.Service
	out := optionJSON{Service: serviceRef{Code: s.Code, Name: s.Names.In(l), Group: s.Group}, Available: o.Available,
		Reason: reason(o.Reason, "quote.reason.", l), Latest: latest(o.Latest)}
	if !o.Available {
		return out
	}
	out.Format = &formatRef{Code: o.Format.Code, Name: o.Format.Names.In(l)}
	out.Postage, out.Total, out.Sample, out.RatesFrom = HKD(o.Postage), HKD(o.Total), o.PriceSample, o.RatesFrom
	for _, f := range o.Fees {
		out.Fees = append(out.Fees, feeJSON{Code: f.Fee.ID, Name: f.Fee.Names.In(l), Amount: HKD(f.Amount)})
	}
	if in := o.Insurance; in != nil {
		ij := &insuranceJSON{Available: in.Available, Reason: reason(in.Reason, "quote.insurance.", l), TotalLoss: in.TotalLoss, Sample: in.Sample}
		if in.Value > 0 {
			ij.Value = HKD(in.Value)
		}
		if in.Available {
			ij.Premium, ij.MaxCover = HKD(in.Premium), HKD(in.MaxCover)
		}
		out.Insurance = ij
	}
	if dl := o.Delivery; dl != nil {
		out.Delivery = &deliveryJSON{MinWorkingDays: dl.MinDays, MaxWorkingDays: dl.MaxDays,
			PostingDate: dl.PostingDay.Format(time.DateOnly), Earliest: dl.Earliest.Format(time.DateOnly),
			Latest: dl.Latest.Format(time.DateOnly), Sample: dl.Sample}
	}
	return out
}

func sortStrings(s []string) { sort.Strings(s) }
