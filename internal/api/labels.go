package api

import (
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/shipment"
)

// Label formats by media type, in the order a tie of the Accept header's preferences goes.
var labelTypes = []struct{ format, mediaType, ext string }{
	{"pdf", "application/pdf", "pdf"},
	{"png", "image/png", "png"},
	{"zpl", "application/zpl", "zpl"},
}

// labelQuery reads how labels are asked for from the query: ?format=pdf|png|zpl, ?size=service|
// a6|4x6, ?dpi=203|300, ?page=N (a PNG's page), ?layout=label|a4.
func labelQuery(r *http.Request) (shipment.LabelOptions, error) {
	q := r.URL.Query()
	o := shipment.LabelOptions{Format: q.Get("format"), Size: q.Get("size"), Layout: q.Get("layout")}
	var fe errs.Fields
	for _, p := range []struct {
		name string
		to   *int
	}{{"dpi", &o.DPI}, {"page", &o.Page}} {
		if v := q.Get(p.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				fe.Add(p.name, "api.whole_number", nil)
				continue
			}
			*p.to = n
		}
	}
	return o, fe.Err()
}

// negotiate settles the format of labels: the one ?format= (or the body) names, else the one
// the Accept header prefers among PDF, PNG and ZPL (PDF when it has no preference); one it
// does not accept at all is a 406.
func negotiate(r *http.Request, o *shipment.LabelOptions) error {
	if o.Format != "" {
		return nil
	}
	accept := r.Header.Get("Accept")
	if strings.TrimSpace(accept) == "" {
		return nil
	}
	best, bestQ := "", 0.0
	for _, t := range labelTypes {
		if q := acceptQ(accept, t.mediaType); q > bestQ {
			best, bestQ = t.format, q
		}
	}
	if best == "" {
		return errs.New(errs.NotAccepted, "labels.not_acceptable", nil)
	}
	o.Format = best
	return nil
}

// acceptQ is the preference an Accept header gives a media type: the q of its most specific
// range that matches (type/subtype, then type/*, then */*), 0 when none does.
func acceptQ(accept, mediaType string) float64 {
	major, _, _ := strings.Cut(mediaType, "/")
	q, specificity := 0.0, -1
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		s := -1
		switch {
		case mt == mediaType:
			s = 2
		case mt == major+"/*":
			s = 1
		case mt == "*/*":
			s = 0
		}
		if s <= specificity {
			continue
		}
		v := 1.0
		if qs, ok := params["q"]; ok {
			if f, err := strconv.ParseFloat(qs, 64); err == nil && f >= 0 && f <= 1 {
				v = f
			}
		}
		q, specificity = v, s
	}
	return q
}

// writeLabels answers labels in the format asked, with Label-Pages saying how many pages they
// make (a PNG shows one: ?page=).
func (d *Deps) writeLabels(w http.ResponseWriter, r *http.Request, list []*shipment.Shipment, preview bool, o shipment.LabelOptions) {
	data, pages, err := shipment.RenderLabelsAs(d.Catalog, list, preview, o)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	t := labelTypes[0]
	for _, lt := range labelTypes {
		if lt.format == o.Format {
			t = lt
		}
	}
	name := "labels"
	if len(list) == 1 && list[0].ItemNo != "" {
		name = list[0].ItemNo
	}
	w.Header().Set("Content-Type", t.mediaType)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Header().Set("Content-Disposition", `inline; filename="`+name+"."+t.ext+`"`)
	w.Header().Set("Label-Pages", strconv.Itoa(pages))
	w.Header().Add("Vary", "Accept")
	w.Write(data)
}
