package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ecship/ecship/internal/account"
	"github.com/ecship/ecship/internal/catalog"
	"github.com/ecship/ecship/internal/counter"
	"github.com/ecship/ecship/internal/errs"
	"github.com/ecship/ecship/internal/i18n"
	"github.com/ecship/ecship/internal/label"
	"github.com/ecship/ecship/internal/money"
	"github.com/ecship/ecship/internal/shipment"
)

// The counter pages are for post office counter staff (rule CTR-1..6): a session is one
// customer's visit. They are built for a keyboard-wedge barcode scanner: the item number field
// has the focus, and the scanner's Enter sends it; the label's data comes up with the focus on
// the scale's weight, whose Enter accepts the item. The portal works on live sessions only.

// counterBase is what both counter pages share: names in the page's language.
type counterBase struct {
	page
	Catalog *catalog.Catalog
}

// OfficeName is an office's name in the page's language.
func (pg *counterBase) OfficeName(code string) string {
	if o, ok := pg.Catalog.Office(code); ok {
		return o.Names.In(pg.Lang)
	}
	return code
}

type officeChoice struct {
	Code, Name string
}

type counterPage struct {
	counterBase
	Offices []officeChoice // the offices that accept EC-Ship items (CTR-1)
	Sample  bool           // the office list is a sample
	Current *counter.Session
	Recent  []*counter.Session
	AllOpen []*counter.Session // for admins: every open session, at every office
	Form    form
}

// counterHome offers the staff's open session, a form to open one, and their recent sessions.
func (p *Portal) counterHome(w http.ResponseWriter, r *http.Request) {
	p.renderCounterHome(w, r, http.StatusOK, form{Values: map[string]string{}, Errors: map[string]string{}})
}

func (p *Portal) renderCounterHome(w http.ResponseWriter, r *http.Request, status int, f form) {
	list, err := p.Counter.Recent(r.Context(), clerk(r), 30)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pg := &counterPage{counterBase: counterBase{page: p.page(w, r, "counter.title"), Catalog: p.Catalog}, Sample: p.Catalog.OfficesSample(), Form: f}
	pg.Recent = list
	for _, s := range list {
		if s.Status == counter.Open && pg.Current == nil {
			pg.Current = s
		}
	}
	if _, typed := f.Values["office"]; !typed && len(pg.Recent) > 0 {
		f.Values["office"] = pg.Recent[0].Office // most staff work at one office: offer the last one
	}
	if account.Allows(currentUser(r), account.AdminOnly) {
		if pg.AllOpen, err = p.Counter.OpenSessions(r.Context(), clerk(r)); err != nil {
			p.fail(w, r, err)
			return
		}
	}
	for _, o := range p.Catalog.Offices() {
		if o.AcceptsECShip() {
			pg.Offices = append(pg.Offices, officeChoice{Code: o.Code, Name: o.Names.In(pg.Lang)})
		}
	}
	p.render(w, r, status, "counter", pg)
}

// counterOpen opens a session at an office and goes to it.
func (p *Portal) counterOpen(w http.ResponseWriter, r *http.Request) {
	f := readForm(r, "office", "speedpost_card")
	sess, err := p.Counter.Open(r.Context(), clerk(r), f.V("office"), f.V("speedpost_card"))
	if err != nil {
		status := f.fail(Lang(r), err)
		p.renderCounterHome(w, r, status, f)
		return
	}
	http.Redirect(w, r, sessionURL(sess.ID)+"?done=opened", http.StatusSeeOther)
}

func sessionURL(id string) string { return "/counter/sessions/" + url.PathEscape(id) }

type counterSessionPage struct {
	counterBase
	S     *counter.Session
	Scan  form               // the item number and, once its label is found, the weighing
	Label *shipment.Shipment // the label scanned, when it can be accepted
	Paid  money.Cents        // what was paid online for it
	Pay   form
	Due   money.Cents
	Error string // a refused row action (remove, close)
	// Focus is the field the scanner types into: the item number, or the weight once a label is found.
	// A refused item number is not typed back (its message names it): the next scan starts afresh.
	Focus   string
	Methods []string
}

// Open reports whether the session still takes items.
func (pg *counterSessionPage) Open() bool { return pg.S.Status == counter.Open }

// Totals are the session's items added up.
func (pg *counterSessionPage) Totals() map[string]any {
	postage, paid, refundable, points := pg.S.Totals()
	return map[string]any{"Postage": postage, "Paid": paid, "Refundable": refundable, "Points": points}
}

// MethodName is a counter payment method in the page's language.
func (pg *counterSessionPage) MethodName(m string) string {
	if i18n.Has(i18n.English, "counter.method."+m) {
		return pg.T("counter.method." + m)
	}
	return m
}

// clerk is the signed-in member of staff at a live counter: the portal works live sessions only
// (test sessions are the API's).
func clerk(r *http.Request) counter.Clerk {
	return counter.Clerk{User: currentUser(r), Mode: account.Live}
}

func newForm() form { return form{Values: map[string]string{}, Errors: map[string]string{}} }

// counterSessionOf reads the request's session for the page: another clerk's, a test one (the
// API's) or none at all is the portal's page for what is not there.
func (p *Portal) counterSessionOf(w http.ResponseWriter, r *http.Request) (*counter.Session, bool) {
	sess, err := p.Counter.Get(r.Context(), clerk(r), r.PathValue("id"))
	switch {
	case errs.CodeOf(err) == errs.NotFound:
		p.notFound(w, r)
		return nil, false
	case err != nil:
		p.fail(w, r, err)
		return nil, false
	}
	return sess, true
}

func (p *Portal) notFound(w http.ResponseWriter, r *http.Request) {
	pg := p.page(w, r, "notfound.title")
	p.render(w, r, http.StatusNotFound, "notfound", &pg)
}

// counterSession shows a session; with ?item= it looks the label up without changing anything.
func (p *Portal) counterSession(w http.ResponseWriter, r *http.Request) {
	sess, ok := p.counterSessionOf(w, r)
	if !ok {
		return
	}
	scan := newForm()
	q := r.URL.Query()
	if item := strings.TrimSpace(q.Get("item")); item != "" && sess.Status == counter.Open {
		scan.Values["item_no"] = item
	}
	p.renderCounterSession(w, r, http.StatusOK, sess, func(pg *counterSessionPage) {
		pg.Scan = scan
		switch {
		case q.Get("scanned") != "":
			if it := itemByNo(sess, q.Get("scanned")); it != nil {
				pg.Notice, pg.NoticeWarn = scannedNotice(pg.Lang, it), it.Status == counter.AwaitingPayment
			}
		case q.Get("done") != "" && i18n.Has(i18n.English, "counter.notice."+q.Get("done")):
			pg.Notice = pg.T("counter.notice." + q.Get("done"))
		}
	})
}

// scannedNotice says what became of a scanned item: posted, posted with an overpayment to refund
// (CTR-4), or waiting for more postage (CTR-3).
func scannedNotice(l i18n.Lang, it *counter.Item) string {
	switch {
	case it.Status == counter.AwaitingPayment:
		return i18n.T(l, "counter.notice.due", map[string]any{"item": it.ItemNo, "due": it.Due().Display()})
	case it.Refundable > 0:
		return i18n.T(l, "counter.notice.refundable", map[string]any{"item": it.ItemNo, "refundable": it.Refundable.Display()})
	}
	return i18n.T(l, "counter.notice.posted", map[string]any{"item": it.ItemNo})
}

func itemByNo(sess *counter.Session, itemNo string) *counter.Item {
	itemNo = strings.ToUpper(strings.ReplaceAll(itemNo, " ", ""))
	for _, it := range sess.Items {
		if it.ItemNo == itemNo {
			return it
		}
	}
	return nil
}

// renderCounterSession draws the session page; edit fills in the forms as sent. When the scan form
// names an item, its label is looked up: shown with the weighing form, or refused at the field.
func (p *Portal) renderCounterSession(w http.ResponseWriter, r *http.Request, status int, sess *counter.Session, edit func(*counterSessionPage)) {
	pg := &counterSessionPage{counterBase: counterBase{page: p.page(w, r, "counter.session"), Catalog: p.Catalog}, S: sess,
		Scan: newForm(), Pay: newForm(), Due: sess.Due(), Methods: counter.Methods}
	if edit != nil {
		edit(pg)
	}
	if pg.Open() {
		if item := pg.Scan.V("item_no"); item != "" && pg.Scan.E("item_no") == "" {
			sh, pay, err := p.Counter.Look(r.Context(), clerk(r), sess.ID, item)
			switch {
			case err == nil:
				pg.Label, pg.Paid = sh, pay.PaidFor(sh.ID)
			case errs.CodeOf(err) == errs.Internal || errs.CodeOf(err) == errs.Unavailable:
				p.fail(w, r, err)
				return
			default:
				pg.Scan.failAt(pg.Lang, err, scanPlace)
				if status < 400 {
					status = errs.CodeOf(err).HTTPStatus()
				}
			}
		}
		pg.Focus = "item_no"
		if pg.Label != nil && pg.Scan.E("item_no") == "" {
			pg.Focus = "weight_g"
		}
		if pg.Pay.V("key") == "" {
			pg.Pay.Values["key"] = newFormKey()
		}
		if pg.Pay.V("method") == "" {
			pg.Pay.Values["method"] = counter.Methods[0]
		}
		if _, typed := pg.Pay.Values["amount"]; !typed && pg.Due > 0 {
			pg.Pay.Values["amount"] = pg.Due.String()
		}
	}
	p.render(w, r, status, "counter_session", pg)
}

// scanPlace puts a refusal of the scan or weighing beside its input: the item number's reasons
// (unknown, cancelled, expired, posted...) at the item number, the weight's at the weight; any other
// at the top of the form.
func scanPlace(field, key string) string {
	switch {
	case field == "item_no", field == "weight_g", field == "insurance":
		return field
	case field == "" && (strings.HasPrefix(key, "counter.item.") || strings.HasPrefix(key, "s10.")):
		return "item_no"
	}
	return ""
}

// counterScan accepts an item at the scale's weight (CTR-2): posted at once, or waiting for the
// difference (CTR-3); an overpayment becomes refundable (CTR-4).
func (p *Portal) counterScan(w http.ResponseWriter, r *http.Request) {
	sess, ok := p.counterSessionOf(w, r)
	if !ok {
		return
	}
	f := readForm(r, "item_no", "weight_g", "insurance")
	in := counter.ScanInput{ItemNo: f.V("item_no")}
	in.WeightG, _ = strconv.Atoi(strings.TrimSpace(f.V("weight_g")))
	var err error
	if v := strings.TrimSpace(f.V("insurance")); v != "" {
		if c, perr := money.Parse(v); perr != nil || c < 0 {
			err = errs.Field("insurance", "quote.insurance.syntax", nil)
		} else {
			in.Insurance = &c
		}
	}
	var it *counter.Item
	if err == nil {
		it, err = p.Counter.Scan(r.Context(), clerk(r), sess.ID, in)
	}
	if err != nil {
		p.counterRefused(w, r, sess, err, func(pg *counterSessionPage) {
			pg.Scan = f
			pg.Scan.failAt(pg.Lang, err, scanPlace)
		})
		return
	}
	http.Redirect(w, r, sessionURL(sess.ID)+"?scanned="+url.QueryEscape(it.ItemNo), http.StatusSeeOther)
}

// counterRemove takes back an item still waiting for payment.
func (p *Portal) counterRemove(w http.ResponseWriter, r *http.Request) {
	sess, ok := p.counterSessionOf(w, r)
	if !ok {
		return
	}
	if _, err := p.Counter.Remove(r.Context(), clerk(r), sess.ID, r.PathValue("itemNo")); err != nil {
		p.counterActionFail(w, r, sess, err)
		return
	}
	http.Redirect(w, r, sessionURL(sess.ID)+"?done=removed", http.StatusSeeOther)
}

// counterPay takes a make-up payment by a counter method (CTR-3); the form's key makes a double
// submission one payment.
func (p *Portal) counterPay(w http.ResponseWriter, r *http.Request) {
	sess, ok := p.counterSessionOf(w, r)
	if !ok {
		return
	}
	f := readForm(r, "method", "amount", "key")
	amount, err := money.Parse(strings.TrimSpace(f.V("amount")))
	if err != nil {
		err = errs.Field("amount", "counter.amount.positive", nil)
	} else {
		_, err = p.Counter.Pay(r.Context(), clerk(r), sess.ID, f.V("method"), amount, f.V("key"))
	}
	if err != nil {
		p.counterRefused(w, r, sess, err, func(pg *counterSessionPage) {
			pg.Pay = f
			pg.Pay.fail(pg.Lang, err)
			pg.Pay.Values["key"] = "" // a refusal took nothing: the next try is a new payment
		})
		return
	}
	http.Redirect(w, r, sessionURL(sess.ID)+"?done=paid", http.StatusSeeOther)
}

// counterClose ends the visit; the page then offers the consolidated receipt (CTR-5).
func (p *Portal) counterClose(w http.ResponseWriter, r *http.Request) {
	sess, ok := p.counterSessionOf(w, r)
	if !ok {
		return
	}
	if _, err := p.Counter.Close(r.Context(), clerk(r), sess.ID); err != nil {
		p.counterActionFail(w, r, sess, err)
		return
	}
	http.Redirect(w, r, sessionURL(sess.ID)+"?done=closed", http.StatusSeeOther)
}

// counterActionFail shows the session again with why a button's action was refused.
func (p *Portal) counterActionFail(w http.ResponseWriter, r *http.Request, sess *counter.Session, err error) {
	_, msg := refusal(Lang(r), err)
	p.counterRefused(w, r, sess, err, func(pg *counterSessionPage) { pg.Error = msg })
}

// counterRefused shows the session as it now is with a refusal put on the page by edit; a
// failure of the system itself is the error page.
func (p *Portal) counterRefused(w http.ResponseWriter, r *http.Request, sess *counter.Session, err error, edit func(*counterSessionPage)) {
	if c := errs.CodeOf(err); c == errs.Internal || c == errs.Unavailable {
		p.fail(w, r, err)
		return
	}
	if fresh, gerr := p.Counter.Get(r.Context(), clerk(r), sess.ID); gerr == nil {
		sess = fresh
	}
	p.renderCounterSession(w, r, errs.CodeOf(err).HTTPStatus(), sess, edit)
}

// counterReceipt is a closed session's consolidated posting receipt (CTR-5).
func (p *Portal) counterReceipt(w http.ResponseWriter, r *http.Request) {
	sess, ok := p.counterSessionOf(w, r)
	if !ok {
		return
	}
	if sess.Status != counter.Closed {
		p.notFound(w, r)
		return
	}
	var buf bytes.Buffer
	if err := label.RenderReceipt(&buf, counter.ReceiptOf(p.Catalog, sess, Lang(r))); err != nil {
		p.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="receipt-`+sess.ReceiptNo+`.pdf"`)
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(buf.Bytes())
}
