package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/i18n"
	"github.com/ecship/ecship/internal/money"
	"github.com/ecship/ecship/internal/shipment"
)

// The JSON shapes of shipments: part of the public contract (docs/architecture.md, openapi.json).
type (
	shipmentIn struct {
		Service    string      `json:"service"`
		Reference  string      `json:"reference"`
		WeightG    int         `json:"weight_g"`
		Dimensions *dimsJSON   `json:"dimensions_mm"`
		Sender     addressJSON `json:"sender"`
		Recipient  addressJSON `json:"recipient"`
		Contents   *contentsIn `json:"contents"`
		Insurance  *Money      `json:"insurance"`
		Draft      bool        `json:"draft"`
	}
	// addressJSON is an address on the wire: shipment.Address's JSON is the API's Address schema.
	addressJSON = shipment.Address
	contentsIn  struct {
		Category    string      `json:"category"`
		Explanation string      `json:"explanation,omitempty"`
		Items       []articleIn `json:"items"`
	}
	articleIn struct {
		Description string `json:"description"`
		Quantity    int    `json:"quantity"`
		WeightG     int    `json:"weight_g"`
		Value       *Money `json:"value"`
		HSCode      string `json:"hs_code"`
		Origin      string `json:"origin_country"`
	}
	shipmentOut struct {
		ID          string       `json:"id"`
		ItemNo      string       `json:"item_no,omitempty"`
		Status      string       `json:"status"`
		Mode        string       `json:"mode"`
		Service     string       `json:"service"`
		Reference   string       `json:"reference"`
		WeightG     int          `json:"weight_g"`
		Dimensions  *dimsJSON    `json:"dimensions_mm,omitempty"`
		Sender      addressJSON  `json:"sender"`
		Recipient   addressJSON  `json:"recipient"`
		Contents    *contentsIn  `json:"contents,omitempty"`
		Insurance   *Money       `json:"insurance,omitempty"`
		Format      string       `json:"format,omitempty"`
		Postage     *Money       `json:"postage,omitempty"`
		Fees        *Money       `json:"fees,omitempty"`
		Premium     *Money       `json:"insurance_premium,omitempty"`
		Total       *Money       `json:"total,omitempty"`
		Sample      bool         `json:"sample"`
		CustomsForm string       `json:"customs_form,omitempty"`
		USExchange  string       `json:"us_office_of_exchange,omitempty"`
		Problems    []fieldJSON  `json:"problems,omitempty"`
		CreatedAt   string       `json:"created_at"`
		ExpiresAt   string       `json:"expires_at,omitempty"`
		DeleteAfter string       `json:"delete_after,omitempty"`
		LabelURL    string       `json:"label_url,omitempty"`
		Rates       []optionJSON `json:"rates,omitempty"`
	}
)

// addressOut is a in the API's answers, with an empty list of lines rather than null.
func addressOut(a shipment.Address) addressJSON {
	if a.Lines == nil {
		a.Lines = []string{}
	}
	return a
}

// domain turns the JSON into a shipment, with the wire's own mistakes (amounts that are not amounts).
func (in *shipmentIn) domain(prefix string) (*shipment.Shipment, errs.Fields) {
	var fe errs.Fields
	s := &shipment.Shipment{Service: in.Service, Reference: in.Reference, WeightG: in.WeightG, Sender: in.Sender, Recipient: in.Recipient,
		ChooseLater: in.Service == ""}
	if d := in.Dimensions; d != nil {
		s.Dimensions = &catalog.Dimensions{Length: d.Length, Width: d.Width, Height: d.Height}
	}
	if m := in.Insurance; m != nil {
		c, err := money.Parse(m.Amount)
		switch {
		case err != nil:
			fe.Add(prefix+"insurance.amount", "quote.insurance.syntax", nil)
		case m.Currency != "" && m.Currency != "HKD":
			fe.Add(prefix+"insurance.currency", "quote.insurance.currency", nil)
		}
		s.Insurance = c
	}
	if c := in.Contents; c != nil {
		s.Contents = &shipment.Contents{Category: c.Category, Explanation: c.Explanation}
		for i, it := range c.Items {
			a := shipment.Article{Description: it.Description, Quantity: it.Quantity, WeightG: it.WeightG, HSCode: it.HSCode, Origin: it.Origin}
			if it.Value == nil {
				fe.Add(fmt.Sprintf("%scontents.items[%d].value", prefix, i), "shipment.contents.value_required", nil)
			} else {
				v, err := money.Parse(it.Value.Amount)
				if err != nil {
					fe.Add(fmt.Sprintf("%scontents.items[%d].value.amount", prefix, i), "quote.insurance.syntax", nil)
				}
				a.Value, a.Currency = v, it.Value.Currency
			}
			s.Contents.Items = append(s.Contents.Items, a)
		}
	}
	return s, fe
}

func (d *Deps) shipmentOut(s *shipment.Shipment, l i18n.Lang) shipmentOut {
	out := shipmentOut{ID: s.ID, ItemNo: s.ItemNo, Status: string(s.Status), Mode: string(s.Mode), Service: s.Service, Reference: s.Reference,
		WeightG: s.WeightG, Sender: addressOut(s.Sender), Recipient: addressOut(s.Recipient), Format: s.Format, Sample: s.Sample,
		CustomsForm: s.CustomsForm, USExchange: s.USExchange, CreatedAt: rfc3339(&s.CreatedAt), ExpiresAt: rfc3339(s.ExpiresAt), DeleteAfter: rfc3339(s.DeleteAfter)}
	if dm := s.Dimensions; dm != nil {
		out.Dimensions = &dimsJSON{Length: dm.Length, Width: dm.Width, Height: dm.Height}
	}
	if s.Insurance > 0 {
		out.Insurance = HKD(s.Insurance)
	}
	if c := s.Contents; c != nil {
		out.Contents = &contentsIn{Category: c.Category, Explanation: c.Explanation, Items: []articleIn{}}
		for _, it := range c.Items {
			out.Contents.Items = append(out.Contents.Items, articleIn{Description: it.Description, Quantity: it.Quantity, WeightG: it.WeightG,
				Value: &Money{Amount: it.Value.String(), Currency: it.Currency}, HSCode: it.HSCode, Origin: it.Origin})
		}
	}
	if s.Status != shipment.Incomplete {
		out.Postage, out.Fees, out.Total = HKD(s.Postage), HKD(s.Fees), HKD(s.Total)
		if s.Premium > 0 {
			out.Premium = HKD(s.Premium)
		}
		if s.Status == shipment.Ready || s.Status == shipment.Paid {
			out.LabelURL = d.baseURL() + "/api/v1/shipments/" + s.ID + "/label"
		}
	}
	for _, p := range s.Problems {
		out.Problems = append(out.Problems, fieldJSON{Field: p.Field, Message: i18n.T(l, p.Key, p.Args)})
	}
	if s.Service == "" && s.Status == shipment.Incomplete {
		for _, o := range shipment.Rates(d.Catalog, s, d.Now()) {
			out.Rates = append(out.Rates, optionOf(&o, l))
		}
	}
	return out
}

func rfc3339(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(catalog.HongKong).Format(time.RFC3339)
}

// createShipments takes one shipment, or {"shipments":[...]} with up to 20 for one country: all or
// nothing. With "draft": true, shipments with problems are kept as incomplete instead of refused.
func (d *Deps) createShipments(w http.ResponseWriter, r *http.Request) {
	var raw json.RawMessage
	if err := decode(w, r, &raw); err != nil {
		WriteError(w, r, err)
		return
	}
	var batch struct {
		Shipments []json.RawMessage `json:"shipments"`
		Draft     bool              `json:"draft"`
	}
	single := !strings.Contains(string(raw[:min(len(raw), 4096)]), `"shipments"`) || json.Unmarshal(raw, &batch) != nil || batch.Shipments == nil
	items := batch.Shipments
	if single {
		items = []json.RawMessage{raw}
	}
	var list []*shipment.Shipment
	var fe errs.Fields
	draft := batch.Draft
	for i, item := range items {
		prefix := ""
		if !single {
			prefix = fmt.Sprintf("shipments[%d].", i)
		}
		var in shipmentIn
		dec := json.NewDecoder(strings.NewReader(string(item)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in); err != nil {
			e := errs.As(decodeError(err))
			for _, f := range e.Fields {
				f.Field = prefix + f.Field
				fe = append(fe, f)
			}
			if len(e.Fields) == 0 {
				WriteError(w, r, e)
				return
			}
			continue
		}
		s, wire := in.domain(prefix)
		fe = append(fe, wire...)
		draft = draft || in.Draft
		list = append(list, s)
	}
	if err := fe.Err(); err != nil {
		WriteError(w, r, err)
		return
	}
	key, err := idempotencyKey(r)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	list, replayed, err := d.Shipments.CreateOnce(r.Context(), d.owner(r), list, draft, key)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	if replayed {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	l := Lang(r)
	if single {
		writeJSON(w, http.StatusCreated, d.shipmentOut(list[0], l))
		return
	}
	out := make([]shipmentOut, len(list))
	for i, s := range list {
		out[i] = d.shipmentOut(s, l)
	}
	body := map[string]any{"data": out}
	if late := shipment.LatePosting(d.Catalog, list, d.Now()); len(late) > 0 {
		body["warnings"] = []warning{{Code: "late_posting", Services: late, Message: i18n.T(l, "shipment.late_posting", errs.Args{"services": strings.Join(late, ", ")})}}
	}
	writeJSON(w, http.StatusCreated, body)
}

// warning is something the caller should know about a request that succeeded.
type warning struct {
	Code     string   `json:"code"`
	Services []string `json:"services,omitempty"`
	Message  string   `json:"message"`
}

func (d *Deps) owner(r *http.Request) shipment.Owner {
	c := caller(r)
	return shipment.Owner{User: c.User, Mode: c.Key.Mode}
}

func (d *Deps) getShipment(w http.ResponseWriter, r *http.Request) {
	s, err := d.Shipments.Get(r.Context(), d.owner(r), r.PathValue("id"))
	if err != nil {
		WriteError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d.shipmentOut(s, Lang(r)))
}

// listShipments answers {"data":[...],"next_cursor":"..."}, newest first, six months at most.
func (d *Deps) listShipments(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := shipment.Filter{Search: q.Get("q"), Before: q.Get("cursor")}
	for _, st := range statusList(r) {
		f.Statuses = append(f.Statuses, shipment.Status(st))
	}
	var err error
	if f.Limit, err = listLimit(r, 50, 100); err != nil {
		WriteError(w, r, err)
		return
	}
	if f.From, f.To, err = createdRange(r); err != nil {
		WriteError(w, r, err)
		return
	}
	list, next, err := d.Shipments.List(r.Context(), d.owner(r), f)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	l := Lang(r)
	out := make([]shipmentOut, len(list))
	for i, s := range list {
		out[i] = d.shipmentOut(s, l)
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out, "next_cursor": next})
}

func (d *Deps) updateShipment(w http.ResponseWriter, r *http.Request) {
	var in shipmentIn
	if err := decode(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	s, fe := in.domain("")
	if err := fe.Err(); err != nil {
		WriteError(w, r, err)
		return
	}
	s.ChooseLater = false // an edit names its service (buy picks one for a shipment without)
	got, err := d.Shipments.Update(r.Context(), d.owner(r), r.PathValue("id"), s, in.Draft)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d.shipmentOut(got, Lang(r)))
}

func (d *Deps) deleteShipment(w http.ResponseWriter, r *http.Request) {
	if err := d.Shipments.Delete(r.Context(), d.owner(r), r.PathValue("id")); err != nil {
		WriteError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// cancelShipment withdraws a label: a ready one at once, a paid one out of its payment's capture
// before the 20:00 settlement, or with a refund application after (one transaction either way).
func (d *Deps) cancelShipment(w http.ResponseWriter, r *http.Request) {
	c, err := d.Payments.Cancel(r.Context(), d.owner(r), r.PathValue("id"), false)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d.shipmentOut(c.Shipment, Lang(r)))
}

// shipmentLabel answers one label as PDF, PNG or ZPL (see labelQuery and negotiate). Looking
// changes nothing: a label never printed comes back as a preview, marked PREVIEW; POST .../print
// prints it.
func (d *Deps) shipmentLabel(w http.ResponseWriter, r *http.Request) {
	o, err := labelQuery(r)
	if err == nil {
		err = negotiate(r, &o)
	}
	if err != nil {
		WriteError(w, r, err)
		return
	}
	list, err := d.Shipments.Printable(r.Context(), d.owner(r), []string{r.PathValue("id")})
	if err != nil {
		WriteError(w, r, err)
		return
	}
	d.writeLabels(w, r, list, shipment.Unprinted(list), o)
}

// printShipment prints one label: recorded as printed (the sender can no longer edit it, LBL-9),
// answered in the format asked, as shipmentLabel's.
func (d *Deps) printShipment(w http.ResponseWriter, r *http.Request) {
	o, err := labelQuery(r)
	if err == nil {
		err = negotiate(r, &o)
	}
	if err != nil {
		WriteError(w, r, err)
		return
	}
	d.printIDs(w, r, []string{r.PathValue("id")}, o)
}

// printLabels prints several labels as one document: {"shipment_ids":[...],"layout":"a4"|"label",
// "format":"pdf"|"png"|"zpl","size":"service"|"a6"|"4x6","dpi":203|300,"page":N}.
func (d *Deps) printLabels(w http.ResponseWriter, r *http.Request) {
	var in struct {
		IDs    []string `json:"shipment_ids"`
		Layout string   `json:"layout"`
		Format string   `json:"format"`
		Size   string   `json:"size"`
		DPI    int      `json:"dpi"`
		Page   int      `json:"page"`
	}
	if err := decode(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	o := shipment.LabelOptions{Format: in.Format, Size: in.Size, Layout: in.Layout, DPI: in.DPI, Page: in.Page}
	switch {
	case len(in.IDs) == 0:
		WriteError(w, r, errs.Field("shipment_ids", "labels.ids_required", nil))
		return
	case len(in.IDs) > 500:
		WriteError(w, r, errs.Field("shipment_ids", "labels.too_many", errs.Args{"max": 500}))
		return
	}
	if err := negotiate(r, &o); err != nil {
		WriteError(w, r, err)
		return
	}
	d.printIDs(w, r, in.IDs, o)
}

// printIDs prints labels (the Print transition) and answers them. The options are checked first:
// a request that cannot be answered prints nothing.
func (d *Deps) printIDs(w http.ResponseWriter, r *http.Request, ids []string, o shipment.LabelOptions) {
	err := o.Check()
	if err == nil && o.Page > 1 {
		// The page of a PNG is checked against the labels before they are printed.
		var list []*shipment.Shipment
		if list, err = d.Shipments.Printable(r.Context(), d.owner(r), ids); err == nil {
			err = shipment.CheckLabelPage(d.Catalog, list, o)
		}
	}
	if err != nil {
		WriteError(w, r, err)
		return
	}
	list, err := d.Shipments.Print(r.Context(), d.owner(r), ids)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	d.writeLabels(w, r, list, false, o)
}
