package api

import (
	"net/http"

	"github.com/ecship/ecship/internal/addressbook"
	"github.com/ecship/ecship/internal/addresscheck"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/i18n"
	"github.com/ecship/ecship/internal/shipment"
)

type (
	addressEntryIn struct {
		Kind    string      `json:"kind"`
		Address addressJSON `json:"address"`
	}
	addressEntryOut struct {
		ID       string        `json:"id"`
		Kind     string        `json:"kind"`
		Address  addressJSON   `json:"address"`
		Warnings []findingJSON `json:"warnings,omitempty"`
	}
	findingJSON struct {
		Field    string `json:"field"`
		Severity string `json:"severity"`
		Message  string `json:"message"`
	}
	districtJSON struct {
		Code   string  `json:"code"`
		Name   string  `json:"name"`
		Region refJSON `json:"region"`
	}
	refJSON struct {
		Code string `json:"code"`
		Name string `json:"name"`
	}
	addressCheckOut struct {
		Valid      bool          `json:"valid"`
		Problems   []findingJSON `json:"problems"`
		Suggestion *addressJSON  `json:"suggestion,omitempty"`
		District   *districtJSON `json:"district,omitempty"`
	}
)

func entryJSON(e addressbook.Entry) addressEntryOut {
	return addressEntryOut{ID: e.ID, Kind: string(e.Kind), Address: addressOut(e.Address)}
}

func findingsJSON(list []addresscheck.Finding, l i18n.Lang) []findingJSON {
	out := []findingJSON{}
	for _, f := range list {
		out = append(out, findingJSON{Field: f.Field, Severity: string(f.Severity), Message: i18n.T(l, f.Key, f.Args)})
	}
	return out
}

// checkEntry checks an address to keep: what would stop a label is a 400 naming the fields
// (address.*); what is only doubtful comes back as warnings.
func (d *Deps) checkEntry(in addressEntryIn, l i18n.Lang) ([]findingJSON, error) {
	if in.Kind != string(addressbook.Sender) && in.Kind != string(addressbook.Recipient) {
		return nil, errs.Field("kind", "addressbook.kind", nil)
	}
	r := addresscheck.Check(d.Catalog, shipment.Address(in.Address), in.Kind == string(addressbook.Sender))
	var fe errs.Fields
	var warnings []findingJSON
	for _, f := range r.Findings {
		if f.Severity == addresscheck.Error {
			fe.Add("address."+f.Field, f.Key, f.Args)
		} else {
			warnings = append(warnings, findingJSON{Field: "address." + f.Field, Severity: string(f.Severity), Message: i18n.T(l, f.Key, f.Args)})
		}
	}
	return warnings, fe.Err()
}

// listAddresses answers the caller's address book by name: ?kind=sender|recipient&limit=&cursor=.
func (d *Deps) listAddresses(w http.ResponseWriter, r *http.Request) {
	kind := addressbook.Kind(r.URL.Query().Get("kind"))
	limit, err := listLimit(r, 50, 100)
	if err == nil && kind != "" && kind != addressbook.Sender && kind != addressbook.Recipient {
		err = errs.Field("kind", "addressbook.kind_filter", nil)
	}
	if err != nil {
		WriteError(w, r, err)
		return
	}
	list, next, err := d.Addresses.Page(r.Context(), d.owner(r), kind, r.URL.Query().Get("cursor"), limit)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	out := make([]addressEntryOut, len(list))
	for i, e := range list {
		out[i] = entryJSON(e)
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out, "next_cursor": next})
}

// createAddress keeps an address: {"kind":"recipient","address":{...}}. The same address kept
// already is answered as it is (200), a new one is 201.
func (d *Deps) createAddress(w http.ResponseWriter, r *http.Request) {
	var in addressEntryIn
	if err := decode(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	l := Lang(r)
	warnings, err := d.checkEntry(in, l)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	o := d.owner(r)
	id, added, err := d.Addresses.Add(r.Context(), o, addressbook.Kind(in.Kind), shipment.Address(in.Address))
	if err != nil {
		WriteError(w, r, err)
		return
	}
	e, err := d.Addresses.Get(r.Context(), o, id)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	out := entryJSON(e)
	out.Warnings = warnings
	code := http.StatusOK
	if added {
		code = http.StatusCreated
	}
	writeJSON(w, code, out)
}

func (d *Deps) getAddress(w http.ResponseWriter, r *http.Request) {
	e, err := d.Addresses.Get(r.Context(), d.owner(r), r.PathValue("id"))
	if err != nil {
		WriteError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, entryJSON(e))
}

// updateAddress replaces a kept address: {"kind":...,"address":{...}}.
func (d *Deps) updateAddress(w http.ResponseWriter, r *http.Request) {
	var in addressEntryIn
	if err := decode(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	warnings, err := d.checkEntry(in, Lang(r))
	if err != nil {
		WriteError(w, r, err)
		return
	}
	e := addressbook.Entry{ID: r.PathValue("id"), Kind: addressbook.Kind(in.Kind), Address: shipment.Address(in.Address)}
	if err := d.Addresses.Update(r.Context(), d.owner(r), e); err != nil {
		WriteError(w, r, err)
		return
	}
	out := entryJSON(e)
	out.Warnings = warnings
	writeJSON(w, http.StatusOK, out)
}

func (d *Deps) deleteAddress(w http.ResponseWriter, r *http.Request) {
	if err := d.Addresses.Delete(r.Context(), d.owner(r), r.PathValue("id")); err != nil {
		WriteError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// checkAddress checks an address without keeping it: {"address":{...},"sender":false}. It answers
// whether a label could be prepared with it, every problem (errors and warnings) by field, the
// address as the check would write it, and, in Hong Kong, the district and region it names.
func (d *Deps) checkAddress(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Address addressJSON `json:"address"`
		Sender  bool        `json:"sender"`
	}
	if err := decode(w, r, &in); err != nil {
		WriteError(w, r, err)
		return
	}
	l := Lang(r)
	res := addresscheck.Check(d.Catalog, shipment.Address(in.Address), in.Sender)
	out := addressCheckOut{Valid: res.Valid(), Problems: findingsJSON(res.Findings, l)}
	if s := res.Suggested; s != nil {
		a := addressOut(*s)
		out.Suggestion = &a
	}
	if dt := res.District; dt != nil {
		out.District = &districtJSON{Code: dt.Code, Name: dt.Names.In(l), Region: refJSON{Code: dt.Region.Code, Name: dt.Region.Names.In(l)}}
	}
	w.Header().Set("Vary", "Accept-Language")
	writeJSON(w, http.StatusOK, out)
}
