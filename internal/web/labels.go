package web

import (
	"encoding/csv"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/addressbook"
	"github.com/ecship/ecship/internal/addresscheck"
	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/i18n"
	"github.com/ecship/ecship/internal/label"
	"github.com/ecship/ecship/internal/shipment"
)

// The portal works on live data; test data is for test API keys.
func owner(r *http.Request) shipment.Owner {
	return shipment.Owner{User: currentUser(r), Mode: account.Live}
}

// tabs are the label lists by state (rule HIS-2).
var tabs = []struct {
	Key      string
	Statuses []shipment.Status
}{
	{"pending", []shipment.Status{shipment.Ready, shipment.Paid}},
	{"incomplete", []shipment.Status{shipment.Incomplete}},
	{"posted", []shipment.Status{shipment.Posted, shipment.InTransit, shipment.Delivered, shipment.Returned}},
	{"cancelled", []shipment.Status{shipment.Cancelled, shipment.Expired}},
}

type labelsPage struct {
	page
	Tab       string
	Tabs      []string
	Query     string
	From, To  string // created between these dates (Hong Kong), as typed
	Shipments []*shipment.Shipment
	Next      string
	Catalog   *catalog.Catalog
}

// dateRange reads ?from= and ?to= (dates in Hong Kong, to inclusive) into the filter.
func dateRange(pg *labelsPage, q map[string][]string, f *shipment.Filter) {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
		return ""
	}
	pg.From, pg.To = get("from"), get("to")
	if t, err := time.ParseInLocation(time.DateOnly, pg.From, catalog.HongKong); err == nil {
		f.From = t
	} else {
		pg.From = ""
	}
	if t, err := time.ParseInLocation(time.DateOnly, pg.To, catalog.HongKong); err == nil {
		f.To = t.AddDate(0, 0, 1)
	} else {
		pg.To = ""
	}
}

func (p *Portal) labelsList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	pg := &labelsPage{page: p.page(w, r, "labels.title"), Tab: q.Get("tab"), Query: q.Get("q"), Catalog: p.Catalog}
	f := shipment.Filter{Search: pg.Query, Before: q.Get("cursor"), Limit: 50}
	dateRange(pg, q, &f)
	for _, t := range tabs {
		pg.Tabs = append(pg.Tabs, t.Key)
		if t.Key == pg.Tab || (pg.Tab == "" && t.Key == "pending") {
			pg.Tab, f.Statuses = t.Key, t.Statuses
		}
	}
	list, next, err := p.Shipments.List(r.Context(), owner(r), f)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg.Shipments, pg.Next = list, next
	p.render(w, r, http.StatusOK, "labels", pg)
}

type labelNewPage struct {
	page
	Form       labelForm
	Services   []*catalog.Service
	Dests      []*catalog.Destination
	Senders    []addressbook.Entry
	Recipients []addressbook.Entry
	EditID     string
	Catalog    *catalog.Catalog
	NotOffered []string // the services that do not go to the chosen destination, and why
}

// notOffered is why a service takes none of the form's labels to the destination, translated;
// "" when it may. With a weight typed, the heaviest label is priced too: a service that cannot
// carry it is not offered either (a lighter label may go by it in another form).
func notOffered(cat *catalog.Catalog, l i18n.Lang, s *catalog.Service, dest *catalog.Destination, heaviest int, now time.Time) string {
	why := s.Refuses(dest)
	if why == nil && (s.Group == catalog.Local) != dest.Local() {
		why = &errs.Message{Key: "quote.reason.not_to_destination", Args: errs.Args{"service": s.Names, "destination": dest.Names}}
	}
	if why == nil && heaviest > 0 && heaviest <= catalog.MaxInputWeightG {
		if opts, err := cat.Quote(catalog.QuoteRequest{Destination: dest.Code, Service: s.Code, WeightG: heaviest, At: now}); err == nil && len(opts) == 1 && !opts[0].Available {
			why = opts[0].Reason
		}
	}
	if why == nil {
		return ""
	}
	return i18n.T(l, why.Key, why.Args)
}

// MsgFor translates a form message (field messages are kept as keys until the page's language is known).
func (pg *labelNewPage) msg(f *labelForm) {
	for k, v := range f.Errors {
		if i18n.Has(i18n.English, v) {
			f.Errors[k] = i18n.T(pg.Lang, v, nil)
		}
	}
}

func (p *Portal) newLabelPage(w http.ResponseWriter, r *http.Request, f labelForm) *labelNewPage {
	pg := &labelNewPage{page: p.page(w, r, "labels.new.title"), Form: f, Catalog: p.Catalog, Dests: p.Catalog.Destinations(Lang(r))}
	// With a destination chosen, only the services that go there with the heaviest label typed,
	// and why the others do not.
	dest, chosen := p.Catalog.Destination(f.Values["country"])
	heaviest := 0
	for i := range f.N {
		if g, err := catalog.ParseWeight(f.BlockValue(i, "weight"), "g"); err == nil {
			heaviest = max(heaviest, g)
		}
	}
	for _, s := range p.Catalog.Services() {
		if !s.Quotable() {
			continue
		}
		if !chosen || s.Code == f.Values["service"] {
			pg.Services = append(pg.Services, s)
			continue
		}
		if why := notOffered(p.Catalog, pg.Lang, s, dest, heaviest, p.Now()); why != "" {
			pg.NotOffered = append(pg.NotOffered, s.Names.In(pg.Lang)+": "+why)
			continue
		}
		pg.Services = append(pg.Services, s)
	}
	u := currentUser(r)
	var err error
	if pg.Senders, err = p.Addresses.List(r.Context(), owner(r), addressbook.Sender); err == nil {
		pg.Recipients, err = p.Addresses.List(r.Context(), owner(r), addressbook.Recipient)
	}
	if err != nil {
		p.Log.Error("address book", "user", u.ID, "err", err) // the form works without it
	}
	return pg
}

// labelNew shows the form for one label, or up to 20 for one country (?n=).
func (p *Portal) labelNew(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	n, _ := strconv.Atoi(q.Get("n"))
	f := newLabelForm(n)
	f.Values["country"], f.Values["service"] = q.Get("to"), q.Get("service")
	if g, err := strconv.Atoi(q.Get("weight")); err == nil && g > 0 {
		f.Values["r0_weight"] = strconv.Itoa(g) // from a compared price: the weight it was for
	}
	// The sender chosen from the book, else the default: the first saved sender, else the account
	// holder's name, phone and email.
	sender, err := p.Addresses.DefaultSender(r.Context(), owner(r))
	if id := q.Get("sender"); id != "" && err == nil {
		var e addressbook.Entry
		if e, err = p.Addresses.Get(r.Context(), owner(r), id); err == nil {
			sender = e.Address
		}
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	f.fillSender(sender)
	if id := q.Get("recipient"); id != "" {
		e, err := p.Addresses.Get(r.Context(), owner(r), id)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		f.fill(0, &shipment.Shipment{Service: f.Values["service"], Sender: f.senderAddress(), Recipient: e.Address})
	}
	p.render(w, r, http.StatusOK, "label_new", p.newLabelPage(w, r, f))
}

func (f *labelForm) fillSender(a shipment.Address) {
	sh := &shipment.Shipment{Service: f.Values["service"], Sender: a, Recipient: shipment.Address{Country: f.Values["country"]}}
	keep := map[string]string{}
	for k, v := range f.Values {
		keep[k] = v
	}
	f.fill(0, sh)
	for k, v := range keep {
		if !strings.HasPrefix(k, "sender_") {
			f.Values[k] = v
		}
	}
}

func (f labelForm) senderAddress() shipment.Address {
	v := f.Values
	return shipment.Address{Name: v["sender_name"], Company: v["sender_company"], Lines: []string{v["sender_line1"], v["sender_line2"], v["sender_line3"]},
		City: v["sender_city"], Country: "HK", Phone: v["sender_phone"], Email: v["sender_email"]}
}

// labelCreate prepares the labels of the form: all or none; "save as draft" keeps incomplete ones.
// The form's other buttons keep what was typed: one more label for the country, or a sender or
// the first recipient taken from the address book.
func (p *Portal) labelCreate(w http.ResponseWriter, r *http.Request) {
	f := readLabelForm(r)
	if more, err := p.formChange(r, &f); more || err != nil {
		if err != nil {
			p.fail(w, r, err)
			return
		}
		p.render(w, r, http.StatusOK, "label_new", p.newLabelPage(w, r, f))
		return
	}
	draft := r.PostForm.Get("action") == "draft"
	list := f.shipments()
	if len(f.Errors) > 0 { // inputs that are not even numbers
		pg := p.newLabelPage(w, r, f)
		pg.msg(&pg.Form)
		p.render(w, r, http.StatusBadRequest, "label_new", pg)
		return
	}
	for _, sh := range list {
		tidyRecipient(p.Catalog, sh)
	}
	if err := p.Shipments.Create(r.Context(), owner(r), list, draft); err != nil {
		pg := p.newLabelPage(w, r, f)
		p.render(w, r, pg.refuse(err), "label_new", pg)
		return
	}
	p.saveToBook(r, f, list)
	notice := "labels_created"
	switch {
	case slices.ContainsFunc(list, func(s *shipment.Shipment) bool { return s.Status == shipment.Incomplete }):
		notice = "draft_saved"
	case len(shipment.LatePosting(p.Catalog, list, p.Now())) > 0:
		notice = "late_posting"
	}
	if len(list) == 1 {
		http.Redirect(w, r, "/labels/"+list[0].ID+"?notice="+notice, http.StatusSeeOther)
		return
	}
	tab := "pending"
	if list[0].Status == shipment.Incomplete {
		tab = "incomplete"
	}
	http.Redirect(w, r, "/labels?tab="+tab+"&notice="+notice, http.StatusSeeOther)
}

// fieldParts name a problem's field for people, by the label form's words: "recipient.city" is
// "Recipient · City".
var fieldParts = map[string]string{
	"sender": "labels.sender", "recipient": "labels.recipient", "contents": "labels.customs", "items": "labels.article",
	"name": "labels.name", "company": "labels.company", "address_lines": "labels.address", "city": "labels.city",
	"state": "labels.state", "postal_code": "labels.postal", "country": "home.to", "phone": "field.phone",
	"email": "field.email", "service": "home.col.service", "weight_g": "labels.weight_g", "reference": "labels.reference",
	"category": "labels.category", "explanation": "labels.explanation", "description": "labels.art.desc",
	"quantity": "labels.art.qty", "value": "labels.art.value", "hs_code": "labels.art.hs", "origin": "labels.art.origin",
	"dimensions_mm": "home.size", "insurance": "home.insure",
}

// fieldName is a problem's field in words: each known part by its form label, an article by
// its number ("items[1]" is the customs declaration's second article).
func fieldName(l i18n.Lang, field string) string {
	var parts []string
	for _, part := range strings.Split(field, ".") {
		name, idx, indexed := strings.Cut(part, "[")
		word := name
		if key, ok := fieldParts[name]; ok && i18n.Has(l, key) {
			word = i18n.T(l, key, nil)
		}
		if indexed {
			if n, err := strconv.Atoi(strings.TrimSuffix(idx, "]")); err == nil {
				word += " " + strconv.Itoa(n+1)
			}
		}
		parts = append(parts, word)
	}
	return strings.Join(parts, " · ")
}

// formChange applies a label form's button that changes the form rather than sending it: "add
// one" adds a label for the country, "check price" prices each label as typed, an address-book
// entry fills the sender or the first recipient. Everything typed stays. It says whether there was such a button.
func (p *Portal) formChange(r *http.Request, f *labelForm) (bool, error) {
	switch {
	case r.PostForm.Get("action") == "add_one":
		more := newLabelForm(f.N + 1)
		more.Values = f.Values
		*f = more
	case r.PostForm.Get("use_sender") != "":
		e, err := p.Addresses.Get(r.Context(), owner(r), r.PostForm.Get("use_sender"))
		if err != nil {
			return true, err
		}
		f.fillSender(e.Address)
	case r.PostForm.Get("action") == "price":
		// What each label would cost as typed, checked as it would be prepared, nothing kept.
		f.Prices = make([]formPrice, f.N)
		for i, sh := range f.shipments() {
			shipment.Check(p.Catalog, sh, p.Now())
			if sh.Total > 0 {
				f.Prices[i] = formPrice{Price: "HK$" + sh.Total.Display(), Sample: sh.Sample}
			}
		}
	case r.PostForm.Get("use_recipient") != "":
		e, err := p.Addresses.Get(r.Context(), owner(r), r.PostForm.Get("use_recipient"))
		if err != nil {
			return true, err
		}
		f.fillRecipient(0, e.Address)
	default:
		return false, nil
	}
	return true, nil
}

// tidyRecipient writes the recipient's postcode and state as the address check would (a UK
// postcode with its space, a Japanese one with its hyphen, a US state in capitals, none in Hong
// Kong); the sender's other words stay as typed, and the label page shows the check's doubts.
func tidyRecipient(cat *catalog.Catalog, sh *shipment.Shipment) {
	if s := addresscheck.Check(cat, sh.Recipient, false).Suggested; s != nil {
		sh.Recipient.PostalCode, sh.Recipient.State = s.PostalCode, s.State
	}
}

// refuse puts the service's messages beside their inputs (the label form's inputs are not named as
// the fields are) and answers the status; field messages without a word for the whole form get the
// form's "check the fields marked".
func (pg *labelNewPage) refuse(err error) int {
	status := pg.Form.failAt(pg.Lang, err, func(field, _ string) string {
		if field == "" {
			return ""
		}
		return pg.Form.inputFor(field)
	})
	if pg.Form.Error == "" {
		pg.Form.Error = i18n.T(pg.Lang, "error.invalid_input", nil)
	}
	if pg.Form.Errors["country"] != "" && pg.Form.Values["country"] == "" { // a list here, not a code to type
		pg.Form.Errors["country"] = i18n.T(pg.Lang, "labels.country.choose", nil)
	}
	return status
}

// saveToBook keeps the addresses the sender ticked. The labels are made already: a book that is
// full, or a database that fails here, is logged, not the sender's problem now.
func (p *Portal) saveToBook(r *http.Request, f labelForm, list []*shipment.Shipment) {
	u := currentUser(r)
	save := func(kind addressbook.Kind, a shipment.Address) {
		if _, err := p.Addresses.Save(r.Context(), owner(r), kind, a); err != nil {
			p.Log.Warn("address not kept", "user", u.ID, "err", err)
		}
	}
	if f.Values["save_sender"] != "" && len(list) > 0 {
		save(addressbook.Sender, list[0].Sender)
	}
	for i, s := range list {
		if f.BlockValue(i, "save") != "" {
			save(addressbook.Recipient, s.Recipient)
		}
	}
}

type labelPage struct {
	labelsPage
	S        *shipment.Shipment
	Plies    []label.PlySize
	Expired  bool
	Problems []string
	Doubts   []string      // what the address check finds doubtful in the recipient's address
	Timeline *timelineView // the tracking history of a posted label
}

func (p *Portal) labelView(w http.ResponseWriter, r *http.Request) {
	s, err := p.Shipments.Get(r.Context(), owner(r), r.PathValue("id"))
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg := &labelPage{labelsPage: labelsPage{page: p.page(w, r, "labels.view.title"), Catalog: p.Catalog}, S: s, Expired: s.ExpiredAt(p.Now())}
	if s.ItemNo != "" {
		pg.Plies = label.Size(s.Service, s.Recipient.Country)
	}
	for _, pr := range s.Problems {
		pg.Problems = append(pg.Problems, fieldName(pg.Lang, pr.Field)+": "+i18n.T(pg.Lang, pr.Key, pr.Args))
	}
	if s.Editable() {
		for _, f := range addresscheck.Check(p.Catalog, s.Recipient, false).Findings {
			if f.Severity == addresscheck.Warning {
				pg.Doubts = append(pg.Doubts, i18n.T(pg.Lang, f.Key, f.Args))
			}
		}
	}
	if pg.Timeline, err = p.labelTimeline(r.Context(), pg.Lang, s.OwnerID, s.ItemNo, s.PostedAt, s.PostedOffice); err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "label", pg)
}

func (p *Portal) labelEdit(w http.ResponseWriter, r *http.Request) {
	s, err := p.Shipments.Get(r.Context(), owner(r), r.PathValue("id"))
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if !s.Editable() {
		key := "shipment.not_editable"
		if s.PrintedAt != nil {
			key = "shipment.printed"
		}
		p.fail(w, r, errs.New(errs.Conflict, key, errs.Args{"status": string(s.Status)}))
		return
	}
	f := newLabelForm(1)
	f.fill(0, s)
	pg := p.newLabelPage(w, r, f)
	pg.EditID = s.ID
	for _, pr := range s.Problems {
		if in := f.inputFor(pr.Field); in != "" {
			pg.Form.Errors[in] = i18n.T(pg.Lang, pr.Key, pr.Args)
		}
	}
	p.render(w, r, http.StatusOK, "label_new", pg)
}

func (p *Portal) labelUpdate(w http.ResponseWriter, r *http.Request) {
	f := readLabelForm(r)
	f.N, f.Blocks = 1, []int{0}
	list := f.shipments()
	draft := r.PostForm.Get("action") == "draft"
	pg := p.newLabelPage(w, r, f)
	pg.EditID = r.PathValue("id")
	if len(f.Errors) > 0 {
		pg.msg(&pg.Form)
		p.render(w, r, http.StatusBadRequest, "label_new", pg)
		return
	}
	s, err := p.Shipments.Update(r.Context(), owner(r), pg.EditID, list[0], draft)
	if err != nil {
		if errs.CodeOf(err) != errs.Invalid {
			p.fail(w, r, err)
			return
		}
		p.render(w, r, pg.refuse(err), "label_new", pg)
		return
	}
	p.saveToBook(r, f, list)
	http.Redirect(w, r, "/labels/"+s.ID+"?notice=label_saved", http.StatusSeeOther)
}

func (p *Portal) labelCopy(w http.ResponseWriter, r *http.Request) {
	s, err := p.Shipments.Copy(r.Context(), owner(r), r.PathValue("id"))
	if err != nil {
		p.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/labels/"+s.ID+"/edit?notice=label_copied", http.StatusSeeOther)
}

// confirmPage asks before something that cannot be undone, saying what it will do.
type confirmPage struct {
	page
	Question, Money, Button, Action, Back string
	Lines                                 []string
	Danger                                bool
}

// labelConfirm asks before cancelling or deleting a label (what: "cancel" or "delete"), saying
// what becomes of its money; the form posts to the same address.
func (p *Portal) labelConfirm(what string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		o := owner(r)
		s, err := p.Shipments.Get(r.Context(), o, r.PathValue("id"))
		if err != nil {
			p.fail(w, r, err)
			return
		}
		name := s.ItemNo
		if name == "" {
			name = s.Reference
		}
		pg := &confirmPage{page: p.page(w, r, "confirm."+what+".title"), Action: "/labels/" + s.ID + "/" + what, Back: "/labels/" + s.ID, Danger: true}
		pg.Question = pg.T("confirm."+what+".question", "label", name)
		pg.Button = pg.T("labels." + what)
		pg.Lines = []string{pg.T("confirm." + what + ".final")}
		if what == "cancel" {
			c, err := p.Payments.CancelPreview(r.Context(), o, s)
			if err != nil {
				p.fail(w, r, err)
				return
			}
			switch {
			case c.Void != nil:
				pg.Money = pg.T("confirm.cancel.void", "amount", c.Amount.Display())
			case c.Refund != nil:
				pg.Money = pg.T("confirm.cancel.refund", "amount", c.Amount.Display())
			default:
				pg.Money = pg.T("confirm.cancel.unpaid")
			}
		}
		p.render(w, r, http.StatusOK, "confirm", pg)
	}
}

func (p *Portal) labelDelete(w http.ResponseWriter, r *http.Request) {
	if err := p.Shipments.Delete(r.Context(), owner(r), r.PathValue("id")); err != nil {
		p.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/labels?notice=label_deleted", http.StatusSeeOther)
}

func (p *Portal) labelCancel(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	c, err := p.Payments.Cancel(r.Context(), owner(r), id, false)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	notice := "label_cancelled"
	if c.Refund != nil {
		notice = "refund_applied"
	}
	http.Redirect(w, r, "/labels/"+id+"?notice="+notice, http.StatusSeeOther)
}

// labelPDF shows one label (?layout=a4 on an A4 sheet). Looking changes nothing: a label never
// printed, or asked for with ?preview=1, is a preview marked PREVIEW.
func (p *Portal) labelPDF(w http.ResponseWriter, r *http.Request) {
	list, err := p.Shipments.Printable(r.Context(), owner(r), []string{r.PathValue("id")})
	if err != nil {
		p.fail(w, r, err)
		return
	}
	preview := r.URL.Query().Get("preview") != "" || shipment.Unprinted(list)
	p.writePDF(w, r, list, r.URL.Query().Get("layout"), preview)
}

// labelPrint prints one label (a POST: the sender can no longer edit it afterwards, LBL-9).
func (p *Portal) labelPrint(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	p.printIDs(w, r, []string{r.PathValue("id")}, r.PostForm.Get("layout"))
}

// labelsPrint prints several labels at once, one per page or on A4 sheets.
func (p *Portal) labelsPrint(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	ids := r.PostForm["id"]
	if len(ids) == 0 {
		http.Redirect(w, r, "/labels?notice=choose_labels", http.StatusSeeOther)
		return
	}
	p.printIDs(w, r, ids, r.PostForm.Get("layout"))
}

func (p *Portal) printIDs(w http.ResponseWriter, r *http.Request, ids []string, layout string) {
	list, err := p.Shipments.Print(r.Context(), owner(r), ids)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.writePDF(w, r, list, layout, false)
}

func (p *Portal) writePDF(w http.ResponseWriter, r *http.Request, list []*shipment.Shipment, layout string, preview bool) {
	pdf, err := shipment.RenderLabels(p.Catalog, list, layout, preview)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	name := "labels"
	if len(list) == 1 && list[0].ItemNo != "" {
		name = list[0].ItemNo
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="`+name+`.pdf"`)
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(pdf)
}

// history is the last six months (HIS-1), every state, with a CSV export. It shows 50 labels a
// page, as the labels list does: 100 took twice as long to write (1.6 ms of template).
func (p *Portal) history(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	pg := &labelsPage{page: p.page(w, r, "history.title"), Query: q.Get("q"), Catalog: p.Catalog}
	f := shipment.Filter{Search: pg.Query, Before: q.Get("cursor"), Limit: 50}
	dateRange(pg, q, &f)
	list, next, err := p.Shipments.List(r.Context(), owner(r), f)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg.Shipments, pg.Next = list, next
	p.render(w, r, http.StatusOK, "history", pg)
}

func (p *Portal) historyCSV(w http.ResponseWriter, r *http.Request) {
	var all []*shipment.Shipment
	cursor := ""
	var pg labelsPage
	f := shipment.Filter{Search: r.URL.Query().Get("q"), Limit: 500}
	dateRange(&pg, r.URL.Query(), &f)
	for {
		f.Before = cursor
		page, next, err := p.Shipments.List(r.Context(), owner(r), f)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		all = append(all, page...)
		if next == "" || len(all) > 100_000 {
			break
		}
		cursor = next
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="ecship-history.csv"`)
	w.Write([]byte("\ufeff")) // spreadsheet tools read UTF-8 Chinese with the BOM
	cw := csv.NewWriter(w)
	cw.Write([]string{"created_at", "item_no", "status", "service", "reference", "recipient_name", "recipient_country", "weight_g", "total_hkd", "expires_at"})
	for _, s := range all {
		exp := ""
		if s.ExpiresAt != nil {
			exp = s.ExpiresAt.In(catalog.HongKong).Format(time.RFC3339)
		}
		cw.Write([]string{s.CreatedAt.In(catalog.HongKong).Format(time.RFC3339), s.ItemNo, string(s.Status), s.Service, csvSafe(s.Reference),
			csvSafe(s.Recipient.Name), s.Recipient.Country, strconv.Itoa(s.WeightG), s.Total.String(), exp})
	}
	cw.Flush()
}

// csvSafe keeps spreadsheet tools from running a cell as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

type addressesPage struct {
	page
	Senders, Recipients []addressbook.Entry
	Catalog             *catalog.Catalog
}

func (p *Portal) addresses(w http.ResponseWriter, r *http.Request) {
	pg := &addressesPage{page: p.page(w, r, "addresses.title"), Catalog: p.Catalog}
	var err error
	if pg.Senders, err = p.Addresses.List(r.Context(), owner(r), addressbook.Sender); err == nil {
		pg.Recipients, err = p.Addresses.List(r.Context(), owner(r), addressbook.Recipient)
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "addresses", pg)
}

func (p *Portal) deleteAddress(w http.ResponseWriter, r *http.Request) {
	if err := p.Addresses.Delete(r.Context(), owner(r), r.PathValue("id")); err != nil {
		p.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/addresses?notice=address_deleted", http.StatusSeeOther)
}
